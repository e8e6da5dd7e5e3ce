import Foundation
import WavesCore
import WavesSurvey

/// How a collection flow behaves: who it says the records came through, which front end,
/// the idle limit, and what clears the screen between participants.
public struct FlowSettings: Sendable {
    /// The records' `via`: `kiosk`, `ssh`.
    public var via: String
    /// Interactive screens (raw keys) or plain lines.
    public var interactive: Bool
    public var style: Style
    /// Seconds without a key after which a participant's session is saved and closed (nil: never).
    public var idleTimeout: TimeInterval?
    /// Seconds the thanks screen stays up without a key.
    public var thanksTimeout: TimeInterval
    /// Accept only codes for this wave.
    public var wave: String?
    /// Plain mode: echo the lines read (input that is not a terminal).
    public var echo: Bool
    /// Written between participants: erase the screen, then the scrollback (`ESC[3J`: xterm,
    /// tmux, VTE), and home the cursor. Some terminals push an erased screen into the
    /// scrollback, so the scrollback is erased after the screen.
    public var clearSequence: String
    /// End the session (instead of showing the wait on the code prompt) once the gate
    /// blocks: `waves serve`, where the block belongs to the source address.
    public var endWhenLimited = false

    public static let clearScreenAndScrollback = "\u{1B}[H\u{1B}[2J\u{1B}[3J\u{1B}[H"

    public init(via: String, interactive: Bool, style: Style, idleTimeout: TimeInterval? = 600, thanksTimeout: TimeInterval = 20,
                wave: String? = nil, echo: Bool = false, clearSequence: String = FlowSettings.clearScreenAndScrollback) {
        self.via = via; self.interactive = interactive; self.style = style; self.idleTimeout = idleTimeout
        self.thanksTimeout = thanksTimeout; self.wave = wave; self.echo = echo; self.clearSequence = clearSequence
    }
}

/// How one participant's session ended.
public enum SessionOutcome: Sendable, Equatable {
    /// Every remaining instrument was submitted (`records` new records).
    case submitted(records: Int)
    /// The participant left (q, Ctrl-C); answers so far are in the draft.
    case saved
    /// Nothing was typed for the idle limit; answers so far are in the draft.
    case idle
    case declined
    /// The terminal or channel closed.
    case inputClosed
    /// Another session holds this participant's wave.
    case inUse
    /// A log, the store or a draft could not be written (the reason is for the operator).
    case failed(String)
}

/// The participant's side of data collection on any `Console`: the access-code prompt,
/// consent, the wave's remaining instruments (through `SurveyAdministration`), thanks.
///
/// The kiosk runs it in a loop (`KioskLoop`); `waves serve` runs `runRemote()` once per
/// SSH session on that session's thread. Failed codes go to the injected `AttemptGate`;
/// every time comes from the injected clock; the idle limit uses the console's timed reads
/// (a `PumpedConsole` is put around a console that has none).
public final class ParticipantFlow {
    public let bundle: StudyBundle
    public let gate: AttemptGate
    public let settings: FlowSettings
    let clock: @Sendable () -> Date
    let input: Console & TimedInput
    let resolver: CodeResolver
    /// What went wrong, for the operator (never shown to participants in full; no codes).
    public private(set) var problems: [String] = []

    public init(bundle: StudyBundle, console: Console, gate: AttemptGate, settings: FlowSettings,
                clock: @escaping @Sendable () -> Date = { Date() }) {
        self.bundle = bundle; self.gate = gate; self.settings = settings; self.clock = clock
        if let timed = console as? Console & TimedInput { input = timed }
        else { input = PumpedConsole(console, unit: settings.interactive ? .keys : .lines) }
        resolver = CodeResolver(bundle: bundle, wave: settings.wave)
    }

    public enum Prompt: Sendable, Equatable { case admitted(Admission), exit, closed }

    private var title: String { bundle.study.title }

    private func draw(body: [ScreenLine], hints: [String], clear: Bool) {
        let layout = KioskLayout(size: input.size, style: settings.style)
        let (frame, _) = layout.screen(title: title, body: body, hints: hints)
        input.write(frame.rendered(size: input.size, style: settings.style, clear: clear))
    }

    private func say(_ s: String) { input.write(s + "\n") }

    /// Asks for an access code until one admits a participant (or `exit` is typed, when
    /// allowed, or the input closes). Refusals are shown on the prompt screen.
    public func promptForCode(notice: String?, allowExit: Bool) -> Prompt {
        var notice = notice
        while true {
            let typed: String
            switch readCode(notice: notice) {
            case .closed, .timedOut: return .closed
            case .value(let t): typed = t
            }
            if typed.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            if allowExit && typed.trimmingCharacters(in: .whitespaces).lowercased() == "exit" { return .exit }
            do {
                let outcome = try resolver.resolve(typed, gate: gate, now: clock())
                if case .admitted(let a) = outcome { return .admitted(a) }
                // Over SSH a blocked address is told to wait and the session ends (runRemote).
                if settings.endWhenLimited && gate.waitBeforeAttempt() != nil { return .closed }
                notice = outcome.message
            } catch {
                problems.append(error.localizedDescription)
                notice = KioskText.problem
            }
        }
    }

    private func readCode(notice: String?) -> TimedRead<String> {
        guard settings.interactive else {
            if let n = notice { say(n) }
            input.write(KioskText.welcome + "\n" + KioskText.codeLabel)
            let r = input.readLine(timeout: nil)
            if settings.echo, case .value(let l) = r { say("> " + SafeText.line(l)) }
            return r
        }
        var typed = ""
        var clear = true
        while true {
            let layout = KioskLayout(size: input.size, style: settings.style)
            var body = layout.wrap(KioskText.welcome)
            body.append(ScreenLine(""))
            body.append(ScreenLine(layout.margin + KioskText.codeLabel + SafeText.line(typed) + "_", .bold))
            if let n = notice { body.append(ScreenLine("")); body += layout.wrap(n, kind: .warning) }
            draw(body: body, hints: ["Enter: continue", "Backspace: correct"], clear: clear)
            clear = false
            switch input.readKey(timeout: nil) {
            case .closed, .timedOut: return .closed
            case .value(let key):
                switch key {
                case .enter: return .value(typed)
                case .character(let c): if typed.count < 40 { typed.append(c) }
                case .backspace: if !typed.isEmpty { typed.removeLast() }
                case .interrupt, .escape: typed = ""
                case .resize: clear = true
                default: break
                }
            }
        }
    }

    public enum PIN: Sendable, Equatable { case typed(String), back, closed }

    /// Reads the evaluator's PIN, shown as stars.
    public func readPIN() -> PIN {
        guard settings.interactive else {
            input.write(KioskText.pinLabel)
            switch input.readLine(timeout: 60) {
            case .value(let l): if settings.echo { say("> " + String(repeating: "*", count: l.count)) }; return .typed(l)
            case .timedOut: say(""); return .back
            case .closed: return .closed
            }
        }
        var typed = ""
        while true {
            let layout = KioskLayout(size: input.size, style: settings.style)
            var body = [ScreenLine(layout.margin + KioskText.pinLabel, .bold)]
            body.append(ScreenLine(layout.margin + String(repeating: "*", count: typed.count) + "_", .bold))
            draw(body: body, hints: ["Enter: leave the kiosk", "Esc: back"], clear: false)
            switch input.readKey(timeout: 60) {
            case .closed: return .closed
            case .timedOut: return .back
            case .value(let key):
                switch key {
                case .enter: return .typed(typed)
                case .character(let c): if typed.count < 64 { typed.append(c) }
                case .backspace: if !typed.isEmpty { typed.removeLast() }
                case .escape, .interrupt: return .back
                default: break
                }
            }
        }
    }

    /// Consent and the wave's remaining instruments for an admitted participant.
    public func runSession(_ a: Admission) -> SessionOutcome {
        let study = bundle.study
        let dataFolder = study.directory.appendingPathComponent("data", isDirectory: true)
        let lock: SessionLock
        do {
            guard let l = try SessionLock.acquire(dataFolder: dataFolder, participant: a.participant, wave: a.wave) else { return .inUse }
            lock = l
        } catch { return fail(error) }
        defer { lock.release() }
        do {
            try InvitationLog(study: study).append([InvitationEvent(participant: a.participant, wave: a.wave, event: .used,
                                                                    at: Timestamp.string(clock()), codeHash: a.codeHash)])
        } catch { return fail(error) }
        let console = IdleConsole(input, timeout: settings.idleTimeout)
        func ended() -> SessionOutcome? { console.idled ? .idle : (console.closed ? .inputClosed : nil) }
        do {
            let decision = try TakeChecks.consent(bundle: bundle, participant: a.participant, wave: a.wave, console: console,
                                                  interactive: settings.interactive, style: settings.style, echo: settings.echo,
                                                  via: settings.via, now: clock)
            if let e = ended() { return e }
            switch decision {
            case .left: return .saved
            case .declined: showMessage(KioskText.declined); return .declined
            case .agreed: break
            }
            var plan = try TakePlan.make(bundle: bundle, participant: a.participant, wave: a.wave)
            let progress = try WaveProgress.load(bundle)
            let done = progress.submitted(a.participant, wave: a.wave)
            // Only what is still missing: a participant is never asked about, or shown, an earlier submission.
            plan.instruments = plan.instruments.filter { !done.contains($0.id) }
            guard !plan.instruments.isEmpty else { return .submitted(records: 0) }
            let frontEnd: SurveyFrontEnd = settings.interactive
                ? InteractiveFrontEnd(console: console, style: settings.style)
                : PlainFrontEnd(console: console, echo: settings.echo)
            let admin = SurveyAdministration(plan: plan, frontEnd: frontEnd, clock: clock)
            admin.via = settings.via
            let result = try admin.run()
            if let e = ended() { return e }
            return result.finished ? .submitted(records: result.submitted.count) : .saved
        } catch {
            return fail(error)
        }
    }

    private func fail(_ error: Error) -> SessionOutcome {
        let why = error.localizedDescription
        problems.append(why)
        return .failed(why)
    }

    /// A message screen that stays until a key is pressed or `thanksTimeout` passes.
    public func showMessage(_ text: String) {
        if settings.interactive {
            let layout = KioskLayout(size: input.size, style: settings.style)
            draw(body: layout.wrap(text, kind: .accent), hints: ["Enter: finish"], clear: true)
            _ = input.readKey(timeout: settings.thanksTimeout)
        } else {
            say(text + " Press Enter to finish.")
            _ = input.readLine(timeout: settings.thanksTimeout)
        }
    }

    public func showThanks() { showMessage(KioskText.thanks) }

    /// Erases the screen and the scrollback and drops keys typed ahead.
    public func clear() {
        input.write(settings.clearSequence)
        input.discardPending()
    }

    /// One remote participant (`waves serve`): codes until one admits, the session, thanks.
    /// With `endWhenLimited`, a blocked address is told to wait and the session ends (the
    /// server's sessions are cheap to open again; keeping them would hold a connection).
    public func runRemote() -> RemoteResult {
        var notice: String?
        while true {
            if let s = gate.waitBeforeAttempt() {
                showMessage(KioskText.wait(s) + " " + KioskText.reconnect)
                return .limited
            }
            switch promptForCode(notice: notice, allowExit: false) {
            case .closed, .exit:
                if let s = gate.waitBeforeAttempt() {
                    showMessage(KioskText.wait(s) + " " + KioskText.reconnect)
                    return .limited
                }
                return .noCode
            case .admitted(let a):
                let outcome = runSession(a)
                switch outcome {
                case .submitted: showThanks(); return .session(outcome)
                case .inUse: notice = KioskText.inUse
                default: return .session(outcome)
                }
            }
        }
    }

    /// How a remote session ended.
    public enum RemoteResult: Sendable, Equatable {
        /// No code admitted anyone before the session ended.
        case noCode
        /// The address was told to wait (too many failed codes).
        case limited
        /// A participant was admitted; how their session ended.
        case session(SessionOutcome)
    }
}
