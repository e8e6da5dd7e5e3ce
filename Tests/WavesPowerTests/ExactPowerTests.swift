import Foundation
import XCTest
@testable import WavesAnalysis
import WavesStats

/// Simulated power against exact power computed by R (Fixtures/power/script.R, expected.json):
/// the paired design against `pwr::pwr.t.test(type = "paired")`, the one-way RM-ANOVA under
/// compound symmetry against the noncentral F with lambda = f^2 n k / (1 - rho),
/// df1 = k - 1, df2 = (n - 1)(k - 1). Tolerance: three Monte Carlo standard errors,
/// sqrt(p (1 - p) / sims) with p the exact power.
final class ExactPowerTests: XCTestCase {
    struct Expected: Decodable {
        struct Paired: Decodable { var n: Int; var d: Double; var power: Double }
        struct Change: Decodable { var n: Int; var k: Int; var f: Double; var rho: Double; var power: Double }
        struct CP: Decodable { var x: Int; var n: Int; var ci: [Double] }
        var alpha: Double
        var paired: [Paired]
        var change: [Change]
        var clopper_pearson: [CP]
    }

    static let expected: Expected = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/power/expected.json")
        return try! JSONDecoder().decode(Expected.self, from: Data(contentsOf: url))
    }()

    static let sims = 4000

    func checkWithinThreeSE(_ e: PowerEstimate, exact: Double, _ label: String) {
        let se = (exact * (1 - exact) / Double(e.sims)).squareRoot()
        XCTAssertEqual(e.power, exact, accuracy: 3 * se, "\(label): simulated \(e.power), exact \(exact), 3 SE = \(3 * se)")
        XCTAssertEqual(e.failed, 0, label)
        XCTAssertLessThanOrEqual(e.interval.lower, e.power)
        XCTAssertGreaterThanOrEqual(e.interval.upper, e.power)
    }

    func testPairedAgainstPwr() throws {
        let x = Self.expected
        for (i, c) in x.paired.enumerated() {
            var s = PowerSettings(design: .paired, times: [0, 1, 2], effect: c.d)
            s.alpha = x.alpha
            let e = try PowerSimulation.run(s, participants: c.n, sims: Self.sims, seed: UInt64(100 + i))
            checkWithinThreeSE(e, exact: c.power, "paired n = \(c.n), d_z = \(c.d)")
        }
    }

    /// The paired test uses only the first and last waves: the correlation between waves does not matter.
    func testPairedDoesNotDependOnRho() throws {
        let c = Self.expected.paired[1]
        for rho in [0.0, 0.8] {
            var s = PowerSettings(design: .paired, times: [0, 1], effect: c.d)
            s.rho = rho
            let e = try PowerSimulation.run(s, participants: c.n, sims: Self.sims, seed: 7)
            checkWithinThreeSE(e, exact: c.power, "paired rho = \(rho)")
        }
    }

    func testChangeAgainstNoncentralF() throws {
        let x = Self.expected
        for (i, c) in x.change.enumerated() {
            var s = PowerSettings(design: .change, times: (0..<c.k).map(Double.init), effect: c.f)
            s.rho = c.rho
            s.correction = .none
            let e = try PowerSimulation.run(s, participants: c.n, sims: Self.sims, seed: UInt64(200 + i))
            checkWithinThreeSE(e, exact: c.power, "change n = \(c.n), k = \(c.k), f = \(c.f), rho = \(c.rho)")
        }
    }

    /// With the correction `waves change` reads (GG or HF), sphericity holds in the generating model,
    /// so the corrected test can only be as powerful as the exact uncorrected one, or a little less.
    func testChangeWithRecommendedCorrectionIsNotMorePowerful() throws {
        let c = Self.expected.change[1]
        var s = PowerSettings(design: .change, times: (0..<c.k).map(Double.init), effect: c.f)
        s.rho = c.rho
        let e = try PowerSimulation.run(s, participants: c.n, sims: Self.sims, seed: 201)
        let se = (c.power * (1 - c.power) / Double(Self.sims)).squareRoot()
        XCTAssertLessThanOrEqual(e.power, c.power + 3 * se)
        XCTAssertGreaterThan(e.power, c.power - 0.1, "the correction should cost little under sphericity")
    }

    /// Effect 0: the rejection rate is the type I error rate, alpha.
    func testEffectZeroGivesAlpha() throws {
        let alpha = 0.05, se = (alpha * (1 - alpha) / Double(Self.sims)).squareRoot()
        let designs: [(PowerSettings, Int)] = [
            (PowerSettings(design: .paired, times: [0, 1, 2], effect: 0), 12),
            ({ var s = PowerSettings(design: .change, times: [0, 1, 2, 3], effect: 0); s.correction = .none; return s }(), 15),
        ]
        for (s, n) in designs {
            let e = try PowerSimulation.run(s, participants: n, sims: Self.sims, seed: 11)
            XCTAssertEqual(e.power, alpha, accuracy: 3 * se, "\(s.design.rawValue): \(e.power)")
        }
    }

    func testClopperPearsonAgainstBinomTest() {
        for c in Self.expected.clopper_pearson {
            let ci = ClopperPearson.interval(successes: c.x, trials: c.n)!
            XCTAssertEqual(ci.lower, c.ci[0], accuracy: 1e-9 + 1e-7 * c.ci[0], "lower, \(c.x)/\(c.n)")
            XCTAssertEqual(ci.upper, c.ci[1], accuracy: 1e-9 + 1e-7 * c.ci[1], "upper, \(c.x)/\(c.n)")
        }
        XCTAssertNil(ClopperPearson.interval(successes: 0, trials: 0))
        XCTAssertNil(ClopperPearson.interval(successes: 3, trials: 2))
    }
}
