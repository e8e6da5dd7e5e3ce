import Foundation
import XCTest
@testable import WavesStats

/// Input handling of MixedModel.fit: missing values, shapes, rank, identifiability, contrasts.
final class MixedModelInputTests: XCTestCase {
    func testMissingValuesAreLeftOutAndReported() throws {
        let fx = try MixedModelFixture("lmm-b-dropout-linear")
        let base = try fx.fit()
        var y = fx.y, slope = fx.slope, x = fx.x
        y.insert(.nan, at: 5); slope.insert(0, at: 5)
        x = Matrix(rows: x.rows + 1, cols: x.cols,
                   values: Array(x.values[0..<(5 * x.cols)]) + [1, 2, 0, 0] + Array(x.values[(5 * x.cols)...]))
        var subject = fx.subject
        subject.insert(fx.subject[5], at: 5)
        // A missing design value is left out as well.
        y.append(3.0); slope.append(0); subject.append(fx.subject[0])
        x = Matrix(rows: x.rows + 1, cols: x.cols, values: x.values + [1, .nan, 0, 0])
        let r = try MixedModel.fit(y: y, subject: subject, fixed: x, terms: fx.terms)
        XCTAssertEqual(r.nObs, base.nObs)
        XCTAssertEqual(r.logLik, base.logLik, accuracy: 1e-9)
        XCTAssertEqual(r.fixed[1].estimate, base.fixed[1].estimate, accuracy: 1e-9)
        XCTAssertTrue(r.warnings.contains("2 observations were left out for a missing value"), "\(r.warnings)")
    }

    func testRankDeficientDesignNamesTheTerm() throws {
        let fx = try MixedModelFixture("lmm-b-dropout-linear")
        var xv: [Double] = []
        for r in 0..<fx.x.rows { xv.append(contentsOf: fx.x.row(r)); xv.append(2 * fx.x[r, 1] + 1) }
        let x = Matrix(rows: fx.x.rows, cols: 5, values: xv)
        XCTAssertThrowsError(try MixedModel.fit(y: fx.y, subject: fx.subject, fixed: x, terms: fx.terms + ["copy"])) {
            guard case StatsError.numerical(let m) = $0 else { return XCTFail("\($0)") }
            XCTAssertTrue(m.contains("'copy'"), m)
        }
    }

    func testShapeErrors() throws {
        let x = Matrix(rows: 4, cols: 1, repeating: 1)
        XCTAssertThrowsError(try MixedModel.fit(y: [1, 2, 3], subject: [1, 1, 2], fixed: x, terms: ["(Intercept)"])) {
            guard case StatsError.dimension = $0 else { return XCTFail("\($0)") }
        }
        XCTAssertThrowsError(try MixedModel.fit(y: [1, 2, 3, 4], subject: [1, 1, 2, 2], fixed: x, terms: [])) {
            guard case StatsError.dimension = $0 else { return XCTFail("\($0)") }
        }
        XCTAssertThrowsError(try MixedModel.fit(y: [1, 2, 3, 4], subject: [1, 1, 2, 2], fixed: x,
                                                terms: ["(Intercept)"], randomSlope: [0, 1])) {
            guard case StatsError.dimension = $0 else { return XCTFail("\($0)") }
        }
    }

    func testUnidentifiableModelsThrow() throws {
        let x = Matrix(rows: 4, cols: 1, repeating: 1)
        // One participant only.
        XCTAssertThrowsError(try MixedModel.fit(y: [1, 2, 3, 4], subject: [7, 7, 7, 7], fixed: x, terms: ["(Intercept)"])) {
            guard case StatsError.insufficientData = $0 else { return XCTFail("\($0)") }
        }
        // One observation per participant: participant and residual variance are confounded.
        XCTAssertThrowsError(try MixedModel.fit(y: [1, 2, 3, 4], subject: [1, 2, 3, 4], fixed: x, terms: ["(Intercept)"])) {
            guard case StatsError.insufficientData = $0 else { return XCTFail("\($0)") }
        }
        // Two observations per participant cannot carry an intercept, a slope and a residual.
        XCTAssertThrowsError(try MixedModel.fit(y: [1, 2, 3, 5], subject: [1, 1, 2, 2], fixed: x,
                                                terms: ["(Intercept)"], randomSlope: [0, 1, 0, 1])) {
            guard case StatsError.insufficientData(let m) = $0 else { return XCTFail("\($0)") }
            XCTAssertTrue(m.contains("random slope"), m)
        }
    }

    func testContrastOfOneCoefficientIsItsRow() throws {
        let fx = try MixedModelFixture("lmm-c-slopes-role")
        let r = try fx.fit()
        for j in 0..<r.fixed.count {
            var l = [Double](repeating: 0, count: r.fixed.count)
            l[j] = 1
            let c = try r.contrast(l)
            XCTAssertEqual(c.estimate, r.fixed[j].estimate, accuracy: 1e-12)
            XCTAssertEqual(c.se, r.fixed[j].se, accuracy: 1e-12)
            XCTAssertEqual(c.df!, r.fixed[j].df!, accuracy: 1e-9)
            XCTAssertEqual(c.p!, r.fixed[j].p!, accuracy: 1e-12)
        }
        XCTAssertThrowsError(try r.contrast([1, 0])) {
            guard case StatsError.dimension = $0 else { return XCTFail("\($0)") }
        }
        XCTAssertEqual(r.vcov.rows, 4)
        XCTAssertEqual(r.vcov[1, 1], r.fixed[1].se * r.fixed[1].se, accuracy: 1e-14)
    }
}
