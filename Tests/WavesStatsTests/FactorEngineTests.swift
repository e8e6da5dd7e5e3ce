import Foundation
import XCTest
@testable import WavesStats

/// The factor engine's pieces and its refusals: gradient against finite differences,
/// the noncentral chi-square against R, and every edge case answered with a sentence.
final class FactorEngineTests: XCTestCase {
    /// A seeded normal sample: one factor, k items, loadings .5-.9.
    func sample(n: Int, k: Int, seed: UInt64 = 7) -> Matrix {
        let rng = RandomSource(seed: seed)
        func normal() -> Double { rng.normal() }
        var rows: [[Double]] = []
        for _ in 0..<n {
            let f = normal()
            var row: [Double] = []
            for j in 0..<k {
                let loading: Double = 0.5 + 0.4 * Double(j) / Double(max(k - 1, 1))
                row.append(3 + loading * f + 0.7 * normal())
            }
            rows.append(row)
        }
        return Matrix(rows)
    }

    func oneFactor(_ k: Int) -> FactorModel {
        .correlatedFactors(observed: (1...k).map { "q\($0)" }, factors: [("f", Array(0..<k))])
    }

    func message(_ body: () throws -> Void) -> String {
        do { try body(); return "" } catch { return (error as? LocalizedError)?.errorDescription ?? "\(error)" }
    }

    func testAnalyticGradientMatchesFiniteDifferences() throws {
        // Longitudinal scalar model with missing answers: every block, labels and FIML.
        var m = sample(n: 120, k: 6, seed: 11)
        for r in stride(from: 0, to: 120, by: 7) { m[r, (r / 7) % 6] = .nan }
        let model = FactorModel.longitudinal(items: ["a", "b", "c"], waves: ["w1", "w2"], level: .scalar)
        let data = try FactorData(groups: [m], missing: .fiml)
        let layout = FactorLayout(model)
        let objective = FactorObjective(layout: layout, data: data)
        let theta = FactorStarts.reduced(layout, data).map { $0 * 1.05 + 0.01 }
        let analytic = layout.reduce(try XCTUnwrap(objective.evaluate(theta)).gradient)
        for j in 0..<theta.count {
            var up = theta, down = theta
            let h = 1e-6 * max(1, abs(theta[j]))
            up[j] += h; down[j] -= h
            let numeric = (try XCTUnwrap(objective.evaluate(up, gradient: false)).value
                           - (try XCTUnwrap(objective.evaluate(down, gradient: false)).value)) / (2 * h)
            XCTAssertEqual(analytic[j], numeric, accuracy: 1e-4 * max(1, abs(numeric)), "parameter \(j)")
        }
    }

    func testNoncentralChiSquareMatchesR() throws {
        let data = try Data(contentsOf: CFAFixture.folder("cfa-noncentral").appendingPathComponent("expected.json"))
        let rows = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [[String: Double]])
        XCTAssertEqual(rows.count, 120)
        for r in rows {
            let got = Noncentral.chiSquareLower(r["x"]!, df: r["df"]!, ncp: r["ncp"]!)
            XCTAssertEqual(got, r["p"]!, accuracy: 1e-10, "pchisq(\(r["x"]!), \(r["df"]!), \(r["ncp"]!))")
        }
    }

    func testJustIdentifiedModelAsLavaan() throws {
        let items = ["s1", "s2", "s3"]
        let data = try FactorData(groups: try CFAFixture.matrices("cfa-small", columns: items))
        let fit = try ConfirmatoryFactorAnalysis.fit(.correlatedFactors(observed: items, factors: [("f", [0, 1, 2])]), to: data)
        let e = try XCTUnwrap(CFAFixture.expected("cfa-small")["just"] as? [String: Any])
        try CFAFixture.compare(fit, e, observed: { items[$0] }, factor: { _ in "f" }, label: "just-identified")
        XCTAssertNil(fit.measures.p)
        XCTAssertEqual(fit.measures.cfi, 1)
        XCTAssertEqual(fit.measures.tli, 1)
        XCTAssertEqual(fit.measures.rmsea, 0)
    }

    func testTwoItemFactorIsNotIdentified() {
        let m = sample(n: 100, k: 2)
        let text = message { _ = try ConfirmatoryFactorAnalysis.fit(oneFactor(2), to: try FactorData(groups: [m])) }
        XCTAssertTrue(text.contains("not identified") && text.contains("at least three"), text)
    }

    func testFewerParticipantsThanParametersIsFittedWithAWarning() throws {
        // As lavaan: the fit needs only more participants than variables; the note says why to distrust it.
        let m = sample(n: 9, k: 5, seed: 3)    // 10 free parameters
        let fit = try ConfirmatoryFactorAnalysis.fit(oneFactor(5), to: try FactorData(groups: [m]))
        XCTAssertTrue(fit.sampleSizeNote?.contains("9 participants for 10 free parameters") ?? false, "\(fit.sampleSizeNote ?? "")")
    }

    func testFewerParticipantsThanItems() {
        let m = sample(n: 4, k: 6)
        let text = message { _ = try ConfirmatoryFactorAnalysis.fit(oneFactor(6), to: try FactorData(groups: [m])) }
        XCTAssertTrue(text.contains("4 participants") && text.contains("singular"), text)
    }

    func testZeroVarianceItem() {
        var m = sample(n: 80, k: 4)
        for r in 0..<80 { m[r, 2] = 4 }
        let text = message { _ = try ConfirmatoryFactorAnalysis.fit(oneFactor(4), to: try FactorData(groups: [m])) }
        XCTAssertTrue(text.contains("q3 has no variance"), text)
    }

    func testNonPositiveDefiniteSampleMatrix() {
        var m = sample(n: 80, k: 4)
        for r in 0..<80 { m[r, 3] = 2 * m[r, 1] - 1 }
        let text = message { _ = try ConfirmatoryFactorAnalysis.fit(oneFactor(4), to: try FactorData(groups: [m])) }
        XCTAssertTrue(text.contains("not positive definite") && text.contains("q2 and q4"), text)
    }

    func testEmpiricallyUnidentifiedModelNamesParameters() {
        // No scale for the factor: every loading and the variance free.
        var model = oneFactor(4)
        model.parameters[0].free = true
        let m = sample(n: 200, k: 4)
        let text = message { _ = try ConfirmatoryFactorAnalysis.fit(model, to: try FactorData(groups: [m])) }
        XCTAssertTrue(text.contains("not identified") && text.contains("f =~"), text)
    }

    func testNonConvergenceIsReported() throws {
        let fit = try ConfirmatoryFactorAnalysis.fit(oneFactor(5), to: try FactorData(groups: [sample(n: 200, k: 5)]), maxIterations: 1)
        XCTAssertFalse(fit.converged)
        XCTAssertTrue(fit.notes.first?.contains("did not converge") ?? false, "\(fit.notes)")
    }

    func testFIMLNeedsAMeanStructure() {
        let text = message { _ = try ConfirmatoryFactorAnalysis.fit(oneFactor(4), to: try FactorData(groups: [sample(n: 50, k: 4)], missing: .fiml)) }
        XCTAssertTrue(text.contains("mean structure"), text)
    }

    func testScoreTestsNeedConstraints() throws {
        let fit = try ConfirmatoryFactorAnalysis.fit(oneFactor(4), to: try FactorData(groups: [sample(n: 200, k: 4)]))
        XCTAssertEqual(try fit.scoreTests(), [])
    }

    func testModelValidation() {
        var model = oneFactor(3)
        model.parameters.append(model.parameters[1])
        XCTAssertTrue(message { _ = try ConfirmatoryFactorAnalysis.fit(model, to: try FactorData(groups: [sample(n: 50, k: 3)])) }.contains("listed twice"))
        var outside = oneFactor(3)
        outside.parameters[1].row = 9
        XCTAssertTrue(message { _ = try ConfirmatoryFactorAnalysis.fit(outside, to: try FactorData(groups: [sample(n: 50, k: 3)])) }.contains("outside"))
    }

    /// Every answer missing (listwise and FIML), and an item nobody answered: sentences.
    func testAllMissingAnswersGiveASentence() {
        let empty = Matrix((0..<30).map { _ in [Double](repeating: .nan, count: 4) })
        for missing in [FactorData.Missing.listwise, .fiml] {
            var model = oneFactor(4)
            if missing == .fiml { model = FactorModel.longitudinal(items: ["q1", "q2", "q3", "q4"], waves: ["w"], level: .configural) }
            let text = message { _ = try ConfirmatoryFactorAnalysis.fit(model, to: try FactorData(groups: [empty], missing: missing)) }
            XCTAssertTrue(text.contains("participant") || text.contains("answer"), "\(missing): \(text)")
        }
        var m = sample(n: 60, k: 4)
        for r in 0..<60 { m[r, 1] = .nan }
        let model = FactorModel.longitudinal(items: ["q1", "q2", "q3", "q4"], waves: ["w"], level: .configural)
        let text = message { _ = try ConfirmatoryFactorAnalysis.fit(model, to: try FactorData(groups: [m], missing: .fiml)) }
        XCTAssertTrue(text.contains("0 answers"), text)
    }

    /// The ladder on degenerate data (a constant item, perfectly collinear items, fewer
    /// participants than items) answers with a sentence naming the problem, never a crash:
    /// either thrown before any level is fitted or as every level's error.
    func testInvarianceLadderOnDegenerateDataAnswersInSentences() throws {
        let design = InvarianceDesign(across: .waves, items: ["a", "b", "c"], occasions: ["w1", "w2"])
        var constant = sample(n: 80, k: 6), collinear = sample(n: 80, k: 6)
        for r in 0..<80 { constant[r, 4] = 3; collinear[r, 5] = 2 * collinear[r, 2] + 1 }
        let cases: [(String, Matrix, String)] = [("constant", constant, "no variance"),
                                                 ("collinear", collinear, "not positive definite"),
                                                 ("n < p", sample(n: 4, k: 6), "participants")]
        for (label, m, phrase) in cases {
            var text = ""
            do {
                let r = try InvarianceLadder.fit(design, data: try FactorData(groups: [m]))
                XCTAssertTrue(r.levels.allSatisfy { $0.fit == nil }, label)
                text = r.levels.compactMap(\.error).joined(separator: " | ")
            } catch {
                text = (error as? LocalizedError)?.errorDescription ?? ""
            }
            XCTAssertTrue(text.contains(phrase), "\(label): \(text)")
        }
    }
}
