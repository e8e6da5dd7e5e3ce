import Foundation
import XCTest
@testable import WavesStats

/// Kenward-Roger tests and estimated marginal means against R (Fixtures/kr-*/script.R):
/// lmerTest 3.1 `summary(fit, ddf = "Kenward-Roger")`, pbkrtest 0.5 `vcovAdj`, emmeans 1.8.4
/// with `lmer.df = "kenward-roger"` and `"satterthwaite"`.
///
/// Tolerances: estimates and emmeans 1e-6 relative (floor: the standard error), standard
/// errors and the adjusted covariance 1e-4 relative (the REML optimum agrees with lme4's to
/// about 1e-5), Kenward-Roger and Satterthwaite df 1e-2 relative, interval ends 1e-4 relative.
final class KenwardRogerTests: XCTestCase {
    struct Fixture {
        let name: String
        let y: [Double], subject: [Int], slope: [Double]?
        let x: Matrix
        let terms: [String]
        let json: [String: Any]

        init(_ name: String) throws {
            self.name = name
            let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
                .appendingPathComponent("Fixtures").appendingPathComponent(name)
            json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("expected.json"))) as? [String: Any])
            let lines = try String(contentsOf: dir.appendingPathComponent("data.csv"), encoding: .utf8)
                .split(whereSeparator: \.isNewline).dropFirst()
            var y: [Double] = [], subject: [Int] = [], slope: [Double] = [], xv: [Double] = []
            for line in lines {
                let f = line.split(separator: ",").map { Double($0)! }
                subject.append(Int(f[0])); y.append(f[1]); slope.append(f[2]); xv.append(contentsOf: f[3...])
            }
            terms = json["terms"] as! [String]
            self.y = y; self.subject = subject
            self.slope = (json["slope"] as! Bool) ? slope : nil
            x = Matrix(rows: y.count, cols: terms.count, values: xv)
        }

        func fit(_ method: MixedModel.DFMethod) throws -> MixedModelResult {
            try MixedModel.fit(y: y, subject: subject, fixed: x, terms: terms, randomSlope: slope, degreesOfFreedom: method)
        }
    }

    func rel(_ got: Double?, _ want: Double, _ tol: Double, floor: Double = 1e-12, _ what: String,
             file: StaticString = #filePath, line: UInt = #line) {
        guard let got else { return XCTFail("\(what): nil, expected \(want)", file: file, line: line) }
        XCTAssertEqual(got, want, accuracy: tol * max(abs(want), floor), what, file: file, line: line)
    }

    func check(_ name: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let fx = try Fixture(name)
        let kr = try fx.fit(.kenwardRoger)
        XCTAssertEqual(kr.dfMethod, .kenwardRoger)
        XCTAssertEqual(kr.singular, fx.json["singular"] as! Bool, "\(name) singular", file: file, line: line)
        let fixed = fx.json["fixed_kr"] as! [[String: Any]]
        XCTAssertEqual(kr.fixed.count, fixed.count, file: file, line: line)
        for (got, want) in zip(kr.fixed, fixed) {
            let w = "\(name) \(want["term"]!)"
            let se = want["se"] as! Double
            rel(got.estimate, want["estimate"] as! Double, 1e-6, floor: se, "\(w) estimate", file: file, line: line)
            rel(got.se, se, 1e-4, "\(w) KR se", file: file, line: line)
            rel(got.df, want["df"] as! Double, 1e-2, "\(w) KR df", file: file, line: line)
            rel(got.p, want["p"] as! Double, 1e-2, floor: 1e-300, "\(w) KR p", file: file, line: line)
        }
        let adjusted = try XCTUnwrap(kr.adjustedVcov, name, file: file, line: line)
        let wantAdj = fx.json["vcov_adj"] as! [Double]
        let scale = wantAdj.map(abs).max()!
        for (g, w) in zip(adjusted.values, wantAdj) {
            XCTAssertEqual(g, w, accuracy: 1e-4 * scale, "\(name) vcovAdj", file: file, line: line)
        }
        let sat = try fx.fit(.satterthwaite)
        for (fit, key) in [(kr, "emmeans_kr"), (sat, "emmeans_satterthwaite")] {
            let rows = fx.json[key] as! [[String: Any]]
            XCTAssertFalse(rows.isEmpty)
            for row in rows {
                let w = "\(name) \(key) \(row["wave"] ?? row["time"] ?? "") \(row["role"] ?? "")"
                let c = try fit.contrast(row["L"] as! [Double])
                let se = row["se"] as! Double
                rel(c.estimate, row["emmean"] as! Double, 1e-6, floor: se, "\(w) emmean", file: file, line: line)
                rel(c.se, se, 1e-4, "\(w) se", file: file, line: line)
                rel(c.df, row["df"] as! Double, 1e-2, "\(w) df", file: file, line: line)
                let ci = try XCTUnwrap(c.interval(), w, file: file, line: line)
                let want = row["ci"] as! [Double]
                rel(ci.lower, want[0], 1e-4, floor: se, "\(w) ci lower", file: file, line: line)
                rel(ci.upper, want[1], 1e-4, floor: se, "\(w) ci upper", file: file, line: line)
            }
        }
    }

    func testCategoricalWithRole() throws { try check("kr-a-categorical-role") }
    func testDropoutLinearTime() throws { try check("kr-b-dropout-linear") }
    func testRandomSlopesWithRole() throws { try check("kr-c-slopes-role") }
    func testTwelveParticipants() throws { try check("kr-d-small") }
    func testSingularRandomSlope() throws { try check("kr-e-singular-slopes") }
    func testSingularRandomIntercept() throws { try check("kr-f-singular-intercept") }
    func testDemoIdentityCategorical() throws { try check("kr-demo-categorical") }
    func testDemoIdentityLinearWithSlopes() throws { try check("kr-demo-linear-slopes") }

    /// The Satterthwaite fit is unchanged by the new option (its default).
    func testDefaultIsSatterthwaite() throws {
        let fx = try Fixture("kr-d-small")
        let a = try MixedModel.fit(y: fx.y, subject: fx.subject, fixed: fx.x, terms: fx.terms)
        XCTAssertEqual(a.dfMethod, .satterthwaite)
        XCTAssertNil(a.adjustedVcov)
        XCTAssertEqual(a.fixed, try fx.fit(.satterthwaite).fixed)
    }

    /// Three participants, every observation at its own time: Kenward-Roger answers.
    func testTinyModelAnswers() throws {
        let y = [3.0, 3.4, 3.9, 2.8, 3.1, 3.0, 4.0, 4.4, 4.1]
        let t = [0.0, 1, 2, 0, 1, 2, 0, 1, 2]
        let x = Matrix(rows: 9, cols: 2, values: t.flatMap { [1, $0] })
        let r = try MixedModel.fit(y: y, subject: [1, 1, 1, 2, 2, 2, 3, 3, 3], fixed: x, terms: ["(Intercept)", "time"],
                                   degreesOfFreedom: .kenwardRoger)
        for f in r.fixed {
            XCTAssertTrue(f.se.isFinite && f.se > 0)
            if let df = f.df { XCTAssertTrue(df.isFinite && df > 0) }
        }
    }
}
