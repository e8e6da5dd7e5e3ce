import Foundation
import WavesCore

/// The survey's side of the answer rules: the sentence a participant reads, and how a
/// typed number is read. Which answers are valid is decided by `WavesCore.AnswerRules`.
extension AnswerRules {
    /// Nil when `answer` is acceptable for `item`, else the reason for the participant.
    public static func refusal(_ answer: Answer, for item: Item) -> String? {
        if case .missing = answer {
            // A missing answer is recorded as skipped or declined, never offered as an answer.
            switch item.type {
            case .note: return "This is a note; there is nothing to answer."
            case .likert, .choice: return "Please choose one of the options."
            case .number: return "Please type a number."
            case .text: return "Please type your answer."
            }
        }
        return problem(answer, for: item)?.participantMessage(for: item)
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
        if let why = problem(.number(v), for: item) { return .failure(NumberRefusal(message: why.participantMessage(for: item))) }
        return .success(v)
    }
}

/// Why a typed number is refused.
public struct NumberRefusal: Error, Equatable, Sendable {
    public var message: String
}
