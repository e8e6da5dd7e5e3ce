import Foundation

/// How `waves serve` listens and how long it waits.
public struct ServeConfiguration: Sendable {
    /// The address to listen on (`127.0.0.1` by default: reachable only from this machine,
    /// or through a firewall rule or SSH tunnel the evaluator sets up).
    public var host: String
    public var port: Int
    public var hostKey: HostKey
    /// A session is closed after this long without a key press (`--idle-minutes`, default 10).
    public var idleTimeout: TimeInterval = 600
    /// A connection without an interactive session is closed after this long (like sshd's
    /// `LoginGraceTime`; it also ends `ssh -N` connections that only wanted forwarding).
    public var loginGrace: TimeInterval = 60
    /// On SIGTERM, how long the flows get to save and return before their channels are closed.
    public var shutdownGrace: TimeInterval = 5
    /// Sessions running at once; more are refused with a sentence (each holds a thread).
    public var maxSessions: Int = 100
    /// TCP connections open at once (sessions, and clients still negotiating); more are closed
    /// at once, so a flood of idle connections cannot exhaust the server's descriptors.
    public var maxConnections: Int = 400

    public init(host: String = "127.0.0.1", port: Int = 2222, hostKey: HostKey) {
        self.host = host; self.port = port; self.hostKey = hostKey
    }

    /// Reads `--listen`: `HOST:PORT`, `[IPv6]:PORT`, or `:PORT` / `PORT` alone (host 127.0.0.1).
    /// Port 0 asks the system for a free port (tests).
    public static func parseListen(_ text: String) throws -> (host: String, port: Int) {
        let s = text.trimmingCharacters(in: .whitespaces)
        var host = "127.0.0.1"
        var portText = s
        if s.hasPrefix("[") {
            guard let close = s.firstIndex(of: "]"), s[s.index(after: close)...].hasPrefix(":") else {
                throw ServeError.badListenAddress(text)
            }
            host = String(s[s.index(after: s.startIndex)..<close])
            portText = String(s[s.index(close, offsetBy: 2)...])
        } else if let colon = s.lastIndex(of: ":") {
            let h = String(s[..<colon])
            guard !h.contains(":") else { throw ServeError.badListenAddress(text) }
            if !h.isEmpty { host = h }
            portText = String(s[s.index(after: colon)...])
        }
        guard !host.isEmpty, let port = Int(portText), (0...65535).contains(port) else {
            throw ServeError.badListenAddress(text)
        }
        return (host, port)
    }
}
