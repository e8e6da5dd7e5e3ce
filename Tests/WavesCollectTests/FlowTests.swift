import Foundation
import WavesCore
import WavesServe
import WavesSurvey
import XCTest
@testable import WavesCollect

/// The participant flow and the kiosk loop on a scripted console, with a hand-moved clock.
final class FlowTests: XCTestCase {
    var study: TestStudy!
    var clock: TestClock!
    var codes: [String: AccessCode] = [:]
    let style = Style(colors: false, unicode: true)
    let pin = PinCheck(pin: "4711")

    override func setUpWithError() throws {
        study = TestStudy(w1Window: ("2026-03-02", "2026-03-20"))
        clock = TestClock(instant("2026-03-05T09:00:00Z"))
        codes = try study.invite(at: clock.now)
    }
    override func tearDown() { study.remove() }

    typealias S = ScriptedTimedConsole
    var exitKiosk: [S.Step] { S.typed("exit") + S.typed("4711") }

    func flow(_ console: S, interactive: Bool = true, wave: String? = nil, limiter: FailureLimiter? = nil,
              bundle: StudyBundle? = nil) -> ParticipantFlow {
        ParticipantFlow(bundle: bundle ?? study.bundle, console: console, gate: AttemptGate(limiter: limiter ?? FailureLimiter(clock: clock.function), key: "kiosk"),
                        settings: FlowSettings(via: "kiosk", interactive: interactive, style: style, idleTimeout: 600, wave: wave),
                        clock: clock.function)
    }

    func kiosk(_ steps: [S.Step], interactive: Bool = true, limiter: FailureLimiter? = nil) -> (KioskLoop.End, S, KioskLoop) {
        let c = S(steps)
        let loop = KioskLoop(flow: flow(c, interactive: interactive, limiter: limiter), pin: pin, clock: clock.function)
        let end = loop.run()
        XCTAssertEqual(c.remaining, 0, "the whole script was used")
        return (end, c, loop)
    }

    /// Nobody's id or name appears on any screen.
    func assertAnonymous(_ output: String, file: StaticString = #filePath, line: UInt = #line) {
        let text = plainText(output)
        for secret in ["P001", "P002", "Ana", "p1@example.org"] {
            XCTAssertFalse(text.contains(secret), "a screen shows \(secret)", file: file, line: line)
        }
    }

    func testWrongThenRightCodeAnswersThanksClearsAndLeavesWithThePIN() throws {
        let steps: [S.Step] = S.typed("ZZZZ-ZZZZ-ZZZZ") + S.typed(codes["P001"]!.formatted.lowercased())
            + [.key(.enter), .key(.character("4")), .key(.character("2")), .key(.enter)]   // intro, s1 = 4, s2 = 2, submit
            + [.key(.enter)]                                                                 // leave the thanks screen
            + exitKiosk
        let (end, c, loop) = kiosk(steps)
        XCTAssertEqual(end, .pin)
        XCTAssertEqual(loop.outcomes, [.submitted(records: 1)])
        let records = try study.records()
        XCTAssertEqual(records.count, 1)
        XCTAssertEqual(records[0].participant, "P001")
        XCTAssertEqual(records[0].via, "kiosk")
        XCTAssertEqual(records[0].answer("s1"), .number(4))
        XCTAssertEqual(records[0].answer("s2"), .number(2))
        let text = plainText(c.output)
        XCTAssertTrue(text.contains("This code does not open a survey"), text)
        XCTAssertTrue(text.contains("Thank you. Your answers are recorded."))
        // After the thanks: screen and scrollback erased, keys typed ahead dropped, the prompt again.
        let afterThanks = c.output.components(separatedBy: "Thank you. Your answers are recorded.").last!
        XCTAssertTrue(afterThanks.contains(FlowSettings.clearScreenAndScrollback), "cleared")
        XCTAssertTrue(plainText(afterThanks.components(separatedBy: FlowSettings.clearScreenAndScrollback)[1]).contains("Access code:"))
        XCTAssertGreaterThanOrEqual(c.discards, 2)
        assertAnonymous(c.output)
        let used = try InvitationLog(study: study.bundle.study).read().filter { $0.event == .used }
        XCTAssertEqual(used.map(\.participant), ["P001"])
        // The code's wave is now complete: the same code opens nothing.
        let again = kiosk(S.typed(codes["P001"]!.formatted) + exitKiosk)
        XCTAssertTrue(plainText(again.1.output).contains("Your answers to this survey are already recorded."))
    }

    func testCtrlCKeepsTheDraftAndTheResumeOfferNamesNobody() throws {
        let code = codes["P002"]!.formatted
        let (_, c1, loop1) = kiosk(S.typed(code) + [.key(.enter), .key(.character("5")), .key(.interrupt)] + exitKiosk)
        XCTAssertEqual(loop1.outcomes, [.saved])
        XCTAssertTrue(plainText(c1.output).contains("The answers so far are saved."))
        XCTAssertEqual(try study.records().count, 0)
        let draft = try DraftStore(directory: study.bundle.study.draftsURL).load(participant: "P002", wave: "w1", instrument: "short")
        XCTAssertNotNil(draft)
        // Back with the same code: the resume offer, then the rest.
        let (_, c2, loop2) = kiosk(S.typed(code) + [.key(.character("y")), .key(.character("1")), .key(.enter), .key(.enter)] + exitKiosk)
        XCTAssertEqual(loop2.outcomes, [.submitted(records: 1)])
        XCTAssertTrue(plainText(c2.output).contains("Resume where you left off?"))
        let r = try study.records()
        XCTAssertEqual(r.first?.answer("s1"), .number(5))
        XCTAssertEqual(r.first?.answer("s2"), .number(1))
        assertAnonymous(c1.output + c2.output)
    }

    func testAnIdleSessionIsSavedAndClosed() throws {
        let (_, c, loop) = kiosk(S.typed(codes["P001"]!.formatted) + [.key(.enter), .key(.character("3")), .idle] + exitKiosk)
        XCTAssertEqual(loop.outcomes, [.idle])
        XCTAssertNotNil(try DraftStore(directory: study.bundle.study.draftsURL).load(participant: "P001", wave: "w1", instrument: "short"))
        XCTAssertTrue(plainText(c.output).contains("closed because nothing was typed"))
        XCTAssertEqual(try study.records().count, 0)
    }

    func testCodesOutsideWhatTheyOpen() throws {
        // Before the window, after it, a replaced code, another wave's code at a one-wave kiosk.
        clock = TestClock(instant("2026-03-01T09:00:00Z"))
        var out = plainText(kiosk(S.typed(codes["P001"]!.formatted) + exitKiosk).1.output)
        XCTAssertTrue(out.contains("This survey opens on 2 March 2026."), out)
        clock = TestClock(instant("2026-03-21T00:00:01Z"))
        out = plainText(kiosk(S.typed(codes["P001"]!.formatted) + exitKiosk).1.output)
        XCTAssertTrue(out.contains("This survey has closed."), out)
        clock = TestClock(instant("2026-03-05T09:00:00Z"))
        let fresh = try study.invite(participants: ["P001"], at: clock.now)
        out = plainText(kiosk(S.typed(codes["P001"]!.formatted) + exitKiosk).1.output)
        XCTAssertTrue(out.contains("This code has been replaced"), out)
        let w2 = try study.invite("w2", at: clock.now)
        let c = S(S.typed(w2["P001"]!.formatted) + exitKiosk)
        _ = KioskLoop(flow: flow(c, wave: "w1"), pin: pin, clock: clock.function).run()
        XCTAssertTrue(plainText(c.output).contains("This code is for another part of the survey"), plainText(c.output))
        _ = fresh
    }

    func testFailedCodesAreRateLimited() throws {
        let limiter = FailureLimiter(clock: clock.function)
        var steps: [S.Step] = []
        for i in 0..<5 { steps += S.typed("ZZZZ-ZZZZ-ZZZ\(i)") }
        steps += S.typed(codes["P001"]!.formatted)   // refused while blocked, without being checked
        steps += exitKiosk
        let (_, c, loop) = kiosk(steps, limiter: limiter)
        XCTAssertTrue(plainText(c.output).contains("Too many codes did not work. Please wait 60 seconds"), plainText(c.output))
        XCTAssertEqual(loop.outcomes, [], "the right code did not open anything while blocked")
        XCTAssertEqual(try InvitationLog(study: study.bundle.study).read().filter { $0.event == .used }.count, 0)
        // The PIN was also refused while blocked, so the script's exit did not leave: it ended with the input.
        clock.advance(61)
        let later = kiosk(S.typed(codes["P001"]!.formatted) + [.key(.character("q"))] + exitKiosk, limiter: limiter)
        XCTAssertEqual(later.2.outcomes, [.saved])
        // Typos (not 12 code characters) are not counted.
        let typos = FailureLimiter(maxFailures: 2, clock: clock.function)
        let t = kiosk((0..<5).flatMap { _ in S.typed("ABC") } + exitKiosk, limiter: typos)
        XCTAssertEqual(t.0, .pin)
        XCTAssertTrue(plainText(t.1.output).contains("That does not look like an access code"))
    }

    func testWrongPINsCountAsFailures() {
        let limiter = FailureLimiter(maxFailures: 2, clock: clock.function)
        let (end, c, _) = kiosk(S.typed("exit") + S.typed("0000") + S.typed("exit") + S.typed("1111")
                                + S.typed("exit") + [.key(.escape)], limiter: limiter)
        XCTAssertEqual(end, .inputClosed)
        let text = plainText(c.output)
        XCTAssertTrue(text.contains("That is not the PIN."))
        XCTAssertTrue(text.contains("Please wait 60 seconds"), "after two wrong PINs even exit must wait: \(text)")
        let afterBlock = text.components(separatedBy: "Please wait 60 seconds").dropFirst().joined()
        XCTAssertFalse(afterBlock.contains("Evaluator's PIN"), "the PIN is not asked while blocked")
    }

    func testConsentIsAskedOnceAndADeclineIsFinal() throws {
        study.remove()
        study = TestStudy(consent: "# Consent\n\nYou may stop at any time.\n", w1Window: ("2026-03-02", "2026-03-20"))
        codes = try study.invite(at: clock.now)
        let (_, c, loop) = kiosk(S.typed(codes["P001"]!.formatted) + [.key(.character("a")), .key(.enter), .key(.character("4")),
                                                                       .key(.character("4")), .key(.enter), .key(.enter)]
                                 + S.typed(codes["P002"]!.formatted) + [.key(.character("d")), .key(.character("x")), .key(.character("d")),
                                                                        .key(.character("d")), .key(.enter)]
                                 + S.typed(codes["P002"]!.formatted) + exitKiosk)
        XCTAssertEqual(loop.outcomes, [.submitted(records: 1), .declined])
        let text = plainText(c.output)
        XCTAssertTrue(text.contains("You may stop at any time."))
        XCTAssertTrue(text.contains("Press d again to confirm"))
        XCTAssertTrue(text.contains("You will not be asked to take part in this study again."))
        XCTAssertTrue(text.contains("This code can no longer be used."), "a declined participant's code opens nothing")
        let log = try ConsentLog(study: study.bundle.study).read()
        let sha = try XCTUnwrap(ConsentText.load(study.bundle.study)).sha256
        XCTAssertEqual(log.map(\.decision), [.agree, .decline])
        XCTAssertEqual(log.map(\.participant), ["P001", "P002"])
        XCTAssertTrue(log.allSatisfy { $0.consentSHA256 == sha && $0.via == "kiosk" && $0.wave == "w1" })
        assertAnonymous(c.output)
        // The declined participant is not invited again.
        let plan = try InvitationPlanner.plan(.invite, state: try CollectionState.load(study.bundle), wave: "w2", participants: nil,
                                              reissue: false, now: clock.now)
        XCTAssertEqual(plan.items.map(\.participant), ["P001"])
        XCTAssertTrue(plan.skipped.contains { $0.participant == "P002" && $0.reason.contains("declined") })
        // A new version of the text is asked again at the next wave; the old agreement does not cover it.
        try "# Consent\n\nChanged.\n".write(to: study.dir.appendingPathComponent("consent.md"), atomically: true, encoding: .utf8)
        let w2 = try study.invite("w2", at: clock.now)
        let (_, c2, _) = kiosk(S.typed(w2["P001"]!.formatted) + [.key(.character("q"))] + exitKiosk)
        XCTAssertTrue(plainText(c2.output).contains("Changed."))
    }

    func testPlainModeAndARemoteSession() throws {
        let c = S([.line("zzzz"), .line(codes["P001"]!.formatted), .line(""), .line("5"), .line("5"), .line("y"), .line("")])
        let f = ParticipantFlow(bundle: study.bundle, console: c, gate: AttemptGate(limiter: FailureLimiter(clock: clock.function), key: "10.0.0.1"),
                                settings: FlowSettings(via: "ssh", interactive: false, style: style, idleTimeout: 600), clock: clock.function)
        XCTAssertEqual(f.runRemote(), .session(.submitted(records: 1)))
        let r = try study.records()
        XCTAssertEqual(r.first?.via, "ssh")
        XCTAssertEqual(r.first?.mode, "plain")
        XCTAssertTrue(c.output.contains("That does not look like an access code"))
        XCTAssertTrue(c.output.contains("Thank you. Your answers are recorded."))
        XCTAssertFalse(c.output.contains("\u{1B}"), "plain mode sends no escape codes during the session")
        assertAnonymous(c.output)
    }

    func testASecondSessionForTheSameParticipantIsRefused() throws {
        let dataFolder = study.dir.appendingPathComponent("data")
        let held = try XCTUnwrap(SessionLock.acquire(dataFolder: dataFolder, participant: "P001", wave: "w1"))
        let c = S(S.typed(codes["P001"]!.formatted) + exitKiosk)
        let loop = KioskLoop(flow: flow(c), pin: pin, clock: clock.function)
        _ = loop.run()
        XCTAssertEqual(loop.outcomes, [.inUse])
        XCTAssertTrue(plainText(c.output).contains("being used in another session"))
        held.release()
        XCTAssertNotNil(try SessionLock.acquire(dataFolder: dataFolder, participant: "P001", wave: "w1"))
    }

    func testPumpedConsoleTimesOutAndEnds() {
        let scripted = ScriptedConsole(keys: [.character("a"), .enter])
        let p = PumpedConsole(scripted, unit: .keys)
        guard case .value(.character("a")) = p.readKey(timeout: 5) else { return XCTFail("first key") }
        guard case .value(.enter) = p.readKey(timeout: 5) else { return XCTFail("second key") }
        guard case .closed = p.readKey(timeout: 5) else { return XCTFail("end of script") }
        // A console that never answers: the read times out.
        final class Silent: Console {
            let s = DispatchSemaphore(value: 0)
            func readKey() -> Key? { s.wait(); return nil }
            func readLine() -> String? { s.wait(); return nil }
            func write(_ text: String) {}
            var size: TerminalSize { .standard }
        }
        let silent = Silent()
        let q = PumpedConsole(silent, unit: .lines)
        guard case .timedOut = q.readLine(timeout: 0.05) else { return XCTFail("timed out") }
        silent.s.signal()
        guard case .closed = q.readLine(timeout: 5) else { return XCTFail("closed") }
    }
}
