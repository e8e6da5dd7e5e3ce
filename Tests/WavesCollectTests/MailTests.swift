import Foundation
import WavesCore
import XCTest
@testable import WavesCollect

final class MailTests: XCTestCase {
    let date = instant("2026-03-02T09:05:07Z")

    func message(name: String?, subject: String, body: String) -> MailMessage {
        MailMessage(from: "Study Team <team@example.org>", to: (name, "p1@example.org"), subject: subject, body: body,
                    date: date, messageID: "<id-1@example.org>")
    }

    func headers(_ m: String) -> [String] {
        String(m[..<m.range(of: "\r\n\r\n")!.lowerBound]).components(separatedBy: "\r\n")
    }

    /// Decodes RFC 2047 B words (for checking what a mail reader shows).
    func decodeWords(_ s: String) -> String {
        var out = ""
        for part in s.components(separatedBy: .whitespaces) where !part.isEmpty {
            if part.hasPrefix("=?UTF-8?B?"), part.hasSuffix("?=") {
                let b64 = String(part.dropFirst(10).dropLast(2))
                out += String(decoding: Data(base64Encoded: b64)!, as: UTF8.self)
            } else { out += (out.isEmpty ? "" : " ") + part }
        }
        return out
    }

    func testASCIIHeadersAndTheFixedOnes() {
        let m = message(name: "Ana \"Al\" Smith", subject: "Your questionnaire", body: "Hello").rendered()
        let h = headers(m)
        XCTAssertEqual(h, [
            "From: \"Study Team\" <team@example.org>",
            "To: \"Ana \\\"Al\\\" Smith\" <p1@example.org>",
            "Subject: Your questionnaire",
            "Date: Mon, 02 Mar 2026 09:05:07 +0000",
            "Message-ID: <id-1@example.org>",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: quoted-printable",
        ])
        XCTAssertTrue(m.hasSuffix("\r\n\r\nHello\r\n"))
    }

    func testNonASCIINamesAndSubjectsAreEncodedWordsOfWholeCharacters() {
        let subject = "Professionelle Identität – Fragebogen für die zweite Welle (Zwischenerhebung) 😀 und noch mehr Text"
        let m = message(name: "Zoë Ødegård", subject: subject, body: "x").rendered()
        let lines = m.components(separatedBy: "\r\n")
        for l in lines.prefix(while: { !$0.isEmpty }) { XCTAssertLessThanOrEqual(l.utf8.count, 78, l) }
        let h = headers(m)
        let to = h.first { $0.hasPrefix("To: ") }!
        XCTAssertTrue(to.hasSuffix(" <p1@example.org>"), to)
        XCTAssertEqual(decodeWords(String(to.dropFirst(4).dropLast(" <p1@example.org>".count))), "Zoë Ødegård")
        // The subject spans folded lines; each word decodes on its own (no character split between words).
        var subjectLines: [String] = []
        var inSubject = false
        for l in lines.prefix(while: { !$0.isEmpty }) {
            if l.hasPrefix("Subject: ") { inSubject = true; subjectLines.append(String(l.dropFirst(9))); continue }
            if inSubject && l.hasPrefix(" ") { subjectLines.append(l) } else { inSubject = false }
        }
        XCTAssertGreaterThan(subjectLines.count, 1)
        for w in subjectLines.joined().split(separator: " ") {
            XCTAssertLessThanOrEqual(w.count, 75)
            XCTAssertNotNil(Data(base64Encoded: String(w.dropFirst(10).dropLast(2))).flatMap { String(data: $0, encoding: .utf8) }, String(w))
        }
        XCTAssertEqual(subjectLines.map { decodeWords($0) }.joined(), subject)
        XCTAssertTrue(m.allSatisfy { $0.isASCII }, "the whole message is 7-bit")
    }

    func testLongASCIISubjectsFoldAtSpaces() {
        let subject = (1...30).map { "word\($0)" }.joined(separator: " ")
        let h = message(name: nil, subject: subject, body: "").rendered().components(separatedBy: "\r\n")
        let start = h.firstIndex { $0.hasPrefix("Subject: ") }!
        var folded = [String(h[start].dropFirst(9))]
        var i = start + 1
        while h[i].hasPrefix(" ") { folded.append(h[i]); i += 1 }
        XCTAssertGreaterThan(folded.count, 1)
        for l in h[start..<i] { XCTAssertLessThanOrEqual(l.count, 78, l) }
        XCTAssertEqual(folded.joined(), subject, "unfolding (removing CRLF) gives the subject back")
    }

    func testNoValueCanAddAHeader() {
        let m = message(name: "Eve\r\nBcc: all@example.org", subject: "Hi\nBcc: all@example.org", body: "b").rendered()
        XCTAssertFalse(headers(m).contains { $0.hasPrefix("Bcc:") }, m)
    }

    func testQuotedPrintableBody() {
        let body = "Grüße, 100% = sure.\nTrailing space \n" + String(repeating: "é", count: 40) + "\n" + String(repeating: "a", count: 100)
        let qp = MailMessage.quotedPrintable(body, eol: "\r\n")
        let lines = qp.components(separatedBy: "\r\n")
        XCTAssertEqual(lines[0], "Gr=C3=BC=C3=9Fe, 100% =3D sure.")
        XCTAssertEqual(lines[1], "Trailing space=20")
        for l in lines { XCTAssertLessThanOrEqual(l.count, 76, l); XCTAssertTrue(l.allSatisfy { $0.isASCII }) }
        // Decoding (soft breaks removed, =XX turned into bytes) gives the text back.
        var bytes: [UInt8] = []
        for (n, l) in lines.enumerated() {
            var s = Substring(l)
            let soft = s.hasSuffix("=")
            if soft { s = s.dropLast() }
            var it = s.utf8.makeIterator()
            while let b = it.next() {
                if b == UInt8(ascii: "=") { let h = [it.next()!, it.next()!]; bytes.append(UInt8(String(decoding: h, as: UTF8.self), radix: 16)!) }
                else { bytes.append(b) }
            }
            if !soft && n < lines.count - 1 { bytes.append(10) }
        }
        XCTAssertEqual(String(decoding: bytes, as: UTF8.self), body)
    }

    func testTemplatesFillAndReportUnknownPlaceholders() throws {
        let t = try MailTemplate(text: "Subject: {{study}} for {{ wave }}\nFrom: Team <t@example.org>\n\nDear {{name}},\n{{access}}\n", path: "t.txt")
        let (h, body) = t.render(["study": "S", "wave": "W1", "name": "Ana", "access": "Your access code: X"])
        XCTAssertEqual(h.first { $0.name == "Subject" }?.value, "S for W1")
        XCTAssertEqual(body, "Dear Ana,\nYour access code: X\n")
        XCTAssertThrowsError(try MailTemplate(text: "Subject: x\n\nHello {{nmae}}\n", path: "t.txt")) { e in
            XCTAssertEqual(e.localizedDescription.prefix(18), "t.txt:3: unknown p")
        }
        XCTAssertThrowsError(try MailTemplate(text: "Bcc: x@y\nSubject: s\n\nb", path: "t.txt")) { e in
            XCTAssertTrue(e.localizedDescription.hasPrefix("t.txt:1: header 'Bcc'"), e.localizedDescription)
        }
        XCTAssertThrowsError(try MailTemplate(text: "Hello\n", path: "t.txt"))
        XCTAssertThrowsError(try MailTemplate(text: "From: a@b\n\nx", path: "t.txt"))
    }

    func testShippedTemplatesUseOnlyKnownPlaceholders() throws {
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("templates")
        for name in ["invitation.txt", "reminder.txt"] {
            let t = try MailTemplate.load(url: dir.appendingPathComponent(name))
            XCTAssertTrue(t.body.contains("{{access}}"), name)
        }
    }

    func testMailMergeCSVAndReminderSentence() throws {
        let s = TestStudy(w1Window: ("2026-03-02", "2026-03-20"))
        defer { s.remove() }
        let now = instant("2026-03-01T12:00:00Z")
        let codes = try s.invite(at: now)
        let state = try CollectionState.load(s.bundle)
        let invite = try InvitationPlanner.plan(.invite, state: state, wave: "w1", participants: ["P001"], reissue: false, now: now)
        var merge = MailMerge(plan: invite, studyTitle: "Study, \"quoted\"")
        merge.instructions = "Go to room 3, then type the code."
        XCTAssertEqual(merge.csv.components(separatedBy: "\r\n")[0], "participant,email,wave,code,opens,closes,instructions")
        let row = merge.csv.components(separatedBy: "\r\n")[1]
        XCTAssertTrue(row.hasPrefix("P001,p1@example.org,w1,"), row)
        XCTAssertTrue(row.hasSuffix(",2026-03-02,2026-03-20,\"Go to room 3, then type the code.\""), row)
        XCTAssertNotEqual(invite.items[0].code, codes["P001"], "naming a participant issues a new code")

        let remind = try InvitationPlanner.plan(.remind, state: state, wave: "w1", participants: nil, reissue: false, now: now)
        XCTAssertEqual(remind.items.map(\.participant), ["P001", "P002"])
        XCTAssertTrue(remind.items.allSatisfy { $0.code == nil })
        let values = MailMerge(plan: remind, studyTitle: "S").values(remind.items[0])
        XCTAssertEqual(values["access"], "Please use the access code from your invitation of 1 March 2026; it still works.")
        XCTAssertEqual(values["code"], "")
        XCTAssertEqual(values["window"], "from 2 March 2026 to 20 March 2026")
        XCTAssertTrue(values["instructions"]!.contains("until you submit them or the wave closes at the end of 20 March 2026 (UTC time)"))
        XCTAssertTrue(MailMerge(plan: remind, studyTitle: "S").csv.contains("P002,,w1,,2026-03-02"), "no code in a reminder without --reissue")
    }

    func testMessageFileNamesAreSafe() {
        XCTAssertEqual(PrivateFile.messageName("P001"), "P001.eml")
        XCTAssertEqual(PrivateFile.messageName("../x y"), "%2E%2E%2Fx%20y.eml")
    }
}
