import Foundation
import WavesTestSupport
import Glibc
import XCTest

/// `waves take` in interactive mode, in a real pseudo-terminal opened by the test.
final class TakeInteractiveTests: XCTestCase {
    var dir: URL!
    var study: String!

    override func setUpWithError() throws {
        dir = WavesProcess.tempDir("take-tty")
        study = try makeTakeStudy(in: dir)
    }
    override func tearDown() { try? FileManager.default.removeItem(at: dir) }

    let down = "\u{1B}[B", up = "\u{1B}[A", left = "\u{1B}[D", enter = "\r"
    let env = ["TERM": "xterm-256color", "LANG": "C.UTF-8", "NO_COLOR": ""]

    func args(_ participant: String) -> [String] {
        ["take", "--study", study, "--participant", participant, "--wave", "w1", "--instrument", "identity"]
    }

    /// Sends keys, then waits until the last screen shows `text`.
    func press(_ live: LiveWaves, _ keys: String, until text: String, file: StaticString = #filePath, line: UInt = #line) {
        live.send(keys)
        let ok = live.wait { lastScreen($0).contains(text) }
        XCTAssertTrue(ok, "screen never showed \"\(text)\"; last screen:\n\(lastScreen(live.output))", file: file, line: line)
    }

    func assertTerminalRestored(_ live: LiveWaves, slave: Int32, file: StaticString = #filePath, line: UInt = #line) {
        let out = live.output
        XCTAssertTrue(out.contains("\u{1B}[?25h"), "cursor shown again", file: file, line: line)
        XCTAssertTrue(out.contains("\u{1B}[?1049l"), "main screen restored", file: file, line: line)
        guard let t = live.finalTerminalSettings else { return XCTFail("no terminal settings", file: file, line: line) }
        XCTAssertNotEqual(t.c_lflag & tcflag_t(ICANON), 0, "line editing back on", file: file, line: line)
        XCTAssertNotEqual(t.c_lflag & tcflag_t(ECHO), 0, "echo back on", file: file, line: line)
    }

    func testWholeInstrumentWithArrowsDigitsAndOneBack() throws {
        let (live, slave) = try LiveWaves.pty(args("P002"), env: env)
        defer { close(slave) }
        XCTAssertTrue(live.wait { lastScreen($0).contains("How to answer") }, live.output)
        let welcome = lastScreen(live.output)
        XCTAssertTrue(welcome.contains("Peer mentoring programme"), welcome)
        XCTAssertTrue(welcome.contains("Professional identity"))
        XCTAssertTrue(welcome.contains("8 questions"))

        press(live, enter, until: "1 of 8")
        let first = lastScreen(live.output)
        XCTAssertTrue(first.contains("When I picture my future, I see myself working as a doctor."), first)
        XCTAssertTrue(first.contains("    5  Strongly agree"))
        XCTAssertTrue(first.contains("d  Prefer not to answer"))
        press(live, down + down + down + down, until: "> 4  Agree")
        press(live, enter, until: "2 of 8")                       // pi01 = 4 (arrows)
        press(live, "5", until: "3 of 8")                          // pi02 = 5 (digit)
        press(live, "2", until: "4 of 8")                          // pi03 = 2
        press(live, left, until: "3 of 8")                         // back once
        let back = lastScreen(live.output)
        XCTAssertTrue(back.contains("> 2  Disagree  (your answer)") || back.contains("> 2  Disagree (your answer)"), back)
        press(live, up, until: "> 1  Strongly disagree")
        press(live, enter, until: "4 of 8")                        // pi03 changed to 1
        press(live, "3", until: "5 of 8")                          // pi04 = 3
        press(live, "d", until: "6 of 8")                          // pi05 declined
        press(live, "s", until: "7 of 8")                          // pi06 skipped
        press(live, "k", until: "> 5  Strongly agree")             // k with nothing highlighted: the last option
        press(live, enter, until: "8 of 8")                        // pi07 = 5
        press(live, "j" + enter, until: "Submit these answers")    // pi08 = 1
        let review = lastScreen(live.output)
        for expected in ["Please check your answers", "1. When I picture my future", "Agree", "Strongly agree",
                         "3. I often feel like an outsider", "Strongly disagree", "Prefer not to answer", "(skipped)",
                         "> Submit these answers"] {
            XCTAssertTrue(review.contains(expected), "review lacks \(expected):\n\(review)")
        }
        live.send(enter)
        XCTAssertEqual(live.finish(), 0, live.errors)
        XCTAssertTrue(stripTerminalCodes(live.output).contains("Your answers to Professional identity are recorded."))
        assertTerminalRestored(live, slave: slave)

        let records = try storeRecords(study)
        XCTAssertEqual(records.count, 1)
        let rec = records[0]
        XCTAssertEqual(rec["mode"] as? String, "terminal")
        XCTAssertEqual(rec["role"] as? String, "mentee")
        let answers = rec["answers"] as! [String: Any]
        let expected: [String: Double?] = ["pi01": 4, "pi02": 5, "pi03": 1, "pi04": 3, "pi05": nil, "pi06": nil, "pi07": 5, "pi08": 1]
        XCTAssertEqual(Set(answers.keys), Set(expected.keys))
        for (k, v) in expected {
            if let v { XCTAssertEqual(answers[k] as? Double, v, k) } else { XCTAssertTrue(answers[k] is NSNull, k) }
        }
        XCTAssertEqual(rec["declined"] as? [String], ["pi05"])
    }

    /// A closed terminal or a kill (SIGTERM) restores the terminal and keeps the draft; the next run resumes.
    func testSigtermRestoresTerminalKeepsDraftAndResumes() throws {
        let (live, slave) = try LiveWaves.pty(args("P003"), env: env)
        defer { close(slave) }
        XCTAssertTrue(live.wait { lastScreen($0).contains("How to answer") })
        press(live, enter, until: "1 of 8")
        press(live, "4", until: "2 of 8")
        press(live, "4", until: "3 of 8")
        live.signal(SIGTERM)
        XCTAssertEqual(live.finish(), 128 + SIGTERM)
        assertTerminalRestored(live, slave: slave)
        XCTAssertTrue(try storeRecords(study).isEmpty)

        let (again, slave2) = try LiveWaves.pty(args("P003"), env: env)
        defer { close(slave2) }
        XCTAssertTrue(again.wait { flat(lastScreen($0)).contains("Resume where you left off?") }, lastScreen(again.output))
        XCTAssertTrue(flat(lastScreen(again.output)).contains("(2 of 8 questions answered, saved "), lastScreen(again.output))
        press(again, "y", until: "3 of 8")
        for (key, next) in [("1", "4 of 8"), ("2", "5 of 8"), ("3", "6 of 8"), ("4", "7 of 8"), ("5", "8 of 8"), ("1", "Submit these answers")] {
            press(again, key, until: next)
        }
        again.send(enter)
        XCTAssertEqual(again.finish(), 0, again.errors)
        let answers = try XCTUnwrap(try storeRecords(study).first?["answers"] as? [String: Any])
        XCTAssertEqual(["pi01", "pi02", "pi03", "pi04", "pi05", "pi06", "pi07", "pi08"].map { answers[$0] as? Double },
                       [4, 4, 1, 2, 3, 4, 5, 1])
    }

    /// After the window shrinks (SIGWINCH), the whole screen is redrawn to the new width.
    func testResizeRedrawsToTheNewSize() throws {
        let (live, slave) = try LiveWaves.pty(args("P002"), columns: 100, rows: 30, env: env)
        defer { close(slave) }
        XCTAssertTrue(live.wait { lastScreen($0).contains("How to answer") })
        press(live, enter, until: "1 of 8")
        var size = winsize(ws_row: 12, ws_col: 40, ws_xpixel: 0, ws_ypixel: 0)
        XCTAssertEqual(ioctl(slave, UInt(TIOCSWINSZ), &size), 0)
        let before = live.output.count
        live.signal(SIGWINCH)
        XCTAssertTrue(live.wait { String($0.dropFirst(before)).contains("\u{1B}[2J") }, "a resize clears and redraws")
        usleep(100_000)
        let screen = lastScreen(live.output)
        let lines = screen.split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertLessThanOrEqual(lines.count, 12, screen)
        XCTAssertTrue(lines.allSatisfy { $0.count <= 39 }, screen)
        XCTAssertTrue(screen.contains("1 of 8"), screen)
        live.send("q")
        XCTAssertEqual(live.finish(), 0)
        XCTAssertTrue(stripTerminalCodes(live.output).contains("No answers were given, so nothing was saved."))
    }
}
