import XCTest
@testable import WavesAnalysis
import WavesCore

/// Residuals, fitted values and random-effect modes of `waves lmm`'s models against lme4
/// (Tests/Fixtures/lmm-diagnostics/script.R: ranef, fitted, residuals).
final class LMMDiagnosticsTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardizedFileURL

    func compare(_ report: LMMReport, _ key: String, tol: Double) throws {
        let url = Self.root.appendingPathComponent("Tests/Fixtures/lmm-diagnostics/expected.json")
        let all = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let e = try XCTUnwrap(all[key] as? [String: Any])
        let d = try XCTUnwrap(report.diagnostics)
        let modes = try XCTUnwrap(e["modes"] as? [[String: Any]])
        XCTAssertEqual(d.modes.count, modes.count)
        let byP = Dictionary(uniqueKeysWithValues: d.modes.map { ($0.participant, $0) })
        for m in modes {
            let p = m["participant"] as! String
            let got = try XCTUnwrap(byP[p], p)
            XCTAssertEqual(got.intercept, m["intercept"] as! Double, accuracy: tol, "\(key) \(p) intercept")
            if let s = m["slope"] as? Double { XCTAssertEqual(try XCTUnwrap(got.slope), s, accuracy: tol / 10, "\(key) \(p) slope") }
            else { XCTAssertNil(got.slope) }
        }
        let obs = try XCTUnwrap(e["observations"] as? [[String: Any]])
        XCTAssertEqual(d.observations.count, obs.count)
        let byKey = Dictionary(uniqueKeysWithValues: d.observations.map { ("\($0.participant) \($0.wave)", $0) })
        for o in obs {
            let k = "\(o["participant"]!) \(o["wave"]!)"
            let got = try XCTUnwrap(byKey[k], k)
            XCTAssertEqual(got.fitted, o["fitted"] as! Double, accuracy: tol, "\(key) \(k) fitted")
            XCTAssertEqual(got.residual, o["residual"] as! Double, accuracy: tol, "\(key) \(k) residual")
        }
    }

    /// Tolerance 1e-4: the REML optimum of two optimisers agrees to about that in the variance components.
    func testCategoricalWithRole() throws {
        let bundle = try StudyLoader.load(directory: Self.root.appendingPathComponent("datasets/pmi-demo"))
        let r = try MixedModelAnalysis.run(bundle: bundle, scale: "identity.identity", time: .categorical, betweenRole: true, slopes: false)
        try compare(r, "categorical_role", tol: 1e-4)
    }

    func testLinearWithSlopes() throws {
        let bundle = try StudyLoader.load(directory: Self.root.appendingPathComponent("datasets/pmi-demo"))
        let r = try MixedModelAnalysis.run(bundle: bundle, scale: "identity.identity", time: .linear, betweenRole: true, slopes: true)
        try compare(r, "linear_role_slopes", tol: 1e-3)
    }

    /// Q-Q plotting positions as R `qqnorm` (ppoints): qqnorm(c(3, 1, 2))$x = 0.8694, -0.8694, 0 (sorted: -0.8694, 0, 0.8694).
    func testQQPositions() {
        let q = LMMDiagnostics.qq([3, 1, 2, .nan])
        XCTAssertEqual(q.map(\.sample), [1, 2, 3])
        XCTAssertEqual(q[0].theoretical, -0.869423773288886, accuracy: 1e-9)
        XCTAssertEqual(q[1].theoretical, 0, accuracy: 1e-12)
    }
}
