import Foundation
import WavesTestSupport
import XCTest

/// The analysis commands on the committed demo study print the numbers R gives.
///
/// Expected values: Fixtures/demo-r/expected.json, written by Fixtures/demo-r/make.R
/// (psych::alpha, factanal, psych::ICC, afex::aov_ez + car::Anova, t.test,
/// friedman.test, lmerTest::lmer) from the two CSVs beside it, which the binary
/// wrote from datasets/pmi-demo (`testFixtureInputsAreCurrent` keeps them honest).
final class DemoAgainstRTests: XCTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/demo-r")
    static let study = WavesProcess.repoRoot.appendingPathComponent("datasets/pmi-demo").path

    /// expected.json (read per use: a small file, and no shared mutable state).
    static var expected: [String: Any] {
        let data = (try? Data(contentsOf: fixtures.appendingPathComponent("expected.json"))) ?? Data()
        return ((try? JSONSerialization.jsonObject(with: data)) as? [String: Any]) ?? [:]
    }

    func expected(_ key: String) throws -> [String: Any] {
        try XCTUnwrap(Self.expected[key] as? [String: Any], "expected.json has no '\(key)'; run Rscript make.R")
    }

    /// Runs `waves <args> --study <demo> --json` and parses the single JSON object it prints.
    func waves(_ args: [String]) throws -> [String: Any] {
        let r = try WavesProcess.run(args + ["--study", Self.study, "--json"])
        XCTAssertEqual(r.status, 0, "waves \(args.joined(separator: " ")): \(r.stderr)")
        let obj = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8))
        return try XCTUnwrap(obj as? [String: Any], "not a JSON object: \(r.stdout.prefix(200))")
    }

    // MARK: - fixture inputs

    func testFixtureInputsAreCurrent() throws {
        let dir = WavesProcess.tempDir("demo-r")
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("identity-long.csv")
        var r = try WavesProcess.run(["export", "--study", Self.study, "--format", "csv-long", "--instrument", "identity", "--out", out.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        let stale = "the demo study changed: regenerate Fixtures/demo-r (see make.R) and rerun Rscript make.R"
        XCTAssertEqual(try String(contentsOf: out, encoding: .utf8),
                       try String(contentsOf: Self.fixtures.appendingPathComponent("identity-long.csv"), encoding: .utf8), stale)
        r = try WavesProcess.run(["score", "--study", Self.study, "--instrument", "identity", "--csv"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, try String(contentsOf: Self.fixtures.appendingPathComponent("identity-scores.csv"), encoding: .utf8), stale)
    }

    /// `waves score --json` against the scores R recomputes from the raw answers.
    func testScores() throws {
        let exp = try XCTUnwrap(Self.expected["scores"] as? [[String: Any]])
        let rows = try XCTUnwrap(try waves(["score", "--instrument", "identity"])["scores"] as? [[String: Any]])
            .filter { $0["scale"] as? String == "identity" }
        XCTAssertEqual(rows.count, exp.count)
        let byKey = Dictionary(rows.map { ("\($0["participant"]!) \($0["wave"]!)", $0) }, uniquingKeysWith: { a, _ in a })
        for e in exp {
            let key = "\(e["participant"]!) \(e["wave"]!)"
            guard let a = byKey[key] else { XCTFail("score: no row for \(key)"); continue }
            XCTAssertEqual(int(a["answered"]), int(e["answered"]), "score \(key) answered")
            near(a["score"], e["score"], abs: 1e-12, "score \(key)")
        }
    }

    // MARK: - reliability, retest, rci

    func testReliability() throws {
        let e = try expected("reliability")
        let a = try waves(["reliability", "--scale", "identity", "--wave", "w1"])
        XCTAssertEqual(int(a["n"]), int(e["n"]), "n")
        XCTAssertEqual(int(a["k"]), int(e["k"]), "k")
        for key in ["alpha", "std_alpha", "average_r", "split_half"] { near(a[key], e[key], abs: 1e-6, "reliability \(key)") }
        nearPair(a["alpha_ci"], e["alpha_ci"], abs: 1e-6, "reliability alpha_ci")
        near(a["omega_total"], e["omega_total"], abs: 1e-4, "reliability omega_total")
        let ai = try XCTUnwrap(a["items"] as? [[String: Any]]), ei = try XCTUnwrap(e["items"] as? [[String: Any]])
        XCTAssertEqual(ai.map { $0["id"] as? String }, ei.map { $0["id"] as? String }, "item ids in instrument order")
        for (x, y) in zip(ai, ei) {
            let id = y["id"] as? String ?? "?"
            XCTAssertEqual(int(x["n"]), int(y["n"]), "item \(id) n")
            for key in ["mean", "sd", "r_drop", "alpha_if_deleted"] { near(x[key], y[key], abs: 1e-6, "item \(id) \(key)") }
        }
    }

    func testRetest() throws {
        let e = try expected("retest")
        let a = try waves(["retest", "--scale", "identity", "--waves", "w1,w2"])
        XCTAssertEqual(int(a["n"]), int(e["n"]), "n")
        for key in ["pearson_r", "icc_a1", "icc_c1"] { near(a[key], e[key], abs: 1e-6, "retest \(key)") }
        for key in ["icc_a1_ci", "icc_c1_ci"] { nearPair(a[key], e[key], abs: 1e-6, "retest \(key)") }
    }

    func testRCI() throws {
        let e = try expected("rci")
        let a = try waves(["rci", "--scale", "identity", "--from", "w1", "--to", "w3"])
        XCTAssertEqual(a["reliability_source"] as? String, "alpha")
        for key in ["sd_baseline", "reliability", "s_diff"] { near(a[key], e[key], abs: 1e-6, "rci \(key)") }
        let sa = try XCTUnwrap(a["summary"] as? [String: Any]), se = try XCTUnwrap(e["summary"] as? [String: Any])
        for key in ["increase", "decrease", "no_change"] { XCTAssertEqual(int(sa[key]), int(se[key]), "rci summary \(key)") }
        let pa = try XCTUnwrap(a["participants"] as? [[String: Any]]), pe = try XCTUnwrap(e["participants"] as? [[String: Any]])
        XCTAssertEqual(pa.map { $0["participant"] as? String }, pe.map { $0["participant"] as? String }, "rci participants")
        for (x, y) in zip(pa, pe) {
            let id = y["participant"] as? String ?? "?"
            for key in ["x1", "x2", "rc"] { near(x[key], y[key], abs: 1e-6, "rci \(id) \(key)") }
            XCTAssertEqual(x["category"] as? String, y["category"] as? String, "rci \(id) category")
        }
    }

    // MARK: - change

    func testChange() throws {
        let e = try expected("change")
        let a = try waves(["change", "--scale", "identity", "--between", "role"])
        XCTAssertEqual(int(a["n"]), int(e["n"]), "n")
        XCTAssertEqual(a["waves"] as? [String], ["w1", "w2", "w3"])

        let aa = try rows(a["anova"], by: "effect"), ea = try XCTUnwrap(e["anova"] as? [[String: Any]])
        XCTAssertEqual(aa.count, ea.count, "anova effects")
        for y in ea {
            let effect = y["effect"] as? String ?? "?"
            guard let x = aa[effect] else { XCTFail("anova: no effect \(effect)"); continue }
            for key in ["df1", "df2", "F", "ges", "pes"] { near(x[key], y[key], abs: 1e-6, "anova \(effect) \(key)") }
            nearP(x["p"], y["p"], "anova \(effect) p")
            if y["gg_epsilon"] != nil {
                for key in ["gg_epsilon", "hf_epsilon"] { near(x[key], y[key], abs: 1e-6, "anova \(effect) \(key)") }
                for key in ["p_gg", "p_hf"] { nearP(x[key], y[key], "anova \(effect) \(key)") }
            } else {
                for key in ["gg_epsilon", "hf_epsilon", "p_gg", "p_hf"] {
                    XCTAssertTrue(x[key] == nil || x[key] is NSNull, "anova \(effect): no \(key) on a between-only effect")
                }
            }
        }

        let sa = try XCTUnwrap(a["sphericity"] as? [String: Any]), se = try XCTUnwrap(e["sphericity"] as? [String: Any])
        for key in ["W", "chisq", "df"] { near(sa[key], se[key], abs: 1e-6, "sphericity \(key)") }
        nearP(sa["p"], se["p"], "sphericity p")

        let da = try XCTUnwrap(a["descriptives"] as? [[String: Any]]), de = try XCTUnwrap(e["descriptives"] as? [[String: Any]])
        XCTAssertEqual(da.count, de.count, "descriptives rows")
        func dkey(_ r: [String: Any]) -> String { "\(r["wave"] as? String ?? "?")/\(r["group"] as? String ?? "all")" }
        let dByKey = Dictionary(da.map { (dkey($0), $0) }, uniquingKeysWith: { x, _ in x })
        for y in de {
            guard let x = dByKey[dkey(y)] else { XCTFail("descriptives: no row \(dkey(y))"); continue }
            XCTAssertEqual(int(x["n"]), int(y["n"]), "descriptives \(dkey(y)) n")
            for key in ["mean", "sd"] { near(x[key], y[key], abs: 1e-6, "descriptives \(dkey(y)) \(key)") }
            nearPair(x["ci"], y["ci"], abs: 1e-6, "descriptives \(dkey(y)) ci")
        }

        let pa = try XCTUnwrap(a["posthoc"] as? [[String: Any]]), pe = try XCTUnwrap(e["posthoc"] as? [[String: Any]])
        XCTAssertEqual(pa.map { "\($0["a"]!)-\($0["b"]!)" }, pe.map { "\($0["a"]!)-\($0["b"]!)" }, "posthoc pairs")
        for (x, y) in zip(pa, pe) {
            let pair = "\(y["a"]!)-\(y["b"]!)"
            for key in ["mean_diff", "t", "df", "dz"] { near(x[key], y[key], abs: 1e-6, "posthoc \(pair) \(key)") }
            for key in ["p", "p_holm", "p_bonferroni"] { nearP(x[key], y[key], "posthoc \(pair) \(key)") }
        }

        let fa = try XCTUnwrap(a["friedman"] as? [String: Any]), fe = try XCTUnwrap(e["friedman"] as? [String: Any])
        for key in ["chisq", "df", "kendall_w"] { near(fa[key], fe[key], abs: 1e-6, "friedman \(key)") }
        nearP(fa["p"], fe["p"], "friedman p")
    }

    // MARK: - lmm

    func testLinearMixedModelWithSlopes() throws {
        let a = try waves(["lmm", "--scale", "identity", "--time", "linear", "--between", "role", "--slopes"])
        try compareMixedModel(a, try expected("lmm_linear"), name: "lmm linear",
                              terms: ["(Intercept)", "time", "role[peer-mentor]", "time:role[peer-mentor]"])
        let r = try XCTUnwrap(a["random"] as? [String: Any]), e = try XCTUnwrap(try expected("lmm_linear")["random"] as? [String: Any])
        near(r["slope_var"], e["slope_var"], abs: 0, rel: 1e-4, "lmm linear slope_var")
        near(r["intercept_slope_cor"], e["intercept_slope_cor"], abs: 1e-4, "lmm linear intercept_slope_cor")
    }

    func testCategoricalMixedModel() throws {
        let a = try waves(["lmm", "--scale", "identity", "--time", "categorical", "--between", "role"])
        try compareMixedModel(a, try expected("lmm_categorical"), name: "lmm categorical",
                              terms: ["(Intercept)", "wave[w2]", "wave[w3]", "role[peer-mentor]",
                                      "wave[w2]:role[peer-mentor]", "wave[w3]:role[peer-mentor]"])
    }

    /// Fixed effects, variance components and REML criterion of one `waves lmm` result.
    func compareMixedModel(_ a: [String: Any], _ e: [String: Any], name: String, terms: [String]) throws {
        XCTAssertEqual(int(a["n_obs"]), int(e["n_obs"]), "\(name) n_obs")
        XCTAssertEqual(int(a["n_participants"]), int(e["n_participants"]), "\(name) n_participants")
        XCTAssertEqual(a["converged"] as? Bool, true, "\(name) converged")
        XCTAssertEqual(a["singular"] as? Bool, e["singular"] as? Bool, "\(name) singular (R isSingular)")
        let fa = try XCTUnwrap(a["fixed"] as? [[String: Any]]), fe = try XCTUnwrap(e["fixed"] as? [[String: Any]])
        XCTAssertEqual(fe.map { $0["term"] as? String }, terms, "\(name): R term names as mapped by make.R")
        XCTAssertEqual(fa.map { $0["term"] as? String }, terms, "\(name) term names")
        for (x, y) in zip(fa, fe) {
            let t = "\(name) \(y["term"] as? String ?? "?")"
            near(x["estimate"], y["estimate"], abs: 0, rel: 1e-5, "\(t) estimate")
            near(x["se"], y["se"], abs: 1e-4, "\(t) se")
            near(x["df"], y["df"], abs: 1e-2, "\(t) df")
            near(x["t"], y["t"], abs: 0, rel: 1e-4, "\(t) t")
            near(x["p"], y["p"], abs: 1e-8, rel: 1e-3, "\(t) p")
        }
        let ra = try XCTUnwrap(a["random"] as? [String: Any]), re = try XCTUnwrap(e["random"] as? [String: Any])
        for key in ["participant_var", "residual_var"] { near(ra[key], re[key], abs: 0, rel: 1e-4, "\(name) \(key)") }
        near(a["loglik"], e["loglik"], abs: 1e-4, "\(name) loglik (REML)")
        near(a["aic"], e["aic"], abs: 1e-4, "\(name) aic")
    }

    // MARK: - comparison helpers

    func int(_ v: Any?) -> Int? { (v as? NSNumber)?.intValue }

    func rows(_ v: Any?, by key: String) throws -> [String: [String: Any]] {
        let list = try XCTUnwrap(v as? [[String: Any]])
        return Dictionary(list.map { ($0[key] as? String ?? "?", $0) }, uniquingKeysWith: { x, _ in x })
    }

    /// Passes when |actual - expected| <= abs or <= rel * |expected|; both must be numbers
    /// (or both JSON null).
    func near(_ actual: Any?, _ expected: Any?, abs: Double, rel: Double = 0, _ what: String,
              file: StaticString = #filePath, line: UInt = #line) {
        if expected is NSNull || expected == nil {
            XCTAssertTrue(actual is NSNull, "\(what): expected null, got \(String(describing: actual))", file: file, line: line)
            return
        }
        guard let e = (expected as? NSNumber)?.doubleValue else {
            XCTFail("\(what): expected value is not a number: \(String(describing: expected))", file: file, line: line); return
        }
        guard let x = actual as? NSNumber else {
            XCTFail("\(what): Waves gave \(String(describing: actual)), R \(e)", file: file, line: line); return
        }
        let d = Swift.abs(x.doubleValue - e)
        XCTAssertTrue(d <= abs || d <= rel * Swift.abs(e),
                      "\(what): Waves \(x.doubleValue), R \(e), difference \(d) (abs \(abs), rel \(rel))", file: file, line: line)
    }

    /// A p-value of a closed-form test: 1e-6 absolute and 1e-6 relative (small p).
    func nearP(_ actual: Any?, _ expected: Any?, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        near(actual, expected, abs: 1e-6, what, file: file, line: line) // absolute, for p near 1
        near(actual, expected, abs: 1e-15, rel: 1e-6, what + " (relative)", file: file, line: line)
    }

    func nearPair(_ actual: Any?, _ expected: Any?, abs: Double, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        guard let a = actual as? [Any], let e = expected as? [Any], a.count == 2, e.count == 2 else {
            XCTFail("\(what): not a pair: Waves \(String(describing: actual)), R \(String(describing: expected))", file: file, line: line); return
        }
        near(a[0], e[0], abs: abs, "\(what)[lower]", file: file, line: line)
        near(a[1], e[1], abs: abs, "\(what)[upper]", file: file, line: line)
    }
}
