import Foundation

/// A scale score with the counts it rests on.
public struct ScaleScore: Sendable, Equatable {
    /// Nil when fewer than `min_answered` of the items are answered.
    public var score: Double?
    public var answered: Int
    public var k: Int
    public init(score: Double?, answered: Int, k: Int) { self.score = score; self.answered = answered; self.k = k }
}

/// Scoring rules shared by every analysis (spec/cli.md "Shared definitions").
public enum Scoring {
    /// The value used in statistics: reversed as `(min + max) - value` for reverse-keyed items;
    /// nil for missing, declined or non-numeric answers, and for a stored number that the
    /// item's answer rules reject (`AnswerRules.accepts`: not an option, outside min/max or
    /// beyond ±1e9), which is set aside as missing.
    public static func scoredValue(_ item: Item, _ answer: Answer?) -> Double? {
        guard let v = answer?.number, AnswerRules.accepts(v, for: item) else { return nil }
        if item.reverse, let set = item.responseSet { return set.minValue + set.maxValue - v }
        return v
    }

    /// Scores one scale from a set of answers.
    ///
    /// Mean of the answered items when at least `min_answered` x k are answered
    /// (else nil); `sum` reports the prorated sum, mean x k.
    public static func score(_ scale: Scale, in instrument: Instrument, answers: (String) -> Answer?) -> ScaleScore {
        var sum = 0.0
        var answered = 0
        for id in scale.items {
            guard let item = instrument.item(id), let v = scoredValue(item, answers(id)) else { continue }
            sum += v
            answered += 1
        }
        return ScaleScore(score: combine(sum: sum, answered: answered, scale: scale), answered: answered, k: scale.items.count)
    }

    /// The score from the sum of the answered (scored) values: nil below `min_answered`,
    /// else their mean, or mean x k for `score: sum`.
    @inline(__always)
    public static func combine(sum: Double, answered: Int, scale: Scale) -> Double? {
        Combiner(scale).combine(sum: sum, answered: answered)
    }

    /// `combine`'s rule for one scale, taken from it once: for loops over many cells, which
    /// then copy no `Scale` (its arrays and texts) per cell.
    public struct Combiner: Sendable {
        let k: Int
        let minAnswered: Double
        let isSum: Bool

        public init(_ scale: Scale) { k = scale.items.count; minAnswered = scale.minAnswered; isSum = scale.score == .sum }

        @inline(__always)
        public func combine(sum: Double, answered: Int) -> Double? {
            guard k > 0, answered > 0, Double(answered) >= minAnswered * Double(k) - 1e-9 else { return nil }
            let mean = sum / Double(answered)
            return isSum ? mean * Double(k) : mean
        }
    }

    /// Scores a scale for one response record.
    public static func score(_ scale: Scale, in instrument: Instrument, record: ResponseRecord) -> ScaleScore {
        var map: [String: Answer] = [:]
        for a in record.answers { map[a.id] = a.value }
        return score(scale, in: instrument) { map[$0] }
    }
}
