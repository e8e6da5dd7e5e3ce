import Foundation
import XCTest
import WavesAnalysis
import WavesCore

/// Each analysis source called as a library (no binary) on the demo study, against the R
/// values committed in Tests/WavesEndToEndTests/Fixtures/demo-r (expected.json, made by make.R
/// beside it: psych, afex/car, lmerTest). Tolerances as the end-to-end comparison uses.
final class AnalysesAgainstRTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let demo = root.appendingPathComponent("datasets/pmi-demo")

    func expected(_ key: String) throws -> [String: Any] {
        let url = Self.root.appendingPathComponent("Tests/WavesEndToEndTests/Fixtures/demo-r/expected.json")
        let all = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        return try XCTUnwrap(all[key] as? [String: Any], key)
    }

    func near(_ a: Double?, _ e: Any?, _ tol: Double, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        guard let a, let e = e as? Double else { return XCTFail("\(what): \(String(describing: a)) vs \(String(describing: e))", file: file, line: line) }
        XCTAssertEqual(a, e, accuracy: tol, what, file: file, line: line)
    }

    /// `PsychometricsAnalysis.reliability`: psych::alpha and factanal on identity at w1.
    func testReliability() throws {
        let e = try expected("reliability")
        let bundle = try StudyLoader.load(directory: Self.demo)
        let r = try XCTUnwrap(try PsychometricsAnalysis.reliability(bundle: bundle, scale: "identity", wave: "w1").first)
        XCTAssertEqual(r.n, e["n"] as? Int)
        XCTAssertEqual(r.k, e["k"] as? Int)
        near(r.alpha, e["alpha"], 1e-6, "alpha")
        near(r.stdAlpha, e["std_alpha"], 1e-6, "std_alpha")
        near(r.averageR, e["average_r"], 1e-6, "average_r")
        near(r.splitHalf, e["split_half"], 1e-6, "split_half")
        near(r.omegaTotal, e["omega_total"], 1e-4, "omega_total")
        let ci = try XCTUnwrap(e["alpha_ci"] as? [Double])
        near(r.alphaCI?[0], ci[0], 1e-6, "alpha_ci lower"); near(r.alphaCI?[1], ci[1], 1e-6, "alpha_ci upper")
        // Without --wave: one report per wave the instrument is given at.
        XCTAssertEqual(try PsychometricsAnalysis.reliability(bundle: bundle, scale: "identity", wave: nil).map(\.wave), ["w1", "w2", "w3"])
    }

    /// `PsychometricsAnalysis.retest`: psych::ICC between w1 and w2.
    func testRetest() throws {
        let e = try expected("retest")
        let r = try PsychometricsAnalysis.retest(bundle: try StudyLoader.load(directory: Self.demo), scale: "identity", waves: ["w1", "w2"])
        XCTAssertEqual(r.n, e["n"] as? Int)
        near(r.pearsonR, e["pearson_r"], 1e-6, "pearson_r")
        near(r.iccA1, e["icc_a1"], 1e-6, "icc_a1")
        near(r.iccC1, e["icc_c1"], 1e-6, "icc_c1")
        XCTAssertThrowsError(try PsychometricsAnalysis.retest(bundle: try StudyLoader.load(directory: Self.demo), scale: "identity", waves: ["w1"]))
    }

    /// `PsychometricsAnalysis.reliableChange`: Jacobson-Truax from w1 to w3 with alpha at w1.
    func testReliableChange() throws {
        let e = try expected("rci")
        let r = try PsychometricsAnalysis.reliableChange(bundle: try StudyLoader.load(directory: Self.demo), scale: "identity", from: "w1", to: "w3", reliability: nil)
        XCTAssertEqual(r.reliabilitySource, "alpha")
        near(r.sdBaseline, e["sd_baseline"], 1e-6, "sd_baseline")
        near(r.reliability, e["reliability"], 1e-6, "reliability")
        near(r.sDiff, e["s_diff"], 1e-6, "s_diff")
        let s = try XCTUnwrap(e["summary"] as? [String: Any])
        XCTAssertEqual([r.summary.increase, r.summary.decrease, r.summary.noChange],
                       [s["increase"] as? Int, s["decrease"] as? Int, s["no_change"] as? Int].compactMap { $0 })
    }

    /// `ChangeAnalysis`: afex::aov_ez role x wave with car's epsilons.
    func testChange() throws {
        let e = try expected("change")
        let r = try ChangeAnalysis.run(bundle: try StudyLoader.load(directory: Self.demo), scale: "identity", waves: nil, betweenRole: true)
        XCTAssertEqual(r.n, e["n"] as? Int)
        for y in try XCTUnwrap(e["anova"] as? [[String: Any]]) {
            let name = y["effect"] as? String ?? "?"
            let x = try XCTUnwrap(r.anova.first { $0.effect == name }, name)
            near(x.F, y["F"], 1e-6, "\(name) F")
            near(x.ges, y["ges"], 1e-6, "\(name) ges")
            if y["gg_epsilon"] != nil { near(x.ggEpsilon?.wrappedValue, y["gg_epsilon"], 1e-6, "\(name) gg_epsilon") }
            else { XCTAssertNil(x.ggEpsilon, "\(name): a between effect has no epsilon") }
        }
    }

    /// `MixedModelAnalysis`: lmerTest::lmer(score ~ time * role + (1 + time | participant)), REML, Satterthwaite
    /// (the model make.R fits for `lmm_linear`).
    func testLinearMixedModel() throws {
        let e = try expected("lmm_linear")
        let r = try MixedModelAnalysis.run(bundle: try StudyLoader.load(directory: Self.demo), scale: "identity", time: .linear,
                                           betweenRole: true, slopes: true)
        XCTAssertEqual(r.nObs, e["n_obs"] as? Int)
        XCTAssertEqual(r.nParticipants, e["n_participants"] as? Int)
        near(r.loglik, e["loglik"], 1e-4, "loglik")
        for y in try XCTUnwrap(e["fixed"] as? [[String: Any]]) {
            let term = y["term"] as? String ?? "?"
            let x = try XCTUnwrap(r.fixed.first(where: { $0.term == term }), term)
            near(x.estimate, y["estimate"], 1e-5, "\(term) estimate")
            near(x.se, y["se"], 1e-5, "\(term) se")
        }
    }
}
