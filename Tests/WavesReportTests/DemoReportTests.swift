import Foundation
import WavesTestSupport
import WavesAnalysis
import WavesCore
import WavesStats
import XCTest
@testable import WavesReport

/// The report of the shipped demo study: structure, and every number equal to the analysis functions
/// behind `waves status`, `reliability`, `retest`, `change`, `lmm` and `rci` (each reading the store itself).
final class DemoReportTests: XCTestCase {
    static let demo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("datasets/pmi-demo")

    nonisolated(unsafe) static var cached: (bundle: StudyBundle, report: StudyReport, html: String, md: String)?

    func built() throws -> (bundle: StudyBundle, report: StudyReport, html: String, md: String) {
        if let c = Self.cached { return c }
        let bundle = try StudyLoader.load(directory: Self.demo)
        let report = try ReportGenerator.build(bundle: bundle)
        let c = (bundle, report, ReportGenerator.render(report, format: .html), ReportGenerator.render(report, format: .md))
        Self.cached = c
        return c
    }

    func testSectionsArePresent() throws {
        let (bundle, report, html, _) = try built()
        for id in ["findings", "overview", "completion", "scales", "texts", "methods"] {
            XCTAssertNotNil(HTMLProbe.section(html, id: id), "section \(id)")
        }
        let scaleCount = bundle.instruments.reduce(0) { $0 + $1.scales.count }
        XCTAssertEqual(report.scales.count, scaleCount)
        XCTAssertEqual(html.components(separatedBy: "<section class=\"scale\"").count - 1, scaleCount)
        for s in report.scales {
            let sec = try XCTUnwrap(HTMLProbe.section(html, id: s.anchor), s.qualifiedName)
            for table in ["reliability", "items", "means", "anova", "posthoc", "lmm-fixed", "lmm-random", "retest"] {
                XCTAssertTrue(sec.contains("data-table=\"\(table)\""), "\(s.qualifiedName): table \(table)")
            }
            for fig in ["fig-means-", "fig-traj-"] { XCTAssertTrue(sec.contains("id=\"\(fig)\(s.anchor)\""), "\(s.qualifiedName): \(fig)") }
            if let why = s.rci.reason {
                // e.g. a two-item scale whose alpha is 0 cannot serve as the reliability: said, not drawn.
                XCTAssertTrue(sec.contains("Reliable change not shown:</strong> \(SafeText.html(why))"), s.qualifiedName)
                XCTAssertFalse(sec.contains("fig-rci-"))
            } else {
                XCTAssertTrue(sec.contains("data-table=\"rci\"") && sec.contains("id=\"fig-rci-\(s.anchor)\""), s.qualifiedName)
            }
        }
        XCTAssertEqual(report.scales.filter { $0.rci.value == nil }.map(\.qualifiedName), ["identity.mentor_role"])
        // Every figure carries an accessible title and description.
        let svgs = html.components(separatedBy: "<svg ").dropFirst()
        // Updated for issue 15: + 1 flow diagram and 3 diagnostic plots per scale with a mixed model.
        XCTAssertEqual(svgs.count, 1 + 2 * scaleCount + report.scales.filter { $0.rci.value != nil }.count
                       + 1 + 3 * report.scales.filter { $0.diagnostics != nil }.count)
        for s in svgs {
            XCTAssertTrue(s.contains("role=\"img\"") && s.contains("aria-labelledby=") && s.contains("<title id=") && s.contains("<desc id="))
        }
        // Without --include-text the diary is left out, and said so.
        XCTAssertNil(report.texts)
        XCTAssertTrue(html.contains("data-k=\"texts-omitted\""))
        XCTAssertFalse(html.contains("class=\"answers\""))
        // The methods name every definition.
        let methods = try XCTUnwrap(HTMLProbe.section(html, id: "methods"))
        for phrase in ["Feldt", "omega", "factanal", "McGraw and Wong", "ICC(A,1)", "ICC(C,1)", "Greenhouse–Geisser", "Huynh–Feldt", "Lecoutre", "0.75",
                       "REML", "Satterthwaite", "(1 | participant)", "Jacobson and Truax", "1.96", "Mauchly", "Friedman", "Holm"] {
            XCTAssertTrue(methods.contains(phrase), "methods mention \(phrase)")
        }
    }

    func testNoExternalReferences() throws {
        let (_, _, html, _) = try built()
        XCTAssertEqual(HTMLProbe.externalReferences(html), [])
        XCTAssertTrue(html.hasPrefix("<!DOCTYPE html>"))
        XCTAssertTrue(html.contains("@media print"))
    }

    /// The checker itself finds each kind of external reference (so the tests above can fail).
    func testExternalReferenceCheckerFindsEachKind() {
        for bad in ["<a href=\"https://x.org\">", "<img src=\"a.png\">", "<style>@import 'a.css';</style>", "<div style=\"background:url(a.png)\">",
                    "<script>1</script>", "<link rel=stylesheet href=a.css>", "<use xlink:href=\"f.svg#a\"/>", "<p onclick=\"x()\">"] {
            XCTAssertFalse(HTMLProbe.externalReferences("<p>ok</p>" + bad).isEmpty, bad)
        }
        for fine in ["<a href=\"#scales\">", "<div style=\"background:url(data:image/png;base64,AAAA)\">", "&lt;img src=x onerror=alert(1)&gt;"] {
            XCTAssertEqual(HTMLProbe.externalReferences(fine), [], fine)
        }
    }

    func testCompletionEqualsWavesStatus() throws {
        let (_, report, html, _) = try built()
        let status = CompletionStatus(try StudyIndex.load(StudyLoader.load(directory: Self.demo)))
        XCTAssertEqual(report.overview.participants, status.participantCount)
        XCTAssertEqual(report.completion.duplicateCount, status.duplicates)
        XCTAssertEqual(report.completion.problemCount, status.storeProblems)
        for inst in status.instruments {
            for w in inst.attrition {
                let key = "\(inst.instrument):\(w.wave)"
                XCTAssertEqual(HTMLProbe.cell(html, table: "attrition", row: key, key: "completed"), String(w.completed), key)
                XCTAssertEqual(HTMLProbe.cell(html, table: "attrition", row: key, key: "lost"), String(w.lost), key)
                XCTAssertEqual(HTMLProbe.cell(html, table: "attrition", row: key, key: "retention"), w.retention.map { String(format: "%.0f%%", $0 * 100) }, key)
                for (role, n) in w.byRole {
                    XCTAssertEqual(HTMLProbe.cell(html, table: "attrition", row: key, key: "role:\(role)")?.components(separatedBy: " ").first, String(n), "\(key) \(role)")
                }
            }
        }
        // Per participant and wave, the heat map's done/scheduled matches the status matrix.
        for row in report.completion.rows {
            for (w, wave) in report.overview.waves.enumerated() {
                let done = status.instruments.filter { $0.waves.contains(wave.id) && $0.participants.first { $0.participant == row.participant }!.completed.contains(wave.id) }.count
                XCTAssertEqual(row.done[w], done, "\(row.participant) \(wave.id)")
            }
        }
    }

    func testReliabilityEqualsTheAnalysis() throws {
        let (bundle, report, html, _) = try built()
        for s in report.scales {
            let sec = try XCTUnwrap(HTMLProbe.section(html, id: s.anchor))
            let expected = try PsychometricsAnalysis.reliability(bundle: bundle, scale: s.qualifiedName, wave: nil)
            XCTAssertEqual(expected.map(\.wave), s.waves)
            for r in expected {
                XCTAssertEqual(HTMLProbe.cell(sec, table: "reliability", row: r.wave, key: "n"), String(r.n))
                XCTAssertEqual(HTMLProbe.cell(sec, table: "reliability", row: r.wave, key: "incomplete"), String(r.incomplete))
                XCTAssertEqual(HTMLProbe.cell(sec, table: "reliability", row: r.wave, key: "alpha"), Expect.f(r.alpha), "\(s.qualifiedName) \(r.wave)")
                XCTAssertEqual(HTMLProbe.cell(sec, table: "reliability", row: r.wave, key: "alpha_ci"), Expect.ci(r.alphaCI))
                XCTAssertEqual(HTMLProbe.cell(sec, table: "reliability", row: r.wave, key: "omega_total"), Expect.f(r.omegaTotal))
                XCTAssertEqual(HTMLProbe.cell(sec, table: "reliability", row: r.wave, key: "std_alpha"), Expect.f(r.stdAlpha))
                let low = r.items.filter { ($0.rDrop ?? 1) < 0.30 }
                let flagged = HTMLProbe.cell(sec, table: "reliability", row: r.wave, key: "low_items") ?? ""
                if low.isEmpty { XCTAssertEqual(flagged, "none") }
                for it in low { XCTAssertTrue(flagged.contains("\(it.id) (\(Expect.f(it.rDrop)))"), "\(s.qualifiedName) \(r.wave): \(flagged)") }
                for it in r.items {
                    let cell = HTMLProbe.cell(sec, table: "items", row: it.id, key: "r_drop:\(r.wave)") ?? ""
                    XCTAssertEqual(cell.replacingOccurrences(of: "⚑ ", with: ""), Expect.f(it.rDrop))
                    XCTAssertEqual(cell.hasPrefix("⚑"), (it.rDrop ?? 1) < 0.30)
                }
            }
        }
    }

    func testChangeEqualsTheAnalysis() throws {
        let (bundle, report, html, _) = try built()
        for s in report.scales {
            let sec = try XCTUnwrap(HTMLProbe.section(html, id: s.anchor))
            let shown = try XCTUnwrap(s.change.value, s.qualifiedName)
            let c = try ChangeAnalysis.run(bundle: bundle, scale: s.qualifiedName, waves: s.waves, betweenRole: shown.between == "role")
            XCTAssertEqual(c.n, shown.n)
            for e in c.anova {
                let within = e.ggEpsilon != nil
                let eps = !within ? nil : (c.correction == .greenhouseGeisser ? e.ggEpsilon?.wrappedValue : (c.correction == .huynhFeldt ? e.hfEpsilon?.wrappedValue : nil))
                let p = !within ? e.p : (c.correction == .greenhouseGeisser ? e.pGG?.wrappedValue : (c.correction == .huynhFeldt ? e.pHF?.wrappedValue : e.p))
                let k = min(1, eps ?? 1)
                XCTAssertEqual(HTMLProbe.cell(sec, table: "anova", row: e.effect, key: "F"), Expect.f(e.F), "\(s.qualifiedName) \(e.effect)")
                XCTAssertEqual(HTMLProbe.cell(sec, table: "anova", row: e.effect, key: "p"), Expect.p(p))
                XCTAssertEqual(HTMLProbe.cell(sec, table: "anova", row: e.effect, key: "p_uncorrected"), Expect.p(e.p))
                XCTAssertEqual(HTMLProbe.cell(sec, table: "anova", row: e.effect, key: "df1"), eps != nil ? Expect.f(Double(e.df1) * k) : String(e.df1))
                XCTAssertEqual(HTMLProbe.cell(sec, table: "anova", row: e.effect, key: "df2"), eps != nil ? Expect.f(Double(e.df2) * k) : String(e.df2))
                XCTAssertEqual(HTMLProbe.cell(sec, table: "anova", row: e.effect, key: "ges"), Expect.f(e.ges, 3))
                XCTAssertEqual(HTMLProbe.cell(sec, table: "anova", row: e.effect, key: "epsilon"), Expect.f(eps, 3))
            }
            if bundle.study.roles.count > 1 && c.between == nil {
                // Only a scale that one role answers is analysed without role.
                XCTAssertEqual(s.means.count, 1, s.qualifiedName)
            }
            for ph in c.posthoc {
                let row = "\(ph.a)-\(ph.b)"
                XCTAssertEqual(HTMLProbe.cell(sec, table: "posthoc", row: row, key: "mean_diff"), Expect.f(ph.meanDiff, 3))
                XCTAssertEqual(HTMLProbe.cell(sec, table: "posthoc", row: row, key: "t"), Expect.f(ph.t))
                XCTAssertEqual(HTMLProbe.cell(sec, table: "posthoc", row: row, key: "p_holm"), Expect.p(ph.pHolm))
                XCTAssertEqual(HTMLProbe.cell(sec, table: "posthoc", row: row, key: "dz"), Expect.f(ph.dz))
            }
            let fr = try XCTUnwrap(HTMLProbe.keyed(sec, key: "friedman"))
            XCTAssertTrue(fr.contains("χ²(\(c.friedman.df)) = \(Expect.f(c.friedman.chisq))"), fr)
            XCTAssertTrue(fr.contains("Kendall's W = \(Expect.f(c.friedman.kendallW, 3))"), fr)
            if let sp = c.sphericity {
                let t = try XCTUnwrap(HTMLProbe.keyed(sec, key: "sphericity"))
                XCTAssertTrue(t.contains("W = \(Expect.f(sp.W, 3)), χ²(\(sp.df)) = \(Expect.f(sp.chisq))"), t)
            }
        }
    }

    func testMixedModelRetestAndReliableChangeEqualTheAnalyses() throws {
        let (bundle, report, html, _) = try built()
        for s in report.scales {
            let sec = try XCTUnwrap(HTMLProbe.section(html, id: s.anchor))
            let shown = try XCTUnwrap(s.lmm.value, s.qualifiedName)
            let m = try MixedModelAnalysis.run(bundle: bundle, scale: s.qualifiedName, time: .categorical, betweenRole: shown.between == "role", slopes: false)
            XCTAssertEqual(m.fixed.map(\.term), shown.fixed.map(\.term))
            for f in m.fixed {
                XCTAssertEqual(HTMLProbe.cell(sec, table: "lmm-fixed", row: f.term, key: "estimate"), Expect.f(f.estimate, 3), "\(s.qualifiedName) \(f.term)")
                XCTAssertEqual(HTMLProbe.cell(sec, table: "lmm-fixed", row: f.term, key: "se"), Expect.f(f.se, 3))
                XCTAssertEqual(HTMLProbe.cell(sec, table: "lmm-fixed", row: f.term, key: "df"), Expect.f(f.df, 1))
                XCTAssertEqual(HTMLProbe.cell(sec, table: "lmm-fixed", row: f.term, key: "p"), Expect.p(f.p))
            }
            XCTAssertEqual(HTMLProbe.cell(sec, table: "lmm-random", row: "participant", key: "variance"), Expect.f(m.random.participantVar, 4))
            XCTAssertEqual(HTMLProbe.cell(sec, table: "lmm-random", row: "residual", key: "variance"), Expect.f(m.random.residualVar, 4))
            XCTAssertTrue(HTMLProbe.keyed(sec, key: "lmm-fit")?.contains("REML log-likelihood \(Expect.f(m.loglik)), AIC \(Expect.f(m.aic))") ?? false)

            let pairs = zip(s.waves, s.waves.dropFirst()).map { [$0, $1] } + (s.waves.count > 2 ? [[s.waves.first!, s.waves.last!]] : [])
            for pair in pairs {
                let r = try PsychometricsAnalysis.retest(bundle: bundle, scale: s.qualifiedName, waves: pair)
                let row = pair.joined(separator: "-")
                XCTAssertEqual(HTMLProbe.cell(sec, table: "retest", row: row, key: "n"), String(r.n))
                XCTAssertEqual(HTMLProbe.cell(sec, table: "retest", row: row, key: "icc_a1"), Expect.f(r.iccA1))
                XCTAssertEqual(HTMLProbe.cell(sec, table: "retest", row: row, key: "icc_a1_ci"), Expect.ci(r.iccA1CI))
                XCTAssertEqual(HTMLProbe.cell(sec, table: "retest", row: row, key: "icc_c1"), Expect.f(r.iccC1))
                XCTAssertEqual(HTMLProbe.cell(sec, table: "retest", row: row, key: "pearson_r"), Expect.f(r.pearsonR))
            }

            if let rc = try? PsychometricsAnalysis.reliableChange(bundle: bundle, scale: s.qualifiedName, from: s.waves.first!, to: s.waves.last!, reliability: nil) {
                let row = "\(rc.from)-\(rc.to)"
                XCTAssertEqual(HTMLProbe.cell(sec, table: "rci", row: row, key: "increase"), String(rc.summary.increase))
                XCTAssertEqual(HTMLProbe.cell(sec, table: "rci", row: row, key: "decrease"), String(rc.summary.decrease))
                XCTAssertEqual(HTMLProbe.cell(sec, table: "rci", row: row, key: "no_change"), String(rc.summary.noChange))
                XCTAssertEqual(HTMLProbe.cell(sec, table: "rci", row: row, key: "s_diff"), Expect.f(rc.sDiff, 3))
                XCTAssertTrue(sec.contains("\(rc.summary.increase) increase, of \(rc.n)") || sec.contains("\(rc.summary.increase) increase"))
            } else {
                XCTAssertNotNil(s.rci.reason, "\(s.qualifiedName): RCI failed in the analysis but not in the report")
            }
        }
    }

    /// Means per wave and role, from the record-by-record scores of `waves score` (an independent path).
    func testMeansEqualTheScores() throws {
        let (_, report, html, _) = try built()
        let data = try StudyData.load(directory: Self.demo)
        for s in report.scales {
            let sec = try XCTUnwrap(HTMLProbe.section(html, id: s.anchor))
            let inst = try data.resolveInstrument(s.instrument)
            let rows = data.scores(instrument: inst, scale: inst.scale(s.scale)!)
            for w in s.waves {
                for role in data.study.roles {
                    let xs = rows.filter { $0.wave == w && $0.role == role }.compactMap(\.score)
                    let key = "\(w):\(role)"
                    guard !xs.isEmpty else { XCTAssertNil(HTMLProbe.cell(sec, table: "means", row: key, key: "n")); continue }
                    let n = Double(xs.count), mean = xs.reduce(0, +) / n
                    XCTAssertEqual(HTMLProbe.cell(sec, table: "means", row: key, key: "n"), String(xs.count), "\(s.qualifiedName) \(key)")
                    XCTAssertEqual(HTMLProbe.cell(sec, table: "means", row: key, key: "mean"), Expect.f(mean))
                    if xs.count > 1 {
                        let sd = (xs.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / (n - 1)).squareRoot()
                        let h = Distributions.tQuantile(0.975, df: n - 1) * sd / n.squareRoot()
                        XCTAssertEqual(HTMLProbe.cell(sec, table: "means", row: key, key: "sd"), Expect.f(sd))
                        XCTAssertEqual(HTMLProbe.cell(sec, table: "means", row: key, key: "ci"), Expect.ci([mean - h, mean + h]))
                    }
                }
            }
            // All 40 demo participants fit in one plot: no sampling.
            XCTAssertEqual(s.trajectories.count, s.trajectoriesTotal)
        }
    }

    func testMarkdownCarriesTheSameNumbers() throws {
        let (_, report, html, md) = try built()
        XCTAssertFalse(md.contains("<svg"))
        for h in ["## 1. Study overview", "## 2. Completion", "## 3. Scales", "## 4. Free-text answers", "## 5. Methods and references"] {
            XCTAssertTrue(md.contains(h), h)
        }
        for s in report.scales {
            XCTAssertTrue(md.contains("(`\(s.qualifiedName)`)"))
            for r in s.reliability.value ?? [] {
                let alpha = HTMLProbe.cell(try XCTUnwrap(HTMLProbe.section(html, id: s.anchor)), table: "reliability", row: r.wave, key: "alpha")!
                XCTAssertTrue(md.contains("| \(r.wave) | \(r.n) | \(r.incomplete) | \(r.k) | \(alpha) |"), "\(s.qualifiedName) \(r.wave)")
            }
        }
    }
}
