import XCTest
@testable import WavesCore
@testable import WavesStore

/// Issue 14: a scan that starts after a prefix of whole lines (`StoreSpan`, for extending a
/// derived cache) gives exactly the lines, line numbers and problems a scan of the whole store
/// gives after that prefix, and learns where the complete lines end and their bytes, a torn
/// last line not counted.
extension StoreScanTests {
    /// The scan's outcomes from `span` on, in `scanned`'s shape.
    func scanned(span: StoreSpan, workers: Int, blockSize: Int) throws -> [String] {
        var out: [String] = []
        try StoreScan.forEachLine(store.log, workers: workers, blockSize: blockSize, state: AnswerKeyCache(), span: span,
                                  decode: { line, cache in StoreScan.decodeLine(line, cache: &cache) }, problem: { .problem($0) }) { o, n in
            switch o {
            case .blank: break
            case .record(let r): out.append("\(n) ok " + r.jsonLine)
            case .problem(let m): out.append("\(n) error \(m)")
            }
        }
        return out
    }

    func testAScanFromTheEndOfALineGivesTheWholeScansRest() throws {
        var bytes = Self.mutatedStore(lines: 300, seed: 21)
        bytes.insert(contentsOf: [0x0A], at: 0)
        let complete = bytes.count
        bytes += Array("{\"format\":\"waves.resp".utf8)   // torn
        try Data(bytes).write(to: store.url)
        let whole = reference(bytes)
        let ends = bytes.indices.filter { bytes[$0] == 0x0A }.map { $0 + 1 }
        for workers in [1, 2, 4] {
            for block in [64, 4096, StoreScan.blockSize] {
                // From the start: the span learns the complete lines, fed in order.
                var fed: [UInt8] = []
                let all = StoreSpan(feed: { fed += $0 })
                XCTAssertEqual(try scanned(span: all, workers: workers, blockSize: block), whole)
                XCTAssertEqual(all.bytes, Int64(complete), "the complete lines end before the torn one")
                XCTAssertEqual(all.lines, ends.count)
                XCTAssertEqual(fed, Array(bytes.prefix(complete)), "every byte of the complete lines, in order")
                // From the end of line k: the same outcomes as the whole scan after line k.
                for k in [0, 1, 2, 57, ends.count / 2, ends.count - 1, ends.count] {
                    let start = k == 0 ? 0 : ends[k - 1]
                    var rest: [UInt8] = []
                    let span = StoreSpan(file: try XCTUnwrap(try store.log.openForReading()), bytes: Int64(start), lines: k, feed: { rest += $0 })
                    let expected = whole.filter { Int($0.prefix { $0 != " " })! > k }
                    XCTAssertEqual(try scanned(span: span, workers: workers, blockSize: block), expected, "from line \(k), workers \(workers), block \(block)")
                    XCTAssertEqual(span.bytes, Int64(complete))
                    XCTAssertEqual(span.lines, ends.count)
                    XCTAssertEqual(rest, Array(bytes[start..<complete]))
                }
            }
        }
    }
}
