import Foundation
import Glibc
import XCTest
import WavesTestSupport

/// Issue 12 item 5: Ctrl-\ (SIGQUIT), hang-up, kill and a closed output during `waves take`
/// and `waves code`: the draft is kept, the terminal restored, one calm sentence, and never
/// the Swift runtime's crash report ("Program crashed", a backtrace) on the participant's screen.
final class ConsoleSignalTests: XCTestCase {
    var dir: URL!
    var study: String!

    override func setUpWithError() throws {
        dir = WavesProcess.tempDir("signals")
        study = try makeTakeStudy(in: dir)
    }
    override func tearDown() { try? FileManager.default.removeItem(at: dir) }

    let calm = "Your answers so far are saved. To continue, run the same command again."
    let crashWords = ["Program crashed", "Backtrace", "Thread 0", "Fatal error", "Press space to interact", "registers"]

    func args(_ participant: String, plain: Bool) -> [String] {
        ["take", "--study", study, "--participant", participant, "--wave", "w1", "--instrument", "identity"] + (plain ? ["--plain"] : [])
    }

    func assertNoCrashReport(_ text: String, file: StaticString = #filePath, line: UInt = #line) {
        for w in crashWords { XCTAssertFalse(text.contains(w), "\"\(w)\" on the screen:\n\(text)", file: file, line: line) }
    }

    func drafts() -> [String] { (try? FileManager.default.contentsOfDirectory(atPath: study + "/data/drafts")) ?? [] }

    /// The review's reproduction: Ctrl-\ typed in plain mode on a terminal (tmux), after one answer.
    func testCtrlBackslashInPlainModeOnATerminal() throws {
        let pane = try TmuxPane(args("P002", plain: true), in: dir, columns: 80, rows: 24)
        defer { pane.close() }
        XCTAssertTrue(pane.waitFor("1 of 8."), pane.screen)
        pane.send("4", "Enter")
        XCTAssertTrue(pane.waitFor("2 of 8."), pane.screen)
        pane.send("C-\\")
        XCTAssertEqual(pane.exitStatus(), 128 + SIGQUIT, pane.screen)
        let screen = pane.screen
        XCTAssertTrue(flat(screen).contains(calm), screen)
        assertNoCrashReport(screen)
        XCTAssertEqual(drafts().count, 1, "the draft is kept")
        XCTAssertTrue(try storeRecords(study).isEmpty)

        let again = try TmuxPane(args("P002", plain: true), in: dir, columns: 80, rows: 24)
        defer { again.close() }
        XCTAssertTrue(again.waitFor("(1 of 8 questions answered"), again.screen)
        again.send("y", "Enter")
        XCTAssertTrue(again.waitFor("2 of 8."), again.screen)
        again.send("q", "Enter")
        XCTAssertEqual(again.exitStatus(), 0, again.screen)
    }

    /// Ctrl-\ in interactive (raw) mode is a key like any other: ignored, the survey goes on.
    func testCtrlBackslashInInteractiveModeIsIgnored() throws {
        let pane = try TmuxPane(args("P002", plain: false), in: dir, columns: 80, rows: 24)
        defer { pane.close() }
        XCTAssertTrue(pane.waitFor("How to answer"), pane.screen)
        pane.send("Enter")
        XCTAssertTrue(pane.waitFor("1 of 8"), pane.screen)
        pane.send("C-\\")
        pane.send("4")
        XCTAssertTrue(pane.waitFor("2 of 8"), pane.screen)
        assertNoCrashReport(pane.screen)
        pane.send("q")
        XCTAssertEqual(pane.exitStatus(), 0, pane.screen)
    }

    /// SIGQUIT sent by kill in interactive mode: terminal restored, the sentence, exit 131, no core.
    func testSigquitInInteractiveModeRestoresTheTerminal() throws {
        let (live, slave) = try LiveWaves.pty(args("P003", plain: false), env: ["TERM": "xterm-256color", "LANG": "C.UTF-8"])
        defer { close(slave) }
        XCTAssertTrue(live.wait { lastScreen($0).contains("How to answer") }, live.output)
        live.send("\r")
        XCTAssertTrue(live.wait { lastScreen($0).contains("1 of 8") })
        live.send("5")
        XCTAssertTrue(live.wait { lastScreen($0).contains("2 of 8") })
        live.signal(SIGQUIT)
        XCTAssertEqual(live.finish(), 128 + SIGQUIT)
        XCTAssertTrue(live.output.contains("\u{1B}[?1049l"), "main screen restored")
        XCTAssertTrue(live.output.contains("\u{1B}[?25h"), "cursor shown")
        let t = try XCTUnwrap(live.finalTerminalSettings)
        XCTAssertNotEqual(t.c_lflag & tcflag_t(ICANON), 0, "line editing back on")
        XCTAssertTrue(live.errors.contains(calm), live.errors)
        assertNoCrashReport(live.errors + live.output)
        XCTAssertEqual(drafts().count, 1)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.path + "/core"))
    }

    /// SIGHUP and SIGTERM in plain mode: the sentence, then the process ends by that signal.
    func testHangupAndTermInPlainMode() throws {
        for (sig, who) in [(SIGHUP, "P002"), (SIGTERM, "P003")] {
            let live = try LiveWaves.pipes(args(who, plain: true))
            XCTAssertTrue(live.waitFor("1 of 8."), live.output)
            live.send("3\n")
            XCTAssertTrue(live.waitFor("2 of 8."))
            live.signal(sig)
            XCTAssertEqual(live.finish(), 128 + sig, "signal \(sig)")
            XCTAssertTrue(live.errors.contains(calm), live.errors)
            assertNoCrashReport(live.errors)
        }
        XCTAssertEqual(drafts().count, 2)
    }

    /// A closed output (SIGPIPE) is no crash: the survey reads its input to the end and stops calmly.
    func testClosedOutputIsNoCrash() throws {
        let waves = WavesProcess.executable.path
        let cmd = "printf '4\\n5\\n' | \(TmuxPane.quote(waves)) " + args("P002", plain: true).map(TmuxPane.quote).joined(separator: " ")
            + " | head -c 1 > /dev/null; echo \"status=${PIPESTATUS[1]}\""
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = ["-c", cmd]
        p.environment = ["WAVES_INSTRUMENTS": WavesProcess.repoRoot.appendingPathComponent("instruments").path, "PATH": "/usr/bin:/bin"]
        let out = Pipe(), err = Pipe()
        p.standardOutput = out; p.standardError = err
        try p.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let errors = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        let status = Int(text.split(separator: "=").last.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) } ?? "") ?? -1
        XCTAssertTrue((0..<128).contains(status), "ended by a signal or not at all: \(text) \(errors)")
        assertNoCrashReport(errors)
    }
}
