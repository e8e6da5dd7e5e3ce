import Foundation

/// Where failed access codes (and failed PINs) are counted: the kiosk passes a local
/// limiter's gate, `waves serve` one per source address.
public protocol AttemptGate: AnyObject, Sendable {
    /// Seconds to wait before another attempt is allowed, or nil when one is allowed now.
    func waitBeforeAttempt(now: Date) -> TimeInterval?
    /// Counts one failed attempt.
    func recordFailure(now: Date)
}

/// Failed attempts per key (a kiosk, a source address), with a growing delay.
///
/// Rule: up to `maxFailures` failures within any 60 seconds are free. The failure that
/// reaches the limit is a *strike* and blocks the key for `baseDelay × 2^(strikes − 1)`
/// seconds, at most `maxDelay`; every further failure while the last minute still holds
/// `maxFailures` failures is another strike. Strikes are forgotten after an hour without a
/// failure. With the defaults (5 a minute, 30 s doubling to one hour) a guesser gets
/// about 5 + 24·k tries in the first k hours: against 2^60 codes, hopeless.
public final class AttemptLimiter: @unchecked Sendable {
    public let maxFailures: Int
    public let window: TimeInterval
    public let baseDelay: TimeInterval
    public let maxDelay: TimeInterval
    public let forgetAfter: TimeInterval

    private struct Entry { var failures: [Date] = []; var strikes = 0; var blockedUntil: Date?; var last: Date? }
    private var entries: [String: Entry] = [:]
    private let lock = NSLock()

    public init(maxFailures: Int = 5, window: TimeInterval = 60, baseDelay: TimeInterval = 30, maxDelay: TimeInterval = 3600,
                forgetAfter: TimeInterval = 3600) {
        self.maxFailures = max(maxFailures, 1); self.window = window; self.baseDelay = baseDelay
        self.maxDelay = maxDelay; self.forgetAfter = forgetAfter
    }

    public func waitBeforeAttempt(key: String, now: Date) -> TimeInterval? {
        lock.lock(); defer { lock.unlock() }
        guard let until = entries[key]?.blockedUntil, until > now else { return nil }
        return until.timeIntervalSince(now)
    }

    public func recordFailure(key: String, now: Date) {
        lock.lock(); defer { lock.unlock() }
        var e = entries[key] ?? Entry()
        if let last = e.last, now.timeIntervalSince(last) > forgetAfter { e = Entry() }
        e.failures = e.failures.filter { now.timeIntervalSince($0) < window }
        e.failures.append(now)
        e.last = now
        if e.failures.count >= maxFailures {
            e.strikes += 1
            let delay = min(baseDelay * pow(2, Double(e.strikes - 1)), maxDelay)
            e.blockedUntil = now.addingTimeInterval(delay)
        }
        entries[key] = e
    }

    /// The gate for one key.
    public func gate(for key: String) -> AttemptGate { KeyedGate(limiter: self, key: key) }

    private final class KeyedGate: AttemptGate {
        let limiter: AttemptLimiter
        let key: String
        init(limiter: AttemptLimiter, key: String) { self.limiter = limiter; self.key = key }
        func waitBeforeAttempt(now: Date) -> TimeInterval? { limiter.waitBeforeAttempt(key: key, now: now) }
        func recordFailure(now: Date) { limiter.recordFailure(key: key, now: now) }
    }
}
