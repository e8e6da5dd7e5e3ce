import XCTest
import WavesCore
@testable import WavesSurvey

/// Plain mode driven by scripted lines.
final class PlainFrontEndTests: XCTestCase {
    let heading = SurveyHeading(studyTitle: "Test study", instrumentNumber: 1, instrumentCount: 2, waveLabel: "Baseline")

    func run(_ lines: [String], instrument: Instrument = Fixtures.branching, role: String = "mentee",
             echo: Bool = false) throws -> (SurveySession, ScriptedConsole) {
        let console = ScriptedConsole(lines: lines)
        let fe = PlainFrontEnd(console: console, echo: echo)
        let end = try fe.run(SurveySession(instrument: instrument, role: role, wave: "w1"), heading: heading) { _ in }
        return (end, console)
    }

    func testWholeInstrumentWithSkipDeclineBackAndReviewEdit() throws {
        let (s, console) = try run(["4", "s", "b", "d", "7", "", "2", "s", "3", "1", "2", "y"])
        // q1=4 shows q5; q2 skipped, back, declined; q3: 7 refused, empty repeats, 2; q5: s; q6 required.
        XCTAssertEqual(s.outcome, .submitted)
        let out = console.output
        XCTAssertTrue(out.contains("Please type a number from 1 to 5, or s, b, q."), out)
        XCTAssertFalse(out.contains("\u{1B}"), "no escape codes in plain mode")
        XCTAssertTrue(out.contains("Questionnaire 1 of 2: Test scale, 4 questions."))
        XCTAssertTrue(out.contains("1 of 4. Statement q1.\n  1 Strongly disagree\n"))
        XCTAssertTrue(out.contains("5 of 5. Statement q6. (required)"))
        XCTAssertTrue(out.contains("Type 1-5 (b back, q save and leave, ? help):"), "no s for a required item")
        // Review edit: question 1 changed to 1 hides q5.
        XCTAssertTrue(out.contains("  4. Statement q5. Answer: (skipped)"))
        XCTAssertEqual(s.recordAnswers.answers.map(\.id), ["q1", "q2", "q3", "q6"])
        XCTAssertEqual(s.recordAnswers.answers.map(\.value), [.number(2), .missing, .number(2), .number(3)])
        XCTAssertEqual(s.recordAnswers.declined, ["q2"])
    }

    func testReviewTakesItemNumberAndY() throws {
        let inst = Fixtures.instrument([Fixtures.likert("a"), Fixtures.likert("b")])
        let (s, console) = try run(["1", "2", "x", "", "9", "2", "5", "y"], instrument: inst)
        XCTAssertEqual(s.outcome, .submitted)
        XCTAssertEqual(s.recordAnswers.answers.map(\.value), [.number(1), .number(5)])
        let prompts = console.output.components(separatedBy: "Type y to submit these answers").count - 1
        XCTAssertEqual(prompts, 5, "x, empty and 9 repeat the review question; after the edit the review is shown again")
        XCTAssertTrue(console.output.contains("There is no question 9; type y to submit, or a number from 1 to 2."))
    }

    func testEndOfInputLeaves() throws {
        let (s, _) = try run(["3", "4"])
        XCTAssertEqual(s.outcome, .left)
        XCTAssertEqual(s.responses.count, 2)
    }

    func testNotesPrintedAndPassedOverGoingBack() throws {
        let inst = Fixtures.instrument([Fixtures.likert("a"), Fixtures.note("n"), Fixtures.likert("b")])
        let (s, console) = try run(["1", "b", "2", "3", "y"], instrument: inst)
        XCTAssertEqual(s.outcome, .submitted)
        XCTAssertEqual(s.recordAnswers.answers.map(\.value), [.number(2), .number(3)])
        XCTAssertEqual(console.output.components(separatedBy: "A note (n).").count - 1, 2)
    }

    func testNumberAndTextPrompts() throws {
        let inst = Fixtures.instrument([Fixtures.number("age", min: 16, max: 90), Fixtures.text("diary")])
        let (s, console) = try run(["abc", "100", "21", "A line with \u{1B}[31m colour", "y"], instrument: inst, echo: true)
        XCTAssertEqual(s.response("age"), .answered(.number(21)))
        XCTAssertEqual(s.response("diary"), .answered(.text("A line with  colour")))
        let out = console.output
        XCTAssertTrue(out.contains("Type a number from 16 to 90 (s skip, b back, q save and leave, ? help):"))
        XCTAssertTrue(out.contains("\"abc\" is not a number; please type a number from 16 to 90."))
        XCTAssertTrue(out.contains("100 is above the highest allowed value, 90; please type a number from 16 to 90."))
        XCTAssertTrue(out.contains("> A line with ^[[31m colour"), "echoed input is neutralised")
        XCTAssertFalse(out.contains("\u{1B}"))
    }

    func testAskRepeatsUntilYesOrNo() {
        let console = ScriptedConsole(lines: ["", "maybe", "N"])
        let fe = PlainFrontEnd(console: console, echo: false)
        XCTAssertEqual(fe.ask(YesNoQuestion(text: "Resume?", yes: "resume", no: "start over"), heading: heading), false)
        XCTAssertEqual(console.output, """
        Resume? Type y to resume or n to start over:
        Resume? Type y to resume or n to start over:
        Please type y or n.
        Resume? Type y to resume or n to start over:

        """)
        XCTAssertNil(PlainFrontEnd(console: ScriptedConsole(lines: []), echo: false).ask(YesNoQuestion(text: "?", yes: "a", no: "b"), heading: heading))
    }
}
