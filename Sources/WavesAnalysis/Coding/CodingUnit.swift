import Foundation
import WavesCore

/// One unit of qualitative coding: one free-text answer (participant, wave, item) of the store.
public struct CodingUnit: Sendable, Equatable {
    /// `<record id>/<item id>` (formats.md, "Qualitative coding").
    public var id: String
    public var record: String
    public var instrument: String
    public var item: String
    /// The item's question, as the participant saw it.
    public var prompt: String
    public var participant: String
    public var role: String?
    public var wave: String
    /// The answer, as stored.
    public var text: String

    public init(record: String, instrument: String, item: String, prompt: String, participant: String,
                role: String?, wave: String, text: String) {
        self.id = CodingDecision.unitID(record: record, item: item)
        self.record = record; self.instrument = instrument; self.item = item; self.prompt = prompt
        self.participant = participant; self.role = role; self.wave = wave; self.text = text
    }
}

extension StudyData {
    /// The free-text answers to code: every non-blank answer to a `type: text` item in the
    /// latest submissions, ordered by participant, wave, instrument and item (study order).
    ///
    /// `wave` keeps one wave; `item` keeps one item, named `I` or `INSTRUMENT.I`.
    public func codingUnits(wave: String? = nil, item: String? = nil) throws -> [CodingUnit] {
        if let w = wave { _ = try resolveWaves([w]) }
        let textItems = bundle.instruments.flatMap { i in i.items.filter { $0.type == .text }.map { (i, $0) } }
        var keep: Set<String>? = nil
        if let name = item {
            let hits = textItems.filter { "\($0.0.id).\($0.1.id)" == name || $0.1.id == name }
            let names = textItems.map { "\($0.0.id).\($0.1.id)" }
            guard !hits.isEmpty else {
                throw AnalysisError.invalidArgument("no free-text item '\(name)' in this study (free-text items: \(names.isEmpty ? "none" : names.joined(separator: ", ")))")
            }
            guard hits.count == 1 else {
                throw AnalysisError.invalidArgument("item '\(name)' exists in several instruments; name one of: \(hits.map { "\($0.0.id).\($0.1.id)" }.joined(separator: ", "))")
            }
            keep = ["\(hits[0].0.id).\(hits[0].1.id)"]
        }
        let pOrder = Dictionary(participants.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        let wOrder = Dictionary(uniqueKeysWithValues: study.waves.enumerated().map { ($1.id, $0) })
        let iOrder = Dictionary(uniqueKeysWithValues: bundle.instruments.enumerated().map { ($1.id, $0) })
        let recs = records.filter { wave == nil || $0.wave == wave }.sorted {
            (pOrder[$0.participant] ?? .max, wOrder[$0.wave] ?? .max, iOrder[$0.instrument.id] ?? .max)
                < (pOrder[$1.participant] ?? .max, wOrder[$1.wave] ?? .max, iOrder[$1.instrument.id] ?? .max)
        }
        var out: [CodingUnit] = []
        for r in recs {
            guard let inst = bundle.instrument(r.instrument.id) else { continue }
            for (it, s) in CodingDecision.units(of: r, instrument: inst) {
                if let k = keep, !k.contains("\(inst.id).\(it.id)") { continue }
                out.append(CodingUnit(record: r.id, instrument: inst.id, item: it.id, prompt: it.text,
                                      participant: r.participant, role: role(of: r), wave: r.wave, text: s))
            }
        }
        return out
    }
}

/// One coder's latest decision per unit: the codes applied (possibly none).
public struct CoderJudgements: Sendable, Equatable {
    public var coder: String
    /// Unit id -> codes applied. A unit absent here was not judged by this coder.
    public var codes: [String: Set<String>]

    public init(coder: String, codes: [String: Set<String>]) { self.coder = coder; self.codes = codes }
}

/// The codes that count for each unit in an analysis.
public enum EffectiveCoding {
    /// The consensus coder's decision where there is one; elsewhere the codes that more than
    /// half of the coders who judged the unit applied (one coder: theirs; two who differ:
    /// the codes both applied). Units no one judged are absent.
    public static func combine(coders: [CoderJudgements], consensus: CoderJudgements?) -> [String: Set<String>] {
        var out: [String: Set<String>] = [:]
        var units = Set<String>()
        for c in coders { units.formUnion(c.codes.keys) }
        for u in units {
            let sets = coders.compactMap { $0.codes[u] }
            var count: [String: Int] = [:]
            for s in sets { for c in s { count[c, default: 0] += 1 } }
            out[u] = Set(count.filter { 2 * $0.value > sets.count }.keys)
        }
        for (u, s) in consensus?.codes ?? [:] { out[u] = s }
        return out
    }
}
