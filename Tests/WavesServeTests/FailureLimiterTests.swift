import Foundation
import XCTest
@testable import WavesServe

/// A clock the test moves by hand.
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var now = Date(timeIntervalSince1970: 1_800_000_000)
    func read() -> Date { lock.lock(); defer { lock.unlock() }; return now }
    func advance(_ seconds: TimeInterval) { lock.lock(); now += seconds; lock.unlock() }
}

/// Collects the limiter's events.
final class EventLog: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [FailureLimiter.Event] = []
    func add(_ e: FailureLimiter.Event) { lock.lock(); items.append(e); lock.unlock() }
    var all: [FailureLimiter.Event] { lock.lock(); defer { lock.unlock() }; return items }
}

final class FailureLimiterTests: XCTestCase {
    let clock = TestClock()
    let events = EventLog()

    func limiter(max: Int = 5, maxAddresses: Int = 10_000) -> FailureLimiter {
        FailureLimiter(maxFailures: max, maxAddresses: maxAddresses, clock: { [clock] in clock.read() },
                       onEvent: { [events] in events.add($0) })
    }

    func testFourFailuresAreFreeTheFifthBlocksForAMinute() {
        let l = limiter()
        for _ in 0..<4 {
            XCTAssertEqual(l.recordFailure(from: "198.51.100.7"), 0)
            clock.advance(5)
        }
        XCTAssertEqual(l.delay(for: "198.51.100.7"), 0)
        XCTAssertEqual(l.recordFailure(from: "198.51.100.7"), 60)
        XCTAssertEqual(l.delay(for: "198.51.100.7"), 60)
        clock.advance(45)
        XCTAssertEqual(l.delay(for: "198.51.100.7"), 15, accuracy: 1e-9)
        clock.advance(15)
        XCTAssertEqual(l.delay(for: "198.51.100.7"), 0)
        XCTAssertEqual(events.all.last, .blocked(address: "198.51.100.7", seconds: 60))
        XCTAssertEqual(events.all.filter { if case .failure = $0 { return true } else { return false } }.count, 5)
    }

    func testEachLaterBlockDoublesUpToTheCap() {
        let l = limiter()
        var blocks: [TimeInterval] = []
        for _ in 0..<8 {
            var wait: TimeInterval = 0
            for _ in 0..<5 { wait = l.recordFailure(from: "a") }
            blocks.append(wait)
            clock.advance(wait)
        }
        XCTAssertEqual(blocks, [60, 120, 240, 480, 960, 1920, 3600, 3600])
    }

    func testFailuresOlderThanTheWindowDoNotCount() {
        let l = limiter()
        for _ in 0..<4 { l.recordFailure(from: "a") }
        clock.advance(61)
        for _ in 0..<4 { XCTAssertEqual(l.recordFailure(from: "a"), 0) }
        XCTAssertEqual(l.delay(for: "a"), 0)
        XCTAssertEqual(events.all.last, .failure(address: "a", inLastMinute: 4))
    }

    func testAFailureWhileBlockedReportsTheRemainingWait() {
        let l = limiter(max: 2)
        l.recordFailure(from: "a")
        XCTAssertEqual(l.recordFailure(from: "a"), 60)
        clock.advance(10)
        XCTAssertEqual(l.recordFailure(from: "a"), 50, accuracy: 1e-9)
    }

    func testAddressesAreCountedApart() {
        let l = limiter(max: 1)
        XCTAssertEqual(l.recordFailure(from: "192.0.2.1"), 60)
        XCTAssertEqual(l.delay(for: "192.0.2.2"), 0)
        XCTAssertEqual(l.delay(for: "192.0.2.1"), 60)
    }

    func testIPv6IsCountedPerSlash64AndMappedIPv4AsIPv4() {
        XCTAssertEqual(FailureLimiter.key(for: "2001:db8::1"), "2001:db8:0:0::/64")
        XCTAssertEqual(FailureLimiter.key(for: "2001:db8::ffff:1"), FailureLimiter.key(for: "2001:db8:0:0:1:2:3:4"))
        XCTAssertNotEqual(FailureLimiter.key(for: "2001:db8:0:1::1"), FailureLimiter.key(for: "2001:db8::1"))
        XCTAssertEqual(FailureLimiter.key(for: "::ffff:192.0.2.9"), "192.0.2.9")
        XCTAssertEqual(FailureLimiter.key(for: "192.0.2.9"), "192.0.2.9")
        let l = limiter(max: 2)
        l.recordFailure(from: "2001:db8::1")
        XCTAssertEqual(l.recordFailure(from: "2001:db8::2"), 60, "a second address of the same /64 shares the count")
        XCTAssertEqual(l.delay(for: "2001:db8::99"), 60)
    }

    func testStrikesAreForgottenAfterADayWithoutFailures() {
        let l = limiter(max: 1)
        XCTAssertEqual(l.recordFailure(from: "a"), 60)
        clock.advance(60)
        XCTAssertEqual(l.recordFailure(from: "a"), 120)
        clock.advance(86_401)
        XCTAssertEqual(l.recordFailure(from: "a"), 60)
    }

    func testMemoryIsBounded() {
        let l = limiter(maxAddresses: 3)
        for i in 0..<50 { l.recordFailure(from: "192.0.2.\(i)"); clock.advance(1) }
        XCTAssertEqual(l.trackedAddresses, 3)
    }

    func testEvictionDropsUnblockedBeforeBlocked() {
        let l = limiter(max: 2, maxAddresses: 2)
        l.recordFailure(from: "guesser"); l.recordFailure(from: "guesser")   // blocked
        l.recordFailure(from: "typo1")                                         // one failure, not blocked
        l.recordFailure(from: "typo2")                                         // a third address: evict one
        XCTAssertEqual(l.trackedAddresses, 2)
        XCTAssertEqual(l.delay(for: "guesser"), 60, "the blocked address survived eviction")
    }
}
