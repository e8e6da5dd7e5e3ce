import XCTest
@testable import WavesCore
@testable import WavesSurvey

/// `timings` and `duration_ms`: time per item screen summed over visits, duration from the first item.
final class ScreenTimerTests: XCTestCase {
    func testTimeIsSummedOverVisitsAndTheDurationStartsAtTheFirstItem() {
        var t = ScreenTimer()
        let t0 = Date(timeIntervalSince1970: 1_000_000)
        t.observe(.intro, at: t0)                                   // 5 s on the intro: not an item
        t.observe(.item("a"), at: t0 + 5)
        t.observe(.item("b"), at: t0 + 7.25)                        // a: 2.25 s
        t.observe(.item("a"), at: t0 + 8)                           // b: 0.75 s; back to a
        t.observe(.review, at: t0 + 9)                              // a: +1 s
        XCTAssertEqual(t.finish(at: t0 + 12), 7000, "from the first item (t0 + 5) to submission")
        XCTAssertEqual(t.timings.map(\.id), ["a", "b"])
        XCTAssertEqual(t.timings.map(\.ms), [3250, 750])
    }

    func testNoItemShownHasNoDurationAndAClockGoingBackCountsZero() {
        var t = ScreenTimer()
        let t0 = Date(timeIntervalSince1970: 1_000_000)
        t.observe(.intro, at: t0)
        XCTAssertNil(t.finish(at: t0 + 3))
        var u = ScreenTimer()
        u.observe(.item("a"), at: t0)
        u.observe(.review, at: t0 - 10)
        XCTAssertEqual(u.timings.map(\.ms), [0])
        XCTAssertEqual(u.finish(at: t0 - 10), 0)
    }
}

/// "Don't know" in the session: offered only with `allow_dont_know`, counts as a response,
/// stored as null with the item in `dontKnowItems`, kept through a draft.
final class DontKnowSessionTests: XCTestCase {
    func instrument() throws -> Instrument {
        try InstrumentLoader.load(data: Data("""
        format: waves.instrument/1
        id: dk
        version: 1.0.0
        title: DK
        response_sets:
          a3:
            options: [{value: 1, label: No}, {value: 2, label: Maybe}, {value: 3, label: Yes}]
            allow_dont_know: true
          plain:
            options: [{value: 1, label: No}, {value: 2, label: Yes}]
        items:
          - {id: q1, text: One, response: a3, required: true}
          - {id: q2, text: Two, response: plain}
        """.utf8), displayPath: "dk.yaml")
    }

    func testDontKnowIsOfferedOnlyWhereAllowedAndStoredAsMissing() throws {
        let inst = try instrument()
        XCTAssertTrue(inst.item("q1")!.allowsDontKnow)
        var s = SurveySession(instrument: inst, role: nil, wave: "w1")
        s.perform(.begin)
        XCTAssertEqual(s.perform(.dontKnow), .accepted, "a required item accepts Don't know")
        XCTAssertEqual(s.response("q1"), .dontKnow)
        XCTAssertEqual(s.perform(.dontKnow), .refused("\"Don't know\" is not offered for this question."))
        s.perform(.option(2))
        XCTAssertEqual(s.perform(.submit), .accepted)
        XCTAssertEqual(s.recordAnswers.answers.map(\.value), [.missing, .number(2)])
        XCTAssertEqual(s.recordAnswers.declined, [])
        XCTAssertEqual(s.dontKnowItems, ["q1"])
        // Through a draft and back.
        let d = Draft(study: "s", participant: "P", role: nil, wave: "w1", instrument: InstrumentRef(id: "dk", version: "1.0.0", sha256: inst.sha256),
                      startedAt: "t", updatedAt: "t", mode: "plain", position: .review, responses: ["q1": .dontKnow])
        XCTAssertEqual(try Draft(json: d.json()).responses["q1"], .dontKnow)
    }
}
