import Foundation
import XCTest
@testable import WavesAnalysis
import WavesCore

/// Item-level data (`--items`): scores formed by the shared scoring code from simulated answers
/// keep the design's means and variance (the items' measurement error is part of the residual),
/// reverse keys are undone, and `min_answered` prorating drops scores as WavesCore's rule says.
final class ItemLayerTests: XCTestCase {
    static func model(k: Int, options: [Double], loading: Double, reverseEvery: Int = 2, minAnswered: Double = 1,
                      missing: Double = 0, score: ScoreRule = .mean) -> PowerItemModel {
        let set = ResponseSet(id: "agree", options: options.map { ResponseOption(value: $0, label: "\($0)") }, allowDecline: true)
        let items = (0..<k).map { Item(id: "i\($0)", type: .likert, text: "Item \($0)", responseSet: set, reverse: $0 % reverseEvery == 1) }
        let scale = Scale(id: "s", label: "S", items: items.map(\.id), score: score, minAnswered: minAnswered)
        return PowerItemModel(instrument: "inst", scale: scale, items: items, loadings: Array(repeating: loading, count: k),
                              missingRate: missing, loadingSource: "test")
    }

    func moments(_ d: PowerDataSet, _ w: Int) -> (mean: Double, variance: Double) {
        let v = (0..<d.participants).map { d.score($0, w) }.filter(\.isFinite)
        let m = v.reduce(0, +) / Double(v.count)
        return (m, v.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(v.count - 1))
    }

    func testScoresKeepTheDesignsMeansAndVariance() throws {
        var s = PowerSettings(design: .lmmSlope, times: [0, 1, 2], effect: 0.2)
        s.intercept = 4; s.interceptSD = 0.6; s.slopeSD = 0; s.residualSD = 0.5
        s.items = Self.model(k: 10, options: [1, 2, 3, 4, 5, 6, 7], loading: 0.8)
        let g = try PowerDataGenerator(s)
        XCTAssertTrue(g.notes.isEmpty, "\(g.notes)")
        var stream = PowerStream(seed: 8, index: 0)
        let n = 20_000
        let d = g.generate(participants: n, stream: &stream)
        // Rounding to whole options adds about 1/12 per item, 1/120 for the mean of 10 items.
        let total = 0.36 + 0.25
        for w in 0..<3 {
            let (m, v) = moments(d, w)
            XCTAssertEqual(m, 4 + 0.2 * Double(w), accuracy: 0.02, "mean at wave \(w)")
            XCTAssertEqual(v, total, accuracy: 0.03, "variance at wave \(w)")
        }
        XCTAssertLessThan(Double(d.extremeAnswers) / Double(d.itemAnswers), 0.05)
        XCTAssertEqual(d.itemAnswers, n * 3 * 10)
    }

    /// Every score is the mean of whole option values: a multiple of 1/k between the lowest and highest option.
    func testScoresAreMeansOfOptionValues() throws {
        var s = PowerSettings(design: .paired, times: [0, 1], effect: 0.5)
        s.intercept = 3; s.scoreSD = 0.8
        s.items = Self.model(k: 4, options: [1, 2, 3, 4, 5], loading: 0.7)
        var stream = PowerStream(seed: 2, index: 0)
        let d = try PowerDataGenerator(s).generate(participants: 500, stream: &stream)
        for v in d.scores {
            XCTAssertEqual((v * 4).rounded(), v * 4, accuracy: 1e-9)
            XCTAssertTrue((1...5).contains(v))
        }
    }

    /// With half the items missing and min_answered 0.75 of 4 items, a score exists when 3 or 4 are
    /// answered: P = 5/16.
    func testProratingFollowsMinAnswered() throws {
        var s = PowerSettings(design: .lmmSlope, times: [0, 1, 2], effect: 0)
        s.intercept = 3; s.interceptSD = 0.5; s.residualSD = 0.5
        s.items = Self.model(k: 4, options: [1, 2, 3, 4, 5], loading: 0.7, minAnswered: 0.75, missing: 0.5)
        var stream = PowerStream(seed: 4, index: 0)
        let n = 20_000
        let d = try PowerDataGenerator(s).generate(participants: n, stream: &stream)
        let share = Double(d.scores.filter(\.isFinite).count) / Double(d.scores.count)
        XCTAssertEqual(share, 5.0 / 16, accuracy: 4 * (5.0 / 16 * 11 / 16 / Double(3 * n)).squareRoot())
    }

    func testMeasurementErrorAndOccasionVariance() {
        let m = Self.model(k: 5, options: [1, 2, 3], loading: 0.6)
        // Equal loadings: A = (1 - l^2) / (k l^2).
        XCTAssertEqual(m.errorRatio, (1 - 0.36) / (5 * 0.36), accuracy: 1e-12)
        let a = m.errorRatio
        let occ = m.occasionVariance(residual: 0.5, intercept: 0.4)
        // The error of the mean, (intercept + occ) A, plus occ gives the residual back.
        XCTAssertEqual(occ + (0.4 + occ) * a, 0.5, accuracy: 1e-12)
        XCTAssertEqual(m.occasionVariance(residual: 0.01, intercept: 1), 0)
        // Equal loadings from alpha reproduce that alpha by Spearman-Brown.
        let l = PowerItemModel.loadings(alpha: 0.8, k: 6)[0]
        let r = l * l
        XCTAssertEqual(6 * r / (1 + 5 * r), 0.8, accuracy: 1e-12)
    }

    /// A sum-scored scale: scores in sum units, k times the mean's.
    func testSumScoredScale() throws {
        var s = PowerSettings(design: .lmmSlope, times: [0, 1, 2], effect: 0.8)
        s.intercept = 12; s.interceptSD = 2; s.residualSD = 1.5; s.slopeSD = 0
        s.items = Self.model(k: 4, options: [1, 2, 3, 4, 5], loading: 0.8, score: .sum)
        var stream = PowerStream(seed: 6, index: 0)
        let d = try PowerDataGenerator(s).generate(participants: 20_000, stream: &stream)
        XCTAssertEqual(moments(d, 0).mean, 12, accuracy: 0.05)
        XCTAssertEqual(moments(d, 2).mean, 13.6, accuracy: 0.05)
        XCTAssertEqual(moments(d, 0).variance, 4 + 2.25, accuracy: 0.3)
    }

    func testBadItemModelsAreRefused() {
        var s = PowerSettings(design: .lmmSlope, times: [0, 1, 2], effect: 0.1)
        s.items = Self.model(k: 3, options: [1, 2, 3], loading: 1)
        XCTAssertThrowsError(try PowerDataGenerator(s)) { e in
            XCTAssertTrue((e as? LocalizedError)?.errorDescription?.contains("loadings between 0 and 1") ?? false)
        }
    }
}
