import Foundation
import XCTest
import WavesTestSupport

/// `waves cfa` and `waves invariance` on the committed demo study against lavaan 0.6-14
/// (Fixtures/demo-cfa/script.R, from the answers in Fixtures/demo-r/identity-long.csv,
/// which DemoAgainstRTests.testFixtureInputsAreCurrent keeps equal to the binary's export).
/// Tolerances: estimates and fit indices 1e-4, chi-square 1e-4 relative, standard errors 1e-3.
final class DemoCFATests: XCTestCase {
    static let study = WavesProcess.repoRoot.appendingPathComponent("datasets/pmi-demo").path

    func expected(_ key: String) throws -> [String: Any] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/demo-cfa/expected.json")
        let all = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        return try XCTUnwrap(all[key] as? [String: Any], "expected.json has no \(key); run Rscript script.R")
    }

    func waves(_ args: [String]) throws -> [String: Any] {
        let r = try WavesProcess.run(args + ["--study", Self.study, "--json"])
        XCTAssertEqual(r.status, 0, "waves \(args.joined(separator: " ")): \(r.stderr)")
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
    }

    func num(_ v: Any?) -> Double? { (v as? NSNumber)?.doubleValue }

    func near(_ a: Any?, _ e: Any?, _ tol: Double, relative: Bool = false, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        guard let x = num(a), let y = num(e) else {
            XCTAssertTrue(a is NSNull && (e == nil || e is NSNull), "\(what): \(String(describing: a)) vs \(String(describing: e))", file: file, line: line)
            return
        }
        XCTAssertEqual(x, y, accuracy: relative ? tol * max(1, abs(y)) : tol, what, file: file, line: line)
    }

    /// Fit measures of one model against lavaan's fitMeasures().
    func checkFit(_ got: [String: Any], _ fit: [String: Any], _ label: String) {
        near(got["chisq"], fit["chisq"], 1e-4, relative: true, "\(label) chisq")
        XCTAssertEqual(got["df"] as? Int, fit["df"] as? Int, "\(label) df")
        for (k, r) in [("p", "pvalue"), ("cfi", "cfi"), ("tli", "tli"), ("rmsea", "rmsea"), ("srmr", "srmr")] {
            near(got[k], fit[r], 1e-4, "\(label) \(k)")
        }
        near(got["aic"], fit["aic"], 1e-4, relative: true, "\(label) aic")
        near(got["bic"], fit["bic"], 1e-4, relative: true, "\(label) bic")
    }

    func checkCFA(_ args: [String], _ key: String, items: Int = 8) throws {
        let got = try waves(["cfa", "--wave", "w1"] + args)
        let e = try expected(key)
        let fit = try XCTUnwrap(e["fit"] as? [String: Any])
        XCTAssertEqual(got["n"] as? Int, fit["ntotal"] as? Int)
        XCTAssertEqual(got["converged"] as? Bool, true)
        checkFit(got, fit, key)
        let ci = try XCTUnwrap(got["rmsea_ci"] as? [Double])
        near(ci[0], fit["rmsea.ci.lower"], 1e-4, "\(key) rmsea lower")
        near(ci[1], fit["rmsea.ci.upper"], 1e-4, "\(key) rmsea upper")
        let params = try XCTUnwrap(e["parameters"] as? [[String: Any]])
        let loadings = try XCTUnwrap(got["loadings"] as? [[String: Any]])
        let residuals = try XCTUnwrap(got["residuals"] as? [[String: Any]])
        XCTAssertEqual(loadings.count, items)
        XCTAssertEqual(residuals.count, items)
        for l in loadings {
            let item = try XCTUnwrap(l["item"] as? String)
            let row = try XCTUnwrap(params.first { $0["op"] as? String == "=~" && $0["rhs"] as? String == item })
            near(l["estimate"], row["est"], 1e-4, "\(key) loading \(item)")
            near(l["std"], row["std_all"], 1e-4, "\(key) std \(item)")
            if row["free"] as? Bool == true { near(l["se"], row["se"], 1e-3, "\(key) se \(item)") } else { XCTAssertTrue(l["se"] is NSNull) }
        }
        for r in residuals {
            let item = try XCTUnwrap(r["item"] as? String)
            let row = try XCTUnwrap(params.first { $0["op"] as? String == "~~" && $0["lhs"] as? String == item && $0["rhs"] as? String == item })
            near(r["estimate"], row["est"], 1e-4, "\(key) residual \(item)")
            near(r["se"], row["se"], 1e-3, "\(key) residual se \(item)")
        }
    }

    func testCFAListwise() throws { try checkCFA(["--scale", "identity"], "cfa_w1") }
    func testCFAFullInformation() throws { try checkCFA(["--scale", "identity", "--missing", "fiml"], "cfa_w1_fiml") }

    func testCFAOfAnInstrumentsScalesAsCorrelatedFactors() throws {
        try checkCFA(["--instrument", "ecosystem"], "cfa_ecosystem_w1", items: 12)
        let got = try waves(["cfa", "--instrument", "ecosystem", "--wave", "w1"])
        let params = try XCTUnwrap(try expected("cfa_ecosystem_w1")["parameters"] as? [[String: Any]])
        let cors = try XCTUnwrap(got["correlations"] as? [[String: Any]])
        XCTAssertEqual(cors.count, 3)
        for c in cors {
            let f = try XCTUnwrap(c["factors"] as? [String])
            let row = try XCTUnwrap(params.first { $0["op"] as? String == "~~" && $0["lhs"] as? String == f[0] && $0["rhs"] as? String == f[1] })
            near(c["estimate"], row["std_all"], 1e-4, "correlation \(f)")
        }
    }

    /// The ecosystem answers the R script reads are the binary's current export.
    func testFixtureInputIsCurrent() throws {
        let dir = WavesProcess.tempDir("demo-cfa")
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("ecosystem-long.csv")
        let r = try WavesProcess.run(["export", "--study", Self.study, "--format", "csv-long", "--instrument", "ecosystem", "--out", out.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        let committed = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/demo-cfa/ecosystem-long.csv")
        XCTAssertEqual(try String(contentsOf: out, encoding: .utf8), try String(contentsOf: committed, encoding: .utf8),
                       "the demo study changed: regenerate Fixtures/demo-cfa (see script.R) and rerun Rscript script.R")
    }

    func checkLadder(_ args: [String], _ key: String, meanKey: String) throws -> [String: Any] {
        let got = try waves(["invariance", "--scale", "identity"] + args)
        let e = try expected(key)
        let models = try XCTUnwrap(got["models"] as? [[String: Any]])
        let want = try XCTUnwrap(e["models"] as? [String: Any])
        XCTAssertEqual(models.map { $0["model"] as? String }, ["configural", "metric", "scalar", "strict"])
        for m in models {
            let name = m["model"] as! String
            let fit = try XCTUnwrap((want[name] as? [String: Any])?["fit"] as? [String: Any])
            checkFit(m, fit, "\(key) \(name)")
            XCTAssertEqual(got["n"] as? Int, fit["ntotal"] as? Int)
        }
        let comps = try XCTUnwrap(got["comparisons"] as? [[String: Any]])
        let wantComps = try XCTUnwrap(e["comparisons"] as? [[String: Any]])
        XCTAssertEqual(comps.count, 3)
        for (c, w) in zip(comps, wantComps) {
            XCTAssertEqual(c["from"] as? String, w["from"] as? String)
            XCTAssertEqual(c["to"] as? String, w["to"] as? String)
            near(c["delta_chisq"], w["delta_chisq"], 1e-4, relative: true, "\(key) delta chisq")
            XCTAssertEqual(c["delta_df"] as? Int, w["delta_df"] as? Int)
            for k in ["p", "delta_cfi", "delta_rmsea"] { near(c[k], w[k], 1e-4, "\(key) \(c["to"]!) \(k)") }
            let held = (num(w["delta_cfi"])! >= -0.010) && (num(w["delta_rmsea"])! <= 0.015)
            XCTAssertEqual(c["held"] as? Bool, held, "\(key) Chen's rule at \(c["to"]!)")
        }
        let means = try XCTUnwrap(got["latent_means"] as? [[String: Any]])
        let wantMeans = try XCTUnwrap(e["latent_means"] as? [[String: Any]])
        XCTAssertEqual(means.count, wantMeans.count)
        for (m, w) in zip(means, wantMeans) {
            XCTAssertEqual(m[meanKey] as? String, w[meanKey] as? String)
            near(m["estimate"], w["estimate"], 1e-4, "\(key) latent mean")
            near(m["se"], w["se"], 1e-3, "\(key) latent mean se")
        }
        let partial = try XCTUnwrap(got["partial"] as? [[String: Any]])
        let wantPartial = try XCTUnwrap(e["partial"] as? [[String: Any]])
        XCTAssertEqual(partial.count, wantPartial.count)
        for w in wantPartial {
            let name = try XCTUnwrap(w["constraint"] as? String)
            let p = try XCTUnwrap(partial.first { $0["constraint"] as? String == name }, "\(key): no score test '\(name)'")
            near(p["score_chisq"], w["x2"], 1e-4, relative: true, "\(key) score \(name)")
            near(p["p"], w["p"], 1e-4, "\(key) score p \(name)")
        }
        let chisqs = partial.compactMap { num($0["score_chisq"]) }
        XCTAssertEqual(chisqs, chisqs.sorted(by: >), "partial is largest first")
        XCTAssertFalse((got["summary"] as? String ?? "").isEmpty)
        return got
    }

    func testInvarianceAcrossWavesFIML() throws {
        let got = try checkLadder(["--missing", "fiml"], "waves_fiml", meanKey: "wave")
        XCTAssertEqual(got["across"] as? String, "waves")
        XCTAssertEqual(got["waves"] as? [String], ["w1", "w2", "w3"])
    }

    func testInvarianceAcrossRole() throws {
        let got = try checkLadder(["--across", "role", "--wave", "w1"], "role_w1", meanKey: "group")
        XCTAssertEqual(got["groups"] as? [String], ["mentee", "peer-mentor"])
        XCTAssertEqual(got["n_by_group"] as? [Int], [22, 12])
    }

    /// Listwise across the three waves leaves 23 participants for 24 variables: a sentence, not a crash.
    func testListwiseAcrossWavesExplainsAndPointsToFIML() throws {
        let r = try WavesProcess.run(["invariance", "--scale", "identity", "--study", Self.study, "--json"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("23 participants for 24 observed variables") && r.stderr.contains("--missing fiml"), r.stderr)
        XCTAssertTrue(r.stdout.isEmpty)
    }

    func testTableNamesTheRuleAndSaysWhatHeld() throws {
        let r = try WavesProcess.run(["invariance", "--scale", "identity", "--missing", "fiml", "--study", Self.study])
        XCTAssertEqual(r.status, 0, r.stderr)
        for s in ["configural", "metric", "scalar", "strict", "Chen (2007)", "ΔCFI ≥ −.010", "ΔRMSEA ≤ .015", "Latent means", "lavTestScore"] {
            XCTAssertTrue(r.stdout.contains(s), "table lacks '\(s)':\n\(r.stdout)")
        }
        XCTAssertTrue(r.stdout.contains("Metric invariance did not hold"), r.stdout)
    }

    func testBadArgumentsAnswerInWords() throws {
        var r = try WavesProcess.run(["cfa", "--scale", "identity", "--instrument", "identity", "--study", Self.study])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("--scale"), r.stderr)
        r = try WavesProcess.run(["invariance", "--scale", "identity", "--waves", "w1", "--study", Self.study])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("at least two waves"), r.stderr)
        r = try WavesProcess.run(["invariance", "--scale", "identity", "--across", "role", "--wave", "w9", "--study", Self.study])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("no wave 'w9'"), r.stderr)
    }

    /// Without --scale, cfa and invariance run on every scale of the study (one JSON array), as the
    /// other per-scale analyses do; each element equals the run on that scale alone.
    func testEveryScaleWithoutScale() throws {
        let r = try WavesProcess.run(["cfa", "--wave", "w1", "--study", Self.study, "--json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let all = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]])
        XCTAssertGreaterThan(all.count, 1)
        let one = try WavesProcess.run(["cfa", "--wave", "w1", "--scale", "identity.identity", "--study", Self.study, "--json"])
        let single = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(one.stdout.utf8)) as? [String: Any])
        let same = try XCTUnwrap(all.first { $0["scale"] as? String == single["scale"] as? String && $0["instrument"] as? String == single["instrument"] as? String })
        XCTAssertEqual(same["chisq"] as? Double, single["chisq"] as? Double)
        let inv = try WavesProcess.run(["invariance", "--across", "role", "--wave", "w1", "--study", Self.study, "--json"])
        XCTAssertEqual(inv.status, 0, inv.stderr)
        let ladders = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(inv.stdout.utf8)) as? [[String: Any]])
        XCTAssertGreaterThan(ladders.count, 1)
    }
}
