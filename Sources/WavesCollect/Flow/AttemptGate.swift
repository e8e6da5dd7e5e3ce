import Foundation
import WavesServe

/// Where one front door counts failed access codes (and failed PINs): a key of the one
/// failure limiter (`WavesServe.FailureLimiter`: 5 a minute by default, then blocks that
/// double up to an hour). The kiosk uses one key for its terminal; `waves serve` uses the
/// participant's source address, so every session from that address shares the count.
public struct AttemptGate: Sendable {
    public let limiter: FailureLimiter
    public let key: String

    public init(limiter: FailureLimiter, key: String) { self.limiter = limiter; self.key = key }

    /// Seconds to wait before another attempt is allowed, or nil when one is allowed now.
    public func waitBeforeAttempt() -> TimeInterval? {
        let d = limiter.delay(for: key)
        return d > 0 ? d : nil
    }

    /// Counts one failed attempt.
    public func recordFailure() { limiter.recordFailure(from: key) }
}
