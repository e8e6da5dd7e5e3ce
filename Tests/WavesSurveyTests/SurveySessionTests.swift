import XCTest
import WavesCore
@testable import WavesSurvey

/// The state machine on its own: every rule of moving through an instrument.
final class SurveySessionTests: XCTestCase {
    func mentee(_ inst: Instrument = Fixtures.branching, wave: String = "w1") -> SurveySession {
        SurveySession(instrument: inst, role: "mentee", wave: wave, waveOrder: ["w1", "w2", "w3"])
    }

    func testStartsOnIntroAndBeginsAtFirstItem() {
        var s = mentee()
        XCTAssertEqual(s.position, .intro)
        XCTAssertEqual(s.perform(.back), .refused("This is the beginning of the questionnaire."))
        XCTAssertEqual(s.perform(.begin), .accepted)
        XCTAssertEqual(s.position, .item("q1"))
        XCTAssertEqual(s.number(of: "q1")?.number, 1)
    }

    func testNextAndBackKeepAnswers() {
        var s = mentee()
        s.perform(.begin)
        XCTAssertEqual(s.perform(.option(2)), .accepted)
        XCTAssertEqual(s.position, .item("q2"))
        XCTAssertEqual(s.perform(.next), .refused("Please answer this question, or skip it."))
        s.perform(.back)
        XCTAssertEqual(s.position, .item("q1"))
        XCTAssertEqual(s.response("q1"), .answered(.number(2)))
        XCTAssertEqual(s.perform(.next), .accepted, "an answered item can be passed with next")
        XCTAssertEqual(s.position, .item("q2"))
        s.perform(.back); s.perform(.back)
        XCTAssertEqual(s.position, .intro, "back from the first item shows the welcome again")
    }

    func testSkipAndDecline() {
        var s = mentee()
        s.perform(.begin)
        XCTAssertEqual(s.perform(.skip), .accepted)
        XCTAssertEqual(s.response("q1"), .skipped)
        XCTAssertEqual(s.perform(.decline), .accepted)
        XCTAssertEqual(s.response("q2"), .declined)
        XCTAssertEqual(s.position, .item("q3"))
        // q3's response set does not allow declining.
        XCTAssertEqual(s.perform(.decline), .refused("\"Prefer not to answer\" is not offered for this question."))
        XCTAssertEqual(s.position, .item("q3"))
        XCTAssertNil(s.response("q3"))
    }

    func testRequiredItemRefusesSkipButAcceptsDecline() {
        var s = mentee()
        s.perform(.begin)
        s.perform(.option(1)); s.perform(.option(1)); s.perform(.option(1))
        XCTAssertEqual(s.position, .item("q6"), "q4 (peer mentors) and q5 (q1 >= 4) are hidden")
        XCTAssertEqual(s.perform(.skip), .refused("This question needs an answer, so it cannot be skipped."))
        XCTAssertEqual(s.position, .item("q6"))
        XCTAssertEqual(s.perform(.next), .refused("This question needs an answer."))
        XCTAssertEqual(s.perform(.decline), .accepted)
        XCTAssertEqual(s.position, .review)
    }

    func testOptionOutOfRangeIsRefused() {
        var s = mentee()
        s.perform(.begin)
        XCTAssertEqual(s.perform(.option(6)), .refused("Please choose a number from 1 to 5."))
        XCTAssertEqual(s.perform(.option(0)), .refused("Please choose a number from 1 to 5."))
        XCTAssertEqual(s.perform(.answer(.number(7))), .refused("Please choose one of the options."))
        XCTAssertEqual(s.position, .item("q1"))
    }

    func testShowIfOnRoleAndAnswers() {
        var mentor = SurveySession(instrument: Fixtures.branching, role: "peer-mentor", wave: "w1")
        XCTAssertEqual(mentor.visibleItems.map(\.id), ["q1", "q2", "q3", "q4", "q6"])
        mentor.perform(.begin)
        mentor.perform(.option(4))
        XCTAssertEqual(mentor.visibleItems.map(\.id), ["q1", "q2", "q3", "q4", "q5", "q6"])
        XCTAssertEqual(mentor.number(of: "q6")?.total, 6)
        let m = mentee()
        XCTAssertEqual(m.visibleItems.map(\.id), ["q1", "q2", "q3", "q6"])
    }

    func testShowIfOnWave() {
        let inst = Fixtures.instrument([Fixtures.likert("a"), Fixtures.likert("b", showIf: "wave >= 'w2'")])
        XCTAssertEqual(mentee(inst, wave: "w1").visibleItems.map(\.id), ["a"])
        XCTAssertEqual(mentee(inst, wave: "w3").visibleItems.map(\.id), ["a", "b"])
    }

    func testReviewEditDropsAnswersOfItemsThatBecomeHidden() {
        var s = mentee()
        s.perform(.begin)
        s.perform(.option(5))          // q1 = 5 shows q5
        s.perform(.option(3)); s.perform(.option(3))
        XCTAssertEqual(s.position, .item("q5"))
        s.perform(.option(2))          // q5 = 2
        s.perform(.option(4))          // q6
        XCTAssertEqual(s.position, .review)
        XCTAssertEqual(s.response("q5"), .answered(.number(2)))
        // Change q1 to 1 from the review: q5 becomes hidden and its answer is dropped.
        XCTAssertEqual(s.perform(.edit("q1")), .accepted)
        XCTAssertEqual(s.position, .item("q1"))
        s.perform(.option(1))
        XCTAssertEqual(s.position, .review, "after an edit the review comes back")
        XCTAssertNil(s.response("q5"))
        XCTAssertEqual(s.recordAnswers.answers.map(\.id), ["q1", "q2", "q3", "q6"])
        // Back to 4: q5 is shown again, unanswered, and is asked before the review.
        s.perform(.edit("q1"))
        s.perform(.option(4))
        XCTAssertEqual(s.position, .item("q5"))
        s.perform(.option(5))
        XCTAssertEqual(s.position, .review)
        let (answers, declined) = s.recordAnswers
        XCTAssertEqual(answers.map(\.id), ["q1", "q2", "q3", "q5", "q6"])
        XCTAssertEqual(answers.map(\.value), [.number(4), .number(3), .number(3), .number(5), .number(4)])
        XCTAssertEqual(declined, [])
        XCTAssertEqual(s.perform(.submit), .accepted)
        XCTAssertEqual(s.outcome, .submitted)
    }

    func testSubmitRefusedWhileRequiredItemUnanswered() {
        // Resume straight into the review with the required q6 unanswered.
        var s = SurveySession(instrument: Fixtures.branching, role: "mentee", wave: "w1",
                              responses: ["q1": .answered(.number(1))], position: .review)
        XCTAssertEqual(s.perform(.submit), .refused("Question 4 needs an answer before you submit."))
        XCTAssertEqual(s.position, .item("q6"))
        s.perform(.option(2))
        XCTAssertEqual(s.position, .review, "optional unanswered items do not block; they are recorded as null")
        XCTAssertEqual(s.perform(.submit), .accepted)
        XCTAssertEqual(s.recordAnswers.answers.map(\.value), [.number(1), .missing, .missing, .number(2)])
    }

    func testRecordHasNullsForSkippedAndDeclined() {
        var s = mentee()
        s.perform(.begin)
        s.perform(.skip); s.perform(.decline); s.perform(.option(3)); s.perform(.option(5))
        s.perform(.submit)
        let (answers, declined) = s.recordAnswers
        XCTAssertEqual(answers.map(\.id), ["q1", "q2", "q3", "q6"])
        XCTAssertEqual(answers.map(\.value), [.missing, .missing, .number(3), .number(5)])
        XCTAssertEqual(declined, ["q2"])
    }

    func testNumberItemsValidateRange() {
        let inst = Fixtures.instrument([Fixtures.number("age", min: 16, max: 90)])
        var s = mentee(inst)
        s.perform(.begin)
        XCTAssertEqual(s.perform(.answer(.number(12))),
                       .refused("12 is below the lowest allowed value, 16; please type a number from 16 to 90."))
        XCTAssertEqual(s.perform(.answer(.number(91.5))),
                       .refused("91.5 is above the highest allowed value, 90; please type a number from 16 to 90."))
        let item = inst.items[0]
        XCTAssertEqual(AnswerRules.parseNumber("abc", for: item),
                       .failure(NumberRefusal(message: "\"abc\" is not a number; please type a number from 16 to 90.")))
        XCTAssertEqual(AnswerRules.parseNumber(" 42 ", for: item), .success(42))
        XCTAssertEqual(s.perform(.decline), .refused("\"Prefer not to answer\" is not offered for this question."))
        XCTAssertEqual(s.perform(.answer(.number(42))), .accepted)
        XCTAssertEqual(s.response("age"), .answered(.number(42)))
    }

    func testTextAnswersKeepLinesAndDropControls() {
        let inst = Fixtures.instrument([Fixtures.text("diary"), Fixtures.text("must", required: true)])
        var s = mentee(inst)
        s.perform(.begin)
        XCTAssertEqual(s.perform(.answer(.text("  first line\nsecond\u{1B}[31m line \n"))), .accepted)
        XCTAssertEqual(s.response("diary"), .answered(.text("first line\nsecond line")))
        XCTAssertEqual(s.perform(.answer(.text("   "))), .refused("This question needs an answer."))
        s.perform(.back)
        XCTAssertEqual(s.perform(.answer(.text(""))), .accepted, "an empty text answer skips an optional item")
        XCTAssertEqual(s.response("diary"), .skipped)
    }

    func testNotesAreShownNotAnswered() {
        let inst = Fixtures.instrument([Fixtures.note("n1"), Fixtures.likert("a")])
        var s = mentee(inst)
        s.perform(.begin)
        XCTAssertEqual(s.position, .item("n1"))
        XCTAssertNil(s.number(of: "n1"))
        XCTAssertEqual(s.perform(.option(1)), .refused("This is a note; there is nothing to answer."))
        XCTAssertEqual(s.perform(.next), .accepted)
        XCTAssertEqual(s.number(of: "a")?.number, 1)
        s.perform(.option(2))
        XCTAssertEqual(s.recordAnswers.answers.map(\.id), ["a"])
    }

    func testResumeDropsInvalidAndHiddenResponses() {
        let s = SurveySession(instrument: Fixtures.branching, role: "mentee", wave: "w1",
                              responses: ["q1": .answered(.number(2)), "q2": .answered(.number(9)),
                                          "q3": .declined, "q5": .answered(.number(3)), "gone": .skipped,
                                          "q6": .skipped],
                              position: .item("q3"))
        XCTAssertEqual(s.responses, ["q1": .answered(.number(2))])
        XCTAssertEqual(s.position, .item("q3"))
        let moved = SurveySession(instrument: Fixtures.branching, role: "mentee", wave: "w1",
                                  responses: ["q1": .answered(.number(2))], position: .item("q5"))
        XCTAssertEqual(moved.position, .item("q2"), "a hidden saved position falls back to the first unanswered item")
    }

    func testQuitEndsWithoutSubmitting() {
        var s = mentee()
        s.perform(.begin)
        s.perform(.option(3))
        XCTAssertEqual(s.perform(.quit), .accepted)
        XCTAssertEqual(s.outcome, .left)
        XCTAssertEqual(s.perform(.option(3)), .refused("The questionnaire is finished."))
    }
}
