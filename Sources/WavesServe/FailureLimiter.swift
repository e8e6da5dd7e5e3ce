import Foundation
import Glibc

/// Limits failed access codes per source address: `maxFailures` failures within a minute
/// are allowed; the failure that reaches the limit blocks the address for a minute, and
/// each later block of the same address is twice as long as the one before (at most
/// `maxBlock`, an hour by default).
///
/// Why this makes guessing hopeless: a 60-bit code has 2^60 ≈ 1.15e18 values. Blocks of
/// 1, 2, 4, ... 60 minutes let one address try about 5 codes per hour once the cap is
/// reached (120 a day); even 10^4 addresses guessing for a year find a given code with
/// probability about 10^4 · 120 · 365 / 2^60 ≈ 4e-10.
///
/// The count of blocks (`strikes`) is forgotten after `forgetAfter` (a day) without a
/// failure; a success does not reset it (a guesser holding one valid code must not be able
/// to wash their record). Memory is bounded: at most `maxAddresses` addresses are kept,
/// the least recently failing ones are dropped first. Thread-safe; the clock is injected
/// so tests control time.
public final class FailureLimiter: @unchecked Sendable {
    /// What the limiter tells the log (never a code).
    public enum Event: Sendable, Equatable {
        /// A failure was counted: how many within the last minute.
        case failure(address: String, inLastMinute: Int)
        /// The address is blocked for this many seconds.
        case blocked(address: String, seconds: Int)
    }

    public let maxFailures: Int
    public let window: TimeInterval
    public let firstBlock: TimeInterval
    public let maxBlock: TimeInterval
    public let forgetAfter: TimeInterval
    public let maxAddresses: Int
    private let clock: @Sendable () -> Date
    private let onEvent: @Sendable (Event) -> Void
    private let lock = NSLock()

    private struct Entry {
        var failures: [Date] = []
        var strikes = 0
        var blockedUntil: Date?
        var lastFailure: Date
    }
    private var entries: [String: Entry] = [:]

    /// - Parameters:
    ///   - maxFailures: failures allowed per address per `window` (`--max-failures`, default 5).
    ///   - onEvent: called (outside the lock) for every counted failure and block, for the log.
    public init(maxFailures: Int = 5, window: TimeInterval = 60, firstBlock: TimeInterval = 60,
                maxBlock: TimeInterval = 3600, forgetAfter: TimeInterval = 86_400, maxAddresses: Int = 10_000,
                clock: @escaping @Sendable () -> Date = { Date() },
                onEvent: @escaping @Sendable (Event) -> Void = { _ in }) {
        precondition(maxFailures >= 1 && window > 0 && firstBlock > 0 && maxBlock >= firstBlock && maxAddresses >= 1)
        self.maxFailures = maxFailures; self.window = window; self.firstBlock = firstBlock
        self.maxBlock = maxBlock; self.forgetAfter = forgetAfter; self.maxAddresses = maxAddresses
        self.clock = clock; self.onEvent = onEvent
    }

    /// The key an address is counted under: an IPv4 address as it is, an IPv6 address by
    /// its /64 prefix (one subscriber usually holds a whole /64, so counting single IPv6
    /// addresses would let one guesser rotate through 2^64 of them).
    public static func key(for address: String) -> String {
        var a6 = in6_addr()
        guard address.contains(":"), inet_pton(AF_INET6, address, &a6) == 1 else { return address }
        let b = withUnsafeBytes(of: a6) { Array($0) }
        if b[0..<10].allSatisfy({ $0 == 0 }) && b[10] == 0xFF && b[11] == 0xFF {
            return "\(b[12]).\(b[13]).\(b[14]).\(b[15])"   // IPv4-mapped
        }
        let groups = stride(from: 0, to: 8, by: 2).map { String(UInt16(b[$0]) << 8 | UInt16(b[$0 + 1]), radix: 16) }
        return groups.joined(separator: ":") + "::/64"
    }

    /// Seconds the address must wait before its next attempt; 0 when it may try now.
    public func delay(for address: String) -> TimeInterval {
        let address = FailureLimiter.key(for: address)
        lock.lock(); defer { lock.unlock() }
        let now = clock()
        guard let e = entries[address], let until = e.blockedUntil, until > now else { return 0 }
        return until.timeIntervalSince(now)
    }

    /// Counts a failed code from `address`; returns the wait it now imposes (0 when none).
    @discardableResult
    public func recordFailure(from address: String) -> TimeInterval {
        let address = FailureLimiter.key(for: address)
        let now = clock()
        var events: [Event] = []
        let wait: TimeInterval
        lock.lock()
        var e = entries[address] ?? Entry(lastFailure: now)
        if now.timeIntervalSince(e.lastFailure) > forgetAfter { e = Entry(lastFailure: now) }
        e.failures.removeAll { now.timeIntervalSince($0) >= window }
        e.failures.append(now)
        e.lastFailure = now
        events.append(.failure(address: address, inLastMinute: e.failures.count))
        if e.failures.count >= maxFailures {
            let length = min(maxBlock, firstBlock * pow(2, Double(min(e.strikes, 30))))
            e.strikes += 1
            e.blockedUntil = now.addingTimeInterval(length)
            // The block outlasts the window, so the next round starts from zero failures.
            e.failures.removeAll()
            events.append(.blocked(address: address, seconds: Int(length.rounded(.up))))
            wait = length
        } else if let until = e.blockedUntil, until > now {
            wait = until.timeIntervalSince(now)
        } else {
            wait = 0
        }
        entries[address] = e
        if entries.count > maxAddresses { evict(now: now) }
        lock.unlock()
        for event in events { onEvent(event) }
        return wait
    }

    /// Drops forgotten addresses, then unblocked ones, then blocked ones, least recently
    /// failing first, down to the bound.
    private func evict(now: Date) {
        entries = entries.filter { now.timeIntervalSince($0.value.lastFailure) <= forgetAfter }
        guard entries.count > maxAddresses else { return }
        let excess = entries.count - maxAddresses
        func blocked(_ e: Entry) -> Bool { (e.blockedUntil ?? .distantPast) > now }
        let order = entries.sorted { a, b in
            blocked(a.value) != blocked(b.value) ? !blocked(a.value) : a.value.lastFailure < b.value.lastFailure
        }
        for (key, _) in order.prefix(excess) {
            entries[key] = nil
        }
    }

    /// Addresses currently remembered (for tests).
    public var trackedAddresses: Int { lock.lock(); defer { lock.unlock() }; return entries.count }
}
