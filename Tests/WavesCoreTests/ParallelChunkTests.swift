import Foundation
@testable import WavesCore
import XCTest

/// `Parallel.forEachChunk` (session 13: pipelined, the calling thread writing chunk k while the
/// workers render the next ones): every chunk written once, in order, with its own result, for
/// any range, chunk size and number of workers; never more than two chunks per worker rendered
/// and not yet written; and a write's error stops the rendering and is thrown, with no chunk
/// written after it.
final class ParallelChunkTests: XCTestCase {
    /// Counts chunks rendered and not yet written, and the most seen at once.
    final class InFlight: @unchecked Sendable {
        private let lock = NSLock()
        private var now = 0
        private(set) var most = 0
        private(set) var rendered = 0
        func rendering() { lock.lock(); now += 1; rendered += 1; most = max(most, now); lock.unlock() }
        func written() { lock.lock(); now -= 1; lock.unlock() }
    }

    func testChunksAreWrittenInOrderOnceEach() {
        for (range, chunk, workers) in [(0..<0, 3, 2), (0..<1, 3, 2), (5..<6, 1, 4), (0..<100, 1, 2), (0..<100, 7, 2), (3..<1000, 64, 3),
                                        (0..<10, 100, 2), (0..<500, 5, 1), (0..<257, 2, 8)] {
            let flight = InFlight()
            var seen: [Int] = []
            var sums: [Int] = []
            Parallel.forEachChunk(range, chunk: chunk, workers: workers, { r -> (Range<Int>, Int) in
                flight.rendering()
                if r.lowerBound % 3 == 0 { usleep(200) }   // some chunks finish late
                return (r, r.reduce(0, +))
            }, write: { r, sum in
                flight.written()
                seen.append(contentsOf: r)
                sums.append(sum)
            })
            XCTAssertEqual(seen, Array(range), "\(range) by \(chunk) on \(workers)")
            let expected = stride(from: range.lowerBound, to: range.upperBound, by: chunk).map { ($0..<min($0 + chunk, range.upperBound)).reduce(0, +) }
            XCTAssertEqual(sums, expected)
            XCTAssertLessThanOrEqual(flight.most, 2 * max(1, workers) + 1, "at most two chunks per worker ahead of the writer")
        }
    }

    func testAWriteErrorStopsAndIsThrown() {
        struct Stop: Error {}
        let flight = InFlight()
        var written: [Int] = []
        XCTAssertThrowsError(try Parallel.forEachChunk(0..<10_000, chunk: 10, workers: 2, { r -> Int in
            flight.rendering()
            return r.lowerBound
        }, write: { start in
            if start == 500 { throw Stop() }
            written.append(start)
        })) { XCTAssertTrue($0 is Stop) }
        XCTAssertEqual(written, Array(stride(from: 0, to: 500, by: 10)))
        XCTAssertLessThan(flight.rendered, 100, "the workers stopped soon after the error")
    }
}
