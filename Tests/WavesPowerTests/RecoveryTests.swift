import Foundation
import XCTest
@testable import WavesAnalysis
import WavesStats

/// The random-slope designs' simulated data, fitted by the existing mixed model (`MixedModel.fit`),
/// recover the generating parameters on average. Tolerance: four Monte Carlo standard errors of
/// the mean estimate (SD of the estimates / sqrt(sims)): three for chance, one for the small
/// finite-sample bias of REML variance estimates near their boundary.
final class RecoveryTests: XCTestCase {
    func meanAndSE(_ v: [Double]) -> (Double, Double) {
        let m = v.reduce(0, +) / Double(v.count)
        let sd = (v.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(v.count - 1)).squareRoot()
        return (m, sd / Double(v.count).squareRoot())
    }

    func recover(_ s: PowerSettings, participants: Int, sims: Int, fixed: [Double], components: [Double],
                 file: StaticString = #filePath, line: UInt = #line) throws {
        let e = try PowerSimulation.run(s, participants: participants, sims: sims, seed: 42, keepOutcomes: true)
        let fits = e.outcomes!.filter(\.fitted)
        XCTAssertGreaterThan(fits.count, sims * 95 / 100, "too many failed fits", file: file, line: line)
        let names = ["intercept variance", "residual variance", "slope variance", "intercept-slope covariance"]
        for (j, truth) in fixed.enumerated() {
            let (m, se) = meanAndSE(fits.map { $0.fixed[j] })
            XCTAssertEqual(m, truth, accuracy: 4 * se, "fixed effect \(j): mean \(m), truth \(truth), SE \(se)", file: file, line: line)
        }
        for (j, truth) in components.enumerated() {
            let (m, se) = meanAndSE(fits.map { $0.components[j] })
            XCTAssertEqual(m, truth, accuracy: 4 * se, "\(names[j]): mean \(m), truth \(truth), SE \(se)", file: file, line: line)
        }
    }

    func testRandomSlopeDesignRecoversItsParameters() throws {
        var s = PowerSettings(design: .lmmSlope, times: [0, 1, 2, 3, 4], effect: 0.2)
        s.intercept = 2; s.interceptSD = 0.8; s.slopeSD = 0.3; s.cor = 0.3; s.residualSD = 0.5
        try recover(s, participants: 60, sims: 1000, fixed: [2, 0.2],
                    components: [0.64, 0.25, 0.09, 0.3 * 0.8 * 0.3])
    }

    func testRoleSlopeDesignRecoversItsParameters() throws {
        var s = PowerSettings(design: .lmmRoleSlope, times: [0, 6, 12, 18], effect: -0.02)
        s.intercept = 3; s.baseSlope = 0.05; s.roleDifference = 0.4; s.secondRoleShare = 0.4
        s.interceptSD = 0.6; s.slopeSD = 0.03; s.cor = -0.2; s.residualSD = 0.4
        try recover(s, participants: 50, sims: 1000, fixed: [3, 0.05, 0.4, -0.02],
                    components: [0.36, 0.16, 0.0009, -0.2 * 0.6 * 0.03])
    }

    /// The generator alone (no fit): the sample covariance of the scores matches the model's
    /// Var(y_s, y_t) = sd0^2 + (s + t) cov + s t sd1^2 + [s = t] sigma^2.
    func testGeneratorCovarianceMatchesTheModel() throws {
        var s = PowerSettings(design: .lmmSlope, times: [0, 1, 3], effect: 0.5)
        s.intercept = 1; s.interceptSD = 1; s.slopeSD = 0.5; s.cor = -0.4; s.residualSD = 0.7
        let g = try PowerDataGenerator(s)
        var stream = PowerStream(seed: 3, index: 0)
        let n = 40_000
        let d = g.generate(participants: n, stream: &stream)
        let cov01 = -0.4 * 1 * 0.5
        func model(_ a: Int, _ b: Int) -> Double {
            let ta = s.times[a], tb = s.times[b]
            return 1 + (ta + tb) * cov01 + ta * tb * 0.25 + (a == b ? 0.49 : 0)
        }
        let means = (0..<3).map { w in (0..<n).reduce(0.0) { $0 + d.score($1, w) } / Double(n) }
        for w in 0..<3 {
            XCTAssertEqual(means[w], 1 + 0.5 * s.times[w], accuracy: 4 * (model(w, w) / Double(n)).squareRoot())
        }
        for a in 0..<3 {
            for b in a..<3 {
                let c = (0..<n).reduce(0.0) { $0 + (d.score($1, a) - means[a]) * (d.score($1, b) - means[b]) } / Double(n - 1)
                // SE of a sample covariance of normals: sqrt((s_aa s_bb + s_ab^2) / n).
                let se = ((model(a, a) * model(b, b) + model(a, b) * model(a, b)) / Double(n)).squareRoot()
                XCTAssertEqual(c, model(a, b), accuracy: 4 * se, "cov(\(a), \(b))")
            }
        }
    }

    /// Monotone dropout: the share still present at wave w is (1 - r)^w, and nobody returns.
    func testAttritionIsMonotone() throws {
        var s = PowerSettings(design: .lmmSlope, times: [0, 1, 2, 3], effect: 0)
        s.attrition = 0.2
        let g = try PowerDataGenerator(s)
        var stream = PowerStream(seed: 5, index: 1)
        let n = 20_000
        let d = g.generate(participants: n, stream: &stream)
        for w in 0..<4 {
            let present = (0..<n).filter { d.score($0, w).isFinite }.count
            let p = pow(0.8, Double(w))
            XCTAssertEqual(Double(present) / Double(n), p, accuracy: 4 * (p * (1 - p) / Double(n)).squareRoot() + 1e-12, "wave \(w)")
        }
        for p in 0..<n {
            let row = (0..<4).map { d.score(p, $0).isFinite }
            if let gap = row.firstIndex(of: false) { XCTAssertFalse(row[gap...].contains(true), "participant \(p) came back") }
        }
    }

    /// The roles are spread evenly and nested: floor(n share) of n participants are in role 1, for every n.
    func testRoleAllocation() {
        for share in [0.5, 0.3, 0.75] {
            var ones = 0
            for p in 0..<200 {
                ones += PowerDataGenerator.role(of: p, share: share)
                XCTAssertEqual(ones, Int((Double(p + 1) * share).rounded(.down)))
            }
        }
    }
}
