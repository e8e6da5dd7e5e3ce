import XCTest
@testable import WavesStats

/// ItemCovariance (one sweep over rows) and the bootstrap.
final class ReliabilityCovarianceTests: XCTestCase {
    /// Same values as the textbook two-pass formula per pair of columns.
    func testCovarianceMatchesPairwiseFormula() throws {
        let m = try ReliabilityFixture.matrix("reliability-missing")
        let c = ItemCovariance.compute(m)
        let complete = m.completeRows()
        XCTAssertEqual(c.n, complete.rows)
        for i in 0..<m.cols {
            let xi = complete.column(i)
            let mi = xi.reduce(0, +) / Double(xi.count)
            XCTAssertEqual(c.means[i], mi, accuracy: 1e-12)
            for j in 0..<m.cols {
                let xj = complete.column(j)
                let mj = xj.reduce(0, +) / Double(xj.count)
                let s = zip(xi, xj).reduce(0) { $0 + ($1.0 - mi) * ($1.1 - mj) } / Double(xi.count - 1)
                XCTAssertEqual(c[i, j], s, accuracy: 1e-12)
            }
        }
    }

    /// The complete rows and their sums found in one pass (`completeRowsAndSums`) give exactly
    /// the covariance of the two passes (complete rows, then the means pass): every bit the
    /// same, on matrices with missing, infinite, huge and tiny values.
    func testOnePassForRowsAndSumsGivesTheTwoPassCovarianceBitForBit() {
        var g = SystemRandomNumberGenerator()
        let odd: [Double] = [.nan, .infinity, -.infinity, 1e300, -1e-300, 0.1, 1e17 + 1]
        for trial in 0..<200 {
            let rows = Int.random(in: 0...60, using: &g), cols = Int.random(in: 1...9, using: &g)
            var values = (0..<rows * cols).map { _ in Double(Int.random(in: 1...5, using: &g)) + Double.random(in: -0.5...0.5, using: &g) }
            for i in values.indices where Int.random(in: 0..<12, using: &g) == 0 { values[i] = odd.randomElement(using: &g)! }
            let m = Matrix(rows: rows, cols: cols, values: values)
            let (complete, sums) = m.withItemRows { ItemCovariance.completeRowsAndSums($0) }
            XCTAssertEqual(complete, ItemCovariance.completeRowIndices(m), "trial \(trial)")
            let one = ItemCovariance.compute(m)
            let two = ItemCovariance.compute(m, rows: ItemCovariance.completeRowIndices(m), counts: nil)
            let given = ItemCovariance.compute(m, rows: complete, counts: nil, sums: sums)
            for c in [one, given] {
                XCTAssertEqual(c.n, two.n)
                XCTAssertEqual(c.means.map(\.bitPattern), two.means.map(\.bitPattern), "trial \(trial)")
                XCTAssertEqual(c.covariance.map(\.bitPattern), two.covariance.map(\.bitPattern), "trial \(trial)")
            }
        }
    }

    /// Counts act as repeated rows.
    func testWeightedCovarianceEqualsRepeatedRows() {
        let m = Matrix([[1, 2, 3], [2, 2, 5], [4, 1, 3], [3, 5, 4]])
        let weighted = ItemCovariance.compute(m, rows: [0, 1, 2, 3], counts: [2, 0, 1, 3])
        let repeated = ItemCovariance.compute(Matrix([[1, 2, 3], [1, 2, 3], [4, 1, 3], [3, 5, 4], [3, 5, 4], [3, 5, 4]]))
        XCTAssertEqual(weighted.n, 6)
        for (a, b) in zip(weighted.covariance, repeated.covariance) { XCTAssertEqual(a, b, accuracy: 1e-12) }
        for (a, b) in zip(weighted.means, repeated.means) { XCTAssertEqual(a, b, accuracy: 1e-12) }
    }

    func testBootstrapIsDeterministicAndBracketsTheEstimate() throws {
        let m = try ReliabilityFixture.matrix("reliability-small")
        let a = try Reliability.analyze(m, bootstrap: 100, seed: 7)
        let b = try Reliability.analyze(m, bootstrap: 100, seed: 7)
        let c = try Reliability.analyze(m, bootstrap: 100, seed: 8)
        XCTAssertEqual(a, b)
        XCTAssertNotEqual(a.bootstrap?.alphaCI, c.bootstrap?.alphaCI)
        let boot = try XCTUnwrap(a.bootstrap)
        XCTAssertEqual(boot.replicates, 100)
        XCTAssertEqual(boot.seed, 7)
        let alphaCI = try XCTUnwrap(boot.alphaCI)
        let alpha = try XCTUnwrap(a.alpha)
        XCTAssertLessThan(alphaCI.lower, alpha)
        XCTAssertGreaterThan(alphaCI.upper, alpha)
        let omegaCI = try XCTUnwrap(boot.omegaCI)
        XCTAssertLessThan(omegaCI.lower, try XCTUnwrap(a.omegaTotal))
        XCTAssertGreaterThan(omegaCI.upper, try XCTUnwrap(a.omegaTotal))
        XCTAssertEqual(boot.alphaFailures, 0)
        // Without bootstrap the point estimates are identical.
        var plain = try Reliability.analyze(m)
        XCTAssertNil(plain.bootstrap)
        plain.bootstrap = a.bootstrap
        XCTAssertEqual(plain, a)
    }

    func testOneResampleGivesNoIntervalButAReason() throws {
        let m = Matrix([[1, 2, 2], [2, 3, 3], [3, 3, 4], [4, 5, 4], [5, 4, 5]])
        let r = try Reliability.analyze(m, bootstrap: 1, seed: 1)
        XCTAssertEqual(r.bootstrap?.replicates, 1)
        XCTAssertNil(r.bootstrap?.alphaCI)
        XCTAssertTrue(r.bootstrap?.reasons.contains { $0.hasPrefix("bootstrap alpha:") } ?? false)
    }

    func testQuantileType7() {
        let s: [Double] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
        // R: quantile(1:10, c(.025, .975)) = 1.225, 9.775
        XCTAssertEqual(ReliabilityBootstrapper.quantile7(s, 0.025), 1.225, accuracy: 1e-12)
        XCTAssertEqual(ReliabilityBootstrapper.quantile7(s, 0.975), 9.775, accuracy: 1e-12)
    }
}
