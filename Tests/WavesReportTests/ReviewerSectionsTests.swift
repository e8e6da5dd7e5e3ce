import Foundation
import WavesAnalysis
import WavesCore
import WavesStats
import XCTest
import WavesTestSupport
@testable import WavesReport

/// The reviewers' sections of the demo report: every number equals the analysis behind
/// `waves flow`, `attrition`, `results` and `change`, each run again here from the store.
final class ReviewerSectionsTests: XCTestCase {
    nonisolated(unsafe) static var cached: (bundle: StudyBundle, report: StudyReport, html: String, md: String)?

    func built() throws -> (bundle: StudyBundle, report: StudyReport, html: String, md: String) {
        if let c = Self.cached { return c }
        let bundle = try StudyLoader.load(directory: DemoReportTests.demo)
        let report = try ReportGenerator.build(bundle: bundle)
        let c = (bundle, report, ReportGenerator.render(report, format: .html), ReportGenerator.render(report, format: .md))
        Self.cached = c
        return c
    }

    func testSectionsArePresent() throws {
        let (bundle, _, html, md) = try built()
        for id in ["flow", "attrition", "results", "effect-sizes", "diagnostics"] {
            XCTAssertNotNil(HTMLProbe.section(html, id: id), "section \(id)")
        }
        let scales = bundle.instruments.reduce(0) { $0 + $1.scales.count }
        let diag = try XCTUnwrap(HTMLProbe.section(html, id: "diagnostics"))
        XCTAssertEqual(diag.components(separatedBy: "<svg").count - 1, 3 * scales, "three plots per scale")
        for h in ["## Participant flow", "## Attrition", "## Results paragraphs", "## Effect sizes and marginal means"] {
            XCTAssertTrue(md.contains(h), h)
        }
        XCTAssertEqual(HTMLProbe.externalReferences(html), [])
    }

    func testFlowEqualsWavesFlow() throws {
        let (_, _, html, _) = try built()
        let flow = try FlowAnalysis.run(bundle: try StudyLoader.load(directory: DemoReportTests.demo))
        let sec = try XCTUnwrap(HTMLProbe.section(html, id: "flow"))
        for w in flow.waves {
            XCTAssertEqual(HTMLProbe.cell(sec, table: "flow", row: w.wave, key: "completed"), String(w.completed))
            XCTAssertEqual(HTMLProbe.cell(sec, table: "flow", row: w.wave, key: "lost"), String(w.lost))
            XCTAssertEqual(HTMLProbe.cell(sec, table: "flow", row: w.wave, key: "invited"), "not recorded")
            XCTAssertTrue(sec.contains("Completed: \(w.completed)</text>"), "diagram \(w.wave)")
            XCTAssertTrue(sec.contains("Started: \(w.started)</text>"), "diagram \(w.wave)")
            XCTAssertTrue(sec.contains("Lost: \(w.lost)</text>"), "diagram \(w.wave)")
        }
    }

    func testAttritionEqualsTheAnalysis() throws {
        let (bundle, _, html, _) = try built()
        let sec = try XCTUnwrap(HTMLProbe.section(html, id: "attrition"))
        for inst in bundle.instruments {
            for s in inst.scales {
                let q = "\(inst.id).\(s.id)"
                guard let a = try? AttritionAnalysis.run(bundle: bundle, scale: q, to: nil) else { continue }
                XCTAssertEqual(HTMLProbe.cell(sec, table: "attrition", row: q, key: "completers_n"), String(a.completers.n))
                XCTAssertEqual(HTMLProbe.cell(sec, table: "attrition", row: q, key: "welch_p"), Expect.p(a.welch?.p))
                XCTAssertEqual(HTMLProbe.cell(sec, table: "attrition", row: q, key: "hedges_g"), "\(Expect.f(a.hedgesG)) \(Expect.ci(a.gCI))")
                XCTAssertEqual(HTMLProbe.cell(sec, table: "attrition", row: q, key: "little_p"), Expect.p(a.littleMCAR?.p))
                XCTAssertTrue(HTMLProbe.decode(sec).contains(a.sentence), q)
            }
        }
    }

    /// The adjusted p of each scale is Holm over the scales' corrected wave p-values, recomputed
    /// here from `ChangeAnalysis` (R `p.adjust(p, "holm")`), and the paragraph quotes the numbers.
    func testResultsAdjustAcrossScalesAndParagraphsQuoteTheNumbers() throws {
        let (bundle, _, html, _) = try built()
        let sec = try XCTUnwrap(HTMLProbe.section(html, id: "results"))
        var rows: [(String, Double, Double, Int, Int, Double?)] = []   // name, F, p, df1, df2, eps
        for inst in bundle.instruments {
            for s in inst.scales {
                let q = "\(inst.id).\(s.id)"
                guard let c = try? ChangeAnalysis.run(bundle: bundle, scale: q, waves: bundle.waves(of: inst).map(\.id), betweenRole: false),
                      let w = c.anova.first(where: { $0.effect == "wave" }), let F = w.F, let p0 = w.p else { continue }
                let eps = c.correction == .greenhouseGeisser ? w.ggEpsilon?.wrappedValue : (c.correction == .huynhFeldt ? w.hfEpsilon?.wrappedValue : nil)
                let p = (c.correction == .greenhouseGeisser ? w.pGG?.wrappedValue : (c.correction == .huynhFeldt ? w.pHF?.wrappedValue : nil)) ?? p0
                rows.append((q, F, p, w.df1, w.df2, eps))
            }
        }
        XCTAssertGreaterThan(rows.count, 2)
        // Holm by hand.
        let m = rows.count
        let order = rows.indices.sorted { rows[$0].2 < rows[$1].2 }
        var holm = [Double](repeating: 0, count: m), running = 0.0
        for (i, k) in order.enumerated() { running = max(running, Double(m - i) * rows[k].2); holm[k] = min(1, running) }
        for (k, r) in rows.enumerated() {
            XCTAssertEqual(HTMLProbe.cell(sec, table: "results", row: r.0, key: "p"), Expect.p(r.2), r.0)
            XCTAssertEqual(HTMLProbe.cell(sec, table: "results", row: r.0, key: "p_adjusted"), Expect.p(holm[k]), r.0)
            let para = try XCTUnwrap(paragraph(sec, r.0))
            XCTAssertTrue(para.contains("= \(Expect.f(r.1)), p \(r.2 < 0.001 ? "< .001" : "= " + Expect.p(r.2))"), para)
            XCTAssertTrue(para.contains("Holm-adjusted across \(m) scales p \(holm[k] < 0.001 ? "< .001" : "= " + Expect.p(holm[k]))"), para)
        }
    }

    func paragraph(_ sec: String, _ scale: String) -> String? {
        guard let r = sec.range(of: "data-scale=\"\(scale)\">"), let e = sec.range(of: "</p>", range: r.upperBound..<sec.endIndex) else { return nil }
        return HTMLProbe.decode(String(sec[r.upperBound..<e.lowerBound]))
    }

    func testEffectSizesEqualChange() throws {
        let (_, report, html, _) = try built()
        let sec = try XCTUnwrap(HTMLProbe.section(html, id: "effect-sizes"))
        for s in report.scales {
            for ph in s.change.value?.posthoc ?? [] {
                XCTAssertEqual(HTMLProbe.cell(sec, table: "effect-sizes", row: "\(s.qualifiedName) \(ph.a)-\(ph.b)", key: "dz_ci"), Expect.ci(ph.dzCI))
            }
        }
    }

    /// The main table's "p adj." column: Holm over the shown p of every scale (by hand); with
    /// `adjustment = .benjaminiHochberg` the Benjamini-Hochberg values (by hand) and the name.
    func testMainTableAdjustsAcrossScales() throws {
        let (bundle, report, html, _) = try built()
        let p = report.scales.map { $0.change.value?.corrected.first { $0.effect == "wave" }?.p }
        let present = p.indices.filter { p[$0] != nil }
        let m = present.count
        XCTAssertGreaterThan(m, 2)
        let order = present.sorted { p[$0]! < p[$1]! }
        var holm = [Double?](repeating: nil, count: p.count), running = 0.0
        for (i, k) in order.enumerated() { running = max(running, Double(m - i) * p[k]!); holm[k] = min(1, running) }
        var bh = [Double?](repeating: nil, count: p.count); running = .infinity
        for (i, k) in order.enumerated().reversed() { running = min(running, Double(m) / Double(i + 1) * p[k]!); bh[k] = min(1, running) }
        let sec = try XCTUnwrap(HTMLProbe.section(html, id: "findings"))
        XCTAssertTrue(sec.contains("p adj. (Holm)"))
        for (i, sc) in report.scales.enumerated() {
            XCTAssertEqual(HTMLProbe.cell(sec, table: "findings", row: sc.qualifiedName, key: "p_adjusted"), Expect.p(holm[i]), sc.qualifiedName)
        }
        var o = ReportOptions()
        o.adjustment = .benjaminiHochberg
        let other = ReportGenerator.render(try ReportGenerator.build(bundle: bundle, options: o), format: .html)
        let sec2 = try XCTUnwrap(HTMLProbe.section(other, id: "findings"))
        XCTAssertTrue(sec2.contains("p adj. (Benjamini-Hochberg)"))
        for (i, sc) in report.scales.enumerated() {
            XCTAssertEqual(HTMLProbe.cell(sec2, table: "findings", row: sc.qualifiedName, key: "p_adjusted"), Expect.p(bh[i]), sc.qualifiedName)
        }
        XCTAssertTrue(try XCTUnwrap(HTMLProbe.section(other, id: "results")).contains("Benjamini-Hochberg-adjusted across"))
    }
}
