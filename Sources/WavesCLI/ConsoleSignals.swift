import Foundation
import Glibc
import WavesSurvey

// What the handlers say: set before any handler is installed, read only by them.
nonisolated(unsafe) private var stopSentence: StaticString = ""
nonisolated(unsafe) private var crashSentence: StaticString = ""

/// Signals while a participant (`waves take`) or a coder (`waves code`) is at the console.
///
/// Every answer or decision is already on disk when a signal arrives (drafts are saved after
/// each change, coding decisions appended at once), so every way out only has to restore the
/// terminal and say so in one calm sentence on standard error:
///
/// - SIGHUP, SIGTERM, SIGINT (a kill; in raw mode Ctrl-C is a key) and SIGQUIT (Ctrl-\ in plain
///   mode): terminal restored, the sentence, then the process ends. HUP, TERM and INT end by
///   the signal itself (exit status 128 + n in a shell); QUIT ends with `_exit(131)`, the status
///   a shell shows for it, because dying of SIGQUIT writes a core file, and a core file of a
///   survey holds a participant's answers.
/// - Crash signals (SIGILL and SIGTRAP are Swift's runtime traps; SIGABRT, SIGBUS, SIGSEGV,
///   SIGFPE): terminal restored, a sentence saying Waves stopped because of an internal error,
///   `_exit(128 + n)`, again without a core file.
/// - SIGPIPE is ignored: a closed output is a failed write, handled where it happens.
///
/// Installing these handlers replaces the Swift runtime's backtracer (which handles SIGQUIT and
/// the crash signals, and prints "Program crashed" with source paths and registers, then waits
/// for a key on a terminal), so no backtrace reaches a participant's screen. Before `install`
/// runs (argument parsing), the backtracer is still active: kiosk and server set-ups also set
/// `SWIFT_BACKTRACE=enable=no` in the environment (docs/survey.md).
///
/// Plain-mode Ctrl-C keeps its own handler (`leaveOnInterrupt`, exit 130) in `TakeCommand`.
enum ConsoleSignals {
    enum Who { case participant, coder }

    static let stopping: [Int32] = [SIGHUP, SIGTERM, SIGINT, SIGQUIT]
    static let crashing: [Int32] = [SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGSEGV, SIGFPE]

    /// Installs the handlers (call first thing in `run`, before the terminal is put in raw mode).
    static func install(for who: Who) {
        switch who {
        case .participant:
            stopSentence = "\nYour answers so far are saved. To continue, run the same command again.\n"
            crashSentence = "\nWaves stopped because of an internal error. Your answers so far are saved. To continue, run the same command again.\n"
        case .coder:
            stopSentence = "\nEvery decision made so far is saved. To continue, run the same command again.\n"
            crashSentence = "\nWaves stopped because of an internal error. Every decision made so far is saved. To continue, run the same command again.\n"
        }
        signal(SIGPIPE, SIG_IGN)
        for sig in stopping { signal(sig, consoleStopped) }
        for sig in crashing { signal(sig, consoleCrashed) }
    }
}

/// Async-signal-safe: `write`, `tcsetattr` (inside `restoreAfterSignal`), `signal`, `raise`, `_exit`.
private func say(_ s: StaticString) {
    s.withUTF8Buffer { b in _ = Glibc.write(STDERR_FILENO, b.baseAddress, b.count) }
}

private func consoleStopped(_ sig: Int32) {
    TerminalConsole.restoreAfterSignal()
    say(stopSentence)
    if sig == SIGQUIT { _exit(128 + SIGQUIT) }
    signal(sig, SIG_DFL)
    raise(sig)
}

private func consoleCrashed(_ sig: Int32) {
    TerminalConsole.restoreAfterSignal()
    say(crashSentence)
    _exit(128 + sig)
}
