import Foundation

/// Why a session's input ended (the reason goes into the log and picks the closing sentence).
public enum SessionEnd: String, Sendable, Equatable {
    /// The participant's client closed the channel or the connection.
    case closedByClient = "closed by the participant"
    /// No key for the idle timeout.
    case idle = "idle timeout"
    /// The server is shutting down (SIGTERM).
    case shutdown = "server shutting down"
    /// The client stopped reading what the server sent (output stalled).
    case stalled = "client stopped reading"
}

/// The bytes a participant types, queued by the network thread and taken by the flow's
/// thread, which blocks until something arrives.
///
/// Also carries the two events that wake a waiting reader: a window-size change and the end
/// of the session. The idle timeout is measured from the last byte received; it only runs
/// out while the flow waits for input. At most `maxPending` unread bytes are kept (more than
/// anyone types; a client that floods loses the excess rather than the server's memory).
final class SessionInput: @unchecked Sendable {
    enum Item: Equatable {
        case bytes([UInt8])
        case resize
        /// The caller's short wait (for the rest of an escape sequence) ran out.
        case timeout
        case ended(SessionEnd)
    }

    let idleTimeout: TimeInterval
    let maxPending: Int
    private let condition = NSCondition()
    private var pending: [UInt8] = []
    private var resized = false
    private var endReason: SessionEnd?
    private var lastInput: Date

    init(idleTimeout: TimeInterval, maxPending: Int = 64 * 1024) {
        self.idleTimeout = idleTimeout; self.maxPending = maxPending
        lastInput = Date()
    }

    /// Bytes from the channel (network thread).
    func feed<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        condition.lock()
        if endReason == nil {
            pending.append(contentsOf: bytes.prefix(max(0, maxPending - pending.count)))
            lastInput = Date()
            condition.broadcast()
        }
        condition.unlock()
    }

    /// The window size changed (network thread).
    func signalResize() {
        condition.lock(); resized = true; condition.broadcast(); condition.unlock()
    }

    /// Ends the session; the first reason given is kept. Wakes every waiting reader.
    func end(_ reason: SessionEnd) {
        condition.lock()
        if endReason == nil { endReason = reason }
        condition.broadcast()
        condition.unlock()
    }

    var ended: SessionEnd? { condition.lock(); defer { condition.unlock() }; return endReason }

    /// Waits for the next item. With `within`, waits at most that long and returns `.timeout`;
    /// without it, waits until input, a resize, or the end (the idle timeout ends the session).
    /// After the client closed, bytes it sent before closing are still delivered first.
    func next(within: TimeInterval? = nil) -> Item {
        condition.lock(); defer { condition.unlock() }
        let shortDeadline = within.map { Date().addingTimeInterval($0) }
        while true {
            if let reason = endReason, reason != .closedByClient || pending.isEmpty { return .ended(reason) }
            if resized { resized = false; return .resize }
            if !pending.isEmpty {
                let out = pending
                pending.removeAll(keepingCapacity: true)
                return .bytes(out)
            }
            let now = Date()
            if let d = shortDeadline {
                if now >= d { return .timeout }
                _ = condition.wait(until: d)
                continue
            }
            let idleDeadline = lastInput.addingTimeInterval(idleTimeout)
            if now >= idleDeadline {
                endReason = .idle
                continue
            }
            _ = condition.wait(until: idleDeadline)
        }
    }
}
