import ArgumentParser
import Foundation
import Glibc
import WavesCollect
import WavesCore
import WavesServe
import WavesSurvey

/// `waves kiosk`: a shared terminal that participants walk up to (docs/collection.md).
struct KioskCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "kiosk",
        abstract: "Run a shared terminal: access code, consent, the wave's questionnaires, thanks, screen cleared, next.",
        discussion: """
        Participants type the access code from their invitation. Between participants the \
        screen and the scrollback are erased. Ctrl-C during a session keeps the answers in \
        the draft and returns to the code prompt; a session idle for --idle-minutes is \
        saved and closed. Typing `exit` at the code prompt asks for the PIN in --pin-file \
        (a file readable only by you, its first line the PIN).
        """)

    @OptionGroup var options: StudyOptions

    @Option(help: "Accept only codes for this wave.")
    var wave: String?

    @Option(name: .customLong("pin-file"), help: "A file (mode 0600) whose first line is the PIN that leaves the kiosk.")
    var pinFile: String

    @Option(name: .customLong("idle-minutes"), help: "Minutes without a key after which a session is saved and closed.")
    var idleMinutes: Double = 10

    @Option(name: .customLong("max-failures"), help: "Wrong codes or PINs a minute before the kiosk makes people wait.")
    var maxFailures: Int = 5

    @Flag(help: "Plain mode: one prompt per line, no screen control (screen readers).")
    var plain = false

    func validate() throws {
        guard idleMinutes > 0, idleMinutes.isFinite else { throw ValidationError("--idle-minutes must be a positive number") }
        guard maxFailures >= 1 else { throw ValidationError("--max-failures must be at least 1") }
    }

    func run() throws {
        signal(SIGPIPE, SIG_IGN)
        let bundle = try options.loadBundle()
        if let w = wave, bundle.study.wave(w) == nil {
            throw CollectError.unknownWave(wave: w, waves: bundle.study.waves.map(\.id))
        }
        let pin = try PinCheck.load(url: URL(fileURLWithPath: pinFile))
        let env = ProcessInfo.processInfo.environment
        let term = env["TERM"] ?? ""
        let interactive = !plain && isatty(STDIN_FILENO) == 1 && isatty(STDOUT_FILENO) == 1 && !term.isEmpty && term != "dumb"
        let limiter = FailureLimiter(maxFailures: maxFailures)
        var settings = FlowSettings(via: "kiosk", interactive: interactive, style: Style.detect(env),
                                    idleTimeout: idleMinutes * 60, wave: wave)
        let console: Console
        var terminal: TerminalConsole?
        if interactive {
            let t = TerminalConsole()
            for sig in [SIGHUP, SIGTERM, SIGINT, SIGQUIT, SIGABRT, SIGILL, SIGTRAP, SIGBUS, SIGSEGV, SIGFPE] {
                signal(sig, kioskRestoreAndDie)
            }
            try t.start()
            terminal = t
            console = t
        } else {
            // Keys that would stop the process from the keyboard do nothing: only the PIN leaves.
            for sig in [SIGINT, SIGQUIT, SIGTSTP] { signal(sig, SIG_IGN) }
            settings.echo = isatty(STDIN_FILENO) != 1
            if isatty(STDOUT_FILENO) != 1 { settings.clearSequence = "\n" }
            console = StreamConsole()
        }
        let flow = ParticipantFlow(bundle: bundle, console: console, gate: AttemptGate(limiter: limiter, key: "kiosk"), settings: settings)
        let loop = KioskLoop(flow: flow, pin: pin)
        let end = loop.run()
        terminal?.stop()
        let done = loop.outcomes.filter { if case .submitted = $0 { return true } else { return false } }.count
        let saved = loop.outcomes.filter { $0 == .saved || $0 == .idle }.count
        Output.out("Kiosk closed\(end == .inputClosed ? " (the terminal closed)" : ""): \(loop.outcomes.count) session(s), \(done) completed, \(saved) saved as drafts.")
        for p in flow.problems { Output.err("warning: \(SafeText.line(p))") }
    }
}

/// A signal in interactive mode: restore the terminal, then die of the same signal (drafts hold every answer).
private func kioskRestoreAndDie(_ sig: Int32) {
    TerminalConsole.restoreAfterSignal()
    signal(sig, SIG_DFL)
    raise(sig)
}
