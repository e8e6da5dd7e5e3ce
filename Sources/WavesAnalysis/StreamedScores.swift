import Foundation
import WavesCore
import WavesStore

/// `waves score` without holding the store: the rows `StudyData.scores(instrument:)` gives,
/// in the same order, from two streaming passes.
///
/// 1. The columnar scan finds, per participant, wave and instrument (any wave, as `StudyData`),
///    the latest submission (`LatestSubmission`), the order in which the cells first appear
///    (the order of `StudyData.records`), the instrument file of the latest one, and how many
///    submissions each cell has (duplicates).
/// 2. The record scan scores only the latest lines of the asked-for instruments, one record at
///    a time, and keeps their rows and set-aside answers.
/// At 100,000 participants `StudyData` held every record (2.9 GB, about a minute); these
/// passes keep one small entry per cell and, per row, only its numbers (score, answered, k):
/// the texts of a row (participant, role, wave, instrument, scale) are rebuilt when
/// `forEachRow` hands it over, so `waves score --json` and `--csv` write rows as they come
/// (1.8 million rows held as `ScoreRow`s took 810 MB).
public struct StreamedScores: Sendable {
    /// Every row, in order (built on demand; `forEachRow` hands them over one at a time).
    public var rows: [ScoreRow] {
        var out: [ScoreRow] = []
        out.reserveCapacity(rowCount)
        forEachRow { out.append($0) }
        return out
    }
    public var rowCount: Int { values.count }
    public private(set) var setAside: [SetAsideAnswer] = []
    /// Cells submitted more than once (`StudyData.duplicates.count`).
    public private(set) var duplicateCount = 0
    public private(set) var problems: [StoreProblem] = []
    /// The instrument versions of the latest submissions, as `StudyData.instrumentVersions()`.
    public private(set) var versions: InstrumentVersions?

    /// Participant, wave and instrument by number (`Names`): no string per cell.
    private struct Cell: Hashable { let participant: Int32; let wave: Int32; let instrument: Int32 }
    /// Texts numbered in order of first appearance.
    private struct Names<Key: Hashable> {
        var number: [Key: Int32] = [:]
        var keys: [Key] = []
        mutating func callAsFunction(_ key: Key) -> Int32 {
            if let n = number[key] { return n }
            let n = Int32(keys.count); number[key] = n; keys.append(key); return n
        }
    }
    private struct VersionKey: Hashable { var version: String; var sha256: String }
    /// One scored submission: where its rows go, and where its numbers are in `values`.
    private struct Scored: Sendable {
        var instrument: Int; var participant: Int32; var wave: Int; var order: Int
        var waveText: Int32; var role: Int32; var first: Int
        var aside: [SetAsideAnswer]
    }
    /// What a row holds besides its texts.
    private struct Numbers: Sendable { var score: Double?; var answered: Int32; var k: Int32 }
    private var instruments: [Instrument] = []
    private var participantNames: [String] = []
    /// Wave and role texts as the records give them (role -1: none).
    private var texts: [String] = []
    private var scored: [Scored] = []
    private var values: [Numbers] = []
    private struct Latest { var line: Int; var stamp: String; var order: Int32; var version: Int32; var count: Int32 }

    public static func run(bundle: StudyBundle, instruments: [Instrument]) throws -> StreamedScores {
        var out = StreamedScores()
        let store = ResponseStore(url: bundle.study.storeURL)
        guard store.exists else {
            out.versions = try? InstrumentVersions.build(bundle: bundle, uses: [InstrumentVersions.Use](), archive: InstrumentArchive(store: store))
            return out
        }
        // Participants: the roster's, then in order of first appearance (`StudyData.participants`).
        var number: [String: Int32] = [:]
        var names: [String] = []
        func participantNumber(_ id: String) -> Int32 {
            if let n = number[id] { return n }
            let n = Int32(names.count); number[id] = n; names.append(id); return n
        }
        for p in bundle.roster?.participants ?? [] { _ = participantNumber(p) }
        var waves = Names<String>(), instrumentIDs = Names<String>(), versionKeys = Names<VersionKey>()
        var cells: [Cell: Latest] = [:]
        var order: [Cell] = []
        out.problems = try store.scanColumns(ColumnRequest(versions: true)) { row, line in
            let cell = Cell(participant: participantNumber(row.participant), wave: waves(row.wave), instrument: instrumentIDs(row.instrument))
            if var c = cells[cell] {
                c.count += 1
                if LatestSubmission.replaces(row.submittedAt, c.stamp) {
                    c.line = line; c.stamp = row.submittedAt
                    c.version = versionKeys(VersionKey(version: row.instrumentVersion, sha256: row.instrumentHash))
                }
                cells[cell] = c
            } else {
                cells[cell] = Latest(line: line, stamp: row.submittedAt, order: Int32(order.count),
                                     version: versionKeys(VersionKey(version: row.instrumentVersion, sha256: row.instrumentHash)), count: 1)
                order.append(cell)
            }
        }
        out.duplicateCount = cells.values.lazy.filter { $0.count > 1 }.count
        out.versions = try? InstrumentVersions.build(bundle: bundle, uses: order.lazy.map { cell -> InstrumentVersions.Use in
            let c = cells[cell]!, v = versionKeys.keys[Int(c.version)]
            return InstrumentVersions.Use(instrument: instrumentIDs.keys[Int(cell.instrument)], version: v.version, sha256: v.sha256,
                                          wave: waves.keys[Int(cell.wave)], submittedAt: c.stamp)
        }, archive: InstrumentArchive(store: store))

        // The latest lines of the asked-for instruments, and where each row goes.
        let wanted = Dictionary(instruments.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
        var latestLines: [Int: Int] = [:]   // line -> cell order
        for (cell, c) in cells where wanted[instrumentIDs.keys[Int(cell.instrument)]] != nil { latestLines[c.line] = Int(c.order) }
        // The second pass needs only the lines: the cells go before it starts.
        cells = [:]
        order = []
        let waveOrder = Dictionary(uniqueKeysWithValues: bundle.study.waves.enumerated().map { ($1.id, $0) })
        var textNumber: [String: Int32] = [:]
        func intern(_ t: String) -> Int32 {
            if let n = textNumber[t] { return n }
            let n = Int32(out.texts.count); textNumber[t] = n; out.texts.append(t); return n
        }
        out.instruments = instruments
        out.scored.reserveCapacity(latestLines.count)
        _ = try store.scan { r, line in
            guard let order = latestLines[line], let k = wanted[r.instrument.id] else { return }
            let inst = instruments[k]
            let role = RolePrecedence.role(roster: bundle.rosterRole(of: r.participant), recorded: r.role)
            let rows = ScoreRow.rows(of: r, instrument: inst, scales: inst.scales, role: role)
            out.scored.append(Scored(instrument: k, participant: number[r.participant] ?? .max, wave: waveOrder[r.wave] ?? .max, order: order,
                                     waveText: intern(r.wave), role: role.map(intern) ?? -1, first: out.values.count,
                                     aside: SetAsideAnswer.find(in: r, line: line, bundle: bundle)))
            for row in rows { out.values.append(Numbers(score: row.score, answered: Int32(row.answered), k: Int32(row.k))) }
        }
        out.participantNames = names
        // Per instrument: rows by participant and wave (ties in the cells' order), set-aside answers in the cells' order.
        out.scored.sort { ($0.instrument, $0.participant, $0.wave, $0.order) < ($1.instrument, $1.participant, $1.wave, $1.order) }
        out.setAside = out.scored.sorted { ($0.instrument, $0.order) < ($1.instrument, $1.order) }.flatMap(\.aside)
        for i in out.scored.indices { out.scored[i].aside = [] }
        return out
    }

    /// Hands over every row in order (the order of `rows`), one at a time.
    public func forEachRow(_ body: (ScoreRow) throws -> Void) rethrows {
        for s in scored { try rows(of: s, body) }
    }

    /// The rows of the instrument at `position` in the list `run` was given, one submission
    /// (participant and wave) at a time: its rows, one per scale in scale order (the order of
    /// `forEachRow` within the instrument).
    /// Lazy and repeatable: a reader can go over them twice (the table of `waves score`:
    /// widths, then lines) without holding them.
    public func submissions(instrumentAt position: Int) -> some Sequence<[ScoreRow]> {
        scored.lazy.filter { $0.instrument == position }.map { s in
            var out: [ScoreRow] = []
            out.reserveCapacity(instruments[s.instrument].scales.count)
            rows(of: s) { out.append($0) }
            return out
        }
    }

    private func rows(of s: Scored, _ body: (ScoreRow) throws -> Void) rethrows {
        let inst = instruments[s.instrument]
        let participant = participantNames[Int(s.participant)], wave = texts[Int(s.waveText)]
        let role = s.role < 0 ? nil : texts[Int(s.role)]
        for (j, scale) in inst.scales.enumerated() {
            let n = values[s.first + j]
            try body(ScoreRow(participant: participant, role: role, wave: wave, instrument: inst.id, scale: scale.id,
                              score: n.score, answered: Int(n.answered), k: Int(n.k)))
        }
    }
}
