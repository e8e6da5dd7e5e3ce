import XCTest
import WavesCore
@testable import WavesSurvey

/// The survey takes its answer validity from WavesCore's `AnswerRules` (one rule everywhere).
final class AnswerRulesSurveyTests: XCTestCase {
    let hours = Item(id: "hours", type: .number, text: "Hours")

    /// A participant cannot type 1e308 into a number item without bounds (issue 12 item 2).
    func testUnboundedNumberItemRefusesHugeValues() {
        XCTAssertEqual(AnswerRules.parseNumber("1e308", for: hours),
                       .failure(NumberRefusal(message: "1e+308 is too large; please type a number from -1000000000 to 1000000000.")))
        XCTAssertEqual(AnswerRules.parseNumber("120", for: hours), .success(120))
        XCTAssertEqual(AnswerRules.refusal(.number(1e19), for: hours), "1e+19 is too large; please type a number from -1000000000 to 1000000000.")
        XCTAssertNil(AnswerRules.refusal(.number(1e9), for: hours))
    }

    func testRefusalsMatchTheSharedRule() {
        let set = ResponseSet(id: "a", options: [ResponseOption(value: 1, label: "A"), ResponseOption(value: 2, label: "B")], allowDecline: false)
        let likert = Item(id: "q", type: .likert, text: "Q", responseSet: set)
        for v in [0.0, 1, 2, 3, 1.5, .nan] {
            XCTAssertEqual(AnswerRules.refusal(.number(v), for: likert) == nil, AnswerRules.problem(.number(v), for: likert) == nil, "\(v)")
        }
        XCTAssertEqual(AnswerRules.refusal(.missing, for: likert), "Please choose one of the options.")
        XCTAssertEqual(AnswerRules.refusal(.text("x"), for: likert), "Please choose one of the options.")
    }
}
