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
