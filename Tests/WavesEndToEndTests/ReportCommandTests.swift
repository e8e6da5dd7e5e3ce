import Foundation
import XCTest

/// `waves report` as a user runs it: the demo study's page against the `--json` of every analysis command,
/// hostile text, usage errors.
final class ReportCommandTests: XCTestCase {
    static let demo = WavesProcess.repoRoot.appendingPathComponent("datasets/pmi-demo").path
    static let hostile = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/report-hostile").path
    var dir: URL!

    override func setUp() { dir = WavesProcess.tempDir("report") }
    override func tearDown() { try? FileManager.default.removeItem(at: dir) }

    func json(_ args: [String]) throws -> Any {
        let r = try WavesProcess.run(args + ["--json"])
        XCTAssertEqual(r.status, 0, "\(args): \(r.stderr)")
        return try JSONSerialization.jsonObject(with: Data(r.stdout.utf8))
    }

    func demoReport() throws -> String {
        let out = dir.appendingPathComponent("report.html").path
        let r = try WavesProcess.run(["report", "--study", Self.demo, "--out", out])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.hasPrefix("Wrote \(URL(fileURLWithPath: out).standardizedFileURL.path)"), r.stdout)
        XCTAssertTrue(r.stdout.contains("Main findings:"))
        return try String(contentsOfFile: out, encoding: .utf8)
    }

    func testDemoPageNumbersEqualTheAnalysisCommands() throws {
        let html = try demoReport()
        XCTAssertEqual(ReportProbe.externalReferences(html), [])
        let scales = ReportProbe.scales(html)
        XCTAssertEqual(scales.count, 14)

        // waves status --json
        let status = try json(["status", "--study", Self.demo]) as! [String: Any]
        for inst in status["instruments"] as! [[String: Any]] {
            for w in inst["attrition"] as! [[String: Any]] {
                let key = "\(inst["instrument"]!):\(w["wave"]!)"
                XCTAssertEqual(ReportProbe.cell(html, table: "attrition", row: key, key: "completed"), "\(w["completed"]!)", key)
                XCTAssertEqual(ReportProbe.cell(html, table: "attrition", row: key, key: "lost"), "\(w["lost"]!)", key)
            }
        }

        for (name, id) in scales {
            let sec = try XCTUnwrap(ReportProbe.section(html, id: id))
            // waves reliability --json (every wave)
            for r in try json(["reliability", "--study", Self.demo, "--scale", name]) as! [[String: Any]] {
                let w = r["wave"] as! String
                XCTAssertEqual(ReportProbe.cell(sec, table: "reliability", row: w, key: "n"), "\(r["n"]!)", "\(name) \(w)")
                XCTAssertEqual(ReportProbe.cell(sec, table: "reliability", row: w, key: "alpha"), ReportProbe.f(r["alpha"]), "\(name) \(w)")
                XCTAssertEqual(ReportProbe.cell(sec, table: "reliability", row: w, key: "alpha_ci"), ReportProbe.ci(r["alpha_ci"]))
                XCTAssertEqual(ReportProbe.cell(sec, table: "reliability", row: w, key: "omega_total"), ReportProbe.f(r["omega_total"]))
                for it in r["items"] as! [[String: Any]] {
                    let shown = ReportProbe.cell(sec, table: "items", row: it["id"] as! String, key: "r_drop:\(w)")?.replacingOccurrences(of: "⚑ ", with: "")
                    XCTAssertEqual(shown, ReportProbe.f(it["r_drop"]), "\(name) \(w) \(it["id"]!)")
                }
            }
            let waves = ReportProbe.rows(sec, table: "reliability")
            // waves change --json, with role when the page's ANOVA has a role effect
            let anovaRows = ReportProbe.rows(sec, table: "anova")
            var args = ["change", "--study", Self.demo, "--scale", name, "--waves", waves.joined(separator: ",")]
            if anovaRows.contains("role") { args += ["--between", "role"] }
            let c = try json(args) as! [String: Any]
            XCTAssertEqual((c["anova"] as! [[String: Any]]).map { $0["effect"] as! String }, anovaRows)
            let correction = c["correction"] as? String
            for e in c["anova"] as! [[String: Any]] {
                let eff = e["effect"] as! String
                let within = e["gg_epsilon"] != nil
                let p = !within || correction == nil ? e["p"] : e[correction == "GG" ? "p_gg" : "p_hf"]
                XCTAssertEqual(ReportProbe.cell(sec, table: "anova", row: eff, key: "F"), ReportProbe.f(e["F"]), "\(name) \(eff)")
                XCTAssertEqual(ReportProbe.cell(sec, table: "anova", row: eff, key: "p"), ReportProbe.p(p), "\(name) \(eff)")
                XCTAssertEqual(ReportProbe.cell(sec, table: "anova", row: eff, key: "ges"), ReportProbe.f(e["ges"], 3))
            }
            for ph in c["posthoc"] as! [[String: Any]] {
                let row = "\(ph["a"]!)-\(ph["b"]!)"
                XCTAssertEqual(ReportProbe.cell(sec, table: "posthoc", row: row, key: "mean_diff"), ReportProbe.f(ph["mean_diff"], 3))
                XCTAssertEqual(ReportProbe.cell(sec, table: "posthoc", row: row, key: "p_holm"), ReportProbe.p(ph["p_holm"]))
            }
            let fr = c["friedman"] as! [String: Any]
            XCTAssertTrue(sec.contains("χ²(\(fr["df"]!)) = \(ReportProbe.f(fr["chisq"]))"), name)

            // waves lmm --json, with role when the page's model has role terms
            let terms = ReportProbe.rows(sec, table: "lmm-fixed")
            var largs = ["lmm", "--study", Self.demo, "--scale", name]
            if terms.contains(where: { $0.hasPrefix("role[") }) { largs += ["--between", "role"] }
            let m = try json(largs) as! [String: Any]
            XCTAssertEqual((m["fixed"] as! [[String: Any]]).map { $0["term"] as! String }, terms, name)
            for f in m["fixed"] as! [[String: Any]] {
                let t = f["term"] as! String
                XCTAssertEqual(ReportProbe.cell(sec, table: "lmm-fixed", row: t, key: "estimate"), ReportProbe.f(f["estimate"], 3), "\(name) \(t)")
                XCTAssertEqual(ReportProbe.cell(sec, table: "lmm-fixed", row: t, key: "df"), ReportProbe.f(f["df"], 1), "\(name) \(t)")
                XCTAssertEqual(ReportProbe.cell(sec, table: "lmm-fixed", row: t, key: "p"), ReportProbe.p(f["p"]), "\(name) \(t)")
            }
            let rnd = m["random"] as! [String: Any]
            XCTAssertEqual(ReportProbe.cell(sec, table: "lmm-random", row: "participant", key: "variance"), ReportProbe.f(rnd["participant_var"], 4))
            XCTAssertEqual(ReportProbe.cell(sec, table: "lmm-random", row: "residual", key: "variance"), ReportProbe.f(rnd["residual_var"], 4))

            // waves retest --json for each pair the page shows
            for pair in ReportProbe.rows(sec, table: "retest") {
                let r = try json(["retest", "--study", Self.demo, "--scale", name, "--waves", pair.replacingOccurrences(of: "-", with: ",")]) as! [String: Any]
                XCTAssertEqual(ReportProbe.cell(sec, table: "retest", row: pair, key: "icc_a1"), ReportProbe.f(r["icc_a1"]), "\(name) \(pair)")
                XCTAssertEqual(ReportProbe.cell(sec, table: "retest", row: pair, key: "icc_c1_ci"), ReportProbe.ci(r["icc_c1_ci"]), "\(name) \(pair)")
            }

            // waves rci --json, first to last wave
            let rci = try WavesProcess.run(["rci", "--study", Self.demo, "--scale", name, "--from", waves.first!, "--to", waves.last!, "--json"])
            if rci.status == 0 {
                let r = try JSONSerialization.jsonObject(with: Data(rci.stdout.utf8)) as! [String: Any]
                let s = r["summary"] as! [String: Any]
                let row = "\(waves.first!)-\(waves.last!)"
                for k in ["increase", "decrease", "no_change"] {
                    XCTAssertEqual(ReportProbe.cell(sec, table: "rci", row: row, key: k), "\(s[k]!)", "\(name) \(k)")
                }
            } else {
                XCTAssertTrue(sec.contains("Reliable change not shown:"), "\(name): rci failed (\(rci.stderr)) but the page shows it")
            }
        }
    }

    func testMarkdownToStandardOutput() throws {
        let r = try WavesProcess.run(["report", "--study", Self.demo, "--format", "md"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.hasPrefix("# Palliative-medicine research mentoring programme"))
        XCTAssertTrue(r.stdout.contains("| wave | n | left out | k | alpha |"))
        XCTAssertFalse(r.stdout.contains("<svg"))
    }

    func testHostileTextIsEscapedInThePageAndTheTerminal() throws {
        let out = dir.appendingPathComponent("hostile.html").path
        let r = try WavesProcess.run(["report", "--study", Self.hostile, "--out", out, "--include-text"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertFalse(r.stdout.contains("\u{1b}"), "terminal escapes reach the terminal")
        let html = try String(contentsOfFile: out, encoding: .utf8)
        XCTAssertEqual(ReportProbe.externalReferences(html), [])
        XCTAssertFalse(html.contains("<script>") || html.contains("<img") || html.contains("\u{1b}") || html.contains("[31m"))
        XCTAssertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        XCTAssertTrue(html.contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"))
        XCTAssertTrue(html.contains("red alert and a bell"))
        XCTAssertTrue(html.contains("data-warning=\"instrument-changed\""))
    }

    func testUsageErrors() throws {
        var r = try WavesProcess.run(["report", "--study", Self.demo])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("--out"), r.stderr)
        r = try WavesProcess.run(["report", "--study", Self.demo, "--out", dir.appendingPathComponent("x").path, "--format", "pdf"])
        XCTAssertEqual(r.status, 2)
        // A missing folder is created (0700); a folder that cannot exist (its parent is a file) is refused.
        try Data("x".utf8).write(to: dir.appendingPathComponent("plain-file"))
        r = try WavesProcess.run(["report", "--study", Self.demo, "--out", dir.appendingPathComponent("plain-file/sub/r.html").path])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("cannot write the report"), r.stderr)
        r = try WavesProcess.run(["report", "--study", dir.appendingPathComponent("missing").path, "--out", dir.appendingPathComponent("r.html").path])
        XCTAssertEqual(r.status, 1)
    }
}
