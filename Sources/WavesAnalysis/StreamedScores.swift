import Foundation
import WavesCore
import WavesStore

/// `waves score` without holding the store: the rows `StudyData.scores(instrument:)` gives,
/// in the same order, from one streaming pass.
///
/// The columnar scan, with the asked-for instruments' items as its columns, finds per
/// participant, wave and instrument (any wave, as `StudyData`) the latest submission
/// (`LatestSubmission`), the order in which the cells first appear (the order of
/// `StudyData.records`), the instrument file of the latest one, and how many submissions each
/// cell has (duplicates). Each submission of an asked-for instrument that is the latest so far
/// is scored as it comes (`Scorer`, through `Scoring`'s rules), into its cell's place: a later
/// one overwrites it. Lines the fast path hands over as strict records are scored from the
/// record, as before. (Until session 8 a second pass read every latest line again as a strict
/// record and scored it on the consuming thread: 30 to 45 s at 100,000 participants.)
/// At 100,000 participants `StudyData` held every record (2.9 GB, about a minute); this pass
/// keeps one small entry per cell and, per row, only its numbers (score, answered, k):
/// the texts of a row (participant, role, wave, instrument, scale) are rebuilt when
/// `forEachRow` hands it over, so `waves score --json` and `--csv` write rows as they come
/// (1.8 million rows held as `ScoreRow`s took 810 MB).
/// Set-aside answers of one submission read by the fast path come in item order (the strict
/// record gives them in the record's order); every output sorts them by line and item.
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
    fileprivate struct Numbers: Sendable { var score: Double?; var answered: Int32; var k: Int32 }
    private var instruments: [Instrument] = []
    private var participantNames: [String] = []
    /// Wave and role texts as the records give them (role -1: none).
    private var texts: [String] = []
    private var scored: [Scored] = []
    private var values: [Numbers] = []
    private struct Latest { var line: Int; var stamp: String; var order: Int32; var version: Int32; var count: Int32; var slot: Int32? }

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
        // The asked-for instruments: their items are the scan's columns, so each latest line is
        // scored as it comes (`Scorer`), in the same pass that finds it.
        let wanted = Dictionary(instruments.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
        var scorers = instruments.map(Scorer.init)
        var request = ColumnRequest(versions: true)
        for inst in instruments where request.columns[inst.id] == nil { request.columns[inst.id] = inst.items.map(\.id) }
        let waveOrder = Dictionary(uniqueKeysWithValues: bundle.study.waves.enumerated().map { ($1.id, $0) })
        var textNumber: [String: Int32] = [:]
        func intern(_ t: String) -> Int32 {
            if let n = textNumber[t] { return n }
            let n = Int32(out.texts.count); textNumber[t] = n; out.texts.append(t); return n
        }
        out.instruments = instruments
        // Scores the row into the submission at `slot` of `out.scored` (a new one when nil) and
        // returns its slot: a later submission of the same cell scores into the same place.
        func score(_ row: StoreRow, line: Int, instrument k: Int, participant: Int32, order: Int32, slot: Int32?) -> Int32 {
            let inst = instruments[k]
            let role = RolePrecedence.role(roster: bundle.rosterRole(of: row.participant), recorded: row.role)
            var numbers: [Numbers] = []
            numbers.reserveCapacity(inst.scales.count)
            var aside: [SetAsideAnswer]
            switch row {
            case .columns(let c):
                aside = c.values.withUnsafeBufferPointer { v in
                    for j in inst.scales.indices { numbers.append(scorers[k].score(scale: j, v)) }
                    return scorers[k].setAside(v, line: line, participant: c.participant, wave: c.wave)
                }
            case .record(let r):
                for row in ScoreRow.rows(of: r, instrument: inst, scales: inst.scales, role: role) {
                    numbers.append(Numbers(score: row.score, answered: Int32(row.answered), k: Int32(row.k)))
                }
                aside = SetAsideAnswer.find(in: r, line: line, bundle: bundle)
            }
            let entry = Scored(instrument: k, participant: participant, wave: waveOrder[row.wave] ?? .max, order: Int(order),
                               waveText: intern(row.wave), role: role.map(intern) ?? -1, first: 0, aside: aside)
            if let slot {
                let first = out.scored[Int(slot)].first
                for (j, n) in numbers.enumerated() { out.values[first + j] = n }
                out.scored[Int(slot)] = entry
                out.scored[Int(slot)].first = first
                return slot
            }
            out.scored.append(entry)
            out.scored[out.scored.count - 1].first = out.values.count
            out.values.append(contentsOf: numbers)
            return Int32(out.scored.count - 1)
        }
        out.problems = try store.scanColumns(request) { row, line in
            let p = participantNumber(row.participant)
            let cell = Cell(participant: p, wave: waves(row.wave), instrument: instrumentIDs(row.instrument))
            let k = wanted[row.instrument]
            if var c = cells[cell] {
                c.count += 1
                if LatestSubmission.replaces(row.submittedAt, c.stamp) {
                    c.line = line; c.stamp = row.submittedAt
                    c.version = versionKeys(VersionKey(version: row.instrumentVersion, sha256: row.instrumentHash))
                    if let k { c.slot = score(row, line: line, instrument: k, participant: p, order: c.order, slot: c.slot) }
                }
                cells[cell] = c
            } else {
                let o = Int32(order.count)
                cells[cell] = Latest(line: line, stamp: row.submittedAt, order: o,
                                     version: versionKeys(VersionKey(version: row.instrumentVersion, sha256: row.instrumentHash)), count: 1,
                                     slot: k.map { score(row, line: line, instrument: $0, participant: p, order: o, slot: nil) })
                order.append(cell)
            }
        }
        out.duplicateCount = cells.values.lazy.filter { $0.count > 1 }.count
        out.versions = try? InstrumentVersions.build(bundle: bundle, uses: order.lazy.map { cell -> InstrumentVersions.Use in
            let c = cells[cell]!, v = versionKeys.keys[Int(c.version)]
            return InstrumentVersions.Use(instrument: instrumentIDs.keys[Int(cell.instrument)], version: v.version, sha256: v.sha256,
                                          wave: waves.keys[Int(cell.wave)], submittedAt: c.stamp)
        }, archive: InstrumentArchive(store: store))
        cells = [:]
        order = []
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

/// Scores one instrument's scales from a columnar row (its items as the row's columns, in
/// instrument order), with `Scoring`'s rules through the loader's memo (`ScoredValueMemo`):
/// the same numbers as `Scoring.score` on the record.
private struct Scorer {
    let instrument: Instrument
    /// Per scale: the column of each listed item the instrument has, in the scale's order.
    let scaleColumns: [[Int]]
    /// Per column: whether its numbers can be set aside (items that are not text or notes).
    let numeric: [Bool]
    var memo: ScoredValueMemo

    init(_ instrument: Instrument) {
        self.instrument = instrument
        let position = Dictionary(instrument.items.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
        scaleColumns = instrument.scales.map { s in s.items.compactMap { position[$0] } }
        numeric = instrument.items.map { $0.type != .text && $0.type != .note }
        memo = ScoredValueMemo(items: instrument.items)
    }

    mutating func score(scale j: Int, _ values: UnsafeBufferPointer<Double>) -> StreamedScores.Numbers {
        var sum = 0.0
        var answered = 0
        for c in scaleColumns[j] {
            let x = values[c]
            guard !x.isNaN, let v = memo.score(c, x) else { continue }
            sum += v
            answered += 1
        }
        let scale = instrument.scales[j]
        return StreamedScores.Numbers(score: Scoring.combine(sum: sum, answered: answered, scale: scale), answered: Int32(answered),
                                      k: Int32(scale.items.count))
    }

    /// The numbers the items' answer rules reject (`SetAsideAnswer.find` on the record).
    mutating func setAside(_ values: UnsafeBufferPointer<Double>, line: Int, participant: String, wave: String) -> [SetAsideAnswer] {
        var out: [SetAsideAnswer] = []
        for c in 0..<min(values.count, numeric.count) where numeric[c] {
            let v = values[c]
            guard !v.isNaN, memo.score(c, v) == nil else { continue }
            out.append(SetAsideAnswer(line: line, participant: participant, wave: wave, instrument: instrument.id, item: instrument.items[c].id, value: v))
        }
        return out
    }
}
