import XCTest
@testable import WavesSurvey

final class SurveyBenchmarkTests: XCTestCase {
    /// The benchmark goes through the whole instrument to the submission and measures every key.
    func testKeyToRedrawBenchmarkRuns() {
        let r = SurveyBenchmark.keyToRedraw(items: 24, rounds: 2)
        // 1 begin + 8 digit items + 16 x 3 arrow keys + 4 x 2 Left/Right + 5 review keys, per round.
        XCTAssertEqual(r.keys, 2 * (1 + 8 + 48 + 8 + 5))
        XCTAssertGreaterThan(r.bytesPerFrame, 500)
        XCTAssertLessThan(r.bytesPerFrame, 4000)
        // No wall-clock assertion here (speed is measured by `make bench`, not by tests).
    }

    func testScriptSubmitsTheInstrument() {
        var c = InteractiveController(session: SurveySession(instrument: SurveyBenchmark.instrument(items: 24), role: "mentee", wave: "w1"),
                                      heading: SurveyHeading(studyTitle: "B"), style: Style(colors: true, unicode: true))
        for k in SurveyBenchmark.script(items: 24) { c.handle(k) }
        XCTAssertEqual(c.session.outcome, .submitted)
        XCTAssertEqual(c.session.recordAnswers.answers.count, 24)
    }
}
