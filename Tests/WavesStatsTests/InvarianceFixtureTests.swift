import Foundation
import XCTest
@testable import WavesStats

/// The invariance ladders against lavaan 0.6-14: fits, lavTestLRT, lavTestScore
/// (Fixtures/cfa-hs-school, cfa-longitudinal, cfa-longitudinal-fiml).
final class InvarianceFixtureTests: XCTestCase {
    func check(_ name: String, _ design: InvarianceDesign, _ data: FactorData,
               observed: @escaping (Int) -> String, factor: @escaping (Int) -> String) throws -> InvarianceResult {
        let e = try CFAFixture.expected(name)
        let result = try InvarianceLadder.fit(design, data: data)
        let models = try XCTUnwrap(e["models"] as? [String: Any])
        XCTAssertEqual(result.levels.map(\.level), InvarianceLevel.allCases)
        for level in result.levels {
            let fit = try XCTUnwrap(level.fit, "\(name) \(level.level): \(level.error ?? "")")
            try CFAFixture.compare(fit, try XCTUnwrap(models[level.level.rawValue] as? [String: Any]),
                                   observed: observed, factor: factor, label: "\(name) \(level.level.rawValue)")
        }
        // lavTestLRT and the changes in CFI and RMSEA.
        let comps = try XCTUnwrap(e["comparisons"] as? [[String: Any]])
        XCTAssertEqual(result.comparisons.count, 3)
        for (c, want) in zip(result.comparisons, comps) {
            XCTAssertEqual(c.from.rawValue, want["from"] as? String)
            XCTAssertEqual(c.to.rawValue, want["to"] as? String)
            let d = try XCTUnwrap((want["delta_chisq"] as? NSNumber)?.doubleValue)
            XCTAssertEqual(c.lrt.deltaChisq, d, accuracy: 1e-4 * max(1, d), "\(name) \(c.to) delta chisq")
            XCTAssertEqual(c.lrt.deltaDf, want["delta_df"] as? Int)
            XCTAssertEqual(try XCTUnwrap(c.lrt.p), try XCTUnwrap((want["p"] as? NSNumber)?.doubleValue), accuracy: 1e-4)
            XCTAssertEqual(try XCTUnwrap(c.deltaCFI), try XCTUnwrap((want["delta_cfi"] as? NSNumber)?.doubleValue), accuracy: 1e-4)
            XCTAssertEqual(c.deltaRMSEA, try XCTUnwrap((want["delta_rmsea"] as? NSNumber)?.doubleValue), accuracy: 1e-4)
        }
        // lavTestScore on the scalar model, constraint by constraint.
        let scalar = try XCTUnwrap(result.levels[2].fit)
        let scalarRows = try XCTUnwrap((models["scalar"] as? [String: Any])?["parameters"] as? [[String: Any]])
        let idx = try CFAFixture.match(scalar.model, scalarRows, observed: observed, factor: factor)
        var byLabel: [String: Int] = [:]
        for (row, i) in zip(scalarRows, idx) { byLabel[row["plabel"] as! String] = i }
        let tests = try scalar.scoreTests()
        let want = try XCTUnwrap(e["scalar_score"] as? [[String: Any]])
        XCTAssertEqual(tests.count, want.count)
        for w in want {
            let first = try XCTUnwrap(byLabel[w["lhs"] as! String]), other = try XCTUnwrap(byLabel[w["rhs"] as! String])
            let t = try XCTUnwrap(tests.first { $0.first == first && $0.other == other }, "\(name): no test of \(w["lhs"]!) == \(w["rhs"]!)")
            let x2 = try XCTUnwrap((w["x2"] as? NSNumber)?.doubleValue)
            XCTAssertEqual(t.chisq, x2, accuracy: 1e-4 * max(1, x2), "\(name) score \(scalar.model.describe(other))")
            XCTAssertEqual(t.p, try XCTUnwrap((w["p"] as? NSNumber)?.doubleValue), accuracy: 1e-4)
        }
        XCTAssertEqual(result.scoreTests.map(\.chisq), result.scoreTests.map(\.chisq).sorted(by: >))
        return result
    }

    func testHolzingerSwinefordAcrossSchools() throws {
        let items = (1...9).map { "x\($0)" }
        let schools = ["Pasteur", "Grant-White"]
        let factors: [(name: String, items: [Int])] = [("visual", [0, 1, 2]), ("textual", [3, 4, 5]), ("speed", [6, 7, 8])]
        let design = InvarianceDesign(across: .groups, items: items, occasions: schools, factors: factors)
        let data = try FactorData(groups: try CFAFixture.matrices("cfa-hs-school", columns: items, groupBy: "school", order: schools))
        let r = try check("cfa-hs-school", design, data, observed: { items[$0] }, factor: { factors[$0].name })
        // lavTestScore's largest: x3's intercept differs between the schools.
        XCTAssertEqual(r.scoreTests.first?.name, "intercept x3 Pasteur=Grant-White")
        XCTAssertEqual(r.latentMeans.map(\.occasion), ["Grant-White visual", "Grant-White textual", "Grant-White speed"])
    }

    func longitudinal(_ name: String, missing: FactorData.Missing) throws -> InvarianceResult {
        let e = try CFAFixture.expected(name)
        let items = try XCTUnwrap(e["items"] as? [String]), waves = try XCTUnwrap(e["waves"] as? [String])
        var columns: [String] = []
        for w in waves { for i in items { columns.append("\(i)_\(w)") } }
        let design = InvarianceDesign(across: .waves, items: items, occasions: waves)
        let data = try FactorData(groups: try CFAFixture.matrices(name, columns: columns), missing: missing)
        return try check(name, design, data, observed: { columns[$0] }, factor: { "f\($0 + 1)" })
    }

    func testLongitudinalLadder() throws {
        let r = try longitudinal("cfa-longitudinal", missing: .listwise)
        // The simulated non-invariant intercept (i3 at w3) tops the score tests.
        XCTAssertEqual(r.scoreTests.first?.name, "intercept i3 w1=w3")
        XCTAssertEqual(r.latentMeans.map(\.occasion), ["w2", "w3"])
    }

    func testLongitudinalLadderFIML() throws {
        let r = try longitudinal("cfa-longitudinal-fiml", missing: .fiml)
        XCTAssertEqual(r.scoreTests.first?.name, "intercept i3 w1=w3")
        XCTAssertTrue(r.levels.allSatisfy { $0.fit?.information == "observed" })
    }
}
