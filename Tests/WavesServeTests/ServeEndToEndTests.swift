import Foundation
import XCTest

/// `waves serve` driven by the real OpenSSH client in pseudo-terminals: the transport, the
/// refusals, concurrency, SIGTERM and SIGKILL, idle timeout, resize and the failure limiter,
/// with the rehearsal flow running the fixture study's survey.
final class ServeEndToEndTests: XCTestCase {
    func answers(_ record: [String: Any]) -> [String: Int] {
        (record["answers"] as? [String: Any] ?? [:]).compactMapValues { ($0 as? NSNumber)?.intValue }
    }

    func testACompleteSurveyOverSSHLandsOneRecordAndTheHostKeyIsTheOnePrinted() throws {
        let h = try ServeHarness()
        try h.start()
        // The fingerprint printed is ssh-keygen's for the key file the server made.
        let keyFile = h.study.appendingPathComponent("data/ssh_host_ed25519_key").path
        if let keygen = Tool.find("ssh-keygen") {
            let listed = try Tool.run(keygen, ["-l", "-f", keyFile])
            XCTAssertTrue(listed.stdout.contains(h.fingerprint) && h.fingerprint.count > 40, "\(listed.stdout) vs \(h.fingerprint)")
            // A client that trusts only that key (strict checking) connects: the server presents it.
            let pub = try Tool.run(keygen, ["-y", "-f", keyFile]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            let knownHosts = h.dir.appendingPathComponent("known_hosts")
            try "[127.0.0.1]:\(h.port) \(pub)\n".write(to: knownHosts, atomically: true, encoding: .utf8)
            var strict = h.clientOptions
            strict[strict.firstIndex(of: "StrictHostKeyChecking=no")!] = "StrictHostKeyChecking=yes"
            strict[strict.firstIndex(of: "UserKnownHostsFile=/dev/null")!] = "UserKnownHostsFile=\(knownHosts.path)"
            let client = try h.connect(user: "anyone-at-all", options: strict)
            let p = Participant(client)
            p.waitFor("participant id")
            p.press("nobody\r", until: "not in this study's roster")
            p.answerAll(id: "P002", [4, 5, 2, 3])
            XCTAssertEqual(p.submitAndLeave(), 0, client.errors)
        } else {
            throw XCTSkip("ssh-keygen is not installed (Debian openssh-client)")
        }
        XCTAssertEqual(h.stop(), 0)
        let records = try h.records()
        XCTAssertEqual(records.count, 1)
        XCTAssertEqual(records.first?["participant"] as? String, "P002")
        XCTAssertEqual(records.first.map(answers), ["s1": 4, "s2": 5, "s3": 2, "s4": 3])
        XCTAssertFalse(h.draftExists("P002"))
        let log = h.server.errors
        XCTAssertTrue(log.contains("session 1: ended (completed"), log)
        XCTAssertTrue(log.contains("127.0.0.1: failed code (1 in the last minute)"), log)
        for secret in ["nobody", "P002", "anyone-at-all"] {
            XCTAssertFalse(log.contains(secret), "the log must not hold what the participant typed: \(secret)")
        }
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: keyFile)[.posixPermissions] as? Int, 0o600)
    }

    func testExecSftpShellWithoutTerminalAndForwardingAreRefused() throws {
        let h = try ServeHarness()
        try h.start()
        let exec = try Tool.run(h.ssh, h.clientOptions + ["x@127.0.0.1", "cat", "data/responses.jsonl"])
        XCTAssertEqual(exec.status, 255, exec.stderr)
        XCTAssertTrue(exec.stderr.contains("exec request failed"), exec.stderr)
        XCTAssertTrue(exec.stderr.contains("only runs the interactive survey"), exec.stderr)
        XCTAssertEqual(exec.stdout, "")

        let noTerminal = try Tool.run(h.ssh, ["-T"] + h.clientOptions + ["x@127.0.0.1"])
        XCTAssertEqual(noTerminal.status, 255, noTerminal.stderr)
        XCTAssertTrue(noTerminal.stderr.contains("shell request failed"), noTerminal.stderr)

        if let sftp = Tool.find("sftp") {
            var options = h.clientOptions
            let p = options.firstIndex(of: "-p")!
            options[p] = "-P"
            let r = try Tool.run(sftp, ["-b", "-"] + options + ["x@127.0.0.1"], stdin: "get data/responses.jsonl\n")
            XCTAssertNotEqual(r.status, 0)
            XCTAssertTrue(r.stderr.contains("subsystem request failed"), r.stderr)
        }

        // ssh -R: the server refuses to listen for the client.
        let remote = try Tool.run(h.ssh, h.clientOptions + ["-N", "-o", "ExitOnForwardFailure=yes",
                                                           "-R", "127.0.0.1:0:127.0.0.1:9", "x@127.0.0.1"])
        XCTAssertEqual(remote.status, 255)
        XCTAssertTrue(remote.stderr.contains("remote port forwarding failed"), remote.stderr)

        // ssh -L: the client listens locally, but the server refuses each channel it opens.
        let local = TCP.freePort()
        var verbose = h.clientOptions
        verbose[verbose.firstIndex(of: "LogLevel=ERROR")!] = "LogLevel=INFO"   // "open failed" is an INFO message
        let forward = try LiveProcess.pipes(h.ssh, verbose + ["-N", "-L", "127.0.0.1:\(local):127.0.0.1:\(h.port)", "x@127.0.0.1"])
        var bytes: Int? = nil
        let deadline = Date().addingTimeInterval(10)
        while bytes == nil && Date() < deadline {
            bytes = readThroughForward(port: local)
            if bytes == nil { usleep(100_000) }
        }
        XCTAssertEqual(bytes, 0, "the forwarded connection is closed without a byte (the server's banner would be 'SSH-2.0')")
        XCTAssertTrue(forward.waitErrors { $0.contains("open failed") }, forward.errors)
        forward.signal(SIGTERM)
        forward.finish()

        XCTAssertEqual(h.stop(), 0)
        let log = h.server.errors
        for line in ["exec refused", "shell without a pseudo-terminal refused", "remote port forwarding refused",
                     "port forwarding refused (direct-tcpip"] {
            XCTAssertTrue(log.contains(line), "log lacks \(line):\n\(log)")
        }
        if Tool.find("sftp") != nil { XCTAssertTrue(log.contains("subsystem 'sftp' refused"), log) }
        XCTAssertFalse(log.contains("responses.jsonl"), "an exec command line is never logged")
        XCTAssertEqual(try h.records().count, 0)
    }

    func testEightParticipantsAtOnceAllLand() throws {
        let h = try ServeHarness()
        try h.start()
        let ids = (1...8).map { String(format: "P%03d", $0) }
        let clients = try ids.map { _ in try h.connect() }
        let people = clients.map { Participant($0) }
        for p in people { p.waitFor("participant id") }
        for (p, id) in zip(people, ids) { p.client.send(id + "\r") }
        for p in people { p.waitFor("How to answer") }
        for p in people { p.client.send("\r") }
        for p in people { p.waitFor("1 of 4") }
        for step in 0..<4 {
            for (i, p) in people.enumerated() { p.client.send("\((i + step) % 5 + 1)") }
            for p in people { p.waitFor(step < 3 ? "\(step + 2) of 4" : "Submit these answers") }
        }
        for p in people { p.client.send("\r") }
        for p in people { p.waitFor("Everything for this wave is recorded") }
        for p in people { p.client.send("x") }
        for c in clients { XCTAssertEqual(c.finish(), 0, c.errors) }
        XCTAssertEqual(h.stop(), 0)
        let records = try h.records()
        XCTAssertEqual(records.count, 8)
        for (i, id) in ids.enumerated() {
            let mine = records.filter { $0["participant"] as? String == id }
            XCTAssertEqual(mine.count, 1, id)
            let expected = Dictionary(uniqueKeysWithValues: (0..<4).map { ("s\($0 + 1)", (i + $0) % 5 + 1) })
            XCTAssertEqual(mine.first.map(answers), expected, id)
        }
    }

    func testAKilledServerLosesNoAnswerAndTheParticipantResumes() throws {
        let h = try ServeHarness()
        try h.start()
        let first = try h.connect()
        let p = Participant(first)
        p.waitFor("participant id")
        p.press("P003\r", until: "How to answer")
        p.press("\r", until: "1 of 4")
        p.press("2", until: "2 of 4")
        p.press("4", until: "3 of 4")       // s1 = 2, s2 = 4 saved in the draft
        h.server.signal(SIGKILL)
        XCTAssertEqual(h.server.finish(), 128 + SIGKILL)
        XCTAssertNotEqual(first.finish(), 0, "the client sees the connection drop")
        XCTAssertTrue(h.draftExists("P003"))

        try h.start()                        // same port, same host key
        let again = Participant(try h.connect())
        again.waitFor("participant id")
        again.press("P003\r", until: "Resume where you left off?")
        XCTAssertTrue(lastScreen(again.client.output).contains("2 of 4 questions answered"), lastScreen(again.client.output))
        again.press("y", until: "3 of 4")   // back where the killed session was
        again.press("5", until: "4 of 4")
        again.press("1", until: "Submit these answers")
        XCTAssertEqual(again.submitAndLeave(), 0)
        XCTAssertEqual(h.stop(), 0)
        let records = try h.records()
        XCTAssertEqual(records.count, 1)
        XCTAssertEqual(records.first.map(answers), ["s1": 2, "s2": 4, "s3": 5, "s4": 1])
        XCTAssertFalse(h.draftExists("P003"))
    }

    func testSIGTERMClosesSessionsCalmlyWithDraftsKept() throws {
        let h = try ServeHarness()
        try h.start()
        let client = try h.connect()
        let p = Participant(client)
        p.waitFor("participant id")
        p.press("P004\r", until: "How to answer")
        p.press("\r", until: "1 of 4")
        p.press("3", until: "2 of 4")
        h.server.signal(SIGTERM)
        XCTAssertTrue(client.wait { stripTerminalCodes($0).contains("The survey server is closing for now. Any answers you gave are saved") },
                      stripTerminalCodes(client.output))
        XCTAssertEqual(client.finish(), 0, "a calm close: exit-status 0 from the server")
        XCTAssertEqual(h.server.finish(), 0)
        XCTAssertTrue(h.server.output.contains("Stopped"), h.server.output)
        XCTAssertTrue(h.draftExists("P004"))
        XCTAssertTrue(h.server.errors.contains("server shutting down"), h.server.errors)
        XCTAssertEqual(try h.records().count, 0)
    }

    func testAnIdleSessionIsClosedWithItsDraftKept() throws {
        let h = try ServeHarness()
        try h.start(["--idle-minutes", "0.03"])          // 1.8 seconds
        let client = try h.connect()
        let p = Participant(client)
        p.waitFor("participant id")
        p.press("P005\r", until: "How to answer")
        p.press("\r", until: "1 of 4")
        p.press("1", until: "2 of 4")
        XCTAssertTrue(client.wait { stripTerminalCodes($0).contains("without a key press") }, stripTerminalCodes(client.output))
        XCTAssertEqual(client.finish(), 0)
        XCTAssertTrue(h.draftExists("P005"))
        XCTAssertEqual(h.stop(), 0)
        XCTAssertTrue(h.server.errors.contains("idle timeout"), h.server.errors)
    }

    func testAWindowSizeChangeRedrawsAtTheNewWidth() throws {
        let h = try ServeHarness()
        try h.start()
        let client = try h.connect(columns: 80, rows: 24)
        let p = Participant(client)
        p.waitFor("participant id")
        p.press("P006\r", until: "How to answer")
        p.press("\r", until: "1 of 4")
        func widestRule(_ screen: String) -> Int {
            screen.split(separator: "\n").map { line in line.filter { $0 == "─" }.count }.max() ?? 0
        }
        // Screens are at most 80 columns wide (ScreenLayout), so the test narrows the window.
        let before = widestRule(lastScreen(client.output))
        XCTAssertGreaterThan(before, 70)
        let mark = client.output.count
        client.resize(columns: 50, rows: 20)
        let redrawn = client.wait { out in
            let tail = String(out.dropFirst(mark))
            let rule = widestRule(lastScreen(tail))
            return tail.contains("\u{1B}[2J") && rule > 40 && rule < 50
        }
        XCTAssertTrue(redrawn, "no full redraw at 50 columns:\n\(lastScreen(client.output))")
        XCTAssertTrue(lastScreen(client.output).contains("1 of 4"), "the same question is shown again")
        client.send("q")                     // save and leave: the session ends, ssh exits
        XCTAssertEqual(client.finish(), 0)
        XCTAssertEqual(h.stop(), 0)
        XCTAssertTrue(h.server.errors.contains("started (xterm-256color, 80x24)"), h.server.errors)
    }

    func testRepeatedWrongWordsMakeTheAddressWait() throws {
        let h = try ServeHarness()
        try h.start(["--max-failures", "2"])
        let client = try h.connect()
        let p = Participant(client)
        p.waitFor("participant id")
        p.press("guess-one\r", until: "not in this study's roster")
        p.press("guess-two\r", until: "Please wait 60 seconds")
        client.send("x")
        XCTAssertEqual(client.finish(), 0)
        // A new connection from the same address is told to wait before it may type anything.
        let next = Participant(try h.connect())
        next.waitFor("Too many wrong entries came from your address")
        next.client.send("x")
        next.client.finish()
        XCTAssertEqual(h.stop(), 0)
        let log = h.server.errors
        XCTAssertTrue(log.contains("127.0.0.1: told to wait 60 s after too many failed codes"), log)
        XCTAssertTrue(log.contains("told to wait (too many failed codes)"), log)
        XCTAssertFalse(log.contains("guess-"), "typed words are never logged")
    }

    func testAConnectionWithoutASessionIsClosedAfterTheLoginGrace() throws {
        let h = try ServeHarness()
        try h.start(["--login-grace-seconds", "1"])
        let r = try Tool.run(h.ssh, h.clientOptions + ["-N", "x@127.0.0.1"], timeout: 20)
        XCTAssertEqual(r.status, 255, r.stderr)
        XCTAssertEqual(h.stop(), 0)
        XCTAssertTrue(h.server.errors.contains("without an interactive session"), h.server.errors)
    }

    /// Connects to the local end of an `ssh -L` and reads until EOF: the byte count, or nil
    /// when nothing listens there yet.
    private func readThroughForward(port: Int) -> Int? {
        guard let fd = try? TCP.connect(port: port) else { return nil }
        defer { close(fd) }
        return TCP.read(fd, until: "\u{0}never").utf8.count
    }
}
