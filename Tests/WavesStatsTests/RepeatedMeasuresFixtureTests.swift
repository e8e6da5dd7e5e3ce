import Foundation
import XCTest
@testable import WavesStats

/// RepeatedMeasures.analyze against R (afex::aov_ez, car 3.1, t.test + p.adjust,
/// friedman.test) on the Fixtures/anova-*/ data sets. Each folder holds data.csv,
/// script.R (run with `Rscript script.R` there) and the expected.json it wrote.
///
/// Tolerance on every value: |swift - R| <= 1e-6 * min(1, max(|R|, 1e-8)), i.e.
/// absolute 1e-6 for values of size 1 or more and relative 1e-6 below that.
final class RepeatedMeasuresFixtureTests: XCTestCase {
    func testBalancedThreeWaves() throws { try check("anova-balanced") }
    func testUnbalancedTwoGroupsFourWaves() throws { try check("anova-unbalanced") }
    func testSmallSampleFiveWaves() throws { try check("anova-small") }
    func testTwoWavesTwoGroups() throws { try check("anova-twowave") }
    func testGroupWithSingleParticipant() throws { try check("anova-singleton") }
    func testWaveWhereEveryoneHasTheSameScore() throws { try check("anova-constant") }
    func testSingularErrorMatrix() throws { try check("anova-singular") }

    // MARK: - Loading

    struct Fixture {
        var scores: Matrix
        var groups: [Int]?
        var expected: [String: Any]
    }

    static func fixtureURL(_ name: String) -> URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures").appendingPathComponent(name)
    }

    static func load(_ name: String) throws -> Fixture {
        let dir = fixtureURL(name)
        let text = try String(contentsOf: dir.appendingPathComponent("data.csv"), encoding: .utf8)
        let lines = text.split(whereSeparator: \.isNewline).map(String.init)
        let header = lines[0].split(separator: ",").map(String.init)
        let waveColumns = header.indices.filter { header[$0].hasPrefix("w") }
        let groupColumn = header.firstIndex(of: "group")
        var rows: [[Double]] = []
        var groups: [Int] = []
        for line in lines.dropFirst() {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            rows.append(try waveColumns.map { c in
                guard let v = Double(cells[c]) else { throw StatsError.dimension("bad cell \(cells[c])") }
                return v
            })
            if let g = groupColumn { groups.append(Int(cells[g])!) }
        }
        let json = try Data(contentsOf: dir.appendingPathComponent("expected.json"))
        let expected = try XCTUnwrap(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        return Fixture(scores: Matrix(rows), groups: groupColumn == nil ? nil : groups, expected: expected)
    }

    // MARK: - Comparison

    func check(_ name: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let fx = try Self.load(name)
        let r = try RepeatedMeasures.analyze(fx.scores, groups: fx.groups)
        let e = fx.expected
        XCTAssertEqual(r.n, e["n"] as? Int, "\(name): n", file: file, line: line)
        XCTAssertEqual(r.waveCount, e["waves"] as? Int, "\(name): waves", file: file, line: line)

        let desc = try XCTUnwrap(e["descriptives"] as? [[String: Any]])
        XCTAssertEqual(r.descriptives.count, desc.count, "\(name): descriptive rows", file: file, line: line)
        for (got, want) in zip(r.descriptives, desc) {
            let label = "\(name): descriptive wave \(got.wave) group \(String(describing: got.group))"
            XCTAssertEqual(got.wave, want["wave"] as? Int, label, file: file, line: line)
            XCTAssertEqual(got.group, want["group"] as? Int, label, file: file, line: line)
            XCTAssertEqual(got.n, want["n"] as? Int, label, file: file, line: line)
            near(got.mean, want["mean"], "\(label) mean", file, line)
            near(got.sd, want["sd"], "\(label) sd", file, line)
            let ci = want["ci"] as? [Double]
            near(got.ci?.lower, ci?[0], "\(label) ci lower", file, line)
            near(got.ci?.upper, ci?[1], "\(label) ci upper", file, line)
        }

        let anova = try XCTUnwrap(e["anova"] as? [[String: Any]])
        XCTAssertEqual(r.anova.map(\.name), anova.compactMap { $0["effect"] as? String }, "\(name): effects",
                       file: file, line: line)
        for want in anova {
            let effectName = want["effect"] as? String ?? "?"
            guard let got = r.anova.first(where: { $0.name == effectName }) else { continue }
            let label = "\(name): \(effectName)"
            near(Double(got.df1), want["df1"], "\(label) df1", file, line)
            near(Double(got.df2), want["df2"], "\(label) df2", file, line)
            for (key, value) in [("F", got.f), ("p", got.p), ("ges", got.ges), ("pes", got.pes)] {
                near(value, want[key], "\(label) \(key)", file, line)
            }
            XCTAssertEqual(got.hasWithinPart, want.keys.contains("gg_epsilon"), "\(label) within part",
                           file: file, line: line)
            if got.hasWithinPart {
                for (key, value) in [("gg_epsilon", got.ggEpsilon), ("hf_epsilon", got.hfEpsilon),
                                     ("p_gg", got.pGG), ("p_hf", got.pHF)] {
                    near(value, want[key], "\(label) \(key)", file, line)
                }
            }
        }

        if let s = e["sphericity"] as? [String: Any] {
            let got = try XCTUnwrap(r.sphericity, "\(name): sphericity missing", file: file, line: line)
            near(got.w, s["W"], "\(name): W", file, line)
            near(got.chisq, s["chisq"], "\(name): chisq", file, line)
            near(Double(got.df), s["df"], "\(name): sphericity df", file, line)
            near(got.p, s["p"], "\(name): sphericity p", file, line)
        } else {
            XCTAssertNil(r.sphericity, "\(name): R has no sphericity test", file: file, line: line)
            XCTAssertNotNil(r.sphericityNote, "\(name): a nil sphericity needs a reason", file: file, line: line)
        }

        let posthoc = try XCTUnwrap(e["posthoc"] as? [[String: Any]])
        XCTAssertEqual(r.posthoc.count, posthoc.count, "\(name): pairs", file: file, line: line)
        for (got, want) in zip(r.posthoc, posthoc) {
            let label = "\(name): pair \(got.a)-\(got.b)"
            XCTAssertEqual(got.a, want["a"] as? Int, label, file: file, line: line)
            XCTAssertEqual(got.b, want["b"] as? Int, label, file: file, line: line)
            near(got.meanDiff, want["mean_diff"], "\(label) mean_diff", file, line)
            near(got.t, want["t"], "\(label) t", file, line)
            near(Double(got.df), want["df"], "\(label) df", file, line)
            near(got.p, want["p"], "\(label) p", file, line)
            near(got.pHolm, want["p_holm"], "\(label) p_holm", file, line)
            near(got.pBonferroni, want["p_bonferroni"], "\(label) p_bonferroni", file, line)
            near(got.dz, want["dz"], "\(label) dz", file, line)
        }

        let fr = try XCTUnwrap(e["friedman"] as? [String: Any])
        near(r.friedman.chisq, fr["chisq"], "\(name): friedman chisq", file, line)
        near(Double(r.friedman.df), fr["df"], "\(name): friedman df", file, line)
        near(r.friedman.p, fr["p"], "\(name): friedman p", file, line)
        near(r.friedman.kendallW, fr["kendall_w"], "\(name): kendall_w", file, line)

        RepeatedMeasuresEdgeTests.assertNoNonFinite(r, file: file, line: line)
    }

    /// nil must match JSON null; numbers must agree within 1e-6 * min(1, max(|R|, 1e-8)).
    func near(_ got: Double?, _ want: Any?, _ label: String, _ file: StaticString, _ line: UInt) {
        let expected = (want as? NSNumber)?.doubleValue
        switch (got, expected) {
        case (nil, nil):
            return
        case let (g?, w?):
            let tolerance = 1e-6 * min(1, max(abs(w), 1e-8))
            XCTAssertLessThanOrEqual(abs(g - w), tolerance, "\(label): swift \(g), R \(w)", file: file, line: line)
        default:
            XCTFail("\(label): swift \(String(describing: got)), R \(String(describing: expected))",
                    file: file, line: line)
        }
    }
}
