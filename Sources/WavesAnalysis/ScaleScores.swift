import Foundation
import WavesCore
import WavesStats

/// One scale score of one participant at one wave (the `waves score --json` row).
public struct ScoreRow: Codable, Sendable, Equatable {
    public var participant: String
    @NullCodable public var role: String?
    public var wave: String
    public var instrument: String
    public var scale: String
    @NullCodable public var score: Double?
    public var answered: Int
    public var k: Int
}

extension ScoreRow {
    /// The rows of one record: one per scale, in the order given.
    static func rows(of r: ResponseRecord, instrument: Instrument, scales: [Scale], role: String?) -> [ScoreRow] {
        var map: [String: Answer] = [:]
        for a in r.answers { map[a.id] = a.value }
        return scales.map { s in
            let sc = Scoring.score(s, in: instrument) { map[$0] }
            return ScoreRow(participant: r.participant, role: role, wave: r.wave, instrument: instrument.id,
                            scale: s.id, score: sc.score, answered: sc.answered, k: sc.k)
        }
    }
}

extension StudyData {
    /// Scale scores for every record of the instrument (all scales, or one), ordered by
    /// participant (study order), wave (study order) and scale (instrument order).
    public func scores(instrument: Instrument, scale: Scale? = nil) -> [ScoreRow] {
        let scales = scale.map { [$0] } ?? instrument.scales
        let pOrder = Dictionary(uniqueKeysWithValues: participants.enumerated().map { ($1, $0) })
        let wOrder = Dictionary(uniqueKeysWithValues: study.waves.enumerated().map { ($1.id, $0) })
        let recs = records(of: instrument).sorted {
            (pOrder[$0.participant] ?? .max, wOrder[$0.wave] ?? .max) < (pOrder[$1.participant] ?? .max, wOrder[$1.wave] ?? .max)
        }
        return recs.flatMap { ScoreRow.rows(of: $0, instrument: instrument, scales: scales, role: role(of: $0)) }
    }

    /// Scores of one scale as participant -> wave -> score (present scores only).
    public func scoreTable(instrument: Instrument, scale: Scale) -> [String: [String: Double]] {
        var t: [String: [String: Double]] = [:]
        for row in scores(instrument: instrument, scale: scale) { if let s = row.score { t[row.participant, default: [:]][row.wave] = s } }
        return t
    }

    /// Reverse-scored item values of a scale at a wave: participants x items (NaN = missing),
    /// with the participant ids of the rows, in study order.
    public func itemMatrix(instrument: Instrument, scale: Scale, wave: String) -> (participants: [String], matrix: Matrix) {
        let items = scale.items.compactMap { instrument.item($0) }
        let pOrder = Dictionary(uniqueKeysWithValues: participants.enumerated().map { ($1, $0) })
        let recs = records(of: instrument).filter { $0.wave == wave }.sorted { (pOrder[$0.participant] ?? .max) < (pOrder[$1.participant] ?? .max) }
        var values: [Double] = []
        values.reserveCapacity(recs.count * items.count)
        for r in recs {
            var map: [String: Answer] = [:]
            for a in r.answers { map[a.id] = a.value }
            for it in items { values.append(Scoring.scoredValue(it, map[it.id]) ?? .nan) }
        }
        return (recs.map(\.participant), Matrix(rows: recs.count, cols: items.count, values: values))
    }
}
