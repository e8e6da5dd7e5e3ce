import Foundation
import Glibc
import WavesCore
import XCTest
@testable import WavesCollect

final class SecretAndInvitationTests: XCTestCase {
    var dir: URL!
    override func setUp() {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("waves-secret-\(UUID().uuidString.prefix(8))")
        try! FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }
    override func tearDown() { try? FileManager.default.removeItem(at: dir) }

    func mode(_ url: URL) -> Int {
        (try! FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as! NSNumber).intValue
    }

    func testSecretIsMadeOnFirstUseOwnerOnlyAndKept() throws {
        let u = dir.appendingPathComponent("data/secret.key")
        XCTAssertNil(try StudySecret.load(url: u, create: false))
        let old = umask(0)
        defer { umask(old) }
        let s1 = try XCTUnwrap(StudySecret.load(url: u, create: true))
        XCTAssertEqual(mode(u), 0o600, "0600 whatever the umask")
        XCTAssertEqual(mode(u.deletingLastPathComponent()), 0o700)
        XCTAssertEqual(try Data(contentsOf: u).count, 32)
        let s2 = try XCTUnwrap(StudySecret.load(url: u, create: true))
        let code = AccessCode(typed: "ABCD-0123-WXYZ")!
        XCTAssertEqual(s1.hash(code), s2.hash(code), "the same secret is read back")
    }

    /// The expected value comes from Python's hmac module (Fixtures/hmac_expected.py → hmac_expected.txt), an independent implementation.
    func testCodeHashIsHMACSHA256OfTheNormalisedCode() throws {
        let u = dir.appendingPathComponent("secret.key")
        FileManager.default.createFile(atPath: u.path, contents: Data((0..<32).map { UInt8($0) }), attributes: [.posixPermissions: 0o600])
        let s = try XCTUnwrap(StudySecret.load(url: u, create: false))
        let h = s.hash(AccessCode(typed: "abcd-o123-wxyz")!)
        XCTAssertEqual(h, try String(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/hmac_expected.txt"), encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines))
        XCTAssertTrue(s.matches(AccessCode(typed: "ABCD0123WXYZ")!, storedHash: h))
        XCTAssertTrue(s.matches(AccessCode(typed: "ABCD0123WXYZ")!, storedHash: h.uppercased()))
        XCTAssertFalse(s.matches(AccessCode(typed: "ABCD0123WXY0")!, storedHash: h))
        XCTAssertFalse(s.matches(AccessCode(typed: "ABCD0123WXYZ")!, storedHash: String(h.dropLast())))
        XCTAssertFalse(s.matches(AccessCode(typed: "ABCD0123WXYZ")!, storedHash: "zz" + h.dropFirst(2)))
    }

    func testSecretRefusedWhenLinkedReadableOrWrongSize() throws {
        let real = dir.appendingPathComponent("real.key")
        FileManager.default.createFile(atPath: real.path, contents: Data(count: 32), attributes: [.posixPermissions: 0o600])
        let link = dir.appendingPathComponent("link.key")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: real)
        XCTAssertThrowsError(try StudySecret.load(url: link, create: true)) { e in
            XCTAssertTrue(e.localizedDescription.contains("symbolic link"), e.localizedDescription)
        }
        let open = dir.appendingPathComponent("open.key")
        FileManager.default.createFile(atPath: open.path, contents: Data(count: 32), attributes: [.posixPermissions: 0o644])
        XCTAssertThrowsError(try StudySecret.load(url: open, create: false)) { e in
            XCTAssertTrue(e.localizedDescription.contains("chmod 600"), e.localizedDescription)
        }
        let short = dir.appendingPathComponent("short.key")
        FileManager.default.createFile(atPath: short.path, contents: Data(count: 16), attributes: [.posixPermissions: 0o600])
        XCTAssertThrowsError(try StudySecret.load(url: short, create: false))
        // A dangling link is not followed to create a file elsewhere.
        let dangling = dir.appendingPathComponent("dangling.key")
        try FileManager.default.createSymbolicLink(atPath: dangling.path, withDestinationPath: dir.appendingPathComponent("elsewhere").path)
        XCTAssertThrowsError(try StudySecret.load(url: dangling, create: true))
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("elsewhere").path))
    }

    func testBookFindsLiveCodesAndKnowsReplacedOnes() throws {
        let u = dir.appendingPathComponent("secret.key")
        let secret = try XCTUnwrap(StudySecret.load(url: u, create: true))
        let a1 = AccessCode.generate(), a2 = AccessCode.generate(), b = AccessCode.generate()
        var book = InvitationBook(events: [
            InvitationEvent(participant: "P1", wave: "w1", event: .issued, at: "2026-03-01T00:00:00Z", codeHash: secret.hash(a1)),
            InvitationEvent(participant: "P2", wave: "w1", event: .issued, at: "2026-03-01T00:00:00Z", codeHash: secret.hash(b)),
            InvitationEvent(participant: "P1", wave: "w1", event: .revoked, at: "2026-03-02T00:00:00Z", codeHash: secret.hash(a1)),
            InvitationEvent(participant: "P1", wave: "w1", event: .issued, at: "2026-03-02T00:00:00Z", codeHash: secret.hash(a2)),
        ])
        XCTAssertEqual(book.match(a1, secret: secret), .replaced)
        guard case .live(let l) = book.match(a2, secret: secret) else { return XCTFail("a2 is live") }
        XCTAssertEqual(l.participant, "P1")
        XCTAssertEqual(l.issuedAt, "2026-03-02T00:00:00Z")
        guard case .live(let lb) = book.match(AccessCode(typed: b.formatted.lowercased())!, secret: secret) else { return XCTFail("b is live") }
        XCTAssertEqual(lb.participant, "P2")
        XCTAssertEqual(book.match(AccessCode.generate(), secret: secret), .unknown)
        XCTAssertEqual(book.invited["w1"], ["P1", "P2"])
        // A revocation without a new code leaves nothing live.
        book.apply(InvitationEvent(participant: "P2", wave: "w1", event: .revoked, at: "2026-03-03T00:00:00Z", codeHash: secret.hash(b)))
        XCTAssertEqual(book.match(b, secret: secret), .replaced)
        XCTAssertNil(book.liveCode(participant: "P2", wave: "w1"))
        // A second secret does not open the first one's codes.
        let other = try XCTUnwrap(StudySecret.load(url: dir.appendingPathComponent("other.key"), create: true))
        XCTAssertEqual(book.match(a2, secret: other), .unknown)
    }

    func testLogLinesAreAppendedOwnerOnlyAndReadBack() throws {
        let log = DataLog(url: dir.appendingPathComponent("data/x.jsonl"))
        try log.append([.object(JSONObject([("a", .number(1))]))])
        XCTAssertEqual(mode(log.url), 0o600)
        // A torn last line (a crash elsewhere) is left alone; the next line starts fresh.
        let h = try FileHandle(forWritingTo: log.url)
        h.seekToEndOfFile(); h.write(Data("{\"a\":".utf8)); try h.close()
        try log.append([.object(JSONObject([("a", .number(2))]))])
        let text = try String(contentsOf: log.url, encoding: .utf8)
        XCTAssertEqual(text, "{\"a\":1}\n{\"a\":\n{\"a\":2}\n")
        XCTAssertThrowsError(try log.read()) { e in XCTAssertTrue(e.localizedDescription.contains(":2:"), e.localizedDescription) }
        // A symbolic link in place of the log is refused, not followed.
        let target = dir.appendingPathComponent("target.jsonl")
        FileManager.default.createFile(atPath: target.path, contents: Data())
        let linked = DataLog(url: dir.appendingPathComponent("data/linked.jsonl"))
        try FileManager.default.createSymbolicLink(at: linked.url, withDestinationURL: target)
        XCTAssertThrowsError(try linked.append([.null]))
        XCTAssertEqual(try Data(contentsOf: target).count, 0)
    }
}
