import Foundation
import WavesCore

/// The shared terminal (`waves kiosk`): code prompt → consent → the wave's instruments →
/// thanks → screen and scrollback erased → code prompt, until the evaluator types `exit`
/// and the PIN, or the terminal closes.
///
/// The prompt screen may carry one sentence about the last session ("saved", "closed
/// because nothing was typed"), never whose it was. Wrong PINs count as failures at the
/// same gate as wrong codes.
public final class KioskLoop {
    public enum End: Sendable, Equatable { case pin, inputClosed }

    public let flow: ParticipantFlow
    public let pin: PinCheck
    let clock: @Sendable () -> Date
    /// Sessions run, by outcome (for the closing summary; no ids).
    public private(set) var outcomes: [SessionOutcome] = []

    public init(flow: ParticipantFlow, pin: PinCheck, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.flow = flow; self.pin = pin; self.clock = clock
    }

    public func run() -> End {
        flow.clear()
        var notice: String?
        while true {
            switch flow.promptForCode(notice: notice, allowExit: true) {
            case .closed:
                return .inputClosed
            case .exit:
                if let s = flow.gate.waitBeforeAttempt() { notice = KioskText.wait(s); continue }
                switch flow.readPIN() {
                case .closed: return .inputClosed
                case .back: notice = nil
                case .typed(let typed):
                    if pin.matches(typed) { flow.clear(); return .pin }
                    flow.gate.recordFailure()
                    notice = KioskText.wrongPIN
                }
                flow.clear()
            case .admitted(let a):
                let outcome = flow.runSession(a)
                outcomes.append(outcome)
                switch outcome {
                case .submitted: flow.showThanks(); notice = nil
                case .saved: notice = KioskText.saved
                case .idle: notice = KioskText.idle
                case .declined: notice = nil
                case .inUse: notice = KioskText.inUse
                case .failed: notice = KioskText.problem
                case .inputClosed: return .inputClosed
                }
                flow.clear()
            }
        }
    }
}
