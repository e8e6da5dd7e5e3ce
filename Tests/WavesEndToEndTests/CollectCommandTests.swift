import Foundation
import Glibc
import XCTest
import WavesTestSupport

/// invite, remind, withdraw, status and take's window and consent checks, with the built binary.
final class CollectCommandTests: XCTestCase {
    var study: CollectStudy!
    override func tearDown() { study?.remove() }

    func mode(_ path: String) -> Int {
        (try! FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as! NSNumber).intValue
    }

    func testInviteWritesPrivateFilesAndKeepsCodesOutOfData() throws {
        study = try CollectStudy("invite")
        let emlDir = study.root.appendingPathComponent("eml").path
        let codes = try study.invite(["--eml", emlDir])
        XCTAssertEqual(Set(codes.keys), ["P001", "P002", "P003"])
        for c in codes.values { XCTAssertNotNil(c.range(of: #"^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$"#, options: .regularExpression), c) }
        let csv = study.root.appendingPathComponent("inv.csv").path
        XCTAssertEqual(mode(csv), 0o600)
        let header = try String(contentsOfFile: csv, encoding: .utf8).components(separatedBy: "\r\n")[0]
        XCTAssertEqual(header, "participant,email,wave,code,opens,closes,instructions")
        // One message per participant with an address, 0600, the code inside.
        let files = try FileManager.default.contentsOfDirectory(atPath: emlDir).sorted()
        XCTAssertEqual(files, ["P001.eml", "P002.eml"])
        let m = try String(contentsOfFile: emlDir + "/P001.eml", encoding: .utf8)
        XCTAssertEqual(mode(emlDir + "/P001.eml"), 0o600)
        XCTAssertTrue(m.contains("To: =?UTF-8?B?"), m)
        XCTAssertTrue(m.contains("\r\nContent-Type: text/plain; charset=utf-8\r\n"))
        XCTAssertTrue(m.contains("\r\nMessage-ID: <"))
        XCTAssertTrue(m.contains("\r\nDate: "))
        XCTAssertTrue(m.contains(codes["P001"]!), "the code is in the message")
        study.assertDataIsPrivate(codes: Array(codes.values))
        let secret = study.data.appendingPathComponent("secret.key").path
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: secret)).count, 32)

        // Inviting again skips those holding a live code; the CSV is never overwritten.
        var r = try WavesProcess.run(["invite", "--study", study.path, "--wave", "w1", "--out", study.root.appendingPathComponent("again.csv").path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("Nobody to invite"), r.stdout)
        XCTAssertTrue(r.stderr.contains("was invited on"), r.stderr)
        r = try WavesProcess.run(["invite", "--study", study.path, "--wave", "w1", "--out", csv, "--reissue"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("already exists"), r.stderr)

        // A reminder carries no code; --reissue carries new ones and revokes the old.
        let reminders = try study.invite(out: "rem.csv", command: "remind")
        XCTAssertEqual(reminders, ["P001": "", "P002": "", "P003": ""])
        let fresh = try study.invite(["--reissue"], out: "rem2.csv", command: "remind")
        XCTAssertEqual(Set(fresh.keys), ["P001", "P002", "P003"])
        XCTAssertTrue(Set(fresh.values).isDisjoint(with: Set(codes.values)))
        let log = try String(contentsOf: study.data.appendingPathComponent("invitations.jsonl"), encoding: .utf8)
        XCTAssertEqual(log.components(separatedBy: "\"event\":\"revoked\"").count - 1, 3, log)
        XCTAssertEqual(log.components(separatedBy: "\"event\":\"issued\"").count - 1, 6, log)
        study.assertDataIsPrivate(codes: Array(codes.values) + Array(fresh.values))
    }

    func testSendHandsEachMessageToSendmail() throws {
        study = try CollectStudy("sendmail")
        let bin = study.root.appendingPathComponent("bin")
        let got = study.root.appendingPathComponent("sent")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: got, withIntermediateDirectories: true)
        let script = """
        #!/bin/sh
        n=$(ls '\(got.path)' | wc -l)
        echo "$@" > '\(got.path)'/args-$n
        cat > '\(got.path)'/msg-$n
        """
        try script.write(to: bin.appendingPathComponent("sendmail"), atomically: true, encoding: .utf8)
        chmod(bin.appendingPathComponent("sendmail").path, 0o755)
        let r = try WavesProcess.run(["invite", "--study", study.path, "--wave", "w1", "--out", study.root.appendingPathComponent("i.csv").path,
                                      "--send", "--from", "Study Team <team@example.org>"],
                                     env: ["PATH": bin.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "")])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("2 of 2 message(s) handed to sendmail"), r.stdout)
        XCTAssertTrue(r.stderr.contains("P003 has no email address"), r.stderr)
        let sent = try FileManager.default.contentsOfDirectory(atPath: got.path).sorted()
        XCTAssertEqual(sent.filter { $0.hasPrefix("msg-") }.count, 2)
        for a in sent where a.hasPrefix("args-") {
            XCTAssertEqual(try String(contentsOf: got.appendingPathComponent(a), encoding: .utf8), "-t -i\n")
        }
        let msgs = try sent.filter { $0.hasPrefix("msg-") }.map { try String(contentsOf: got.appendingPathComponent($0), encoding: .utf8) }
        XCTAssertTrue(msgs.contains { $0.contains("To: \"Bob Smith\" <p2@example.org>\n") }, msgs.joined())
        XCTAssertTrue(msgs.allSatisfy { $0.hasPrefix("From: \"Study Team\" <team@example.org>\n") && !$0.contains("\r") })
    }

    func testClosedWindowRefusesInviteAndTakeUnlessOutsideWindow() throws {
        study = try CollectStudy("closed", opens: -20, closes: -2)
        var r = try WavesProcess.run(["invite", "--study", study.path, "--wave", "w1", "--out", study.root.appendingPathComponent("x.csv").path])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("Wave 'w1' closed on"), r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: study.data.appendingPathComponent("invitations.jsonl").path))
        r = try WavesProcess.run(["take", "--study", study.path, "--participant", "P001", "--wave", "w1", "--plain"], stdin: "")
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.stderr.components(separatedBy: "\n").filter { !$0.isEmpty }.count, 1, "one sentence: \(r.stderr)")
        XCTAssertTrue(r.stderr.contains("pass --outside-window"), r.stderr)
        r = try WavesProcess.run(["take", "--study", study.path, "--participant", "P001", "--wave", "w1", "--plain", "--outside-window"],
                                 stdin: "\n4\n4\n4\n4\n4\n4\n4\n4\ny\n")
        XCTAssertEqual(r.status, 0, r.stderr)
        let rec = try storeRecords(study.path)
        XCTAssertEqual(rec.count, 1)
        XCTAssertEqual(rec[0]["via"] as? String, "terminal")
        // A wave that opens later may be invited ahead of time, but not taken yet.
        let later = try CollectStudy("later", opens: 3, closes: 10)
        defer { later.remove() }
        XCTAssertEqual(try later.invite().count, 3)
        r = try WavesProcess.run(["take", "--study", later.path, "--participant", "P001", "--wave", "w1", "--plain"], stdin: "")
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("opens on"), r.stderr)
    }

    func testTakeAsksForConsentAndADeclineIsFinal() throws {
        study = try CollectStudy("consent", consent: "# Consent\n\nYou may stop at any time.\n")
        var r = try WavesProcess.run(["take", "--study", study.path, "--participant", "P002", "--wave", "w1", "--plain"], stdin: "d\nd\n")
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("You may stop at any time."), r.stdout)
        XCTAssertTrue(r.stdout.contains("You will not be asked to take part in this study again."), r.stdout)
        r = try WavesProcess.run(["take", "--study", study.path, "--participant", "P002", "--wave", "w1", "--plain"], stdin: "")
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("declined consent"), r.stderr)
        r = try WavesProcess.run(["take", "--study", study.path, "--participant", "P001", "--wave", "w1", "--plain"],
                                 stdin: "a\n\n5\n5\n5\n5\n5\n5\n5\n5\ny\n")
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try storeRecords(study.path).count, 1)
        let consent = try String(contentsOf: study.data.appendingPathComponent("consent.jsonl"), encoding: .utf8)
        XCTAssertTrue(consent.contains("\"participant\":\"P002\",\"wave\":\"w1\""), consent)
        XCTAssertTrue(consent.contains("\"decision\":\"decline\""))
        XCTAssertTrue(consent.contains("\"decision\":\"agree\""))
        // Agreed once: not asked again.
        r = try WavesProcess.run(["take", "--study", study.path, "--participant", "P001", "--wave", "w2", "--plain"], stdin: "")
        XCTAssertFalse(r.stdout.contains("You may stop at any time."), r.stdout)
        let s = try WavesProcess.run(["status", "--study", study.path, "--json"])
        let waves = (try JSONSerialization.jsonObject(with: Data(s.stdout.utf8)) as! [String: Any])["waves"] as! [[String: Any]]
        XCTAssertEqual(waves[0]["consented"] as? Int, 1)
        XCTAssertEqual(waves[0]["declined"] as? Int, 1)
        XCTAssertEqual(waves[0]["completed"] as? Int, 1)
    }

    func testWithdrawAndStatus() throws {
        study = try CollectStudy("withdraw")
        let codes = try study.invite()
        var r = try WavesProcess.run(["withdraw", "P002", "--study", study.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("P002 withdrawn from w1 on; 1 access code(s) revoked"), r.stdout)
        r = try WavesProcess.run(["withdraw", "P002", "--study", study.path])
        XCTAssertTrue(r.stdout.contains("nothing new was recorded"), r.stdout)
        r = try WavesProcess.run(["withdraw", "P999", "--study", study.path])
        XCTAssertEqual(r.status, 1)
        // Roster status is a second source; the file itself is not rewritten by Waves.
        try "participant,role,email,name,status\nP001,mentee,p1@example.org,Zoë Ødegård,\nP002,peer-mentor,p2@example.org,Bob Smith,active\nP003,mentee,,,withdrawn\n"
            .write(toFile: study.path + "/roster.csv", atomically: true, encoding: .utf8)
        r = try WavesProcess.run(["status", "--study", study.path, "--json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        let waves = json["waves"] as! [[String: Any]]
        XCTAssertEqual(waves.count, 2)
        let w1 = waves[0]
        XCTAssertEqual(w1["wave"] as? String, "w1")
        XCTAssertEqual(w1["opens"] as? String, CollectStudy.day(-1))
        XCTAssertEqual(w1["closes"] as? String, CollectStudy.day(30))
        XCTAssertEqual(w1["open"] as? Bool, true)
        XCTAssertEqual(w1["invited"] as? Int, 3)
        XCTAssertTrue(w1["consented"] is NSNull, "no consent text")
        XCTAssertEqual(w1["started"] as? Int, 0)
        XCTAssertEqual(w1["completed"] as? Int, 0)
        XCTAssertEqual(w1["withdrawn"] as? Int, 2)
        XCTAssertTrue(waves[1]["opens"] is NSNull)
        XCTAssertEqual(json["timezone"] as? String, "UTC")
        r = try WavesProcess.run(["status", "--study", study.path])
        XCTAssertTrue(r.stdout.contains("open now: w1, w2"), r.stdout)
        // Later invitations skip both.
        let w2 = try WavesProcess.run(["invite", "--study", study.path, "--wave", "w2", "--out", "-"])
        XCTAssertEqual(w2.status, 0, w2.stderr)
        XCTAssertEqual(w2.stdout.components(separatedBy: "\r\n").filter { !$0.isEmpty }.count, 2, "header and P001: \(w2.stdout)")
        XCTAssertTrue(w2.stderr.contains("P002 has withdrawn"), w2.stderr)
        XCTAssertTrue(w2.stderr.contains("P003 is marked withdrawn in the roster"), w2.stderr)
        study.assertDataIsPrivate(codes: Array(codes.values))
    }
}
