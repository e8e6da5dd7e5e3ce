import Foundation
import WavesCore

/// The server's log: one line per event, `2026-03-01T10:03:12Z conn 4 198.51.100.7:52144 session 1: ended (completed; closed by the participant) after 312 s`.
///
/// What is logged: connections (address, port), sessions (start, how they ended, how long),
/// every refusal (exec, subsystems, a shell without a pseudo-terminal, port forwarding,
/// environment variable names), failed-code counts and blocks per address, shutdown.
/// What is never logged: the SSH user name (participants may type their code there), an exec
/// command line, environment values, codes, participant ids and answers. Anything taken from
/// the client is passed through `SafeText.line` and cut to 60 characters.
///
/// The library only formats lines; the command decides where they go (`waves serve` writes
/// them to stderr, so a service manager's journal or a shell redirection keeps them).
public struct ServeLog: Sendable {
    let sink: @Sendable (String) -> Void
    let clock: @Sendable () -> Date

    public init(clock: @escaping @Sendable () -> Date = { Date() }, sink: @escaping @Sendable (String) -> Void) {
        self.sink = sink; self.clock = clock
    }

    /// A log that drops everything.
    public static let silent = ServeLog { _ in }

    func record(_ message: String) {
        let ts = ISO8601DateFormatter.string(from: clock(), timeZone: TimeZone(identifier: "UTC")!,
                                             formatOptions: [.withInternetDateTime])
        sink(ts + " " + message)
    }

    /// A value sent by the client, made safe and short for a log line.
    static func clientText(_ s: String, limit: Int = 60) -> String {
        let safe = SafeText.line(s)
        return safe.count > limit ? String(safe.prefix(limit)) + "…" : safe
    }

    /// A line for a failure-limiter event.
    func record(_ event: FailureLimiter.Event) {
        switch event {
        case .failure(let address, let n): record("\(address): failed code (\(n) in the last minute)")
        case .blocked(let address, let s): record("\(address): told to wait \(s) s after too many failed codes")
        }
    }
}

extension FailureLimiter {
    /// A limiter whose failures and blocks go to the server's log.
    public convenience init(maxFailures: Int, log: ServeLog) {
        self.init(maxFailures: maxFailures, onEvent: { log.record($0) })
    }
}
