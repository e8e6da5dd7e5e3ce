import XCTest
@testable import WavesCore
@testable import WavesStore

/// The store's hash chain (`prev`, `waves verify`): appends chain every line; an edited,
/// deleted, inserted, reordered or torn line is named; round-1 prefixes are reported.
final class HashChainTests: XCTestCase {
    var dir: URL!
    var store: ResponseStore!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("waves-chain-\(UUID().uuidString)")
        store = ResponseStore(url: dir.appendingPathComponent("data/responses.jsonl"))
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    /// Five records appended one by one, then two together: the lines of the file.
    func chainedLines() throws -> [String] {
        for i in 1...5 { try store.append(ResponseStoreTests.record("P\(i)")) }
        try store.append([ResponseStoreTests.record("P6"), ResponseStoreTests.record("P7")])
        return try lines()
    }

    func lines() throws -> [String] {
        let text = try String(contentsOf: store.url, encoding: .utf8)
        var ls = text.components(separatedBy: "\n")
        if ls.last == "" { ls.removeLast() }
        return ls
    }

    func write(_ lines: [String], torn: String? = nil) throws {
        var text = lines.map { $0 + "\n" }.joined()
        if let torn { text += torn }
        try Data(text.utf8).write(to: store.url)
    }

    func testEveryAppendCarriesTheHashOfTheLineBefore() throws {
        let ls = try chainedLines()
        XCTAssertEqual(ls.count, 7)
        let records = try store.read().records.map(\.record)
        XCTAssertNil(records[0].prev, "the first line has no prev")
        for i in 1..<7 { XCTAssertEqual(records[i].prev, ContentHash.sha256Hex(Array(ls[i - 1].utf8)), "line \(i + 1)") }
        let r = try HashChain.verify(store)
        XCTAssertEqual(r.records, 7)
        XCTAssertEqual(r.chained, 6)
        XCTAssertNil(r.firstBreak)
        XCTAssertEqual(r.head, ContentHash.sha256Hex(Array(ls[6].utf8)))
        XCTAssertNil(r.chainStartsAt)
    }

    func testAnEditedLineIsFoundAtTheNextLine() throws {
        var ls = try chainedLines()
        ls[2] = ls[2].replacingOccurrences(of: "\"id01\":4", with: "\"id01\":5")
        try write(ls)
        let r = try HashChain.verify(store)
        XCTAssertEqual(r.firstBreak?.line, 4, "an edited line 3 is found at line 4")
        XCTAssertTrue(r.firstBreak!.reason.contains("line 3 was edited"), r.firstBreak!.reason)
        XCTAssertEqual(r.chained, 5)
    }

    func testAnEditedLastLineChangesTheHead() throws {
        var ls = try chainedLines()
        let head = try HashChain.verify(store).head
        ls[6] = ls[6].replacingOccurrences(of: "\"id01\":4", with: "\"id01\":3")
        try write(ls)
        let r = try HashChain.verify(store)
        XCTAssertNil(r.firstBreak, "nothing after the last line can notice")
        XCTAssertNotEqual(r.head, head, "the head written down earlier no longer matches")
    }

    func testADeletedLineIsFound() throws {
        var ls = try chainedLines()
        ls.remove(at: 3)
        try write(ls)
        XCTAssertEqual(try HashChain.verify(store).firstBreak?.line, 4)
    }

    func testADeletedFirstLineIsFound() throws {
        var ls = try chainedLines()
        ls.removeFirst()
        try write(ls)
        let b = try HashChain.verify(store).firstBreak
        XCTAssertEqual(b?.line, 1)
        XCTAssertTrue(b!.reason.contains("deleted"), b!.reason)
    }

    func testAnInsertedLineIsFound() throws {
        var ls = try chainedLines()
        // A copy of a real line (with its own prev) inserted after line 2.
        ls.insert(ls[4], at: 2)
        try write(ls)
        XCTAssertEqual(try HashChain.verify(store).firstBreak?.line, 3)
        // An inserted round-1-looking line without prev is also a break.
        var ls2 = try chainedLinesFresh()
        ls2.insert(ResponseStoreTests.record("X").jsonLine, at: 5)
        try write(ls2)
        let b = try HashChain.verify(store).firstBreak
        XCTAssertEqual(b?.line, 6)
        XCTAssertTrue(b!.reason.contains("no \"prev\""), b!.reason)
    }

    func chainedLinesFresh() throws -> [String] {
        try? FileManager.default.removeItem(at: store.url)
        return try chainedLines()
    }

    func testReorderedLinesAreFound() throws {
        var ls = try chainedLines()
        ls.swapAt(3, 4)
        try write(ls)
        XCTAssertEqual(try HashChain.verify(store).firstBreak?.line, 4)
    }

    func testAnUnreadableLineBreaksTheChainAtItself() throws {
        var ls = try chainedLines()
        ls[2] = "{\"format\":\"waves.response/1\""
        try write(ls)
        XCTAssertEqual(try HashChain.verify(store).firstBreak?.line, 3)
        ls[2] = ""
        try write(ls)
        XCTAssertEqual(try HashChain.verify(store).firstBreak?.line, 3)
    }

    func testABadPrevValueIsABreak() throws {
        var ls = try chainedLines()
        let good = try store.read().records[3].record.prev!
        ls[3] = ls[3].replacingOccurrences(of: good, with: good.uppercased())
        try write(ls)
        let b = try HashChain.verify(store).firstBreak
        XCTAssertEqual(b?.line, 4)
        XCTAssertTrue(b!.reason.contains("not a SHA-256"), b!.reason)
    }

    func testATornLastLineIsReportedNotRewrittenAndTheNextAppendChainsPastIt() throws {
        let ls = try chainedLines()
        try write(ls, torn: "{\"format\":\"waves.resp")
        let before = try Data(contentsOf: store.url)
        var r = try HashChain.verify(store)
        XCTAssertEqual(r.tornLine, 8)
        XCTAssertNil(r.firstBreak, "a torn last line is no break: nothing after it was written")
        XCTAssertEqual(r.head, ContentHash.sha256Hex(Array(ls[6].utf8)))
        XCTAssertEqual(try Data(contentsOf: store.url), before, "verify never rewrites")
        // An append closes the torn line; the closed fragment is then an unreadable line: a break there.
        try store.append(ResponseStoreTests.record("P8"))
        r = try HashChain.verify(store)
        XCTAssertEqual(r.firstBreak?.line, 8)
        XCTAssertNil(r.tornLine)
    }

    func testARound1PrefixIsReportedAndTheChainStartsAfterIt() throws {
        let old = (1...3).map { ResponseStoreTests.record("R\($0)").jsonLine }
        try FileManager.default.createDirectory(at: store.url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try write(old)
        var r = try HashChain.verify(store)
        XCTAssertFalse(r.hasChain)
        XCTAssertNil(r.firstBreak, "a round-1 store is not broken")
        XCTAssertEqual(r.chained, 0)
        try store.append(ResponseStoreTests.record("P1"))
        try store.append(ResponseStoreTests.record("P2"))
        r = try HashChain.verify(store)
        XCTAssertEqual(r.chainStartsAt, 4)
        XCTAssertEqual(r.chained, 2)
        XCTAssertNil(r.firstBreak)
        // The last round-1 line is covered by the first chained record.
        var ls = try lines()
        ls[2] = ls[2].replacingOccurrences(of: "\"R3\"", with: "\"R9\"")
        try write(ls)
        XCTAssertEqual(try HashChain.verify(store).firstBreak?.line, 4)
    }

    func testAnEmptyOrMissingStoreHasNoHead() throws {
        var r = try HashChain.verify(store)
        XCTAssertNil(r.head)
        XCTAssertEqual(r.records, 0)
        try FileManager.default.createDirectory(at: store.url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data().write(to: store.url)
        r = try HashChain.verify(store)
        XCTAssertNil(r.head)
        XCTAssertNil(r.firstBreak)
    }

    /// Random edits of a chained store never crash the verifier, and any change to a line
    /// before the last one is found.
    func testFuzzedStoresNeverCrashAndEveryEarlierChangeIsFound() throws {
        let ls = try chainedLines()
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<300 {
            var bytes = ls.map { Array($0.utf8) }
            let line = Int.random(in: 0..<(ls.count - 1), using: &rng)
            let at = Int.random(in: 0..<bytes[line].count, using: &rng)
            let old = bytes[line][at]
            var new = UInt8.random(in: 0...255, using: &rng)
            if new == old || new == 0x0A { new = old == 0x41 ? 0x42 : 0x41 }
            bytes[line][at] = new
            try Data(bytes.flatMap { $0 + [0x0A] }).write(to: store.url)
            let r = try HashChain.verify(store)
            // The in-place `prev` of the fast path and the strict records give one report.
            XCTAssertEqual(try HashChain.verify(store, workers: 2, fast: false), r)
            XCTAssertNotNil(r.firstBreak, "a change on line \(line + 1) must break the chain")
            XCTAssertLessThanOrEqual(r.firstBreak?.line ?? 99, line + 2)
        }
        // Arbitrary bytes, line ends included.
        for _ in 0..<200 {
            let n = Int.random(in: 0..<400, using: &rng)
            let junk = (0..<n).map { _ in [0x0A, 0x7B, 0x22, 0x70].randomElement(using: &rng)! == 0x0A && Bool.random() ? UInt8(0x0A) : UInt8.random(in: 0...255, using: &rng) }
            try Data(junk).write(to: store.url)
            XCTAssertEqual(try HashChain.verify(store), try HashChain.verify(store, workers: 1, fast: false))
        }
    }

    /// `verify` reads `prev` in place on the lines the columnar fast path accepts: on generated
    /// and mutated lines, each given a `prev` of some shape (a digest, twice, escaped, of another
    /// type, nested, or inside a text), it gives what the strict records give, line by line.
    func testPrevInPlaceAgreesWithTheStrictRecordsOnMutatedLines() throws {
        let hex = String(repeating: "9f", count: 32)
        let prevs = [#","prev":"\#(hex)""#, #","prev":"\#(hex)","prev":"\#(hex.uppercased())""#, #","prev":"\u0039\#(hex.dropFirst())""#,
                     #","prev":null"#, #","prev":[1]"#, #","x":{"prev":"\#(hex)"}"#, #","x":"\"prev\":\"\#(hex)\"""#, #","prev" : "\#(hex)" "#, ""]
        var lines: [[UInt8]] = []
        for (k, line) in StoreScanTests.mutatedStore(lines: 1500, seed: 31).split(separator: 0x0A, omittingEmptySubsequences: false).enumerated() {
            var l = Array(line)
            if l.last == UInt8(ascii: "}") { l = l.dropLast() + Array(prevs[k % prevs.count].utf8) + [UInt8(ascii: "}")] }
            lines.append(l)
        }
        var fast = ChainDecoder(useFast: true), strict = ChainDecoder(useFast: false)
        var inPlace = 0, records = 0
        for l in lines {
            let (a, b) = l.withUnsafeBytes { (fast.line($0), strict.line($0)) }
            XCTAssertEqual(a, b, String(decoding: l, as: UTF8.self))
            if b.prev != nil { records += 1 }
            if l.withUnsafeBytes({ fast.fast.decode(line: $0) != nil && ChainDecoder.plainPrev($0) != nil }) { inPlace += 1 }
        }
        XCTAssertGreaterThan(records, 1000)
        XCTAssertGreaterThan(inPlace, 800, "most valid lines have their prev read in place")
        try FileManager.default.createDirectory(at: store.url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(lines.flatMap { $0 + [0x0A] }).write(to: store.url)
        let strictReport = try HashChain.verify(store, workers: 1, fast: false)
        for workers in [1, 3] {
            for block in [500, 1 << 16] {
                XCTAssertEqual(try HashChain.verify(store, workers: workers, fast: true, blockSize: block), strictReport)
            }
        }
    }
}
