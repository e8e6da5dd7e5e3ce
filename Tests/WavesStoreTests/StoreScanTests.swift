import XCTest
@testable import WavesCore
@testable import WavesStore

/// The parallel store scan against the strict parser, line by line.
///
/// The reference reads the file with nothing but `split` and `JSONParser.parse` +
/// `ResponseRecord(json:)` (the strict path); the scan must give the same records, the same
/// problems and the same line numbers on every number of workers and every block size
/// (blocks that cut lines, lines longer than a block), on valid, invalid, mutated, blank
/// and torn lines, unknown keys, escapes and huge numbers.
final class StoreScanTests: XCTestCase {
    var dir: URL!
    var store: ResponseStore!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("waves-scan-\(UUID().uuidString)")
        store = ResponseStore(url: dir.appendingPathComponent("data/responses.jsonl"))
        try FileManager.default.createDirectory(at: store.url.deletingLastPathComponent(), withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    /// What the strict path says of each line: "ok <canonical line>" or "error <message>".
    func reference(_ bytes: [UInt8]) -> [String] {
        var out: [String] = []
        var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
        let torn = !(lines.last?.isEmpty ?? true)
        if !torn { lines.removeLast() }
        for (k, line) in lines.enumerated() {
            let n = k + 1
            if torn && k == lines.count - 1 { out.append("\(n) error \(StoreScan.tornMessage)"); break }
            if line.isEmpty { continue }
            line.withUnsafeBytes { b in
                do {
                    out.append("\(n) ok " + (try ResponseRecord(json: JSONParser.parse(b))).jsonLine)
                } catch let e as RecordError {
                    out.append("\(n) error \(e.message)")
                } catch {
                    out.append("\(n) error not valid JSON: \((error as? LocalizedError)?.errorDescription ?? "\(error)")")
                }
            }
        }
        return out
    }

    /// What the scan says, in the same shape.
    func scanned(workers: Int, blockSize: Int) throws -> [String] {
        var out: [String] = []
        try StoreScan.forEachOutcome(store.log, workers: workers, blockSize: blockSize) { o, n in
            switch o {
            case .blank: break
            case .record(let r): out.append("\(n) ok " + r.jsonLine)
            case .problem(let m): out.append("\(n) error \(m)")
            }
        }
        return out
    }

    /// Generated lines, each followed by mutations (byte removed, inserted, replaced, cut).
    static func mutatedStore(lines count: Int, seed: UInt64) -> [UInt8] {
        let text = JSONParserBenchmark.sampleResponseLines(count: count, seed: seed)
        let lines = text.split(separator: 0x0A).map(Array.init)
        var state = seed &* 0x9E3779B97F4A7C15 | 1
        func next() -> Int { state = state &* 6364136223846793005 &+ 1442695040888963407; return Int(state >> 33) }
        var out: [UInt8] = []
        for line in lines {
            out += line + [0x0A]
            var m = line
            switch next() % 6 {
            case 0: m.remove(at: next() % m.count)
            case 1: m.insert(UInt8(truncatingIfNeeded: next()), at: next() % m.count)
            case 2: m[next() % m.count] = Array("{}[]\",:0-ne\\".utf8)[next() % 12]
            case 3: m = Array(m.prefix(next() % m.count))
            case 4: m = Array(m.dropLast()) + Array(",\"prev\":\"ab\",\"batch\":\"b1\",\"n\":1e400}".utf8)
            default: m = []
            }
            m.removeAll { $0 == 0x0A }
            out += m + [0x0A]
        }
        return out
    }

    func check(_ bytes: [UInt8], file: StaticString = #filePath, line: UInt = #line) throws {
        try Data(bytes).write(to: store.url)
        let expected = reference(bytes)
        for workers in [1, 2, 3, 8] {
            for block in [64, 1000, 1 << 16, StoreScan.blockSize] {
                XCTAssertEqual(try scanned(workers: workers, blockSize: block), expected, "workers \(workers), block \(block)", file: file, line: line)
            }
        }
    }

    func testAgreesWithStrictParserOnGeneratedAndMutatedLines() throws {
        let bytes = Self.mutatedStore(lines: 1500, seed: 11)
        let expected = reference(bytes)
        XCTAssertGreaterThan(expected.filter { $0.contains(" ok ") }.count, 1500, "most lines are valid records")
        XCTAssertGreaterThan(expected.filter { $0.contains(" error ") }.count, 300, "many mutated lines are problems")
        try check(bytes)
    }

    func testTornLastLineAndBlankLines() throws {
        var bytes = JSONParserBenchmark.sampleResponseLines(count: 600, seed: 3)
        bytes.insert(contentsOf: [0x0A, 0x0A], at: 0)
        bytes += Array("{\"format\":\"waves.resp".utf8)
        let expected = reference(bytes)
        XCTAssertTrue(expected.last!.hasSuffix(StoreScan.tornMessage))
        XCTAssertTrue(expected.first!.hasPrefix("3 ok "), "blank lines count as lines")
        try check(bytes)
    }

    func testEscapesUnknownKeysAndHugeNumbers() throws {
        var r = ResponseStoreTests.record("P\u{1F600}\\\"x")
        r.extra = [("prev", .string(String(repeating: "f", count: 64))), ("batch", .string("imp-1")), ("timings", .object(JSONObject([("id01", .number(1200))])))]
        var lines = [r.jsonLine]
        lines.append(lines[0].replacingOccurrences(of: "\"id01\":4", with: "\"id01\":1e308"))
        lines.append(lines[0].replacingOccurrences(of: "\"id01\":4", with: "\"id01\":1e309"))
        lines.append(lines[0].replacingOccurrences(of: "\"id01\":4", with: "\"id01\":-0.0000000000000000000001"))
        lines.append(lines[0].replacingOccurrences(of: "\"id01\":4", with: "\"id01\":4,\"id01\":5"))
        lines.append(lines[0].replacingOccurrences(of: "\"participant\":", with: "\"participant\" :\"a\",\"participant\":"))
        lines.append("[1,2]")
        lines.append("{\"format\":\"waves.response/1\"} x")
        lines.append(String(repeating: "[", count: 600))
        try check(Array((lines.joined(separator: "\n") + "\n").utf8))
    }

    func testPublicScanUsesTheSameOutcomes() throws {
        let bytes = Self.mutatedStore(lines: 400, seed: 5)
        try Data(bytes).write(to: store.url)
        var serial: [(String, Int)] = [], parallel: [(String, Int)] = []
        let p1 = try store.scan(workers: 1) { r, n in serial.append((r.jsonLine, n)) }
        let p4 = try store.scan(workers: 4) { r, n in parallel.append((r.jsonLine, n)) }
        XCTAssertEqual(p1, p4)
        XCTAssertEqual(serial.map(\.0), parallel.map(\.0))
        XCTAssertEqual(serial.map(\.1), parallel.map(\.1))
        XCTAssertFalse(p1.isEmpty)
    }

    /// `scan(transform:)` hands over what the transform made of the same records, on the same
    /// lines, with the same problems (unfinished import batches included) as `scan`.
    func testTransformingScanKeepsTheLinesAndProblemsOfScan() throws {
        var r = ResponseStoreTests.record("P-batch")
        r.extra = [("batch", .string("imp-unfinished"))]
        let bytes = Self.mutatedStore(lines: 400, seed: 7) + Array((r.jsonLine + "\n").utf8)
        try Data(bytes).write(to: store.url)
        var plain: [(String, Int)] = []
        let expected = try store.scan(workers: 1) { r, n in plain.append((r.participant + "|" + r.jsonLine, n)) }
        XCTAssertTrue(expected.contains { $0.message.contains("did not finish") }, "an unfinished import's line is among the problems")
        for workers in [1, 2, 4] {
            var got: [(String, Int)] = []
            let problems = try store.scan(workers: workers, transform: { r in r.participant + "|" + r.jsonLine }) { s, n in got.append((s, n)) }
            XCTAssertEqual(problems, expected)
            XCTAssertEqual(got.map(\.0), plain.map(\.0))
            XCTAssertEqual(got.map(\.1), plain.map(\.1))
        }
    }

    func testMissingStoreHasNoLines() throws {
        XCTAssertEqual(try scanned(workers: 2, blockSize: 100), [])
    }
}
