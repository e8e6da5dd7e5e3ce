import Foundation
import XCTest
@testable import WavesStats

/// Noncentral distributions and effect-size intervals against R (Fixtures/effects-*/script.R).
///
/// Tolerances: noncentral t cdf 1e-9 absolute (R's pt sums to 1e-12), noncentral F cdf 1e-8
/// (R's pnbeta stops at 1e-9); interval bounds against the exact roots 1e-8 absolute;
/// against effectsize 0.8.3, whose optimiser stops short of the roots, 1e-6 absolute (the
/// largest gap in these fixtures is 3.6e-7).
final class EffectSizeTests: XCTestCase {
    static func json(_ fixture: String) throws -> [String: Any] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures").appendingPathComponent(fixture).appendingPathComponent("expected.json")
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    }

    func testNoncentralTAndFDistributionFunctions() throws {
        let e = try Self.json("effects-noncentral")
        let t = try XCTUnwrap(e["t_cdf"] as? [[String: Double]])
        XCTAssertEqual(t.count, 168)
        for row in t {
            let got = Noncentral.tLower(row["t"]!, df: row["df"]!, ncp: row["ncp"]!)
            XCTAssertEqual(got, row["p"]!, accuracy: 1e-9, "pt(\(row["t"]!), \(row["df"]!), \(row["ncp"]!))")
        }
        let f = try XCTUnwrap(e["f_cdf"] as? [[String: Double]])
        XCTAssertEqual(f.count, 180)
        for row in f {
            let got = Noncentral.fLower(row["f"]!, df1: row["df1"]!, df2: row["df2"]!, ncp: row["ncp"]!)
            XCTAssertEqual(got, row["p"]!, accuracy: 1e-8, "pf(\(row["f"]!), \(row["df1"]!), \(row["df2"]!), \(row["ncp"]!))")
        }
        for row in try XCTUnwrap(e["t_intervals"] as? [[String: Any]]) {
            let want = row["ncp"] as! [Double]
            let got = try XCTUnwrap(NoncentralInterval.t(row["t"] as! Double, df: row["df"] as! Double))
            XCTAssertEqual(got.lower, want[0], accuracy: 1e-8)
            XCTAssertEqual(got.upper, want[1], accuracy: 1e-8)
        }
        for row in try XCTUnwrap(e["f_intervals"] as? [[String: Any]]) {
            let want = row["ncp"] as! [Double]
            let got = try XCTUnwrap(NoncentralInterval.f(row["f"] as! Double, df1: row["df1"] as! Double,
                                                         df2: row["df2"] as! Double))
            XCTAssertEqual(got.lower, want[0], accuracy: 1e-7 * max(1, want[0]))
            XCTAssertEqual(got.upper, want[1], accuracy: 1e-7 * max(1, want[1]))
        }
    }

    /// d_z and partial eta squared intervals of RepeatedMeasures.analyze on every anova-* fixture.
    func testChangeIntervalsOnTheAnovaFixtures() throws {
        let e = try Self.json("effects-anova")
        var gap = 0.0
        for fixture in try XCTUnwrap(e["fixtures"] as? [[String: Any]]) {
            let name = fixture["name"] as! String
            let fx = try RepeatedMeasuresFixtureTests.load(name)
            let r = try RepeatedMeasures.analyze(fx.scores, groups: fx.groups)
            let posthoc = fixture["posthoc"] as! [[String: Any]]
            XCTAssertEqual(r.posthoc.count, posthoc.count, name)
            for (got, want) in zip(r.posthoc, posthoc) {
                let label = "\(name) \(got.a)-\(got.b)"
                guard let exact = want["dz_ci"] as? [Double], let es = want["dz_ci_effectsize"] as? [Double] else {
                    XCTAssertNil(got.dzCI, label); continue
                }
                gap = max(gap, try assertInterval(got.dzCI, exact: exact, effectsize: es, label))
            }
            for want in fixture["anova"] as! [[String: Any]] {
                let effect = try XCTUnwrap(r.anova.first { $0.name == want["effect"] as? String }, name)
                let label = "\(name) \(effect.name)"
                guard let exact = want["pes_ci"] as? [Double], let es = want["pes_ci_effectsize"] as? [Double] else {
                    XCTAssertNil(effect.pesCI, label); continue
                }
                gap = max(gap, try assertInterval(effect.pesCI, exact: exact, effectsize: es, label))
                XCTAssertEqual(try XCTUnwrap(effect.pes), want["pes_effectsize"] as! Double, accuracy: 1e-10, label)
            }
        }
        XCTAssertGreaterThan(gap, 0, "effectsize's optimiser is expected to stop short of the exact roots")
    }

    /// Compares an interval with the exact roots (1e-8) and effectsize's (1e-6); returns the gap to effectsize.
    func assertInterval(_ got: StatInterval?, exact: [Double], effectsize es: [Double], _ label: String,
                        file: StaticString = #filePath, line: UInt = #line) throws -> Double {
        let ci = try XCTUnwrap(got, label, file: file, line: line)
        XCTAssertEqual(ci.lower, exact[0], accuracy: 1e-8, "\(label) lower", file: file, line: line)
        XCTAssertEqual(ci.upper, exact[1], accuracy: 1e-8, "\(label) upper", file: file, line: line)
        XCTAssertEqual(ci.lower, es[0], accuracy: 1e-6, "\(label) lower (effectsize)", file: file, line: line)
        XCTAssertEqual(ci.upper, es[1], accuracy: 1e-6, "\(label) upper (effectsize)", file: file, line: line)
        return max(abs(ci.lower - es[0]), abs(ci.upper - es[1]))
    }

    func testWelchAndHedgesG() throws {
        let e = try Self.json("two-groups")
        for (i, c) in try XCTUnwrap(e["cases"] as? [[String: Any]]).enumerated() {
            let x = c["x"] as! [Double], y = c["y"] as! [Double]
            let w = c["welch"] as! [String: Any]
            let welch = try XCTUnwrap(WelchTest.test(x, y).result, "case \(i)")
            XCTAssertEqual(welch.t, w["t"] as! Double, accuracy: 1e-10 * abs(w["t"] as! Double))
            XCTAssertEqual(welch.df, w["df"] as! Double, accuracy: 1e-10 * (w["df"] as! Double))
            XCTAssertEqual(welch.p, w["p"] as! Double, accuracy: 1e-9 * (w["p"] as! Double))
            let wci = w["ci"] as! [Double]
            XCTAssertEqual(try XCTUnwrap(welch.ci).lower, wci[0], accuracy: 1e-10)
            XCTAssertEqual(try XCTUnwrap(welch.ci).upper, wci[1], accuracy: 1e-10)
            XCTAssertEqual(try XCTUnwrap(welch.x.sd), c["sd_x"] as! Double, accuracy: 1e-12)
            let g = try XCTUnwrap(EffectSizes.hedgesG(x, y), "case \(i)")
            XCTAssertEqual(g.g, c["hedges_g"] as! Double, accuracy: 1e-10)
            _ = try assertInterval(g.ci, exact: c["g_ci"] as! [Double], effectsize: c["g_ci_effectsize"] as! [Double], "case \(i)")
        }
    }

    func testEdgeCasesAnswer() {
        XCTAssertNotNil(WelchTest.test([1], [2, 3]).reason)
        XCTAssertNotNil(WelchTest.test([2, 2], [2, 2]).reason)
        XCTAssertNil(EffectSizes.hedgesG([1, 2], [3]))
        XCTAssertNil(EffectSizes.hedgesG([2, 2], [2, 2]))
        XCTAssertNil(EffectSizes.dzInterval(dz: 0.4, n: 1))
        XCTAssertNil(EffectSizes.dzInterval(dz: .nan, n: 10))
        XCTAssertNil(EffectSizes.partialEtaSquaredInterval(f: .infinity, df1: 1, df2: 3))
        // n = 3: df = 2, the interval still exists.
        XCTAssertNotNil(EffectSizes.dzInterval(dz: 1.2, n: 3))
        // F = 0: both bounds at 0.
        XCTAssertEqual(EffectSizes.partialEtaSquaredInterval(f: 0, df1: 2, df2: 10), StatInterval(lower: 0, upper: 0))
        // A very large effect still has an interval (ncp far beyond where R's pt approximates).
        let big = EffectSizes.dzInterval(dz: 3, n: 400)
        XCTAssertNotNil(big)
        XCTAssertLessThan(big!.lower, 3); XCTAssertGreaterThan(big!.upper, 3)
    }
}
