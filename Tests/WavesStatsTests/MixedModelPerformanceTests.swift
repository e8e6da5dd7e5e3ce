import Foundation
import XCTest
@testable import WavesStats

/// Scale of the REML fit: simulated participants x 4 waves with correlated random slopes.
///
/// The size is 2,000 participants by default (checks recovery of the simulated values);
/// `WAVES_LMM_BENCH_SUBJECTS=100000 swift test -c release --filter MixedModelPerformanceTests`
/// runs the bench size and prints the time. With the waves' common time values participants
/// share a few design patterns; with jittered (participant-specific) times every participant is
/// its own pattern, the worst case of one evaluation pass.
final class MixedModelPerformanceTests: XCTestCase {
    /// SplitMix64 with Box-Muller normals: deterministic simulated data.
    struct Simulator {
        var state: UInt64
        mutating func uniform() -> Double {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
            return (Double(z >> 11) + 0.5) / Double(1 << 53)
        }
        mutating func normal() -> Double {
            (-2 * log(uniform())).squareRoot() * cos(2 * Double.pi * uniform())
        }
    }

    static func simulate(subjects: Int, seed: UInt64, jitter: Bool) -> (y: [Double], subject: [Int], x: Matrix, time: [Double]) {
        var rng = Simulator(state: seed)
        var y: [Double] = [], subject: [Int] = [], xv: [Double] = [], time: [Double] = []
        let n = subjects * 4
        y.reserveCapacity(n); subject.reserveCapacity(n); time.reserveCapacity(n); xv.reserveCapacity(4 * n)
        // Intercept SD 0.5, slope SD 0.2, correlation 0.3, residual SD 0.3.
        for s in 0..<subjects {
            let z0 = rng.normal(), z1 = rng.normal()
            let b0 = 0.5 * z0, b1 = 0.2 * (0.3 * z0 + (1 - 0.09).squareRoot() * z1)
            let role = Double(s % 2)
            for w in 0..<4 {
                let t = Double(w) + (jitter ? 0.3 * rng.uniform() : 0)
                y.append(3.6 + 0.1 * t + 0.15 * role + 0.05 * t * role + b0 + b1 * t + 0.3 * rng.normal())
                subject.append(s); time.append(t)
                xv.append(contentsOf: [1, t, role, t * role])
            }
        }
        return (y, subject, Matrix(rows: n, cols: 4, values: xv), time)
    }

    func testLargeRandomSlopeFit() throws {
        try largeFit(jitter: false)
    }

    func testLargeRandomSlopeFitWithParticipantSpecificTimes() throws {
        try largeFit(jitter: true)
    }

    func largeFit(jitter: Bool) throws {
        let env = ProcessInfo.processInfo.environment["WAVES_LMM_BENCH_SUBJECTS"]
        let subjects = env.flatMap(Int.init) ?? 2_000
        let d = Self.simulate(subjects: subjects, seed: 42, jitter: jitter)
        let start = Date()
        let r = try MixedModel.fit(y: d.y, subject: d.subject, fixed: d.x,
                                   terms: ["(Intercept)", "time", "role", "time:role"], randomSlope: d.time)
        let seconds = Date().timeIntervalSince(start)
        if env != nil {
            print("lmm bench: \(subjects) subjects x 4 waves, slopes, \(jitter ? "participant-specific" : "common") times: \(String(format: "%.2f", seconds)) s, \(r.iterations) iterations")
        }
        XCTAssertTrue(r.converged, "\(r.warnings)")
        XCTAssertFalse(r.singular)
        XCTAssertEqual(r.nObs, subjects * 4)
        // Simulated values are recovered within sampling error (about 5 SE at n = 2,000).
        let tol = 5 / Double(subjects).squareRoot()
        XCTAssertEqual(r.random.participantVar, 0.25, accuracy: 0.25 * 3 * tol)
        XCTAssertEqual(r.random.slopeVar!, 0.04, accuracy: 0.04 * 5 * tol)
        XCTAssertEqual(r.random.residualVar, 0.09, accuracy: 0.09 * 3 * tol)
        XCTAssertEqual(r.random.interceptSlopeCor!, 0.3, accuracy: 10 * tol)
        XCTAssertEqual(r.fixed[1].estimate, 0.1, accuracy: 5 * r.fixed[1].se)
        // With every participant at all 4 waves the within-participant df are close to n - 1.
        XCTAssertEqual(r.fixed[0].df!, Double(subjects - 2), accuracy: 0.05 * Double(subjects))
    }
}
