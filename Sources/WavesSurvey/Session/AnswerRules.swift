import Foundation
import WavesCore

/// Which answers an item accepts, and the sentence that says why a value is refused.
public enum AnswerRules {
    /// Nil when `answer` is acceptable for `item`, else the reason for the participant.
    public static func refusal(_ answer: Answer, for item: Item) -> String? {
        switch item.type {
        case .note:
            return "This is a note; there is nothing to answer."
        case .likert, .choice:
            guard case .number(let v) = answer, let set = item.responseSet else {
                return "Please choose one of the options."
            }
            return set.option(for: v) == nil ? "Please choose one of the options." : nil
        case .number:
            guard case .number(let v) = answer, v.isFinite else { return "Please type a number." }
            return rangeRefusal(v, min: item.min, max: item.max)
        case .text:
            guard case .text = answer else { return "Please type your answer." }
            return nil
        }
    }

    /// Why a number is outside `min...max`, or nil.
    static func rangeRefusal(_ v: Double, min: Double?, max: Double?) -> String? {
        let range = rangePhrase(min: min, max: max)
        if let lo = min, v < lo { return "\(NumberText.plain(v)) is below the lowest allowed value, \(NumberText.plain(lo)); please type \(range)." }
        if let hi = max, v > hi { return "\(NumberText.plain(v)) is above the highest allowed value, \(NumberText.plain(hi)); please type \(range)." }
        return nil
    }

    /// "a number from 16 to 90", "a number of at least 0", "a number".
    public static func rangePhrase(min: Double?, max: Double?) -> String {
        switch (min, max) {
        case let (lo?, hi?): return "a number from \(NumberText.plain(lo)) to \(NumberText.plain(hi))"
        case let (lo?, nil): return "a number of at least \(NumberText.plain(lo))"
        case let (nil, hi?): return "a number of at most \(NumberText.plain(hi))"
        case (nil, nil): return "a number"
        }
    }

    /// Parses what a participant typed for a number item: the value, or why it is refused.
    public static func parseNumber(_ typed: String, for item: Item) -> Result<Double, NumberRefusal> {
        let t = typed.trimmingCharacters(in: .whitespaces)
        let range = rangePhrase(min: item.min, max: item.max)
        guard !t.isEmpty else { return .failure(NumberRefusal(message: "Please type \(range).")) }
        let allowed = Set("0123456789.-+eE")
        guard t.allSatisfy({ allowed.contains($0) }), let v = Double(t), v.isFinite else {
            let shown = SafeText.terminal(TextLayout.truncate(t, width: 20), keepNewlines: false)
            return .failure(NumberRefusal(message: "\"\(shown)\" is not a number; please type \(range)."))
        }
        if let why = rangeRefusal(v, min: item.min, max: item.max) { return .failure(NumberRefusal(message: why)) }
        return .success(v)
    }
}

/// Why a typed number is refused.
public struct NumberRefusal: Error, Equatable, Sendable {
    public var message: String
}
