import XCTest
@testable import WavesStats

/// Edge cases of Reliability.analyze: answers with reasons, never a crash or NaN.
final class ReliabilityEdgeCaseTests: XCTestCase {
    /// No Double anywhere in the result is NaN or infinite.
    private func assertAllFinite(_ r: ReliabilityResult, file: StaticString = #filePath, line: UInt = #line) {
        var values: [Double?] = [r.alpha, r.alphaCI?.lower, r.alphaCI?.upper, r.stdAlpha, r.averageR,
                                 r.omegaTotal, r.splitHalf, r.bootstrap?.alphaCI?.lower, r.bootstrap?.omegaCI?.upper]
        for item in r.items { values += [item.mean, item.sd, item.rDrop, item.alphaIfDeleted] }
        for v in values.compactMap({ $0 }) { XCTAssertTrue(v.isFinite, "\(v)", file: file, line: line) }
    }

    private let small: [[Double]] = [
        [1, 2, 2, 1], [2, 2, 3, 2], [3, 4, 3, 3], [4, 4, 5, 3], [5, 4, 4, 5], [2, 3, 2, 2], [4, 5, 5, 4],
    ]

    func testSingleItem() throws {
        let r = try Reliability.analyze(Matrix(small.map { [$0[0]] }))
        XCTAssertEqual(r.k, 1)
        XCTAssertEqual(r.n, 7)
        XCTAssertNil(r.alpha); XCTAssertNil(r.omegaTotal); XCTAssertNil(r.splitHalf)
        XCTAssertTrue(r.reasons.contains { $0.contains("at least 2 items") })
        XCTAssertEqual(try XCTUnwrap(r.items.first?.mean), 3, accuracy: 1e-12)
        assertAllFinite(r)
    }

    func testNoItems() throws {
        let r = try Reliability.analyze(Matrix(rows: 5, cols: 0, values: []))
        XCTAssertEqual(r.k, 0)
        XCTAssertNil(r.alpha)
        XCTAssertEqual(r.items, [])
    }

    func testTwoItemsHaveAlphaButNoOmegaOrAlphaIfDeleted() throws {
        let m = Matrix(small.map { [$0[0], $0[1]] })
        let r = try Reliability.analyze(m)
        // alpha of two items = 4 c12 / (v1 + v2 + 2 c12)
        let c = ItemCovariance.compute(m)
        let expected = 4 * c[0, 1] / (c[0, 0] + c[1, 1] + 2 * c[0, 1])
        XCTAssertEqual(try XCTUnwrap(r.alpha), expected, accuracy: 1e-12)
        XCTAssertNil(r.omegaTotal)
        XCTAssertTrue(r.reasons.contains { $0.hasPrefix("omega_total:") && $0.contains("at least 3 items") })
        XCTAssertNotNil(r.items[0].rDrop)
        XCTAssertNil(r.items[0].alphaIfDeleted)
        XCTAssertTrue(r.items[0].reasons.contains { $0.hasPrefix("alpha_if_deleted:") })
        XCTAssertNotNil(r.splitHalf)
        assertAllFinite(r)
    }

    func testFewerThanThreeCompleteRows() throws {
        let m = Matrix([[1, 2, 3], [2, .nan, 3], [3, 3, 4], [.nan, .nan, .nan]])
        let r = try Reliability.analyze(m, bootstrap: 20)
        XCTAssertEqual(r.n, 2)
        XCTAssertNil(r.alpha); XCTAssertNil(r.alphaCI); XCTAssertNil(r.omegaTotal)
        XCTAssertTrue(r.reasons.contains { $0.contains("at least 3 participants") })
        XCTAssertEqual(try XCTUnwrap(r.items[0].mean), 2, accuracy: 1e-12)
        XCTAssertNotNil(r.items[0].sd)
        XCTAssertNil(r.bootstrap?.alphaCI)
        XCTAssertFalse(r.bootstrap?.reasons.isEmpty ?? true)
        assertAllFinite(r)
    }

    func testAllMissing() throws {
        let m = Matrix(rows: 4, cols: 3, repeating: .nan)
        let r = try Reliability.analyze(m)
        XCTAssertEqual(r.n, 0)
        XCTAssertNil(r.alpha)
        XCTAssertTrue(r.reasons.contains { $0.contains("no participant answered every item") })
        XCTAssertEqual(r.items.count, 3)
        XCTAssertNil(r.items[0].mean); XCTAssertNil(r.items[0].sd)
        XCTAssertFalse(r.items[0].reasons.isEmpty)
    }

    func testInfiniteValuesCountAsMissing() throws {
        var rows = small
        rows[0][1] = .infinity
        let r = try Reliability.analyze(Matrix(rows))
        XCTAssertEqual(r.n, small.count - 1)
        XCTAssertEqual(r, try Reliability.analyze(Matrix(Array(small.dropFirst()))))
    }

    func testZeroVarianceItem() throws {
        // Item 3 is constant; alpha over all 4 items is still defined from C.
        let rows = small.map { [$0[0], $0[1], 3, $0[3]] }
        let m = Matrix(rows)
        let r = try Reliability.analyze(m)
        let c = ItemCovariance.compute(m)
        let total = c.covariance.reduce(0, +)
        let trace = (0..<4).reduce(0) { $0 + c[$1, $1] }
        XCTAssertEqual(try XCTUnwrap(r.alpha), 4.0 / 3 * (1 - trace / total), accuracy: 1e-12)
        XCTAssertNotNil(r.alphaCI)
        XCTAssertNil(r.items[2].rDrop)
        XCTAssertTrue(r.items[2].reasons.contains("r_drop: the item has no variance"))
        XCTAssertNotNil(r.items[0].rDrop)
        XCTAssertEqual(try XCTUnwrap(r.items[2].sd), 0)
        // Dropping the constant item gives the alpha of the other three.
        let three = try Reliability.analyze(m.selectingColumns([0, 1, 3]))
        XCTAssertEqual(try XCTUnwrap(r.items[2].alphaIfDeleted), try XCTUnwrap(three.alpha), accuracy: 1e-12)
        XCTAssertNil(r.stdAlpha); XCTAssertNil(r.averageR); XCTAssertNil(r.omegaTotal)
        XCTAssertTrue(r.reasons.contains { $0.hasPrefix("omega_total:") && $0.contains("no variance") })
        assertAllFinite(r)
    }

    func testAllItemsConstant() throws {
        let r = try Reliability.analyze(Matrix(rows: 5, cols: 3, repeating: 2))
        XCTAssertNil(r.alpha); XCTAssertNil(r.alphaCI); XCTAssertNil(r.splitHalf)
        XCTAssertTrue(r.reasons.contains("alpha: the total score has no variance"))
        assertAllFinite(r)
    }

    func testSingularCorrelationMatrix() throws {
        // Item 4 = item 1 + item 2: the correlation matrix is singular.
        let rows = small.map { [$0[0], $0[1], $0[2], $0[0] + $0[1]] }
        let r = try Reliability.analyze(Matrix(rows))
        XCTAssertNotNil(r.alpha); XCTAssertNotNil(r.stdAlpha)
        XCTAssertNil(r.omegaTotal)
        XCTAssertTrue(r.reasons.contains { $0.hasPrefix("omega_total:") && $0.contains("singular") }, "\(r.reasons)")
        assertAllFinite(r)
    }

    func testMoreItemsThanRowsIsSingular() throws {
        let rows: [[Double]] = [[1, 4, 2, 5, 3, 1], [3, 1, 4, 2, 5, 3], [5, 3, 1, 4, 2, 5], [2, 5, 3, 1, 4, 2]]
        let r = try Reliability.analyze(Matrix(rows))
        XCTAssertNil(r.omegaTotal)
        XCTAssertFalse(r.reasons.isEmpty)
        assertAllFinite(r)
    }

    func testNegativeAlphaIsReported() throws {
        let m = Matrix([[1, 5, 3], [2, 4, 3], [3, 3, 2], [4, 2, 4], [5, 1, 3]])
        let r = try Reliability.analyze(m)
        XCTAssertLessThan(try XCTUnwrap(r.alpha), 0)
        assertAllFinite(r)
    }

    func testAlphaIfDeletedEqualsAlphaOfRemainingItems() throws {
        let m = try ReliabilityFixture.matrix("reliability-complete")
        let r = try Reliability.analyze(m)
        for i in [0, 4, 9] {
            let rest = try Reliability.analyze(m.selectingColumns((0..<10).filter { $0 != i }))
            XCTAssertEqual(try XCTUnwrap(r.items[i].alphaIfDeleted), try XCTUnwrap(rest.alpha), accuracy: 1e-12)
        }
    }

    /// R: 1 - (1 - .9) * F(c(.975, .025); n - 1, (n - 1) * (k - 1)) for a huge and
    /// a tiny sample; for n = 1e5 the F quantiles are roots of R's pf (R's qf
    /// approximates them when df2 > 4e5, see ReliabilityFQuantileTests).
    func testFeldtIntervalAtExtremeSizes() throws {
        let big = try XCTUnwrap(Reliability.feldtInterval(alpha: 0.9, n: 100_000, k: 40))
        XCTAssertEqual(big.lower, 0.899110264822546, accuracy: 1e-9)
        XCTAssertEqual(big.upper, 0.900885649677049, accuracy: 1e-9)
        let tiny = try XCTUnwrap(Reliability.feldtInterval(alpha: 0.9, n: 5, k: 3))
        XCTAssertEqual(tiny.lower, 0.494736778263649, accuracy: 1e-9)
        XCTAssertEqual(tiny.upper, 0.988863622198557, accuracy: 1e-9)
        XCTAssertNil(Reliability.feldtInterval(alpha: 0.9, n: 1, k: 3))
    }
}
