import Foundation
import XCTest
import WavesCore
@testable import WavesCoding

/// Coders' files: appended whole, 0600, never rewritten; torn and bad lines reported, not rewritten.
final class CodingLogTests: XCTestCase {
    var dir: URL!
    override func setUpWithError() throws { dir = try CodingFixture.make("log") }
    override func tearDown() { try? FileManager.default.removeItem(at: dir) }

    func decision(_ unit: String, _ codes: [String], memo: String = "") -> CodingDecision {
        CodingDecision(unit: unit, codes: codes, memo: memo, at: "2026-04-01T10:00:00Z", coder: "ann", codebook: "mini")
    }

    func testAppendReadLatestAndMode() throws {
        let log = try CodingLog(studyDirectory: dir, coder: "ann")
        try log.append(decision("r1/dy01", ["micro"]))
        try log.append(decision("r1/dy02", []))
        try log.append(decision("r1/dy01", ["micro", "reflection"], memo: "changed my mind"))
        let c = try log.read()
        XCTAssertEqual(c.decisions.count, 3)
        XCTAssertEqual(c.problems, [])
        XCTAssertEqual(c.latest()["r1/dy01"]?.codes, ["micro", "reflection"])
        XCTAssertEqual(c.latest()["r1/dy01"]?.memo, "changed my mind")
        XCTAssertEqual(c.latest()["r1/dy02"]?.codes, [])
        let mode = try FileManager.default.attributesOfItem(atPath: log.url.path)[.posixPermissions] as! Int
        XCTAssertEqual(mode, 0o600)
        let dirMode = try FileManager.default.attributesOfItem(atPath: log.url.deletingLastPathComponent().path)[.posixPermissions] as! Int
        XCTAssertEqual(dirMode, 0o700)
        XCTAssertEqual(CodingLog.coders(studyDirectory: dir), ["ann"])
    }

    func testTornLineIsReportedKeptAndTheNextAppendStartsAFreshLine() throws {
        let log = try CodingLog(studyDirectory: dir, coder: "ann")
        try log.append(decision("r1/dy01", ["micro"]))
        let torn = "{\"format\":\"waves.coding/1\",\"unit\":\"r1/dy0"
        let h = try FileHandle(forWritingTo: log.url); h.seekToEndOfFile(); h.write(Data(torn.utf8)); try h.close()
        var c = try log.read()
        XCTAssertEqual(c.decisions.count, 1)
        XCTAssertEqual(c.problems.count, 1)
        XCTAssertEqual(c.problems[0].line, 2)
        XCTAssertTrue(c.problems[0].message.contains("torn"), c.problems[0].message)
        try log.append(decision("r1/dy02", ["identity"]))
        let text = try String(contentsOf: log.url, encoding: .utf8)
        XCTAssertTrue(text.contains(torn + "\n{"), "the torn line is kept as it was, and the new line starts after it")
        c = try log.read()
        XCTAssertEqual(c.decisions.map(\.decision.unit), ["r1/dy01", "r1/dy02"])
        XCTAssertEqual(c.problems.count, 1)
        XCTAssertTrue(c.problems[0].description.hasPrefix("data/coding/ann.jsonl:2: "), c.problems[0].description)
    }

    func testBadLinesAreLocatedAndSkipped() throws {
        let log = try CodingLog(studyDirectory: dir, coder: "ann")
        try FileManager.default.createDirectory(at: log.url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try """
        {"format":"waves.coding/1","unit":"r1/dy01","codes":["micro"],"at":"t"}
        not json
        {"format":"waves.coding/2","unit":"r1/dy01","codes":[],"at":"t"}
        {"format":"waves.coding/1","unit":"nounit","codes":[],"at":"t"}
        {"format":"waves.coding/1","unit":"r1/dy01","codes":[3],"at":"t"}

        {"format":"waves.coding/1","unit":"r1/dy02","codes":[],"at":"t","future":{"x":1}}

        """.write(to: log.url, atomically: true, encoding: .utf8)
        let c = try log.read()
        XCTAssertEqual(c.decisions.map(\.line), [1, 7])
        XCTAssertEqual(c.problems.map(\.line), [2, 3, 4, 5])
        XCTAssertTrue(c.problems[1].message.contains("unknown format"))
        XCTAssertTrue(c.problems[2].message.contains("<record id>/<item id>"))
        // Unknown keys survive a round trip.
        XCTAssertTrue(c.decisions[1].decision.jsonLine.contains("\"future\":{\"x\":1}"))
    }

    func testCoderNamesThatCannotNameAFileAreRefused() {
        for bad in ["", "../x", "a/b", ".hidden", "-x", "名前", String(repeating: "a", count: 65), "a b"] {
            XCTAssertThrowsError(try CodingLog(studyDirectory: dir, coder: bad), bad)
        }
        for good in ["ann", "coder-b", "A.B_2", "consensus"] { XCTAssertNoThrow(try CodingLog(studyDirectory: dir, coder: good)) }
    }

    func testSymlinkInPlaceOfTheFileIsRefused() throws {
        let log = try CodingLog(studyDirectory: dir, coder: "ann")
        try FileManager.default.createDirectory(at: log.url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let victim = dir.appendingPathComponent("victim.txt")
        try "keep".write(to: victim, atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(at: log.url, withDestinationURL: victim)
        XCTAssertThrowsError(try log.append(decision("r1/dy01", []))) { e in
            XCTAssertTrue(e.localizedDescription.contains("symbolic link"), e.localizedDescription)
        }
        XCTAssertEqual(try String(contentsOf: victim, encoding: .utf8), "keep")
    }
}
