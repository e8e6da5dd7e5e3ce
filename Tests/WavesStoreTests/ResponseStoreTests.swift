import XCTest
@testable import WavesCore
@testable import WavesStore

final class ResponseStoreTests: XCTestCase {
    var dir: URL!
    var store: ResponseStore!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("waves-store-\(UUID().uuidString)")
        store = ResponseStore(url: dir.appendingPathComponent("data/responses.jsonl"))
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    static func record(_ p: String, wave: String = "w1", submitted: String = "2026-03-01T10:00:00Z", value: Double = 4) -> ResponseRecord {
        ResponseRecord(id: UUID().uuidString.lowercased(), study: "s", participant: p, role: "mentee", wave: wave,
                       instrument: InstrumentRef(id: "identity", version: "1.0.0", sha256: String(repeating: "a", count: 64)),
                       startedAt: "2026-03-01T09:58:12Z", submittedAt: submitted, mode: "terminal",
                       answers: [("id01", .number(value)), ("id02", .missing), ("diary", .text("é \"quoted\"\nline 中"))],
                       declined: ["id02"])
    }

    func testAppendThenReadRoundTrips() throws {
        let a = Self.record("P1"), b = Self.record("P2", wave: "w2")
        try store.append(a)
        try store.append(b)
        let c = try store.read()
        XCTAssertEqual(c.problems, [])
        // The second line carries the hash of the first (the chain, HashChainTests).
        var chainedB = b
        chainedB.prev = ContentHash.sha256Hex(Array(a.jsonLine.utf8))
        XCTAssertEqual(c.records.map(\.record), [a, chainedB])
        XCTAssertEqual(c.records.map(\.line), [1, 2])
    }

    func testFileIsOwnerOnly() throws {
        try store.append(Self.record("P1"))
        let attrs = try FileManager.default.attributesOfItem(atPath: store.url.path)
        XCTAssertEqual((attrs[.posixPermissions] as? NSNumber)?.intValue, 0o600)
    }

    func testUnknownKeysAreKept() throws {
        var line = Self.record("P1").jsonLine
        line.removeLast()
        line += ",\"device\":{\"kind\":\"tablet\"},\"z\":[1,2]}\n"
        try FileManager.default.createDirectory(at: store.url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try line.write(to: store.url, atomically: false, encoding: .utf8)
        let r = try store.read().records[0].record
        XCTAssertEqual(r.extra.map(\.key), ["device", "z"])
        XCTAssertEqual(r.jsonLine + "\n", line, "a read and a rewrite keep unknown keys in place")
    }

    func testMalformedAndTornLinesAreReportedNotRemoved() throws {
        try store.append(Self.record("P1"))
        let good = Self.record("P2").jsonLine
        let handle = try FileHandle(forWritingTo: store.url)
        handle.seekToEndOfFile()
        handle.write(Data("{\"format\":\"waves.response/1\", oops\n".utf8))
        handle.write(Data("[1,2]\n".utf8))
        handle.write(Data((good + "\n").utf8))
        handle.write(Data(String(good.prefix(40)).utf8)) // torn: no newline
        try handle.close()
        let before = try Data(contentsOf: store.url)
        let c = try store.read()
        XCTAssertEqual(c.records.map(\.line), [1, 4])
        XCTAssertEqual(c.problems.map(\.line), [2, 3, 5])
        XCTAssertTrue(c.problems[0].message.hasPrefix("not valid JSON"), c.problems[0].message)
        XCTAssertEqual(c.problems[1].message, "a response record must be a JSON object")
        XCTAssertTrue(c.problems[2].message.contains("torn"))
        XCTAssertEqual(try Data(contentsOf: store.url), before, "reading never changes the file")
        // The next append starts on a new line; the torn line stays as it was.
        try store.append(Self.record("P3"))
        let after = try store.read()
        XCTAssertEqual(after.records.map(\.record.participant), ["P1", "P2", "P3"])
        XCTAssertEqual(after.problems.map(\.line), [2, 3, 5])
        XCTAssertTrue(try Data(contentsOf: store.url).starts(with: before))
    }

    func testDuplicatesAreKeptFlaggedAndLatestUsed() throws {
        try store.append(Self.record("P1", submitted: "2026-03-01T10:00:00Z", value: 2))
        try store.append(Self.record("P2"))
        try store.append(Self.record("P1", submitted: "2026-03-02T10:00:00Z", value: 5))
        let c = try store.read()
        XCTAssertEqual(c.records.count, 3, "both submissions are kept")
        let (latest, dups) = c.latest()
        XCTAssertEqual(latest.count, 2)
        XCTAssertEqual(latest.first { $0.participant == "P1" }?.answer("id01"), .number(5))
        XCTAssertEqual(dups, [Duplicate(participant: "P1", wave: "w1", instrument: "identity", lines: [1, 3])])
    }

    func testMissingStoreReadsAsEmpty() throws {
        let c = try store.read()
        XCTAssertTrue(c.records.isEmpty && c.problems.isEmpty)
    }

    func testLinesLongerThanTheReadChunk() throws {
        var r = Self.record("P1")
        r.answers.append(("big", .text(String(repeating: "x", count: StoreScan.blockSize + 100))))
        try store.append(r)
        try store.append(Self.record("P2"))
        let c = try store.read()
        XCTAssertEqual(c.records.map(\.record.participant), ["P1", "P2"])
        XCTAssertEqual(c.records[0].record.answer("big")?.text?.count, StoreScan.blockSize + 100)
    }
}
