import Foundation
import WavesCore
import WavesServe
import WavesSurvey
import XCTest
@testable import WavesCollect

/// The one limiter behind every front door (`AttemptGate` over `FailureLimiter`), and a
/// fuzz-style test of code input: random bytes never crash, never admit anyone, and every
/// answer is one of the two sentences that name nobody.
final class CodeInputTests: XCTestCase {
    var study: TestStudy!
    var clock: TestClock!
    var codes: [String: AccessCode] = [:]

    override func setUpWithError() throws {
        study = TestStudy(w1Window: ("2026-03-02", "2026-03-20"))
        clock = TestClock(instant("2026-03-05T09:00:00Z"))
        codes = try study.invite(at: clock.now)
    }
    override func tearDown() { study.remove() }

    func testGatesOfOneKeyShareTheCountAndOtherKeysDoNot() {
        let limiter = FailureLimiter(maxFailures: 3, clock: clock.function)
        let a1 = AttemptGate(limiter: limiter, key: "192.0.2.1"), a2 = AttemptGate(limiter: limiter, key: "192.0.2.1")
        let b = AttemptGate(limiter: limiter, key: "192.0.2.2")
        a1.recordFailure(); a2.recordFailure()
        XCTAssertNil(a1.waitBeforeAttempt())
        a2.recordFailure()
        XCTAssertEqual(a1.waitBeforeAttempt() ?? 0, 60, accuracy: 1e-9, "two sessions from one address share the count")
        XCTAssertNil(b.waitBeforeAttempt(), "another address is not affected")
        clock.advance(61)
        XCTAssertNil(a1.waitBeforeAttempt())
    }

    func testAWrongCodeIsCountedAndABlockedGateChecksNothing() throws {
        let limiter = FailureLimiter(maxFailures: 2, clock: clock.function)
        let gate = AttemptGate(limiter: limiter, key: "kiosk")
        let resolver = CodeResolver(bundle: study.bundle, wave: nil)
        XCTAssertEqual(try resolver.resolve("ZZZZ-ZZZZ-ZZZZ", gate: gate, now: clock.now), .unknown)
        XCTAssertEqual(try resolver.resolve("ZZZZ-ZZZZ-ZZZY", gate: gate, now: clock.now), .unknown)
        // Blocked: even the right code is not looked at.
        guard case .wait = try resolver.resolve(codes["P001"]!.formatted, gate: gate, now: clock.now) else {
            return XCTFail("a blocked gate must answer with a wait")
        }
        clock.advance(61)
        guard case .admitted(let a) = try resolver.resolve(codes["P001"]!.formatted.lowercased(), gate: gate, now: clock.now) else {
            return XCTFail("the right code admits once the block is over")
        }
        XCTAssertEqual(a.participant, "P001")
    }

    /// 3000 random inputs (random bytes decoded leniently, random strings over the code
    /// alphabet and look-alikes, dashes and spaces): each is malformed or unknown, and the
    /// sentences shown are the two fixed ones, so nothing tells whether a participant exists.
    func testRandomInputNeverCrashesNeverAdmitsAndNamesNobody() throws {
        let limiter = FailureLimiter(maxFailures: 1_000_000, clock: clock.function)
        let gate = AttemptGate(limiter: limiter, key: "fuzz")
        let resolver = CodeResolver(bundle: study.bundle, wave: nil)
        var rng = SeededGenerator(state: 20261201)
        let codeish = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZabcdefghjkmnpqrstvwxyzOoIiLl- \t")
        var seen: Set<String> = []
        for i in 0..<3000 {
            let typed: String
            if i % 2 == 0 {
                let n = Int(rng.next() % 40)
                typed = String(decoding: (0..<n).map { _ in UInt8(truncatingIfNeeded: rng.next()) }, as: UTF8.self)
            } else {
                let n = 10 + Int(rng.next() % 8)
                typed = String((0..<n).map { _ in codeish[Int(rng.next() % UInt64(codeish.count))] })
            }
            let outcome = try resolver.resolve(typed, gate: gate, now: clock.now)
            switch outcome {
            case .malformed, .unknown: break
            default: XCTFail("random input \(typed.debugDescription) gave \(outcome)")
            }
            seen.insert(outcome.message ?? "")
            // Normalisation itself is total: a result is always 12 characters of the alphabet.
            if let n = AccessCode.normalize(typed) {
                XCTAssertEqual(n.count, 12)
                XCTAssertTrue(n.allSatisfy { AccessCode.alphabet.contains($0) })
            }
        }
        XCTAssertEqual(seen, [KioskText.malformed, KioskText.unknown])
        for s in seen { for p in ["P001", "P002", "P003"] { XCTAssertFalse(s.contains(p)) } }
    }

    func testTheRemoteOutcomeForTheLogNamesNoOne() {
        let all: [ParticipantFlow.RemoteResult] = [.noCode, .limited, .session(.submitted(records: 2)), .session(.submitted(records: 0)),
                                                   .session(.saved), .session(.idle), .session(.declined), .session(.inputClosed),
                                                   .session(.inUse), .session(.failed("cannot write /study/data/drafts/P001"))]
        let words = all.map { AccessCodeFlow.outcome($0).summary }
        XCTAssertEqual(words[0], "no valid code")
        XCTAssertEqual(words[2], "completed")
        XCTAssertEqual(words[6], "declined consent")
        XCTAssertFalse(words.contains { $0.contains("P001") || $0.contains("/study") })
    }
}
