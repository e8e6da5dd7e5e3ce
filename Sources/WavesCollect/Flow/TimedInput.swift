import Foundation
import WavesSurvey

/// The result of a read that may time out.
public enum TimedRead<Value: Sendable>: Sendable {
    case value(Value)
    case timedOut
    /// The input ended (terminal closed, channel closed, end of a script).
    case closed
}

/// Input that can be read with a time limit, so an idle participant's session can be
/// saved and closed. `nil` timeout waits without limit.
public protocol TimedInput: AnyObject {
    func readKey(timeout: TimeInterval?) -> TimedRead<Key>
    func readLine(timeout: TimeInterval?) -> TimedRead<String>
    /// Forgets input typed ahead (between participants, nobody's keys reach the next person).
    func discardPending()
}

/// Any `Console` with reads that time out: a thread reads the console and queues what it
/// reads; readers wait on the queue with a deadline.
///
/// `Console` reads block (a terminal, an SSH channel), and the protocol has no timeout;
/// a reader thread per console is the one way to add one without changing every console.
/// The thread calls only the console's read method (`readKey` for `.keys`, `readLine` for
/// `.lines`); `write` and `size` are called by the session's thread, so the console must
/// allow a read and a write at the same time (descriptors, channels and `ScriptedConsole` do).
public final class PumpedConsole: Console, TimedInput, @unchecked Sendable {
    public enum Unit: Sendable { case keys, lines }

    private let inner: Console
    public let unit: Unit
    private let condition = NSCondition()
    private var keys: [Key] = []
    private var lines: [String] = []
    private var ended = false
    private var started = false

    public init(_ inner: Console, unit: Unit) { self.inner = inner; self.unit = unit }

    private func startIfNeeded() {
        condition.lock()
        defer { condition.unlock() }
        guard !started else { return }
        started = true
        Thread.detachNewThread { [self] in pump() }
    }

    private func pump() {
        while true {
            switch unit {
            case .keys:
                let k = inner.readKey()
                condition.lock()
                if let k { keys.append(k) } else { ended = true }
                condition.broadcast()
                condition.unlock()
                if k == nil { return }
            case .lines:
                let l = inner.readLine()
                condition.lock()
                if let l { lines.append(l) } else { ended = true }
                condition.broadcast()
                condition.unlock()
                if l == nil { return }
            }
        }
    }

    /// Waits until `take` finds something, the input ends, or the deadline passes.
    private func wait<T: Sendable>(_ timeout: TimeInterval?, _ take: () -> T?) -> TimedRead<T> {
        startIfNeeded()
        let deadline = timeout.map { Date().addingTimeInterval($0) }
        condition.lock()
        defer { condition.unlock() }
        while true {
            if let v = take() { return .value(v) }
            if ended { return .closed }
            if let d = deadline {
                if !condition.wait(until: d), Date() >= d {
                    if let v = take() { return .value(v) }
                    return ended ? .closed : .timedOut
                }
            } else {
                condition.wait()
            }
        }
    }

    public func readKey(timeout: TimeInterval?) -> TimedRead<Key> {
        wait(timeout) { () -> Key? in
            switch unit {
            case .keys: return keys.isEmpty ? nil : keys.removeFirst()
            case .lines:
                guard !lines.isEmpty else { return nil }
                let l = lines.removeFirst()
                return l.first.map { .character($0) } ?? .enter
            }
        }
    }

    public func readLine(timeout: TimeInterval?) -> TimedRead<String> {
        switch unit {
        case .lines:
            return wait(timeout) { () -> String? in lines.isEmpty ? nil : lines.removeFirst() }
        case .keys:
            // Composed from keys, echoing as a terminal in raw mode needs.
            var line = ""
            while true {
                switch readKey(timeout: timeout) {
                case .timedOut: return .timedOut
                case .closed: return .closed
                case .value(let k):
                    switch k {
                    case .enter: write("\r\n"); return .value(line)
                    case .character(let c): line.append(c); write(String(c))
                    case .backspace: if !line.isEmpty { line.removeLast(); write("\u{8} \u{8}") }
                    case .interrupt, .endOfInput: return .closed
                    default: break
                    }
                }
            }
        }
    }

    public func discardPending() {
        condition.lock()
        keys.removeAll(); lines.removeAll()
        condition.unlock()
    }

    // Console: blocking reads without a limit.
    public func readKey() -> Key? {
        if case .value(let k) = readKey(timeout: nil) { return k }
        return nil
    }
    public func readLine() -> String? {
        if case .value(let l) = readLine(timeout: nil) { return l }
        return nil
    }
    public func write(_ text: String) { inner.write(text) }
    public var size: TerminalSize { inner.size }
}

/// A `Console` for one participant's session that ends the session when nothing is typed
/// for `timeout` seconds: the survey then sees Ctrl-C (interactive) or the end of input
/// (plain), and saves the draft as it does whenever a participant leaves.
final class IdleConsole: Console {
    let base: Console & TimedInput
    let timeout: TimeInterval?
    private(set) var idled = false
    private(set) var closed = false

    init(_ base: Console & TimedInput, timeout: TimeInterval?) { self.base = base; self.timeout = timeout }

    func readKey() -> Key? {
        if idled { return .interrupt }
        if closed { return nil }
        switch base.readKey(timeout: timeout) {
        case .value(let k): return k
        case .timedOut: idled = true; return .interrupt
        case .closed: closed = true; return nil
        }
    }

    func readLine() -> String? {
        if idled || closed { return nil }
        switch base.readLine(timeout: timeout) {
        case .value(let l): return l
        case .timedOut: idled = true; return nil
        case .closed: closed = true; return nil
        }
    }

    func write(_ text: String) { base.write(text) }
    var size: TerminalSize { base.size }
}
