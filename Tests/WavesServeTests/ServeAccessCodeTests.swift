import Foundation
import XCTest
import WavesTestSupport

/// `waves serve` with the real participant flow (access code → consent → survey → thanks),
/// driven by the real OpenSSH client: codes come from `waves invite`, records carry
/// `via: ssh`, wrong codes are limited per address, a used code is refused, a wave outside
/// its window and a declined consent are respected, and no code reaches the log or `data/`.
final class ServeAccessCodeTests: XCTestCase {
    /// `YYYY-MM-DD` of today plus `days`, in UTC.
    static func day(_ days: Int) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyy-MM-dd"
        return f.string(from: Date().addingTimeInterval(Double(days) * 86_400))
    }

    /// Rewrites the fixture's study.yaml with a window for w1 and, optionally, a consent text.
    func configure(_ h: ServeHarness, opens: Int = -1, closes: Int = 7, consent: Bool = true) throws {
        var yaml = """
        format: waves.study/1
        id: serve-e2e
        title: Serve study
        roles: [mentee]
        timezone: UTC
        waves:
          - {id: w1, label: Baseline, time: 0, opens: \(Self.day(opens)), closes: \(Self.day(closes))}
        instruments:
          - path: instruments/short.yaml
        roster: roster.csv

        """
        if consent {
            yaml += "consent: consent.md\n"
            try "# Taking part\n\nYour answers are kept confidential.\n".write(to: h.study.appendingPathComponent("consent.md"),
                                                                                     atomically: true, encoding: .utf8)
        }
        try yaml.write(to: h.study.appendingPathComponent("study.yaml"), atomically: true, encoding: .utf8)
    }

    /// Runs `waves invite` and returns participant → code from the mail-merge CSV.
    func invite(_ h: ServeHarness, file: StaticString = #filePath, line: UInt = #line) throws -> [String: String] {
        let csv = h.dir.appendingPathComponent("invitations-\(UUID().uuidString.prefix(6)).csv")
        let r = try Tool.run(ServeHarness.waves, ["invite", "--study", h.study.path, "--wave", "w1", "--out", csv.path])
        XCTAssertEqual(r.status, 0, r.stderr, file: file, line: line)
        var out: [String: String] = [:]
        // CRLF line ends (RFC 4180): "\r\n" is one Character in Swift, so split on the string.
        for row in try String(contentsOf: csv, encoding: .utf8).components(separatedBy: "\r\n").dropFirst() {
            let f = row.split(separator: ",", omittingEmptySubsequences: false)
            if f.count > 3 { out[String(f[0])] = String(f[3]) }
        }
        return out
    }

    func dataFiles(_ h: ServeHarness) -> [URL] {
        let e = FileManager.default.enumerator(at: h.study.appendingPathComponent("data"), includingPropertiesForKeys: [.isRegularFileKey])
        return (e?.allObjects as? [URL] ?? []).filter { (try? $0.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true }
    }

    func consentLines(_ h: ServeHarness) -> [[String: Any]] {
        let text = (try? String(contentsOf: h.study.appendingPathComponent("data/consent.jsonl"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    func testACodeOpensConsentAndTheSurveyOverSSHAndAUsedCodeIsRefused() throws {
        let h = try ServeHarness()
        try configure(h)
        let codes = try invite(h)
        try XCTSkipUnless(codes.count == 12, "waves invite wrote \(codes.count) codes, not 12")
        try h.start(rehearsal: false)
        let p = Participant(try h.connect(user: "whoever"))
        p.waitFor("Access code:")
        p.press("ZZZZ-ZZZZ-ZZZZ\r", until: "This code does not open a survey")
        p.press(codes["P002"]!.lowercased() + "\r", until: "I agree")
        XCTAssertTrue(lastScreen(p.client.output).contains("confidential"), lastScreen(p.client.output))
        p.press("a", until: "How to answer")
        p.press("\r", until: "1 of 4")
        for (i, a) in [4, 5, 2].enumerated() { p.press("\(a)", until: "\(i + 2) of 4") }
        p.press("3", until: "Submit these answers")
        p.press("\r", until: "Your answers are recorded")
        p.client.send("\r")
        XCTAssertEqual(p.client.finish(), 0, p.client.errors)
        // No screen showed anyone's id.
        XCTAssertFalse(stripTerminalCodes(p.client.output).contains("P002"))

        // The same code again: the wave is complete, nothing opens.
        let again = Participant(try h.connect())
        again.waitFor("Access code:")
        again.press(codes["P002"]! + "\r", until: "already recorded")
        again.client.signal(SIGTERM)   // the participant closes the window
        _ = again.client.finish()
        XCTAssertEqual(h.stop(), 0)

        let records = try h.records()
        XCTAssertEqual(records.count, 1)
        XCTAssertEqual(records.first?["participant"] as? String, "P002")
        XCTAssertEqual(records.first?["via"] as? String, "ssh")
        XCTAssertEqual((records.first?["answers"] as? [String: Any])?.count, 4)
        let consent = consentLines(h)
        XCTAssertEqual(consent.count, 1)
        XCTAssertEqual(consent.first?["decision"] as? String, "agree")
        XCTAssertEqual(consent.first?["participant"] as? String, "P002")
        // No plaintext code anywhere under data/ or in the log; every data file is 0600.
        let log = h.server.errors
        XCTAssertTrue(log.contains("ended (completed"), log)
        for file in dataFiles(h) {
            let bytes = (try? String(contentsOf: file, encoding: .utf8)) ?? ""
            for code in codes.values {
                XCTAssertFalse(bytes.contains(code) || bytes.contains(code.replacingOccurrences(of: "-", with: "")), "\(file.path) holds a code")
            }
            XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int, 0o600, file.path)
        }
        for code in codes.values { XCTAssertFalse(log.contains(code) || log.contains(code.lowercased()), "the log holds a code") }
    }

    func testWrongCodesMakeTheAddressWaitAndEndTheSession() throws {
        let h = try ServeHarness()
        try configure(h, consent: false)
        let codes = try invite(h)
        try h.start(["--max-failures", "2"], rehearsal: false)
        let p = Participant(try h.connect())
        p.waitFor("Access code:")
        p.press("AAAA-BBBB-CCCC\r", until: "does not open a survey")
        p.press("AAAA-BBBB-CCCD\r", until: "Please wait 60 seconds")
        XCTAssertTrue(lastScreen(p.client.output).contains("connect again"), lastScreen(p.client.output))
        p.client.send("\r")
        XCTAssertEqual(p.client.finish(), 0)
        // A new connection from the address, even with a right code, is told to wait first.
        let next = Participant(try h.connect())
        next.waitFor("Too many codes did not work")
        next.client.send("\r")
        _ = next.client.finish()
        XCTAssertEqual(h.stop(), 0)
        XCTAssertEqual(try h.records().count, 0)
        let log = h.server.errors
        XCTAssertTrue(log.contains("told to wait"), log)
        XCTAssertFalse(log.contains("AAAA"), "typed codes are never logged")
        XCTAssertNotNil(codes["P001"])
    }

    func testAWaveOutsideItsWindowIsRefused() throws {
        let h = try ServeHarness()
        // Invited ahead of time for a wave that opens in three days.
        try configure(h, opens: 3, closes: 10, consent: false)
        let codes = try invite(h)
        try h.start(rehearsal: false)
        let p = Participant(try h.connect())
        p.waitFor("Access code:")
        p.press(codes["P004"]! + "\r", until: "This survey opens on")
        p.client.signal(SIGTERM)   // the participant closes the window
        _ = p.client.finish()
        XCTAssertEqual(h.stop(), 0)
        // The window has closed since: the code opens nothing.
        try configure(h, opens: -10, closes: -1, consent: false)
        try h.start(rehearsal: false)
        let late = Participant(try h.connect())
        late.waitFor("Access code:")
        late.press(codes["P004"]! + "\r", until: "This survey has closed")
        late.client.signal(SIGTERM)   // the participant closes the window
        _ = late.client.finish()
        XCTAssertEqual(h.stop(), 0)
        XCTAssertEqual(try h.records().count, 0)
    }

    func testADeclinedConsentIsFinal() throws {
        let h = try ServeHarness()
        try configure(h)
        let codes = try invite(h)
        try h.start(rehearsal: false)
        let p = Participant(try h.connect())
        p.waitFor("Access code:")
        p.press(codes["P005"]! + "\r", until: "I do not agree")
        p.press("d", until: "Press d again to confirm")
        p.press("d", until: "You will not be asked to take part")
        p.client.send("\r")
        XCTAssertEqual(p.client.finish(), 0)
        let again = Participant(try h.connect())
        again.waitFor("Access code:")
        again.press(codes["P005"]! + "\r", until: "This code can no longer be used")
        again.client.signal(SIGTERM)   // the participant closes the window
        _ = again.client.finish()
        XCTAssertEqual(h.stop(), 0)
        XCTAssertEqual(try h.records().count, 0)
        XCTAssertEqual(consentLines(h).map { $0["decision"] as? String }, ["decline"])
        XCTAssertTrue(h.server.errors.contains("declined consent"), h.server.errors)
        // Invitations skip the participant from now on.
        let r = try Tool.run(ServeHarness.waves, ["invite", "--study", h.study.path, "--wave", "w1", "--participants", "P005",
                                                  "--out", h.dir.appendingPathComponent("again.csv").path])
        XCTAssertFalse((try? String(contentsOf: h.dir.appendingPathComponent("again.csv"), encoding: .utf8))?.contains("P005,") ?? false,
                       r.stdout + r.stderr)
    }

    func testAKilledServerLosesNoAnswerAndTheCodeResumes() throws {
        let h = try ServeHarness()
        try configure(h, consent: false)
        let codes = try invite(h)
        try h.start(rehearsal: false)
        let p = Participant(try h.connect())
        p.waitFor("Access code:")
        p.press(codes["P003"]! + "\r", until: "How to answer")
        p.press("\r", until: "1 of 4")
        p.press("2", until: "2 of 4")
        p.press("4", until: "3 of 4")
        h.server.signal(SIGKILL)
        XCTAssertEqual(h.server.finish(), 128 + SIGKILL)
        _ = p.client.finish()
        try h.start(rehearsal: false)
        let again = Participant(try h.connect())
        again.waitFor("Access code:")
        again.press(codes["P003"]! + "\r", until: "Resume where you left off?")
        again.press("y", until: "3 of 4")
        again.press("5", until: "4 of 4")
        again.press("1", until: "Submit these answers")
        again.press("\r", until: "Your answers are recorded")
        again.client.send("\r")
        XCTAssertEqual(again.client.finish(), 0)
        XCTAssertEqual(h.stop(), 0)
        let records = try h.records()
        XCTAssertEqual(records.count, 1)
        let answers = (records.first?["answers"] as? [String: Any] ?? [:]).compactMapValues { ($0 as? NSNumber)?.intValue }
        XCTAssertEqual(answers, ["s1": 2, "s2": 4, "s3": 5, "s4": 1])
        XCTAssertEqual(records.first?["via"] as? String, "ssh")
    }
}
