import Foundation
import WavesSurvey

/// What a participant's SSH session runs: the seam between the transport (`WavesServe`)
/// and whatever asks the questions (the kiosk's code → consent → instruments → thanks loop,
/// or the rehearsal stand-in).
///
/// The server calls `run` once per interactive session, on a thread of its own, after the
/// client asked for a pseudo-terminal and a shell. The console behaves like a terminal in
/// raw mode that `TerminalConsole.start()` has already prepared (alternate screen, hidden
/// cursor; the server restores both when `run` returns):
///
/// - `readKey` blocks until the participant presses a key; a window-size change arrives as
///   `Key.resize` (redraw with `clear`); it returns nil when the session is over: the
///   participant closed the connection, the session was idle too long, or the server is
///   shutting down. Every later read returns nil too. Treat nil exactly as a closed local
///   terminal (the survey keeps its draft) and return promptly.
/// - `readLine` edits a line by keys with echo (as a cooked terminal would) and returns nil
///   on Ctrl-C, Ctrl-D or the end of the session.
/// - `write` sends text as it is, except that a lone `\n` goes out as `\r\n` when the client's
///   terminal asked for `onlcr` (it does by default), so plain sentences print correctly.
///   Neutralise untrusted text with `SafeText` first, as for any console.
///
/// Failed access codes must be reported to `limiter` (`recordFailure(from: peer.address)`),
/// and the flow must check `limiter.delay(for: peer.address)` before asking for a code:
/// when it is positive, tell the participant to wait that long and return. The flow never
/// logs or writes a code anywhere; the server logs only how the session ended.
///
/// `run` must not call `exit`; it may throw nothing, so a flow reports a failure to the
/// participant on the console and returns `RemoteSessionOutcome` for the log.
public protocol RemoteSessionFlow: Sendable {
    /// Runs one participant's session to its end; the returned outcome goes into the log
    /// (it never holds a code or an answer).
    func run(console: Console, peer: PeerInfo, limiter: FailureLimiter) -> RemoteSessionOutcome
}

/// Who is on the other end of a session, as far as the transport knows.
///
/// Deliberately without the SSH user name: it is whatever the participant typed before `@`,
/// which may be their access code, so it is neither passed on nor logged.
public struct PeerInfo: Sendable, Equatable {
    /// The client's IP address (no port): the key of the failure limiter.
    public var address: String
    /// The client's TCP port.
    public var port: Int
    /// A number for this session, unique while the server runs (for log lines).
    public var session: Int
    /// `TERM` from the client's pseudo-terminal request (e.g. `xterm-256color`).
    public var term: String
    /// The harmless environment variables the client sent and the server accepted
    /// (`LANG`, `LC_ALL`, `LC_CTYPE`, `NO_COLOR`): enough for `Style.detect`.
    public var environment: [String: String]
    /// How the participant reached Waves, for the records' `via` (always `ssh` here).
    public var via: String

    public init(address: String, port: Int, session: Int, term: String, environment: [String: String], via: String = "ssh") {
        self.address = address; self.port = port; self.session = session
        self.term = term; self.environment = environment; self.via = via
    }
}

/// How a flow ended, in words safe for the log (no code, no answer, no participant id).
public struct RemoteSessionOutcome: Sendable, Equatable, CustomStringConvertible {
    public var summary: String
    public init(_ summary: String) { self.summary = summary }
    public var description: String { summary }

    /// Every planned instrument was submitted.
    public static let completed = RemoteSessionOutcome("completed")
    /// The participant left (or the session ended) before submitting; answers are in a draft.
    public static let leftWithDraft = RemoteSessionOutcome("left, draft kept")
    /// The participant left before answering anything.
    public static let leftEmpty = RemoteSessionOutcome("left before answering")
    /// No valid code was given.
    public static let noCode = RemoteSessionOutcome("no valid code")
    /// The address was told to wait after too many failed codes.
    public static let rateLimited = RemoteSessionOutcome("told to wait (too many failed codes)")
}
