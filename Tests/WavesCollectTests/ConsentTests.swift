import Crypto
import Foundation
import WavesCore
import XCTest
@testable import WavesCollect

final class ConsentTests: XCTestCase {
    func event(_ p: String, _ w: String, _ d: ConsentEvent.Decision, sha: String? = "v1") -> ConsentEvent {
        ConsentEvent(participant: p, wave: w, consentSHA256: sha, decision: d, at: "2026-03-0\(w.last!)T10:00:00Z")
    }

    func rules(_ events: [ConsentEvent], sha: String? = "v1", roster: String = "") -> Participation {
        let s = TestStudy(consent: "Agree?", rosterExtra: roster)
        defer { s.remove() }
        let b = s.bundle
        return Participation(study: b.study, roster: b.roster, events: events, consentSHA256: sha)
    }

    func testAgreementToTheCurrentVersionIsNeededOnce() {
        let none = rules([])
        XCTAssertTrue(none.needsConsent("P001"))
        let agreed = rules([event("P001", "w1", .agree)])
        XCTAssertFalse(agreed.needsConsent("P001"))
        XCTAssertTrue(agreed.needsConsent("P002"))
        XCTAssertTrue(agreed.hasConsented("P001", by: "w1"))
        XCTAssertTrue(agreed.hasConsented("P001", by: "w2"))
        // A new version of the text asks again.
        let newVersion = rules([event("P001", "w1", .agree)], sha: "v2")
        XCTAssertTrue(newVersion.needsConsent("P001"))
        // A study without a consent text asks nobody.
        XCTAssertFalse(rules([], sha: nil).needsConsent("P001"))
    }

    func testDeclineAndWithdrawalExcludeFromThatWaveOn() {
        let declined = rules([event("P001", "w1", .decline)])
        XCTAssertEqual(declined.exclusion("P001", at: "w1"), .declined(at: "2026-03-01T10:00:00Z"))
        XCTAssertEqual(declined.exclusion("P001", at: "w2"), .declined(at: "2026-03-01T10:00:00Z"))
        XCTAssertNil(declined.exclusion("P002", at: "w1"))
        let withdrew = rules([event("P001", "w1", .agree), event("P001", "w2", .withdraw, sha: nil)])
        XCTAssertNil(withdrew.exclusion("P001", at: "w1"), "answers before the withdrawal stand")
        XCTAssertEqual(withdrew.exclusion("P001", at: "w2"), .withdrew(at: "2026-03-02T10:00:00Z"))
        XCTAssertTrue(withdrew.hasWithdrawn("P001", at: "w2"))
        XCTAssertTrue(withdrew.hasConsented("P001", by: "w1"))
        XCTAssertFalse(withdrew.hasConsented("P001", by: "w2"))
        // An agreement after a decline does not undo it; the earliest stop counts.
        let later = rules([event("P001", "w2", .withdraw), event("P001", "w1", .decline), event("P001", "w2", .agree)])
        XCTAssertEqual(later.exclusion("P001", at: "w1"), .declined(at: "2026-03-01T10:00:00Z"))
        // A decision at a wave no longer in the study excludes everywhere.
        let gone = rules([ConsentEvent(participant: "P002", wave: "w0", consentSHA256: nil, decision: .withdraw, at: "x")])
        XCTAssertNotNil(gone.exclusion("P002", at: "w1"))
    }

    func testRosterStatusWithdrawnExcludesEverywhere() {
        let s = TestStudy()
        defer { s.remove() }
        try! "participant,role,status\nP001,mentee,active\nP002,mentee,Withdrawn\nP003,mentee,\n"
            .write(to: s.dir.appendingPathComponent("roster.csv"), atomically: true, encoding: .utf8)
        let b = s.bundle
        let p = Participation(study: b.study, roster: b.roster, events: [], consentSHA256: nil)
        XCTAssertNil(p.exclusion("P001", at: "w1"))
        XCTAssertEqual(p.exclusion("P002", at: "w1"), .rosterWithdrawn)
        XCTAssertNil(p.exclusion("P003", at: "w2"), "an empty status is active")
    }

    func testConsentLogRoundTripsAndIsOwnerOnly() throws {
        let s = TestStudy(consent: "x")
        defer { s.remove() }
        let log = ConsentLog(study: s.bundle.study)
        XCTAssertEqual(try log.read(), [])
        let e = ConsentEvent(participant: "P001", wave: "w1", consentSHA256: "ab", decision: .agree, at: "2026-03-02T10:00:00Z", via: "kiosk")
        try log.append(e)
        try log.append(ConsentEvent(participant: "P001", wave: "w2", consentSHA256: nil, decision: .withdraw, at: "2026-04-02T10:00:00Z"))
        let back = try log.read()
        XCTAssertEqual(back.first, e)
        XCTAssertNil(back.last?.consentSHA256)
        let text = try String(contentsOf: log.log.url, encoding: .utf8)
        XCTAssertTrue(text.hasPrefix(#"{"format":"waves.consent/1","participant":"P001","wave":"w1","consent_sha256":"ab","decision":"agree","at":"2026-03-02T10:00:00Z""#), text)
        XCTAssertTrue(text.contains(#""consent_sha256":null,"decision":"withdraw""#), text)
        let mode = (try FileManager.default.attributesOfItem(atPath: log.log.url.path)[.posixPermissions] as! NSNumber).intValue
        XCTAssertEqual(mode, 0o600)
    }

    func testConsentTextVersionAndPlainForm() {
        let md = """
        # Taking part

        This study follows **professional identity**. It takes
        about `10` minutes; see [the leaflet](https://example.org/leaflet).

        - Taking part is *voluntary*.
        - Your answers are kept under a code,
          never your name.
        1. First point
        ---
        Evil \u{1B}]0;title\u{07}text and \u{202E}reversed.
        """
        let data = Data(md.utf8)
        let c = ConsentText(markdown: data)
        XCTAssertEqual(c.sha256, SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined())
        XCTAssertEqual(c.sha256.count, 64)
        XCTAssertEqual(c.blocks.map(\.kind), [.heading, .paragraph, .item(marker: "•"), .item(marker: "•"), .item(marker: "1."), .paragraph])
        XCTAssertEqual(c.blocks[0].text, "Taking part")
        XCTAssertEqual(c.blocks[1].text, "This study follows professional identity. It takes about 10 minutes; see the leaflet (https://example.org/leaflet).")
        XCTAssertEqual(c.blocks[2].text, "Taking part is voluntary.")
        XCTAssertEqual(c.blocks[3].text, "Your answers are kept under a code, never your name.")
        let evil = c.blocks[5].text
        XCTAssertFalse(evil.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{07}" || $0 == "\u{202E}" }, evil)
        XCTAssertTrue(evil.contains("^["), "escape shown, not sent: \(evil)")
        // One changed character is a new version.
        XCTAssertNotEqual(ConsentText(markdown: Data((md + " ").utf8)).sha256, c.sha256)
    }
}
