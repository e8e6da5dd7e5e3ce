import Foundation
import XCTest
@testable import WavesAnalysis
import WavesStats

/// The `--target-power` searches against R pwr, determinism across worker counts, and the edges.
final class SearchAndEdgeTests: XCTestCase {
    struct Expected: Decodable {
        struct MDE: Decodable { var n: Int; var target: Double; var d: Double; var slope: Double }
        struct ByN: Decodable { var n: Int; var power: Double }
        var mde: [MDE]
        var by_n: [ByN]
    }

    static let expected: Expected = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/power/expected.json")
        return try! JSONDecoder().decode(Expected.self, from: Data(contentsOf: url))
    }()

    /// The minimum detectable d_z lies within three Monte Carlo SEs of pwr's, converted to effect
    /// units through the slope of the power curve there (SE_d = SE_power / slope), plus the bisection's precision.
    func testEffectSearchAgainstPwr() throws {
        let sims = 4000
        for c in Self.expected.mde {
            let s = PowerSettings(design: .paired, times: [0, 1], effect: 0.5)
            let r = try PowerSearch.effect(s, participants: c.n, target: c.target, start: 0.5, run: .init(sims: sims, seed: 9))
            let sePower = (c.target * (1 - c.target) / Double(sims)).squareRoot()
            let tolerance = 3 * sePower / c.slope + r.precision
            XCTAssertEqual(r.value, c.d, accuracy: tolerance, "n = \(c.n): simulated MDE \(r.value), pwr \(c.d)")
            XCTAssertGreaterThanOrEqual(r.estimate.power, c.target)
            XCTAssertLessThan(r.below!, r.value)
            XCTAssertLessThanOrEqual(r.precision, r.value / 256)
            XCTAssertEqual(r.estimate.effect, r.value)
        }
    }

    /// The sample-size search stops where the exact power crosses 0.8, give or take three SEs.
    func testParticipantSearchAgainstPwr() throws {
        let sims = 4000
        let s = PowerSettings(design: .paired, times: [0, 1], effect: 0.5)
        let r = try PowerSearch.participants(s, target: 0.8, start: 10, run: .init(sims: sims, seed: 4))
        let exact = Dictionary(uniqueKeysWithValues: Self.expected.by_n.map { ($0.n, $0.power) })
        let n = Int(r.value)
        let se = (0.8 * 0.2 / Double(sims)).squareRoot()
        XCTAssertGreaterThanOrEqual(try XCTUnwrap(exact[n]), 0.8 - 3 * se, "found \(n)")
        XCTAssertLessThanOrEqual(try XCTUnwrap(exact[n - 1]), 0.8 + 3 * se, "found \(n)")
        XCTAssertEqual(r.estimate.participants, n)
        XCTAssertGreaterThanOrEqual(r.estimate.power, 0.8)
        XCTAssertEqual(r.below, Double(n - 1))
    }

    /// Same seed, same results and the same JSON bytes with one, two or three workers.
    func testSameSeedSameBytesWhateverTheWorkers() throws {
        var s = PowerSettings(design: .lmmSlope, times: [0, 1, 2, 3], effect: 0.15)
        s.attrition = 0.15
        let runs = try [1, 2, 3].map { try PowerSimulation.run(s, participants: 25, sims: 120, seed: 77, workers: $0, keepOutcomes: true) }
        XCTAssertEqual(runs[0], runs[1])
        XCTAssertEqual(runs[0], runs[2])
        var request = PowerRequest(design: .change)
        request.participants = [12, 20]; request.waves = 3; request.effect = 0.3; request.sims = 200; request.seed = 5
        request.attrition = 0.1
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        let bytes = try [1, 2].map { w -> Data in
            var r = request; r.workers = w
            return try enc.encode(PowerPlanner.run(r, bundle: nil))
        }
        XCTAssertEqual(bytes[0], bytes[1])
        // A different seed gives different data.
        let other = try PowerSimulation.run(s, participants: 25, sims: 120, seed: 78, workers: 2, keepOutcomes: true)
        XCTAssertNotEqual(other.outcomes, runs[0].outcomes)
    }

    /// Common random numbers: the first n participants of a data set of n + 1 are the data set of n,
    /// and the effect changes the means only.
    func testCommonRandomNumbers() throws {
        let s = PowerSettings(design: .lmmSlope, times: [0, 1, 2], effect: 0.1)
        let g = try PowerDataGenerator(s), g2 = try PowerDataGenerator(s.with(effect: 0.3))
        var a = PowerStream(seed: 1, index: 3), b = PowerStream(seed: 1, index: 3), c = PowerStream(seed: 1, index: 3)
        let small = g.generate(participants: 10, stream: &a), large = g.generate(participants: 11, stream: &b)
        XCTAssertEqual(small.scores, Array(large.scores.prefix(30)))
        let shifted = g2.generate(participants: 10, stream: &c)
        for p in 0..<10 { for w in 0..<3 { XCTAssertEqual(shifted.score(p, w) - small.score(p, w), 0.2 * Double(w), accuracy: 1e-12) } }
    }

    func testMixedModelEffectZeroGivesAlpha() throws {
        let sims = 2000, se = (0.05 * 0.95 / Double(sims)).squareRoot()
        let s = PowerSettings(design: .lmmSlope, times: [0, 1, 2, 3], effect: 0)
        let e = try PowerSimulation.run(s, participants: 40, sims: sims, seed: 13)
        XCTAssertEqual(e.power, 0.05, accuracy: 3 * se, "\(e.power)")
    }

    func testASingleWaveIsRefusedWithASentence() {
        for design in PowerDesign.allCases {
            let s = PowerSettings(design: design, times: [0], effect: 0.3)
            XCTAssertThrowsError(try s.validate()) { e in
                XCTAssertEqual((e as? LocalizedError)?.errorDescription,
                               "power needs at least two waves: with a single wave there is no change to detect")
            }
        }
        XCTAssertThrowsError(try PowerSettings(design: .lmmSlope, times: [0, 1], effect: 0.3).validate()) { e in
            XCTAssertTrue((e as? LocalizedError)?.errorDescription?.contains("at least three waves") ?? false)
        }
    }

    func testTooFewParticipantsAreRefusedWithASentence() {
        let cases: [(PowerSettings, Int, String)] = [
            (PowerSettings(design: .paired, times: [0, 1], effect: 0.5), 1, "1 participant is too few"),
            (PowerSettings(design: .lmmSlope, times: [0, 1, 2], effect: 0.5), 2, "6 parameters"),
            (PowerSettings(design: .lmmRoleSlope, times: [0, 1, 2], effect: 0.5), 3, "2 participants in each role"),
        ]
        for (s, n, phrase) in cases {
            XCTAssertThrowsError(try PowerSimulation.run(s, participants: n, sims: 10, seed: 1)) { e in
                let text = (e as? LocalizedError)?.errorDescription ?? ""
                XCTAssertTrue(text.contains(phrase), text)
            }
        }
    }

    /// Attrition 1 is refused; attrition that nearly empties the study makes fits fail, which count
    /// as misses and are reported, without a crash.
    func testAttritionToNobody() throws {
        var s = PowerSettings(design: .lmmSlope, times: [0, 1, 2], effect: 1)
        s.attrition = 1
        XCTAssertThrowsError(try s.validate()) { e in
            XCTAssertTrue((e as? LocalizedError)?.errorDescription?.contains("nobody stays past the first wave") ?? false)
        }
        for design in PowerDesign.allCases {
            var t = PowerSettings(design: design, times: [0, 1, 2], effect: 1)
            t.attrition = 0.999
            let e = try PowerSimulation.run(t, participants: 4, sims: 50, seed: 2)
            XCTAssertEqual(e.failed, 50, design.rawValue)
            XCTAssertEqual(e.power, 0)
            XCTAssertEqual(e.interval.lower, 0)
            XCTAssertNotNil(e.firstFailure)
        }
    }

    func testSentence() throws {
        var s = PowerSettings(design: .lmmSlope, times: [0, 6, 12], effect: 0.05)
        s.attrition = 0.15
        let e = PowerEstimate(participants: 40, effect: 0.05, sims: 2000, significant: 1640, failed: 0, singular: 0,
                              interval: ClopperPearson.interval(successes: 1640, trials: 2000)!, firstFailure: nil,
                              meanEstimate: 0.05, extremeShare: nil, outcomes: nil)
        XCTAssertEqual(PowerText.sentence(e, s, timeUnit: "month"),
                       "With 40 participants, 3 waves and 15% attrition per wave, a slope of 0.05 per month is detected with power 0.82 [0.80, 0.84], 2,000 simulations (two-sided test at alpha 0.05; 95% Clopper-Pearson interval).")
    }
}
