import XCTest
import WavesCore
@testable import WavesSurvey

final class DraftTests: XCTestCase {
    func sample() -> Draft {
        Draft(study: "s", participant: "P 1/é", role: "mentee", wave: "w1",
              instrument: InstrumentRef(id: "identity", version: "1.0.0", sha256: "ab"),
              startedAt: "2026-03-01T09:58:12Z", updatedAt: "2026-03-01T10:00:00Z", mode: "plain",
              position: .item("q3"),
              responses: ["q1": .answered(.number(4)), "q2": .declined, "q3": .skipped, "t": .answered(.text("a\n\"b\""))])
    }

    func testJSONRoundTripAndOrder() throws {
        let d = sample()
        let text = JSONWriter.string(d.json(order: ["t", "q1", "q2", "q3"]))
        XCTAssertTrue(text.contains(#""responses":{"t":"a\n\"b\"","q1":4,"q2":{"status":"declined"},"q3":{"status":"skipped"}}"#), text)
        XCTAssertEqual(try Draft(json: try JSONParser.parse(text)), d)
        for pos in [SessionPosition.intro, .review] {
            var e = d; e.position = pos
            XCTAssertEqual(try Draft(json: try JSONParser.parse(JSONWriter.string(e.json()))).position, pos)
        }
        XCTAssertThrowsError(try Draft(json: try JSONParser.parse(#"{"format":"other"}"#)))
    }

    func testSaveIsAtomicPrivateAndSafelyNamed() throws {
        let dir = Fixtures.temporaryDirectory().appendingPathComponent("data/drafts")
        defer { try? FileManager.default.removeItem(at: dir.deletingLastPathComponent().deletingLastPathComponent()) }
        let store = DraftStore(directory: dir)
        let d = sample()
        try store.save(d)
        try store.save(d)
        let url = store.url(participant: d.participant, wave: "w1", instrument: "identity")
        // A hash of the ids: fixed length, any characters (round 1 used the %-encoded ids).
        XCTAssertTrue(url.lastPathComponent.hasPrefix("draft-") && url.lastPathComponent.hasSuffix(".json"), url.lastPathComponent)
        XCTAssertEqual(url.lastPathComponent.utf8.count, 75)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), [url.lastPathComponent], "no temporary files left")
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? Int, 0o600)
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: dir.path)[.posixPermissions] as? Int, 0o700)
        XCTAssertEqual(try store.load(participant: d.participant, wave: "w1", instrument: "identity"), d)
        XCTAssertNotEqual(store.url(participant: "a__b", wave: "c", instrument: "d"), store.url(participant: "a", wave: "b__c", instrument: "d"))
        XCTAssertFalse(store.url(participant: "../x", wave: "w", instrument: "i").lastPathComponent.contains("/"))
        try store.remove(participant: d.participant, wave: "w1", instrument: "identity")
        XCTAssertNil(try store.load(participant: d.participant, wave: "w1", instrument: "identity"))
        XCTAssertNoThrow(try store.remove(participant: d.participant, wave: "w1", instrument: "identity"))
    }
}
