import Foundation

/// A stored answer that its item's rules reject (`AnswerRules`), which analyses treat as
/// missing: where it is (store line, participant, wave, instrument, item) and its value.
public struct SetAsideAnswer: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// Line of the store (1-based).
    public var line: Int
    public var participant: String
    public var wave: String
    public var instrument: String
    public var item: String
    public var value: Double

    public init(line: Int, participant: String, wave: String, instrument: String, item: String, value: Double) {
        self.line = line; self.participant = participant; self.wave = wave
        self.instrument = instrument; self.item = item; self.value = value
    }

    /// "line 17 pi01 = 99".
    public var description: String { "line \(line) \(item) = \(JSONWriter.number(value))" }

    /// The one note line the analysis commands print, or nil when nothing was set aside:
    /// "2 answers outside their item's range were set aside as missing: line 17 pi01 = 99, line 40 pi02 = 7".
    /// At most `listed` are named; the rest are counted.
    public static func note(_ answers: [SetAsideAnswer], listed: Int = 5) -> String? {
        guard !answers.isEmpty else { return nil }
        let sorted = answers.sorted { ($0.line, $0.item) < ($1.line, $1.item) }
        let head = sorted.count == 1 ? "1 answer outside its item's range was set aside as missing: "
                                     : "\(sorted.count) answers outside their item's range were set aside as missing: "
        var shown = sorted.prefix(listed).map(\.description).joined(separator: ", ")
        if sorted.count > listed { shown += ", … and \(sorted.count - listed) more" }
        return head + shown + " (see `waves validate`)"
    }
}
