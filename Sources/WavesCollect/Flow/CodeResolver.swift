import Foundation
import WavesCore
import WavesSurvey

/// A participant let in by a code: who, which wave, and the code's hash (for the `used` event).
public struct Admission: Sendable, Equatable {
    public var participant: String
    public var wave: String
    public var codeHash: String
}

/// What a typed access code does.
public enum CodeOutcome: Sendable, Equatable {
    case admitted(Admission)
    /// Not 12 code characters: a typo, not counted as a failure.
    case malformed
    /// No code like it: counted as a failure.
    case unknown
    case replaced
    case otherWave
    case notOpenYet(CalendarDate)
    case closed
    case complete
    case notTakingPart
    /// Too many failures: wait this many seconds.
    case wait(TimeInterval)

    /// The sentence shown to whoever typed the code (names nobody).
    public var message: String? {
        switch self {
        case .admitted: return nil
        case .malformed: return KioskText.malformed
        case .unknown: return KioskText.unknown
        case .replaced: return KioskText.replaced
        case .otherWave: return KioskText.otherWave
        case .notOpenYet(let d): return KioskText.opensOn(d)
        case .closed: return KioskText.closed
        case .complete: return KioskText.complete
        case .notTakingPart: return KioskText.notTakingPart
        case .wait(let s): return KioskText.wait(s)
        }
    }
}

/// Turns a typed code into an admission, following the contract: a code opens exactly one
/// participant's one wave, while that wave's window is open, until the wave is complete;
/// a replaced code opens nothing. Only unknown codes count as failures (`gate`).
public struct CodeResolver: Sendable {
    public let bundle: StudyBundle
    /// Only codes for this wave (`waves kiosk --wave`).
    public let wave: String?

    public init(bundle: StudyBundle, wave: String?) { self.bundle = bundle; self.wave = wave }

    public func resolve(_ typed: String, gate: AttemptGate, now: Date) throws -> CodeOutcome {
        if let s = gate.waitBeforeAttempt() { return .wait(s) }
        guard let code = AccessCode(typed: typed) else { return .malformed }
        let log = InvitationLog(study: bundle.study)
        guard let secret = try log.secret(create: false) else { gate.recordFailure(); return .unknown }
        let book = try log.book()
        let live: InvitationBook.Live
        switch book.match(code, secret: secret) {
        case .unknown: gate.recordFailure(); return .unknown
        case .replaced: return .replaced
        case .live(let l): live = l
        }
        if let w = wave, live.wave != w { return .otherWave }
        guard let w = bundle.study.wave(live.wave), bundle.roster?.contains(live.participant) ?? false else { return .notTakingPart }
        let state = try CollectionState.load(bundle)
        if state.participation.exclusion(live.participant, at: w.id) != nil { return .notTakingPart }
        if state.progress.isComplete(live.participant, wave: w.id) { return .complete }
        switch state.window(w).state(at: now) {
        case .notYetOpen: return .notOpenYet(w.opens!)
        case .closed: return .closed
        case .open: return .admitted(Admission(participant: live.participant, wave: w.id, codeHash: live.codeHash))
        }
    }
}
