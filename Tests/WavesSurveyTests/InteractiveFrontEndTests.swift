import XCTest
import WavesCore
@testable import WavesSurvey

/// The interactive screens driven by scripted keys.
final class InteractiveFrontEndTests: XCTestCase {
    let heading = SurveyHeading(studyTitle: "Test study", instrumentNumber: 1, instrumentCount: 1, waveLabel: "Baseline")
    let plainStyle = Style(colors: true, unicode: true)

    /// Runs a session on scripted keys; returns the final session, the console and how many drafts were saved.
    func run(_ keys: [Key], instrument: Instrument = Fixtures.branching, role: String = "mentee",
             size: TerminalSize = .standard, start: SurveySession? = nil) throws -> (SurveySession, ScriptedConsole, Int) {
        let console = ScriptedConsole(keys: keys, size: size)
        let fe = InteractiveFrontEnd(console: console, style: plainStyle)
        var saves = 0
        let session = start ?? SurveySession(instrument: instrument, role: role, wave: "w1")
        let end = try fe.run(session, heading: heading) { _ in saves += 1 }
        return (end, console, saves)
    }

    func testDigitsArrowsBackSkipDeclineAndSubmit() throws {
        let keys: [Key] = [
            .enter,                          // welcome -> q1
            .down, .down, .down, .enter,     // q1 = 3 (arrows)
            .character("s"),                 // q2 skipped
            .left,                           // back to q2
            .character("d"),                 // q2 declined
            .character("j"), .character("k"), .character("j"), .enter, // q3 = 2 (j k j)
            .character("s"),                 // q6 required: refused
            .character("5"),                 // q6 = 5
            .enter,                          // review: Submit row
        ]
        let (s, console, saves) = try run(keys)
        XCTAssertEqual(s.outcome, .submitted)
        XCTAssertEqual(s.recordAnswers.answers.map(\.value), [.number(3), .missing, .number(2), .number(5)])
        XCTAssertEqual(s.recordAnswers.declined, ["q2"])
        XCTAssertGreaterThanOrEqual(saves, 6, "a draft save after every answer and move")
        XCTAssertTrue(ScriptedConsole.stripEscapes(console.output).contains("This question needs an answer, so it cannot be skipped."))
        XCTAssertEqual(console.remainingKeys, 0)
    }

    func testScreensShowCounterOptionsAndReview() throws {
        let (_, console, _) = try run([.enter, .character("4")])
        let screen = console.lastScreen
        XCTAssertTrue(screen.contains("Test scale"), screen)
        XCTAssertTrue(screen.contains("2 of 5"), "q1 = 4 shows q5, so there are five questions: \(screen)")
        XCTAssertTrue(screen.contains("Statement q2."))
        XCTAssertTrue(screen.contains("    3  Neither agree nor disagree"))
        XCTAssertTrue(screen.contains("d  Prefer not to answer"))
        XCTAssertTrue(screen.contains("q: save and leave"))
        // Going back shows the saved answer, highlighted.
        let (_, back, _) = try run([.enter, .character("4"), .left])
        XCTAssertTrue(back.lastScreen.contains("> 4  Agree  (your answer)") || back.lastScreen.contains("> 4  Agree (your answer)"), back.lastScreen)
    }

    func testReviewEditThatHidesAnItemDropsItsAnswer() throws {
        let keys: [Key] = [
            .enter, .character("5"),                 // q1 = 5 shows q5
            .character("3"), .character("3"),        // q2, q3
            .character("2"),                         // q5 = 2
            .character("4"),                         // q6 = 4 -> review
            .home, .enter,                           // change q1
            .character("1"),                         // q1 = 1 hides q5 -> review
        ]
        let (s, console, _) = try run(keys)
        XCTAssertEqual(s.position, .review)
        XCTAssertNil(s.response("q5"))
        let screen = console.lastScreen
        XCTAssertTrue(screen.contains("1. Statement q1."), screen)
        XCTAssertFalse(screen.contains("Statement q5."), screen)
        XCTAssertTrue(screen.contains("Submit these answers"))
        XCTAssertTrue(screen.contains("Strongly disagree"))
        XCTAssertEqual(s.outcome, .left, "the script ended: the session is left, not submitted")
    }

    func testQuitAndEndOfInputLeaveWithoutSubmitting() throws {
        let (s, _, _) = try run([.enter, .character("2"), .character("q")])
        XCTAssertEqual(s.outcome, .left)
        XCTAssertEqual(s.response("q1"), .answered(.number(2)))
        let (e, _, _) = try run([.enter, .interrupt])
        XCTAssertEqual(e.outcome, .left)
        let (f, _, _) = try run([.enter])
        XCTAssertEqual(f.outcome, .left, "the end of input leaves")
    }

    func testTwoDigitOptionNumbersWaitForTheSecondDigit() throws {
        let eleven = ResponseSet(id: "zero10", options: (0...10).map { ResponseOption(value: Double($0), label: "\($0)") }, allowDecline: false)
        let inst = Fixtures.instrument([Item(id: "pain", type: .likert, text: "Pain 0-10?", responseSet: eleven), Fixtures.likert("x")])
        let (s, _, _) = try run([.enter, .character("1"), .character("1"), .character("3"), .character("q")], instrument: inst)
        XCTAssertEqual(s.response("pain"), .answered(.number(10)), "option 11 is the value 10")
        XCTAssertEqual(s.response("x"), .answered(.number(3)))
        let (t, _, _) = try run([.enter, .character("1"), .enter, .character("q")], instrument: inst)
        XCTAssertEqual(t.response("pain"), .answered(.number(0)), "1 then Enter is option 1")
    }

    func testNumberAndTextItems() throws {
        let inst = Fixtures.instrument([Fixtures.number("age", min: 16, max: 90), Fixtures.text("diary")])
        let keys: [Key] = [
            .enter,
            .character("1"), .character("2"), .enter,        // 12: refused
            .backspace, .backspace, .character("2"), .character("0"), .enter,
            .character("H"), .character("i"), .enter, .character("b"), .character("q"), .character("?"), .endOfInput,
            .enter,
        ]
        let (s, console, _) = try run(keys, instrument: inst)
        XCTAssertTrue(ScriptedConsole.stripEscapes(console.output).contains("12 is below the lowest allowed value, 16"))
        XCTAssertEqual(s.response("age"), .answered(.number(20)))
        XCTAssertEqual(s.response("diary"), .answered(.text("Hi\nbq?")), "letters are text in the editor, not commands")
        XCTAssertEqual(s.outcome, .submitted)
    }

    func testUnfinishedTextIsKeptWhenLeaving() throws {
        let inst = Fixtures.instrument([Fixtures.text("diary")])
        let (s, _, saves) = try run([.enter, .character("O"), .character("k"), .interrupt], instrument: inst)
        XCTAssertEqual(s.outcome, .left)
        XCTAssertEqual(s.response("diary"), .answered(.text("Ok")))
        XCTAssertEqual(s.position, .item("diary"))
        XCTAssertGreaterThanOrEqual(saves, 2)
    }

    func testControlSequencesInInstrumentTextAreNeutralised() throws {
        let evil = Fixtures.instrument([Fixtures.likert("x", "Hello \u{1B}]0;pwned\u{07} \u{1B}[2J world \u{9B}31m \u{202E}abc")],
                                       title: "Title\u{1B}[31m")
        let (_, console, _) = try run([.enter], instrument: evil)
        let out = console.output
        XCTAssertFalse(out.contains("\u{1B}]"), "no OSC from instrument text")
        XCTAssertFalse(out.contains("\u{1B}[2J world"), "no clear-screen from instrument text")
        XCTAssertFalse(out.contains("\u{1B}[31m"))
        XCTAssertFalse(out.unicodeScalars.contains { $0.value == 0x9B || $0.value == 0x07 || $0.value == 0x202E })
        XCTAssertTrue(console.lastScreen.contains("Hello ^[]0;pwned^G ^[[2J world <U+009B>31m <U+202E>abc"), console.lastScreen)
    }

    func testNoColorKeepsMarkersAndAttributesButNoColours() throws {
        let console = ScriptedConsole(keys: [.enter, .down], size: .standard)
        let fe = InteractiveFrontEnd(console: console, style: Style.detect(["NO_COLOR": "1", "LANG": "C"]))
        _ = try fe.run(SurveySession(instrument: Fixtures.branching, role: "mentee", wave: "w1"), heading: heading) { _ in }
        XCTAssertFalse(console.output.contains("36m"), "no colour codes with NO_COLOR")
        XCTAssertFalse(console.output.contains("33m"))
        XCTAssertTrue(console.output.contains("\u{1B}[1;7m"), "reverse video still marks the highlight")
        XCTAssertTrue(console.lastScreen.contains("> 1  Strongly disagree"))
        XCTAssertTrue(console.lastScreen.contains("Up"), "ASCII key names without a UTF-8 locale")
        XCTAssertFalse(console.output.contains("↑"))
    }

    func testResizeRedrawsWholeScreenAtNewSize() throws {
        let console = ScriptedConsole(keys: [.enter, .resize], size: TerminalSize(columns: 100, rows: 30))
        let fe = InteractiveFrontEnd(console: console, style: plainStyle)
        var session = SurveySession(instrument: Fixtures.branching, role: "mentee", wave: "w1")
        session.perform(.begin)
        console.keys = [.resize]
        console.size = TerminalSize(columns: 40, rows: 12)
        _ = try fe.run(session, heading: heading) { _ in }
        let frames = console.output.components(separatedBy: "\u{1B}[H")
        XCTAssertTrue(console.output.contains("\u{1B}[H\u{1B}[2J"), "a resize clears the screen before redrawing")
        let last = ScriptedConsole.stripEscapes(frames.last!)
        let lines = last.split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertLessThanOrEqual(lines.count, 12)
        XCTAssertTrue(lines.allSatisfy { TextLayout.width(String($0)) <= 39 }, last)
    }

    func testSmallScreenScrollsOptionsToKeepTheHighlightVisible() throws {
        let many = ResponseSet(id: "many", options: (1...15).map { ResponseOption(value: Double($0), label: "Option \($0)") }, allowDecline: false)
        let inst = Fixtures.instrument([Item(id: "m", type: .choice, text: "Pick one.", responseSet: many)])
        let (_, console, _) = try run([.enter, .end], instrument: inst, size: TerminalSize(columns: 60, rows: 14))
        let screen = console.lastScreen
        XCTAssertTrue(screen.contains("> 15  Option 15"), screen)
        XCTAssertTrue(screen.contains("more"), screen)
        XCTAssertLessThanOrEqual(screen.split(separator: "\n", omittingEmptySubsequences: false).count, 14)
    }

    func testAskTakesYesNoAndLeave() {
        let q = YesNoQuestion(text: "Resume?", yes: "resume", no: "start over")
        for (keys, expected) in [([Key.character("x"), .character("y")], true as Bool?), ([.character("n")], false), ([.character("q")], nil), ([], nil)] {
            let console = ScriptedConsole(keys: keys)
            let fe = InteractiveFrontEnd(console: console, style: plainStyle)
            XCTAssertEqual(fe.ask(q, heading: heading), expected)
            XCTAssertTrue(console.lastScreen.contains("y: resume"))
        }
    }
}
