import XCTest
@testable import WavesCore

/// One rule for which answers an item accepts, and scoring that sets the rest aside.
final class AnswerRulesTests: XCTestCase {
    let agree = Item(id: "pi01", type: .likert, text: "", responseSet: ResponseSet(id: "a5", options: (1...5).map { ResponseOption(value: Double($0), label: "\($0)") }, allowDecline: true))
    let age = Item(id: "age", type: .number, text: "", min: 16, max: 90)
    let hours = Item(id: "hours", type: .number, text: "")
    let floorOnly = Item(id: "n", type: .number, text: "", min: 0)
    let diary = Item(id: "dy", type: .text, text: "")

    func testOptionsAndRanges() {
        XCTAssertNil(AnswerRules.problem(.number(3), for: agree))
        XCTAssertEqual(AnswerRules.problem(.number(99), for: agree), .notAnOption(99, allowed: [1, 2, 3, 4, 5]))
        XCTAssertEqual(AnswerRules.problem(.number(2.5), for: agree), .notAnOption(2.5, allowed: [1, 2, 3, 4, 5]))
        XCTAssertNil(AnswerRules.problem(.missing, for: agree))
        XCTAssertEqual(AnswerRules.problem(.number(12), for: age), .belowMinimum(12, min: 16))
        XCTAssertEqual(AnswerRules.problem(.number(91), for: age), .aboveMaximum(91, max: 90))
        XCTAssertEqual(AnswerRules.problem(.number(.nan), for: age), .notFinite)
        XCTAssertEqual(AnswerRules.problem(.text("x"), for: age), .textForNumber("x"))
        XCTAssertEqual(AnswerRules.problem(.number(1), for: diary), .numberForText)
    }

    /// A number item without bounds accepts |x| <= 1e9 (docs/instruments.md).
    func testUnboundedNumbersHaveASaneRange() {
        XCTAssertNil(AnswerRules.problem(.number(1e9), for: hours))
        XCTAssertNil(AnswerRules.problem(.number(-1e9), for: hours))
        XCTAssertEqual(AnswerRules.problem(.number(1e308), for: hours), .outsideDefaultRange(1e308))
        XCTAssertEqual(AnswerRules.problem(.number(-2e9), for: hours), .outsideDefaultRange(-2e9))
        XCTAssertEqual(AnswerRules.problem(.number(2e9), for: floorOnly), .outsideDefaultRange(2e9))
        XCTAssertEqual(AnswerRules.problem(.number(-1), for: floorOnly), .belowMinimum(-1, min: 0))
        XCTAssertFalse(AnswerRules.accepts(1e19, for: hours))
        XCTAssertTrue(AnswerRules.accepts(12.5, for: hours))
        XCTAssertEqual(AnswerProblem.outsideDefaultRange(1e308).participantMessage(for: hours),
                       "1e+308 is too large; please type a number from -1000000000 to 1000000000.")
    }

    func testMessages() {
        XCTAssertEqual(AnswerProblem.notAnOption(9, allowed: [1, 2, 3, 4, 5]).message(item: "pi01"),
                       "value 9 is not in the response set of 'pi01' (allowed: 1, 2, 3, 4, 5)")
        XCTAssertEqual(AnswerProblem.aboveMaximum(91, max: 90).message(item: "age"), "value 91 is above the maximum 90 of 'age'")
        XCTAssertEqual(AnswerProblem.belowMinimum(12, min: 16).participantMessage(for: age),
                       "12 is below the lowest allowed value, 16; please type a number from 16 to 90.")
        XCTAssertEqual(AnswerProblem.textForNumber("\u{1B}[2Jx").message(item: "age"), "'age' takes a number but holds text \"^[[2Jx\"")
        XCTAssertTrue(AnswerProblem.outsideDefaultRange(1e308).message(item: "hours").contains("docs/instruments.md"))
    }

    /// Scoring treats a value the rules reject as missing (issue 12 item 6).
    func testScoredValueSetsRejectedValuesAside() {
        XCTAssertNil(Scoring.scoredValue(agree, .number(99)))
        XCTAssertEqual(Scoring.scoredValue(agree, .number(4)), 4)
        var rev = agree
        rev.reverse = true
        XCTAssertEqual(Scoring.scoredValue(rev, .number(2)), 4)
        XCTAssertNil(Scoring.scoredValue(rev, .number(0)))
        XCTAssertNil(Scoring.scoredValue(hours, .number(1e308)))
        let inst = Instrument(id: "i", version: "1", title: "I", responseSets: [], items: [agree, Item(id: "pi02", type: .likert, text: "", responseSet: agree.responseSet)],
                              scales: [Scale(id: "s", label: "S", items: ["pi01", "pi02"], minAnswered: 0.5)], sha256: "", path: "")
        let s = Scoring.score(inst.scales[0], in: inst) { $0 == "pi01" ? .number(99) : .number(4) }
        XCTAssertEqual(s, ScaleScore(score: 4, answered: 1, k: 2))
    }

    func testSetAsideNote() {
        XCTAssertNil(SetAsideAnswer.note([]))
        let a = SetAsideAnswer(line: 17, participant: "P1", wave: "w1", instrument: "i", item: "pi01", value: 99)
        XCTAssertEqual(SetAsideAnswer.note([a]), "1 answer outside its item's range was set aside as missing: line 17 pi01 = 99 (see `waves validate`)")
        let many = (1...7).map { SetAsideAnswer(line: 40 - $0, participant: "P", wave: "w1", instrument: "i", item: "pi02", value: 7) }
        XCTAssertEqual(SetAsideAnswer.note(many + [a]),
                       "8 answers outside their item's range were set aside as missing: line 17 pi01 = 99, line 33 pi02 = 7, line 34 pi02 = 7, line 35 pi02 = 7, line 36 pi02 = 7, … and 3 more (see `waves validate`)")
    }
}
