import Foundation
import Glibc
import XCTest
import WavesTestSupport

/// `waves kiosk` in a real pseudo-terminal, and in tmux for the scrollback.
final class KioskTerminalTests: XCTestCase {
    var study: CollectStudy!
    var pinFile: String!
    let env = ["TERM": "xterm-256color", "LANG": "C.UTF-8", "NO_COLOR": ""]
    let clear = "\u{1B}[H\u{1B}[2J\u{1B}[3J\u{1B}[H"

    override func setUpWithError() throws {
        study = try CollectStudy("kiosk")
        pinFile = study.root.appendingPathComponent("pin").path
        FileManager.default.createFile(atPath: pinFile, contents: Data("4711\n".utf8), attributes: [.posixPermissions: 0o600])
    }
    override func tearDown() { study.remove() }

    func kioskArgs(_ extra: [String] = []) -> [String] { ["kiosk", "--study", study.path, "--pin-file", pinFile] + extra }

    func press(_ live: LiveWaves, _ keys: String, until text: String, file: StaticString = #filePath, line: UInt = #line) {
        live.send(keys)
        let ok = live.wait { flat(lastScreen($0)).contains(text) }
        XCTAssertTrue(ok, "screen never showed \"\(text)\"; last screen:\n\(lastScreen(live.output))", file: file, line: line)
    }

    func testWrongThenRightCodeLandsOneKioskRecordAndClearsTheScreen() throws {
        let codes = try study.invite()
        let (live, slave) = try LiveWaves.pty(kioskArgs(), env: env)
        defer { close(slave) }
        XCTAssertTrue(live.wait { lastScreen($0).contains("Access code:") }, live.output + live.errors)
        press(live, "ZZZZ-ZZZZ-ZZZZ\r", until: "This code does not open a survey")
        press(live, codes["P002"]!.lowercased() + "\r", until: "How to answer")
        press(live, "\r", until: "1 of 10")
        for (i, d) in ["4", "5", "2", "3", "4", "4", "5", "3", "2"].enumerated() { press(live, d, until: "\(i + 2) of 10") }
        press(live, "1", until: "Submit these answers")
        let beforeSubmit = live.output.count
        press(live, "\r", until: "Thank you. Your answers are recorded.")
        press(live, "\r", until: "Access code:")
        // Between the thanks and the next prompt: screen and scrollback erased.
        let after = String(live.output.dropFirst(beforeSubmit))
        let parts = after.components(separatedBy: "Thank you. Your answers are recorded.")
        XCTAssertEqual(parts.count, 2)
        XCTAssertTrue(parts[1].contains(clear), "cleared after the thanks")
        XCTAssertTrue(stripTerminalCodes(parts[1].components(separatedBy: clear).last!).contains("Access code:"))
        // No screen named anyone.
        let everything = stripTerminalCodes(live.output)
        for id in ["P001", "P002", "P003", "Bob", "Zoë"] { XCTAssertFalse(everything.contains(id), "a screen shows \(id)") }

        let records = try storeRecords(study.path)
        XCTAssertEqual(records.count, 1)
        XCTAssertEqual(records[0]["participant"] as? String, "P002")
        XCTAssertEqual(records[0]["via"] as? String, "kiosk")
        XCTAssertEqual(records[0]["mode"] as? String, "terminal")
        XCTAssertEqual((records[0]["answers"] as? [String: Any])?.count, 10)

        // Ctrl-C mid-session keeps the draft and returns to the prompt.
        press(live, codes["P001"]! + "\r", until: "How to answer")
        press(live, "\r", until: "1 of 8")
        press(live, "3", until: "2 of 8")
        press(live, "\u{03}", until: "The answers so far are saved.")
        XCTAssertEqual((try? FileManager.default.contentsOfDirectory(atPath: study.data.appendingPathComponent("drafts").path))?.count, 1, "one draft")
        // Leaving needs the PIN.
        press(live, "exit\r", until: "PIN")
        press(live, "0000\r", until: "That is not the PIN.")
        press(live, "exit\r", until: "PIN")
        live.send("4711\r")
        XCTAssertEqual(live.finish(), 0, live.errors)
        XCTAssertTrue(stripTerminalCodes(live.output).contains("Kiosk closed: 2 session(s), 1 completed, 1 saved as drafts."), live.output)
        XCTAssertTrue(live.output.hasSuffix("\u{1B}[?1049l") || live.output.contains("\u{1B}[?1049l"), "main screen restored")
        XCTAssertNotEqual((live.finalTerminalSettings?.c_lflag ?? 0) & tcflag_t(ECHO), 0, "echo back on")
        study.assertDataIsPrivate(codes: Array(codes.values))
        XCTAssertEqual(try storeRecords(study.path).count, 1)
    }

    func testPINFileMustBePrivate() throws {
        chmod(pinFile, 0o644)
        let r = try WavesProcess.run(kioskArgs(["--plain"]), stdin: "")
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("chmod 600"), r.stderr)
    }

    /// tmux keeps a history; with the alternate screen turned off every screen scrolls into it,
    /// and only the kiosk's ESC[3J erases it.
    func testTmuxScrollbackHoldsNothingOfTheLastParticipant() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux") else { throw XCTSkip("tmux is not installed") }
        let codes = try study.invite()
        let socket = "waves-kiosk-\(UUID().uuidString.prefix(8))"
        // posix_spawn and waitpid rather than Process: the tmux server that `new-session` forks
        // would hold an inherited pipe open for ever, and output goes to a file for the same reason.
        let outFile = study.root.appendingPathComponent("tmux.out").path
        func tmux(_ args: [String]) throws -> String {
            var actions: posix_spawn_file_actions_t = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 1, outFile, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
            let argv = (["/usr/bin/tmux", "-L", socket] + args).map { strdup($0) } + [nil]
            defer { argv.forEach { free($0) } }
            var pid: pid_t = 0
            guard posix_spawn(&pid, "/usr/bin/tmux", &actions, nil, argv, environ) == 0 else { return "" }
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            return (try? String(contentsOfFile: outFile, encoding: .utf8)) ?? ""
        }
        defer { _ = try? tmux(["kill-server"]) }
        let cmd = "env LANG=C.UTF-8 TERM=xterm-256color WAVES_INSTRUMENTS='\(WavesProcess.repoRoot.path)/instruments' '\(WavesProcess.executable.path)' "
            + kioskArgs(["--plain"]).map { "'\($0)'" }.joined(separator: " ") + "; sleep 60"
        _ = try tmux(["-f", "/dev/null", "new-session", "-d", "-x", "100", "-y", "20", "sh", "-c", cmd])
        _ = try tmux(["set-option", "-g", "history-limit", "5000"])
        func waitFor(_ text: String) -> String {
            var screen = ""
            for _ in 0..<200 {
                screen = (try? tmux(["capture-pane", "-p", "-S", "-", "-E", "-"])) ?? ""
                if screen.contains(text) { return screen }
                usleep(50_000)
            }
            XCTFail("tmux never showed \"\(text)\":\n\(screen)")
            return screen
        }
        func keys(_ s: String) { _ = try? tmux(["send-keys", "-l", s]); _ = try? tmux(["send-keys", "Enter"]) }
        _ = waitFor("Access code:")
        keys(codes["P001"]!)
        _ = waitFor("1 of 8")
        for _ in 0..<8 { keys("5"); usleep(100_000) }
        _ = waitFor("Type y to submit")
        let during = waitFor("Type y to submit")
        XCTAssertTrue(during.contains("When I picture my future"), "the session is in the history while it runs")
        keys("y")
        _ = waitFor("Press Enter to finish")
        keys("")
        usleep(300_000)
        let history = waitFor("Access code:")
        XCTAssertFalse(history.contains("When I picture my future"), "the last participant's questions are gone:\n\(history)")
        XCTAssertFalse(history.contains("Strongly agree"), history)
        XCTAssertEqual(try storeRecords(study.path).count, 1)
    }
}
