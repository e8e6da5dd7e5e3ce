import Foundation
import XCTest
import WavesTestSupport

/// Issue 12 item 13, driven by keyboard in tmux (send-keys, capture-pane): every option and the
/// keys stay visible from 40x12 up, a smaller window says so and answers nothing, a half-done
/// wave offers the resume first, and the free-text editor moves its cursor with the arrows.
final class TakeKeyboardTests: XCTestCase {
    var dir: URL!
    var study: String!

    override func setUpWithError() throws {
        try TmuxPane.available()
        dir = WavesProcess.tempDir("keys")
        study = try makeTakeStudy(in: dir)
        let roster = try String(contentsOfFile: study + "/roster.csv", encoding: .utf8)
        try (roster + "P004,mentee\n").write(toFile: study + "/roster.csv", atomically: true, encoding: .utf8)
    }
    override func tearDown() { if let dir { try? FileManager.default.removeItem(at: dir) } }

    let options = ["1  Strongly disagree", "2  Disagree", "3  Neither agree nor disagree", "4  Agree", "5  Strongly agree",
                   "d  Prefer not to answer"]

    func take(_ participant: String, _ wave: String, _ extra: [String] = []) -> [String] {
        ["take", "--study", study, "--participant", participant, "--wave", wave] + extra
    }

    func assertFits(_ screen: String, columns: Int, rows: Int, file: StaticString = #filePath, line: UInt = #line) {
        var lines = screen.split(separator: "\n", omittingEmptySubsequences: false)
        while lines.last == "" { lines.removeLast() }   // capture-pane ends with a line break
        XCTAssertLessThanOrEqual(lines.count, rows, screen, file: file, line: line)
        XCTAssertTrue(lines.allSatisfy { TextLayoutWidth.of(String($0)) <= columns }, screen, file: file, line: line)
    }

    func assertOptionsShown(_ screen: String, question: String, file: StaticString = #filePath, line: UInt = #line) {
        for o in options { XCTAssertTrue(screen.contains(o), "\"\(o)\" not visible:\n\(screen)", file: file, line: line) }
        XCTAssertTrue(flat(screen).contains(question), "question not visible:\n\(screen)", file: file, line: line)
        XCTAssertTrue(screen.contains("Enter: answer"), "the answer keys are shown:\n\(screen)", file: file, line: line)
    }

    /// At 40x12, 50x14 and 80x24, each of the eight questions shows whole with every option.
    func testEveryOptionVisibleFrom40x12() throws {
        let questions = ["When I picture my future, I see myself working as a doctor.",
                         "I feel I belong among the clinicians I work with.",
                         "I often feel like an outsider in clinical settings.",
                         "The values of medicine are becoming my own values.",
                         "I can explain to others what kind of doctor I want to become.",
                         "I doubt that medicine is the right path for me.",
                         "Caring for people at the end of life is part of who I want to be as a doctor.",
                         "I take responsibility for my own professional development."]
        for (columns, rows, who) in [(40, 12, "P002"), (50, 14, "P003"), (80, 24, "P004")] {
            let pane = try TmuxPane(take(who, "w1", ["--instrument", "identity"]), in: dir, columns: columns, rows: rows)
            defer { pane.close() }
            XCTAssertTrue(pane.waitFor("Enter: begin"), "\(columns)x\(rows):\n" + pane.screen)
            pane.send("Enter")
            for n in 1...8 {
                XCTAssertTrue(pane.waitFor("\(n) of 8"), "\(columns)x\(rows):\n" + pane.screen)
                let screen = pane.screen
                assertFits(screen, columns: columns, rows: rows)
                assertOptionsShown(screen, question: questions[n - 1])
                pane.send(String(n % 5 + 1))
            }
            XCTAssertTrue(pane.waitFor("Submit these answers"), pane.screen)
            assertFits(pane.screen, columns: columns, rows: rows)
            pane.send("Enter")
            XCTAssertEqual(pane.exitStatus(), 0, pane.screen)
        }
        let records = try storeRecords(study)
        XCTAssertEqual(records.count, 3)
        for r in records { XCTAssertEqual((r["answers"] as? [String: Any])?["pi08"] as? Double, 4) }
    }

    /// Shrinking below 40x12 replaces the screen by a sentence and answers nothing; growing back
    /// shows the same question with its options.
    func testResizeBelowTheMinimumAndBack() throws {
        let pane = try TmuxPane(take("P002", "w1", ["--instrument", "identity"]), in: dir, columns: 80, rows: 24)
        defer { pane.close() }
        XCTAssertTrue(pane.waitFor("Enter: begin"), pane.screen)
        pane.send("Enter")
        XCTAssertTrue(pane.waitFor("1 of 8"), pane.screen)
        try pane.resize(columns: 40, rows: 12)
        XCTAssertTrue(pane.wait { $0.split(separator: "\n").count <= 12 && $0.contains("1 of 8") && $0.contains("5  Strongly agree") }, pane.screen)
        assertOptionsShown(pane.screen, question: "When I picture my future")
        try pane.resize(columns: 36, rows: 10)
        XCTAssertTrue(pane.waitFor("This window is too small for the survey (36 x 10)."), pane.screen)
        XCTAssertTrue(flat(pane.screen).contains("at least 40 columns wide and 12 rows high"), pane.screen)
        pane.send("3")                                   // not answered blind
        usleep(200_000)
        try pane.resize(columns: 50, rows: 14)
        XCTAssertTrue(pane.waitFor("1 of 8"), pane.screen)
        assertOptionsShown(pane.screen, question: "When I picture my future, I see myself working as a doctor.")
        XCTAssertFalse(pane.screen.contains("(your answer)"), pane.screen)
        pane.send("q")
        XCTAssertEqual(pane.exitStatus(), 0, pane.screen)
        XCTAssertTrue(try storeRecords(study).isEmpty)
    }

    /// A wave half done: the recorded instrument is passed over (no "already complete" question),
    /// the resume offer comes first, and it counts skipped and declined questions as such.
    func testResumeOfferFirstWithHonestCounts() throws {
        var r = try WavesProcess.run(take("P002", "w1", ["--instrument", "identity", "--plain"]), stdin: "1\n2\n3\n4\n5\n1\n2\n3\ny\n")
        XCTAssertEqual(r.status, 0, r.stderr)
        r = try WavesProcess.run(take("P002", "w1", ["--instrument", "reflection", "--plain"]), stdin: "4\ns\nd\n5\nq\n")
        XCTAssertEqual(r.status, 0, r.stderr)
        let pane = try TmuxPane(take("P002", "w1"), in: dir, columns: 80, rows: 24)
        defer { pane.close() }
        XCTAssertTrue(pane.waitFor("Resume where you left off?"), pane.screen)
        let screen = flat(pane.screen)
        XCTAssertFalse(screen.contains("already complete"), screen)
        XCTAssertTrue(screen.contains("Already recorded at Baseline: Professional identity."), screen)
        XCTAssertTrue(screen.contains("You have unfinished answers to Reflective practice (2 of 11 questions answered, 1 skipped, 1 declined, saved"), screen)
        XCTAssertTrue(screen.contains("y: resume"), screen)
        pane.send("y")
        XCTAssertTrue(pane.waitFor("5 of 11"), pane.screen)
        pane.send("q")
        XCTAssertEqual(pane.exitStatus(), 0, pane.screen)
        XCTAssertEqual(try storeRecords(study).count, 1)
    }

    /// The free-text editor: Left/Right and Up/Down move the cursor, typing inserts there, Tab
    /// finishes, Shift-Tab goes back; the keys are on the screen. At 40x12 too.
    func testFreeTextEditorMovesTheCursor() throws {
        let pane = try TmuxPane(take("P002", "w2", ["--instrument", "diary"]), in: dir, columns: 40, rows: 12)
        defer { pane.close() }
        XCTAssertTrue(pane.waitFor("Enter: begin"), pane.screen)
        pane.send("Enter")
        XCTAssertTrue(pane.waitFor("Enter: continue"), pane.screen)      // the note
        pane.send("Enter")
        XCTAssertTrue(pane.waitFor("1 of 2"), pane.screen)
        XCTAssertTrue(pane.screen.contains("Tab: done"), pane.screen)
        XCTAssertTrue(pane.screen.contains("Shift-Tab: back"), pane.screen)
        pane.send("helo wrld", literal: true)
        pane.send("Left", "Left", "Left")
        pane.send("o", literal: true)                                   // wrld -> world
        pane.send("Home")
        pane.send("Right", "Right", "Right")
        pane.send("l", literal: true)                                   // helo -> hello
        pane.send("End")
        pane.send("Enter")
        pane.send("second line", literal: true)
        pane.send("Up")
        pane.send("End")
        pane.send("!", literal: true)                                   // end of the first line
        pane.send("Down")
        pane.send("q", literal: true)                                   // a letter is text, not "leave"
        XCTAssertTrue(pane.waitFor("hello world!"), pane.screen)
        pane.send("Tab")
        XCTAssertTrue(pane.waitFor("2 of 2"), pane.screen)
        pane.send("BTab")                                               // back to the first item, text kept
        XCTAssertTrue(pane.waitFor("1 of 2"), pane.screen)
        XCTAssertTrue(pane.waitFor("hello world!"), pane.screen)
        pane.send("Tab")
        XCTAssertTrue(pane.waitFor("2 of 2"), pane.screen)
        pane.send("Tab")                                                // empty: skipped
        XCTAssertTrue(pane.waitFor("Submit these answers"), pane.screen)
        pane.send("Enter")
        XCTAssertEqual(pane.exitStatus(), 0, pane.screen)
        let answers = try XCTUnwrap(try storeRecords(study).first?["answers"] as? [String: Any])
        let text = try XCTUnwrap(answers["dy01"] as? String)
        XCTAssertEqual(text, "hello world!\nsecond lineq")
        XCTAssertTrue(answers["dy02"] is NSNull)
    }
}

/// Display width of a captured line (wide characters count two cells), as tmux lays them out.
enum TextLayoutWidth {
    static func of(_ s: String) -> Int {
        s.unicodeScalars.reduce(0) { $0 + (($1.value >= 0x1100 && $1.properties.isEmojiPresentation) ? 2 : 1) }
    }
}
