import Foundation
import WavesAnalysis
import WavesCore

/// The answers of one record, indexed for repeated lookups.
struct RecordView: Sendable {
    var answers: [String: Answer]
    var declined: Set<String>
    var dontKnow: Set<String>
    var submittedAt: String
    var role: String?

    init(_ r: ResponseRecord) {
        var map: [String: Answer] = [:]
        map.reserveCapacity(r.answers.count)
        for a in r.answers { map[a.id] = a.value }
        answers = map
        declined = Set(r.declined)
        dontKnow = Set(r.dontKnow)
        submittedAt = r.submittedAt
        role = r.role
    }
}

/// An instrument version as recorded in responses.
struct InstrumentVersion: Hashable, Sendable, Comparable {
    var version: String
    var sha256: String
    static func < (a: InstrumentVersion, b: InstrumentVersion) -> Bool { (a.version, a.sha256) < (b.version, b.sha256) }
}

/// One row of an export: a participant (wide) or a participant at a wave (long).
struct ExportRow: Sendable {
    /// The id written: the participant id, or its pseudonym when de-identifying.
    var participant: String
    var wave: String?
    var role: String?
    /// Records by slot (instrument in the long layout; instrument x wave in the wide layout).
    var records: [RecordView?]
}

/// What an export holds: variables in order, rows in order, and how to compute each cell.
///
/// Long layout: participant, wave, role, then per instrument its submission time,
/// its answerable items and (with scores) its scales. Wide layout: participant,
/// role, then per instrument and wave the same, named `<item>_<wave>`.
struct ExportPlan: Sendable {
    var study: Study
    var layout: ExportLayout
    var instruments: [Instrument]
    var waves: [Wave]
    var variables: [ExportVariable]
    var rows: [ExportRow]
    var dates: DatePolicy
    var pseudonymized: Bool
    /// Free-text items left out (de-identification without --keep-text).
    var droppedText: [String]
    /// Instrument versions found in the exported records: instrument id -> version -> submissions.
    var versionsInData: [String: [InstrumentVersion: Int]]

    /// Waves of the export at which each instrument is given (instrument id -> wave ids, study order).
    var instrumentWaves: [String: [String]]

    /// Waves of the export at which an instrument is given.
    func waves(of inst: Instrument) -> [Wave] {
        let ids = Set(instrumentWaves[inst.id] ?? [])
        return waves.filter { ids.contains($0.id) }
    }

    /// The value of a variable in a row.
    func cell(_ v: ExportVariable, _ row: ExportRow) -> Cell {
        switch v.source {
        case .participant: return .text(row.participant)
        case .wave: return row.wave.map(Cell.text) ?? .missing
        case .role: return row.role.map(Cell.text) ?? .missing
        case .submitted(let slot):
            guard let r = row.records[slot] else { return .missing }
            switch dates {
            case .keep: return .text(r.submittedAt)
            case .date: return .text(String(r.submittedAt.prefix { $0 != "T" }))
            case .drop: return .missing
            }
        case .item(let slot, let item):
            guard let r = row.records[slot] else { return .missing }
            if r.declined.contains(item.id) { return .declined }
            if r.dontKnow.contains(item.id) { return .dontKnow }
            switch r.answers[item.id] {
            case .number(let d)?: return .number(d)
            case .text(let s)?: return .text(s)
            case .missing?, nil: return .missing
            }
        case .score(let slot, let scale):
            guard let r = row.records[slot], let inst = v.instrument else { return .missing }
            let s = Scoring.score(scale, in: inst) { r.answers[$0] }
            return s.score.map(Cell.number) ?? .missing
        }
    }
}
