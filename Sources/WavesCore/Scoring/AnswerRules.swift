import Foundation

/// Which answers an item accepts: the one rule used by the survey, the importer, the
/// store validator and scoring (a stored value the rule rejects is missing in analyses).
///
/// - likert and choice: a number that is the value of one of the item's options;
/// - number: a finite number within the item's `min`/`max`; a side without a bound is
///   limited to `numberLimit` in size (|x| <= 1e9), so that no typed or imported value
///   can be so large that sums, plots or tables overflow;
/// - text: text; note: nothing;
/// - a missing answer (`null`) is always acceptable.
public enum AnswerRules {
    /// The largest magnitude a number item accepts on a side that has no `min` or `max`.
    public static let numberLimit = 1e9

    /// The range a number item accepts: its `min`/`max`, else ±`numberLimit`.
    public static func numberRange(of item: Item) -> ClosedRange<Double> {
        let lo = item.min ?? -numberLimit, hi = item.max ?? numberLimit
        return lo <= hi ? lo...hi : lo...lo
    }

    /// Whether a stored number is acceptable for an item (the fast check used in scoring).
    @inline(__always)
    public static func accepts(_ v: Double, for item: Item) -> Bool {
        switch item.type {
        case .likert, .choice:
            guard let set = item.responseSet else { return v.isFinite }
            return set.options.contains { $0.value == v }
        case .number:
            return v.isFinite && numberRange(of: item).contains(v)
        case .text, .note:
            return false
        }
    }

    /// Nil when `answer` is acceptable for `item`, else what is wrong with it.
    public static func problem(_ answer: Answer, for item: Item) -> AnswerProblem? {
        switch (item.type, answer) {
        case (_, .missing): return nil
        case (.note, _): return .note
        case (.text, .text): return nil
        case (.text, .number): return .numberForText
        case (_, .text(let s)): return .textForNumber(s)
        case (.likert, .number(let v)), (.choice, .number(let v)):
            guard let set = item.responseSet else { return v.isFinite ? nil : .notFinite }
            return set.option(for: v) == nil ? .notAnOption(v, allowed: set.options.map(\.value)) : nil
        case (.number, .number(let v)):
            guard v.isFinite else { return .notFinite }
            if let lo = item.min, v < lo { return .belowMinimum(v, min: lo) }
            if let hi = item.max, v > hi { return .aboveMaximum(v, max: hi) }
            if !numberRange(of: item).contains(v) { return .outsideDefaultRange(v) }
            return nil
        }
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

}

/// What is wrong with an answer for its item, with a sentence for the participant and
/// one for a record or an imported cell.
public enum AnswerProblem: Equatable, Sendable {
    /// A note takes no answer.
    case note
    /// A text item holds a number.
    case numberForText
    /// A likert, choice or number item holds text.
    case textForNumber(String)
    /// NaN or an infinity.
    case notFinite
    case notAnOption(Double, allowed: [Double])
    case belowMinimum(Double, min: Double)
    case aboveMaximum(Double, max: Double)
    /// A number item without `min` or `max` holds a value beyond ±`AnswerRules.numberLimit`.
    case outsideDefaultRange(Double)

    /// The stored number that is out of range, if that is the problem.
    public var value: Double? {
        switch self {
        case .notAnOption(let v, _), .belowMinimum(let v, _), .aboveMaximum(let v, _), .outsideDefaultRange(let v): return v
        default: return nil
        }
    }

    /// The sentence a participant reads for `item`.
    public func participantMessage(for item: Item) -> String {
        let f = NumberText.plain
        switch self {
        case .note: return "This is a note; there is nothing to answer."
        case .numberForText: return "Please type your answer."
        case .textForNumber, .notFinite:
            return item.type == .number ? "Please type a number." : "Please choose one of the options."
        case .notAnOption: return "Please choose one of the options."
        case .belowMinimum(let v, let lo):
            return "\(f(v)) is below the lowest allowed value, \(f(lo)); please type \(AnswerRules.rangePhrase(min: item.min, max: item.max))."
        case .aboveMaximum(let v, let hi):
            return "\(f(v)) is above the highest allowed value, \(f(hi)); please type \(AnswerRules.rangePhrase(min: item.min, max: item.max))."
        case .outsideDefaultRange(let v):
            let r = AnswerRules.numberRange(of: item)
            return "\(f(v)) is too large; please type a number from \(f(r.lowerBound)) to \(f(r.upperBound))."
        }
    }

    /// The sentence for a stored record or an imported cell of item `id`:
    /// "value 9 is not in the response set of 'pi01' (allowed: 1, 2, 3, 4, 5)".
    public func message(item id: String) -> String {
        let n = JSONWriter.number
        switch self {
        case .note: return "'\(id)' is a note and takes no answer"
        case .numberForText: return "'\(id)' is a text item but holds a number"
        case .textForNumber(let s): return "'\(id)' takes a number but holds text \"\(SafeText.line(String(s.prefix(30))))\""
        case .notFinite: return "'\(id)' holds a value that is not a finite number"
        case .notAnOption(let v, let allowed):
            return "value \(n(v)) is not in the response set of '\(id)' (allowed: \(allowed.map(n).joined(separator: ", ")))"
        case .belowMinimum(let v, let lo): return "value \(n(v)) is below the minimum \(n(lo)) of '\(id)'"
        case .aboveMaximum(let v, let hi): return "value \(n(v)) is above the maximum \(n(hi)) of '\(id)'"
        case .outsideDefaultRange(let v):
            return "value \(n(v)) of '\(id)' is beyond ±\(n(AnswerRules.numberLimit)), the range of a number item without min/max (give the item min and max to allow it; see docs/instruments.md)"
        }
    }
}
