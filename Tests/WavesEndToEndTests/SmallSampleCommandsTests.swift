import Foundation
import WavesTestSupport
import XCTest

/// `waves lmm --df kenward-roger` and the emmeans of `waves lmm --json` on the demo study against
/// R (lmerTest, pbkrtest, emmeans; WavesStatsTests/Fixtures/kr-demo-*/script.R), the
/// Kenward-Roger recommendation for small samples, and the effect-size intervals of `waves change`.
final class SmallSampleCommandsTests: XCTestCase {
    static let study = WavesProcess.repoRoot.appendingPathComponent("datasets/pmi-demo").path

    func fixture(_ name: String) throws -> [String: Any] {
        let url = WavesProcess.repoRoot.appendingPathComponent("Tests/WavesStatsTests/Fixtures/\(name)/expected.json")
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    }

    func waves(_ args: [String], study: String = study) throws -> [String: Any] {
        let r = try WavesProcess.run(args + ["--study", study, "--json"])
        XCTAssertEqual(r.status, 0, "waves \(args.joined(separator: " ")): \(r.stderr)")
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
    }

    func rel(_ a: Any?, _ b: Any?, _ tol: Double, _ what: String, floor: Double = 1e-12) {
        guard let x = a as? Double, let y = b as? Double else { return XCTFail("\(what): \(String(describing: a)) vs \(String(describing: b))") }
        XCTAssertEqual(x, y, accuracy: tol * max(abs(y), floor), what)
    }

    /// Fixed effects (KR se and df) and emmeans under both df methods, matched by wave and role.
    func compare(_ args: [String], _ name: String) throws {
        let e = try fixture(name)
        for (method, key) in [("kenward-roger", "emmeans_kr"), ("satterthwaite", "emmeans_satterthwaite")] {
            let a = try waves(args + ["--df", method])
            XCTAssertEqual(a["df_method"] as? String, method)
            if method == "kenward-roger" {
                let fixed = try XCTUnwrap(a["fixed"] as? [[String: Any]])
                let want = try XCTUnwrap(e["fixed_kr"] as? [[String: Any]])
                XCTAssertEqual(fixed.count, want.count)
                for (f, w) in zip(fixed, want) {
                    rel(f["se"], w["se"], 1e-4, "\(name) \(w["term"]!) se")
                    rel(f["df"], w["df"], 1e-2, "\(name) \(w["term"]!) df")
                }
            }
            let rows = try XCTUnwrap(a["emmeans"] as? [[String: Any]])
            let want = try XCTUnwrap(e[key] as? [[String: Any]])
            XCTAssertEqual(rows.count, want.count, "\(name) \(method) emmeans rows")
            let waveOfTime = ["0": "w1", "6": "w2", "12": "w3"]
            for w in want {
                let wave = (w["wave"] as? String) ?? waveOfTime[w["time"] as! String]!
                let row = try XCTUnwrap(rows.first { $0["wave"] as? String == wave && $0["group"] as? String == w["role"] as? String },
                                        "\(name) \(method) \(wave) \(w["role"] ?? "")")
                let se = w["se"] as! Double
                rel(row["emmean"], w["emmean"], 1e-6, "\(name) \(method) \(wave) emmean", floor: se)
                rel(row["se"], w["se"], 1e-4, "\(name) \(method) \(wave) se")
                rel(row["df"], w["df"], 1e-2, "\(name) \(method) \(wave) df")
                let ci = try XCTUnwrap(row["ci"] as? [Double]), wci = w["ci"] as! [Double]
                rel(ci[0], wci[0], 1e-4, "\(name) \(method) \(wave) ci lower", floor: se)
                rel(ci[1], wci[1], 1e-4, "\(name) \(method) \(wave) ci upper", floor: se)
            }
        }
    }

    func testDemoCategoricalWithRole() throws {
        try compare(["lmm", "--scale", "identity", "--between", "role"], "kr-demo-categorical")
    }

    func testDemoLinearWithSlopesAndRole() throws {
        try compare(["lmm", "--scale", "identity", "--time", "linear", "--between", "role", "--slopes"], "kr-demo-linear-slopes")
    }

    /// Below 40 participants the output recommends Kenward-Roger; with it, it does not.
    func testRecommendationForSmallSamples() throws {
        let dir = WavesProcess.tempDir("kr-small")
        defer { try? FileManager.default.removeItem(at: dir) }
        let study = dir.appendingPathComponent("s").path
        XCTAssertEqual(try WavesProcess.run(["init", study]).status, 0)
        XCTAssertEqual(try WavesProcess.run(["simulate", "--study", study, "--participants", "12", "--seed", "3"]).status, 0)
        let s = try waves(["lmm", "--scale", "identity"], study: study)
        XCTAssertTrue((s["df_recommendation"] as? String)?.contains("Kenward-Roger") == true)
        let k = try waves(["lmm", "--scale", "identity", "--df", "kenward-roger"], study: study)
        XCTAssertTrue(k["df_recommendation"] is NSNull)
        let text = try WavesProcess.run(["lmm", "--study", study, "--scale", "identity"])
        XCTAssertTrue(text.stdout.contains("--df kenward-roger"), text.stdout)
        XCTAssertTrue(text.stdout.contains("Estimated marginal means"), text.stdout)
        let demo = try waves(["lmm", "--scale", "identity"])
        XCTAssertTrue(demo["df_recommendation"] is NSNull, "40 participants: no recommendation")
        let bad = try WavesProcess.run(["lmm", "--study", study, "--scale", "identity", "--df", "kr"])
        XCTAssertEqual(bad.status, 2)
    }

    /// Every post hoc pair has a d_z interval around d_z, every effect a pes interval around pes (90%, floored at 0).
    func testChangeIntervals() throws {
        let a = try waves(["change", "--scale", "identity", "--between", "role"])
        let posthoc = try XCTUnwrap(a["posthoc"] as? [[String: Any]])
        XCTAssertFalse(posthoc.isEmpty)
        for p in posthoc {
            let dz = try XCTUnwrap(p["dz"] as? Double), ci = try XCTUnwrap(p["dz_ci"] as? [Double])
            XCTAssertTrue(ci[0] < dz && dz < ci[1], "\(p)")
        }
        for e in try XCTUnwrap(a["anova"] as? [[String: Any]]) {
            let pes = try XCTUnwrap(e["pes"] as? Double), ci = try XCTUnwrap(e["pes_ci"] as? [Double])
            XCTAssertTrue(ci[0] >= 0 && ci[0] <= pes && pes <= ci[1] && ci[1] < 1, "\(e)")
        }
        let text = try WavesProcess.run(["change", "--study", Self.study, "--scale", "identity"])
        XCTAssertTrue(text.stdout.contains("d_z 95% CI") && text.stdout.contains("pes 90% CI"), text.stdout)
    }

    /// One wave is an error the user can read, not a crash.
    func testSingleWaveAnswers() throws {
        let r = try WavesProcess.run(["change", "--study", Self.study, "--scale", "identity", "--waves", "w1", "--json"])
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertFalse(r.stderr.isEmpty)
    }

    /// The same data give the same digits on every run: Kenward-Roger summed its participant
    /// blocks (and kappa its categories) in a Dictionary's order, which Swift seeds per process,
    /// so each run of `lmm --df kenward-roger` (and `results`) printed other last digits.
    func testEveryRunPrintsTheSameDigits() throws {
        for args in [["lmm", "--df", "kenward-roger", "--between", "role"], ["lmm", "--df", "kenward-roger", "--slopes", "--time", "linear"], ["results"]] {
            var outputs: Set<String> = []
            for _ in 0..<4 {
                let r = try WavesProcess.run(args + ["--study", Self.study, "--json"])
                XCTAssertEqual(r.status, 0, r.stderr)
                outputs.insert(r.stdout)
            }
            XCTAssertEqual(outputs.count, 1, "waves \(args.joined(separator: " ")) printed \(outputs.count) different outputs in 4 runs")
        }
    }
}
