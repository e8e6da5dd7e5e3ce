import Foundation
import XCTest
@testable import WavesCollect

final class LimiterTests: XCTestCase {
    let t0 = instant("2026-03-02T09:00:00Z")
    func at(_ s: TimeInterval) -> Date { t0.addingTimeInterval(s) }

    func testFiveFailuresAMinuteThenAGrowingDelay() {
        let l = AttemptLimiter()
        for i in 0..<4 { l.recordFailure(key: "a", now: at(Double(i))); XCTAssertNil(l.waitBeforeAttempt(key: "a", now: at(Double(i)))) }
        l.recordFailure(key: "a", now: at(4))
        XCTAssertEqual(l.waitBeforeAttempt(key: "a", now: at(4))!, 30, accuracy: 1e-9)
        XCTAssertEqual(l.waitBeforeAttempt(key: "a", now: at(20))!, 14, accuracy: 1e-9)
        XCTAssertNil(l.waitBeforeAttempt(key: "a", now: at(34)))
        // Another failure while the last minute still holds five: the delay doubles.
        l.recordFailure(key: "a", now: at(35))
        XCTAssertEqual(l.waitBeforeAttempt(key: "a", now: at(35))!, 60, accuracy: 1e-9)
        l.recordFailure(key: "a", now: at(96))   // the minute before holds only this one failure
        XCTAssertNil(l.waitBeforeAttempt(key: "a", now: at(96)))
        // Other keys (other addresses) are not affected.
        XCTAssertNil(l.waitBeforeAttempt(key: "b", now: at(5)))
    }

    func testDelaysGrowToTheCapAndAreForgottenAfterAQuietHour() {
        let l = AttemptLimiter(maxFailures: 1, baseDelay: 30, maxDelay: 3600)
        var t: TimeInterval = 0
        var delays: [TimeInterval] = []
        for _ in 0..<10 {
            l.recordFailure(key: "a", now: at(t))
            let d = l.waitBeforeAttempt(key: "a", now: at(t))!
            delays.append(d)
            t += d
        }
        XCTAssertEqual(delays, [30, 60, 120, 240, 480, 960, 1920, 3600, 3600, 3600])
        t += 3601
        l.recordFailure(key: "a", now: at(t))
        XCTAssertEqual(l.waitBeforeAttempt(key: "a", now: at(t))!, 30, accuracy: 1e-9, "strikes forgotten")
    }

    func testGatesShareTheirLimiterAndAreSafeAcrossThreads() {
        let l = AttemptLimiter(maxFailures: 1000)
        let g = l.gate(for: "kiosk")
        let t0 = self.t0
        DispatchQueue.concurrentPerform(iterations: 999) { _ in g.recordFailure(now: t0) }
        XCTAssertNil(g.waitBeforeAttempt(now: t0))
        l.recordFailure(key: "kiosk", now: t0)
        XCTAssertNotNil(g.waitBeforeAttempt(now: t0), "the 1000th failure, counted from both sides, blocks")
    }
}
