import Foundation
import WavesAnalysis
import WavesCore

/// An instrument version as recorded in responses.
struct InstrumentVersion: Hashable, Sendable, Comparable {
    var version: String
    var sha256: String
    static func < (a: InstrumentVersion, b: InstrumentVersion) -> Bool { (a.version, a.sha256) < (b.version, b.sha256) }
}

/// One row of an export: a participant (wide) or a participant at a wave (long).
struct ExportRow: Sendable {
    /// The participant's index in the table (`ExportTable.participants`).
    var participant: Int32
    /// The row's wave (index in `ExportPlan.waves`) in the long layout, -1 in the wide layout.
    var wave: Int32
    var role: String?
}

/// What an export holds: variables in order, rows in order, and how to compute each cell.
///
/// Long layout: participant, wave, role, then per instrument its submission time,
/// its answerable items and (with scores) its scales. Wide layout: participant,
/// role, then per instrument and wave the same, named `<item>_<wave>`. Variables name
/// their submission by a slot: the instrument's index (long) or instrument x wave (wide);
/// the cells are read from the column table (`ExportTable`) of the latest submissions.
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

    /// The latest submissions, and where the plan's instruments and waves are in it.
    let table: ExportTable
    let tableInstrument: [Int]
    let tableWave: [Int]
    /// The id written for each table participant (its pseudonym when de-identifying), nil: the id itself.
    let shownIDs: [String]?
    /// `variables[i]`'s cell source (`cellSources(_:)`).
    let cellSources: [CellSource]

    /// Waves of the export at which an instrument is given.
    func waves(of inst: Instrument) -> [Wave] {
        let ids = Set(instrumentWaves[inst.id] ?? [])
        return waves.filter { ids.contains($0.id) }
    }

    /// The id written for a row's participant.
    func participantID(_ row: ExportRow) -> String {
        shownIDs?[Int(row.participant)] ?? table.participants[Int(row.participant)]
    }

    /// The table block, wave and instrument of a variable's slot in a row.
    @inline(__always)
    func locate(_ slot: Int, _ row: ExportRow) -> (block: Int, wave: Int, instrument: Int) {
        let block = Int(table.blockOf[Int(row.participant)])
        if layout == .long { return (block, tableWave[Int(row.wave)], tableInstrument[slot]) }
        return (block, tableWave[slot % waves.count], tableInstrument[slot / waves.count])
    }

    /// The submission times of a row's records, slot by slot.
    func stamps(_ row: ExportRow) -> [String] {
        let slots = layout == .long ? instruments.count : instruments.count * waves.count
        return (0..<slots).compactMap { s in
            let (b, w, i) = locate(s, row)
            return table.submission(block: b, wave: w, instrument: i).map(table.stamp)
        }
    }

    /// Where the cells of a variable come from, without its descriptive payload, so that the
    /// writers' inner loops copy nothing per cell (`cellSources[i]` for `variables[i]`).
    enum CellSource: Sendable {
        case participant, wave, role
        case submitted(slot: Int)
        case item(slot: Int, column: Int)
        case score(slot: Int)
    }

    static func cellSources(_ variables: [ExportVariable]) -> [CellSource] {
        variables.map { v in
            switch v.source {
            case .participant: return .participant
            case .wave: return .wave
            case .role: return .role
            case .submitted(let slot): return .submitted(slot: slot)
            case .item(let slot, _): return .item(slot: slot, column: v.column)
            case .score(let slot, _): return .score(slot: slot)
            }
        }
    }

    /// The value of variable `index` in a row.
    func cell(_ index: Int, _ row: ExportRow) -> Cell {
        switch cellSources[index] {
        case .participant: return .text(participantID(row))
        case .wave: return row.wave >= 0 ? .text(waves[Int(row.wave)].id) : .missing
        case .role: return row.role.map(Cell.text) ?? .missing
        case .submitted(let slot):
            let (b, w, i) = locate(slot, row)
            guard let k = table.submission(block: b, wave: w, instrument: i) else { return .missing }
            switch dates {
            case .keep: return .text(table.stamp(k))
            case .date: return .text(String(table.stamp(k).prefix { $0 != "T" }))
            case .drop: return .missing
            }
        case .item(let slot, let column):
            let (b, w, i) = locate(slot, row)
            guard table.submission(block: b, wave: w, instrument: i) != nil, column >= 0 else { return .missing }
            return table.cell(at: table.base(block: b, wave: w, instrument: i) + column)
        case .score(let slot):
            let (b, w, i) = locate(slot, row)
            let v = variables[index]
            guard table.submission(block: b, wave: w, instrument: i) != nil, let inst = v.instrument, let scale = v.scale else { return .missing }
            let base = table.base(block: b, wave: w, instrument: i), columns = table.columns[i]
            let s = Scoring.score(scale, in: inst) { id in columns[id].flatMap { table.answer(at: base + $0) } }
            return s.score.map(Cell.number) ?? .missing
        }
    }
}
