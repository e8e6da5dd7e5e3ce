import Foundation
import WavesCore

/// Time on each item's screen (spec formats.md `timings`, `duration_ms`), measured from
/// the session's position changes: the time between arriving at an item and leaving it is
/// added to that item, summed over visits. `duration_ms` runs from the first item shown to
/// submission. Only the submitting sitting is timed: a draft resumed later does not carry
/// the earlier sitting's time (docs/integrity.md).
public struct ScreenTimer: Sendable {
    private var position: SessionPosition?
    private var since: Date?
    private var firstItem: Date?
    /// Milliseconds per item id, in the order items were first shown.
    public private(set) var timings: [(id: String, ms: Double)] = []

    public init() {}

    /// The session is at `position` at time `now` (call at the start and after every change).
    public mutating func observe(_ position: SessionPosition, at now: Date) {
        close(at: now)
        self.position = position
        since = now
        if case .item = position, firstItem == nil { firstItem = now }
    }

    /// Adds the time since the last observation to the item on screen then.
    private mutating func close(at now: Date) {
        guard case .item(let id)? = position, let start = since else { return }
        let ms = max(0, (now.timeIntervalSince(start) * 1000).rounded())
        if let i = timings.firstIndex(where: { $0.id == id }) { timings[i].ms += ms } else { timings.append((id, ms)) }
    }

    /// The session ended (submitted) at `now`: the last screen is closed; the duration in
    /// milliseconds from the first item shown, nil when no item was ever shown.
    public mutating func finish(at now: Date) -> Double? {
        close(at: now)
        position = nil
        return firstItem.map { max(0, (now.timeIntervalSince($0) * 1000).rounded()) }
    }
}
