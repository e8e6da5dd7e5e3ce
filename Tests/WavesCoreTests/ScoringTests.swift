import XCTest
@testable import WavesCore

final class ScoringTests: XCTestCase {
    let set5 = ResponseSet(id: "a5", options: (1...5).map { ResponseOption(value: Double($0), label: "\($0)") }, allowDecline: true)

    func instrument(rule: ScoreRule = .mean, minAnswered: Double = 1) -> Instrument {
        Instrument(id: "x", version: "1", title: "X", responseSets: [set5],
                   items: [Item(id: "a", type: .likert, text: "A", responseSet: set5),
                           Item(id: "b", type: .likert, text: "B", responseSet: set5, reverse: true),
                           Item(id: "c", type: .likert, text: "C", responseSet: set5),
                           Item(id: "d", type: .likert, text: "D", responseSet: set5)],
                   scales: [Scale(id: "s", label: "S", items: ["a", "b", "c", "d"], score: rule, minAnswered: minAnswered)],
                   sha256: "", path: "x.yaml")
    }

    func score(_ inst: Instrument, _ answers: [String: Answer]) -> ScaleScore {
        Scoring.score(inst.scales[0], in: inst) { answers[$0] }
    }

    func testReverseKeyUsesMinPlusMax() {
        let inst = instrument()
        XCTAssertEqual(Scoring.scoredValue(inst.items[1], .number(2)), 4)
        XCTAssertEqual(Scoring.scoredValue(inst.items[0], .number(2)), 2)
        XCTAssertNil(Scoring.scoredValue(inst.items[0], .missing))
        XCTAssertNil(Scoring.scoredValue(inst.items[0], nil))
    }

    func testMeanOfAllItems() {
        let s = score(instrument(), ["a": .number(4), "b": .number(2), "c": .number(5), "d": .number(3)])
        XCTAssertEqual(s.score!, (4 + 4 + 5 + 3) / 4.0, accuracy: 1e-12)
        XCTAssertEqual(s.answered, 4)
        XCTAssertEqual(s.k, 4)
    }

    func testProratingWithMinAnswered() {
        let inst = instrument(minAnswered: 0.75)
        let three = score(inst, ["a": .number(4), "b": .number(1), "c": .missing])
        XCTAssertNil(three.score, "2 of 4 answered is below 0.75")
        XCTAssertEqual(three.answered, 2)
        let ok = score(inst, ["a": .number(4), "b": .number(1), "c": .number(3)])
        XCTAssertEqual(ok.score!, (4 + 5 + 3) / 3.0, accuracy: 1e-12)
    }

    func testSumIsProratedMeanTimesK() {
        let inst = instrument(rule: .sum, minAnswered: 0.5)
        let s = score(inst, ["a": .number(4), "c": .number(2)])
        XCTAssertEqual(s.score!, 3.0 * 4, accuracy: 1e-12)
    }

    func testNothingAnsweredGivesNoScore() {
        XCTAssertNil(score(instrument(minAnswered: 0), [:]).score)
    }

    /// `answers(byItemOf:)` gives `answer(item.id)` for every item, on records whose answers
    /// come in order, shuffled, repeated (the first counts), unknown or missing, and for an
    /// instrument whose item ids repeat.
    func testAnswersByItemAreTheAnswersAskedOneByOne() {
        var inst = instrument()
        let ids = ["a", "b", "c", "d", "zz", "q"]
        let values: [Answer] = [.number(1), .number(2), .number(5), .missing, .text("t")]
        var g = SystemRandomNumberGenerator()
        for round in 0..<4000 {
            if round == 2000 {
                inst.items.append(Item(id: "b", type: .likert, text: "B again", responseSet: set5))
                XCTAssertFalse(inst.itemIDsAreDistinct)
            }
            var answers = (0..<Int.random(in: 0...8, using: &g)).map { _ in (id: ids.randomElement(using: &g)!, value: values.randomElement(using: &g)!) }
            if round % 3 == 0 { answers = inst.items.map { (id: $0.id, value: values.randomElement(using: &g)!) } }
            let r = ResponseRecord(study: "s", participant: "P", role: nil, wave: "w1", instrument: InstrumentRef(id: "x", version: "1", sha256: ""),
                                   startedAt: nil, submittedAt: "2026-01-01T00:00:00Z", mode: "terminal", answers: answers)
            XCTAssertEqual(r.answers(byItemOf: inst), inst.items.map { r.answer($0.id) }, "\(answers)")
        }
    }
}

final class ConditionTests: XCTestCase {
    func eval(_ text: String, role: String = "mentee", wave: String = "w2", _ answers: [String: Answer] = [:]) throws -> Bool {
        try ConditionParser.parse(text).evaluate(ConditionContext(role: role, wave: wave, waveOrder: ["w1", "w2", "w3"], answers: answers))
    }

    func testComparisonsAndLogic() throws {
        XCTAssertTrue(try eval("role == 'mentee'"))
        XCTAssertFalse(try eval("role == 'peer-mentor'"))
        XCTAssertTrue(try eval("role != 'peer-mentor' and wave == 'w2'"))
        XCTAssertTrue(try eval("wave >= 'w2'"), "waves compare by their order in the study")
        XCTAssertFalse(try eval("wave > 'w2'"))
        XCTAssertTrue(try eval("q1 >= 4 or q2 == 'yes'", ["q1": .number(4)]))
        XCTAssertFalse(try eval("q1 >= 4", ["q1": .number(3)]))
        XCTAssertTrue(try eval("not (q1 < 2) and (role == 'x' or wave == 'w2')", ["q1": .number(3)]))
        XCTAssertTrue(try eval("q2 == 'yes'", ["q2": .text("yes")]))
    }

    func testUnansweredItemMakesComparisonFalse() throws {
        XCTAssertFalse(try eval("q1 == 1"))
        XCTAssertFalse(try eval("q1 != 1"))
        XCTAssertTrue(try eval("not q1 == 1"))
    }

    func testPrecedenceAndBindsTighterThanOr() throws {
        XCTAssertTrue(try eval("role == 'mentee' or role == 'x' and wave == 'w9'"))
        XCTAssertFalse(try eval("(role == 'mentee' or role == 'x') and wave == 'w9'"))
    }

    func testSyntaxErrorsNameTheColumn() {
        func col(_ s: String) -> Int? { do { _ = try ConditionParser.parse(s); return nil } catch let e as ConditionSyntaxError { return e.column } catch { return nil } }
        XCTAssertEqual(col("role = 'x'"), 6)
        XCTAssertEqual(col("role == 'x"), 9)
        XCTAssertEqual(col("(role == 'x'"), 13)
        XCTAssertEqual(col("role == 'x' and"), 16)
        XCTAssertEqual(col("role == \"x\""), 9)
        XCTAssertEqual(col(""), 1)
    }
}

final class CSVReaderTests: XCTestCase {
    func testRFC4180() throws {
        let rows = try CSVReader.parse("a,b,c\r\n1,\"x, y\",\"say \"\"hi\"\"\"\n2,\"multi\nline\",\n\n3,,z")
        XCTAssertEqual(rows.map(\.fields), [["a", "b", "c"], ["1", "x, y", "say \"hi\""], ["2", "multi\nline", ""], ["3", "", "z"]])
        XCTAssertEqual(rows.map(\.line), [1, 2, 3, 6])
    }

    func testUnclosedQuoteIsAnErrorWithItsLine() {
        XCTAssertThrowsError(try CSVReader.parse("a,b\n1,\"open\n2,3\n")) { e in
            XCTAssertEqual((e as? CSVReader.SyntaxError)?.line, 2)
        }
    }

    func testEscapeRoundTrip() throws {
        let fields = ["plain", "with,comma", "quote\"d", "line\nbreak", "é中"]
        XCTAssertEqual(try CSVReader.parse(CSVWriter.line(fields)).first?.fields, fields)
    }
}
