import XCTest
import WavesCore
@testable import WavesSurvey

/// Issue 12 item 13 at the unit level: the layout keeps options and keys visible down to 40x12,
/// says when a window is too small, the editor's cursor keys, and the resume offer's counts.
final class SmallScreenAndEditorTests: XCTestCase {
    let heading = SurveyHeading(studyTitle: "Peer mentoring programme", waveLabel: "Baseline")
    let style = Style(colors: false, unicode: true)

    func controller(_ items: [Item]) -> InteractiveController {
        var c = InteractiveController(session: SurveySession(instrument: Fixtures.instrument(items, title: "Professional identity"),
                                                             role: "mentee", wave: "w1"), heading: heading, style: style)
        c.handle(.enter)
        return c
    }

    func testOptionsAndKeysVisibleAt40x12And50x14EvenWithAMessage() {
        let long = "I can explain to others what kind of doctor I want to become, and why that matters to me now."
        var c = controller([Fixtures.likert("a", long, required: true)])
        for size in [TerminalSize(columns: 40, rows: 12), TerminalSize(columns: 50, rows: 14)] {
            for withMessage in [false, true] {
                if withMessage { c.handle(.character("x")) }
                let screen = c.frame(size: size)
                XCTAssertLessThanOrEqual(screen.lines.count, size.rows)
                let text = screen.text
                for label in Fixtures.agreeLabels + ["Prefer not to answer"] { XCTAssertTrue(text.contains(label), "\(size) \(label):\n\(text)") }
                XCTAssertTrue(text.contains("Enter: answer"), text)
                XCTAssertTrue(text.contains("1 of 1"), text)
            }
        }
    }

    func testTooSmallWindowSaysSoAndHowToEnlargeIt() {
        let c = controller([Fixtures.likert("a")])
        for size in [TerminalSize(columns: 39, rows: 24), TerminalSize(columns: 80, rows: 11), TerminalSize(columns: 20, rows: 5)] {
            let text = c.frame(size: size).text
            XCTAssertTrue(text.replacingOccurrences(of: "\n", with: " ").contains("This window is too small"), text)
            XCTAssertFalse(text.contains("Strongly agree"), text)
        }
        let text = c.frame(size: TerminalSize(columns: 36, rows: 10)).text.replacingOccurrences(of: "\n", with: " ")
        XCTAssertTrue(text.contains("(36 x 10)") && text.contains("at least 40 columns wide and 12 rows high"), text)
    }

    func testKeysAreIgnoredWhileTheWindowIsTooSmall() throws {
        let console = ScriptedConsole(keys: [.character("3"), .enter, .character("q")], size: TerminalSize(columns: 30, rows: 8))
        let fe = InteractiveFrontEnd(console: console, style: style)
        var session = SurveySession(instrument: Fixtures.instrument([Fixtures.likert("a")]), role: "mentee", wave: "w1")
        session.perform(.begin)
        let end = try fe.run(session, heading: heading) { _ in }
        XCTAssertNil(end.response("a"), "nothing answered blind")
        XCTAssertEqual(end.outcome, .left)
    }

    func testEditorArrowsMoveTheCursor() {
        var c = controller([Fixtures.text("t"), Fixtures.text("u")])
        for ch in "helo wrld" { c.handle(.character(ch)) }
        for _ in 0..<3 { c.handle(.left) }
        c.handle(.character("o"))
        c.handle(.home)
        for _ in 0..<3 { c.handle(.right) }
        c.handle(.character("l"))
        XCTAssertEqual(c.editor, "hello world")
        c.handle(.end); c.handle(.enter)
        for ch in "ab" { c.handle(.character(ch)) }
        c.handle(.up)                       // column 2 on the first line
        c.handle(.character("X"))
        XCTAssertEqual(c.editor, "heXllo world\nab")
        c.handle(.down)                     // column 3 on "ab": its end
        c.handle(.backspace)
        XCTAssertEqual(c.editor, "heXllo world\na")
        c.handle(.up); c.handle(.up)        // from the first line: the start of the text
        c.handle(.delete)
        XCTAssertEqual(c.editor, "eXllo world\na")
        XCTAssertTrue(c.frame(size: .standard).text.contains("│ ▏eXllo world"), c.frame(size: .standard).text)
        XCTAssertTrue(c.frame(size: .standard).text.contains("Shift-Tab: back"))
        c.handle(.tab)
        XCTAssertEqual(c.session.response("t"), .answered(.text("eXllo world\na")))
        XCTAssertEqual(c.session.position, .item("u"))
        c.handle(.backTab)
        XCTAssertEqual(c.session.position, .item("t"))
        XCTAssertEqual(c.editorCursor, c.editor.count, "back on an answered item: the cursor at the end")
    }

    func testShiftTabDecodes() {
        XCTAssertEqual(KeyDecoder().decodeAll(Array("\u{1B}[Z".utf8)), [.backTab])
    }

    func testResumeCountsSkippedAndDeclinedApart() {
        var s = SurveySession(instrument: Fixtures.instrument([Fixtures.likert("a"), Fixtures.likert("b"), Fixtures.likert("c"), Fixtures.likert("d")]),
                              role: "mentee", wave: "w1")
        s.perform(.begin)
        s.perform(.option(4))
        s.perform(.skip)
        s.perform(.decline)
        XCTAssertEqual(SurveyAdministration.progress(s), "1 of 4 questions answered, 1 skipped, 1 declined")
    }
}
