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
    /// What a row holds besides its texts. 16 bytes, not 24 (a `Double?` takes 9 and pads the
    /// rest): a missing score is a NaN of its own payload (`missing`), which no arithmetic makes,
    /// so every score, a NaN one included, reads back as it was given. 2 million at 100,000
    /// participants: 16 MB less grown and copied on the scan's consuming thread.
    public struct Numbers: Sendable {
        private var bits: UInt64
        public var answered: Int32
        public var k: Int32
        private static let missing: UInt64 = 0x7FF8_5C0E_0000_0001
        public var score: Double? {
            get { bits == Self.missing ? nil : Double(bitPattern: bits) }
            set { bits = newValue?.bitPattern ?? Self.missing }
        }
        public init(score: Double?, answered: Int32, k: Int32) {
            bits = score?.bitPattern ?? Self.missing; self.answered = answered; self.k = k
        }
    }
    /// One scored submission by number, for writers that format the rows themselves (`waves
    /// score`'s table, CSV and JSON): `forEachRow` makes the same rows from these.
    public struct Submission: Sendable {
        /// Its instrument's position in the list `run` was given (`instruments`).
        public var instrument: Int32
        /// Its participant in `participantNames`.
        public var participant: Int32
        /// Its wave, and its role (-1: none), in `texts`.
        public var wave: Int32
        public var role: Int32
        /// Its scales' numbers, in scale order, from `values[first]` on.
        public var first: Int
    }
    /// The instruments `run` was given, in order.
    public private(set) var instruments: [Instrument] = []
    /// Participant ids by number.
    public private(set) var participantNames: [String] = []
    /// Wave and role texts as the records give them.
    public private(set) var texts: [String] = []
    /// Every scored submission in row order (by instrument, participant, wave), the rows of
    /// each instrument one run (`range(instrumentAt:)`).
    public private(set) var scoredSubmissions: [Submission] = []
    /// Each submission's numbers, one per scale.
    public private(set) var values: [Numbers] = []
    private var scored: [Scored] = []
    /// A cell's latest submission so far; `cells` in order of first appearance.
    private struct Latest { var cell: Cell; var stamp: String; var version: Int32; var count: Int32; var slot: Int32? }

    public static func run(bundle: StudyBundle, instruments: [Instrument]) throws -> StreamedScores {
        var out = StreamedScores()
        out.instruments = instruments
        let store = ResponseStore(url: bundle.study.storeURL)
        guard store.exists else {
            out.versions = try? InstrumentVersions.build(bundle: bundle, uses: [InstrumentVersions.Use](), archive: InstrumentArchive(store: store))
            return out
        }
        // Participants: the roster's, then in order of first appearance (`StudyData.participants`).
        // Room for the participants up front (about one per wave's line): the table grew by
        // rehashing every id before.
        let lines = max(0, min(store.estimatedLineCount(), 1 << 26))
        var number: [String: Int32] = [:]
        number.reserveCapacity(lines / max(1, bundle.study.waves.count) + lines / 8)
        var names: [String] = []
        // Each cell of a study wave and a study instrument has its place in `cells` at
        // `cellAt[(p * W + w) * I + i]` (-1: none yet; W x I per participant, as `StudyIndex`
        // keeps its cells); the rest (other waves and instruments) in `place` by number. A
        // hashed `Cell` per line was a tenth of the consuming thread.
        let W = bundle.study.waves.count, I = bundle.instruments.count
        let studyInstrument = Dictionary(bundle.instruments.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
        var cellAt: [Int32] = []
        func participantNumber(_ id: String) -> Int32 {
            if let n = number[id] { return n }
            let n = Int32(names.count); number[id] = n; names.append(id)
            cellAt.append(contentsOf: repeatElement(-1, count: W * I))
            return n
        }
        for p in bundle.roster?.participants ?? [] { _ = participantNumber(p) }
        var waves = Names<String>(), instrumentIDs = Names<String>(), versionKeys = Names<VersionKey>()
        // Each cell's place in `cells` (one hash per line), and the cells in order of first appearance.
        var place: [Cell: Int32] = [:]
        var cells: [Latest] = []
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
        // What the last row's texts gave: consecutive lines mostly repeat them (and the fast
        // path hands over the same String when their bytes repeat), and comparing a String
        // with the one before costs less than hashing it.
        var lastParticipant = "", lastP: Int32 = -1, lastRosterRole: String?
        var lastWave = "", lastW: Int32 = -1, lastWaveOrder = Int.max, lastWaveText: Int32 = -1
        var lastInstrument = "", lastI: Int32 = -1, lastWanted: Int?, lastStudyInstrument = -1
        var lastVersion = VersionKey(version: "", sha256: ""), lastV: Int32 = -1
        var lastRole: String?, lastR: Int32 = -1
        func versionNumber(_ row: StoreRow) -> Int32 {
            let key = VersionKey(version: row.instrumentVersion, sha256: row.instrumentHash)
            if lastV < 0 || key != lastVersion { lastVersion = key; lastV = versionKeys(key) }
            return lastV
        }
        // Scores the row into the submission at `slot` of `out.scored` (a new one when nil) and
        // returns its slot: a later submission of the same cell scores into the same place.
        // Its numbers go straight into `out.values`.
        // The scales of each instrument (`Instrument` itself was copied for every scored line).
        let scaleCounts = instruments.map(\.scales.count)
        func score(_ row: StoreRow, line: Int, instrument k: Int, participant: Int32, order: Int32, slot: Int32?) -> Int32 {
            let scaleCount = scaleCounts[k]
            let role = RolePrecedence.role(roster: lastRosterRole, recorded: row.role)
            if role != lastRole || lastR == -1 { lastRole = role; lastR = role.map(intern) ?? -2 }
            let first = slot.map { out.scored[Int($0)].first } ?? out.values.count
            if slot == nil { for _ in 0..<scaleCount { out.values.append(Numbers(score: nil, answered: 0, k: 0)) } }
            var aside: [SetAsideAnswer]
            switch row {
            case .columns(let c):
                let rejected = c.values.withUnsafeBufferPointer { v in
                    out.values.withUnsafeMutableBufferPointer { all in
                        scorers[k].score(v, into: UnsafeMutableBufferPointer(rebasing: all[first..<(first + scaleCount)]))
                    }
                }
                aside = rejected.isEmpty ? [] : rejected.map { a in
                    SetAsideAnswer(line: line, participant: c.participant, wave: c.wave, instrument: instruments[k].id, item: instruments[k].items[Int(a.column)].id, value: a.value)
                }
            case .record(let r):
                let inst = instruments[k]
                for (j, row) in ScoreRow.rows(of: r, instrument: inst, scales: inst.scales, role: role).enumerated() {
                    out.values[first + j] = Numbers(score: row.score, answered: Int32(row.answered), k: Int32(row.k))
                }
                aside = SetAsideAnswer.find(in: r, line: line, bundle: bundle)
            }
            let entry = Scored(instrument: k, participant: participant, wave: lastWaveOrder, order: Int(order),
                               waveText: lastWaveText, role: max(lastR, -1), first: first, aside: aside)
            if let slot {
                out.scored[Int(slot)] = entry
                return slot
            }
            out.scored.append(entry)
            return Int32(out.scored.count - 1)
        }
        out.problems = try store.scanColumns(request) { row, line in
            let participant = row.participant, wave = row.wave, instrument = row.instrument
            if lastP < 0 || participant != lastParticipant {
                lastParticipant = participant; lastP = participantNumber(participant); lastRosterRole = bundle.rosterRole(of: participant)
            }
            if lastW < 0 || wave != lastWave {
                lastWave = wave; lastW = waves(wave); lastWaveOrder = waveOrder[wave] ?? .max; lastWaveText = intern(wave)
            }
            if lastI < 0 || instrument != lastInstrument {
                lastInstrument = instrument; lastI = instrumentIDs(instrument); lastWanted = wanted[instrument]
                lastStudyInstrument = studyInstrument[instrument] ?? -1
            }
            let p = lastP, k = lastWanted
            let cell = Cell(participant: p, wave: lastW, instrument: lastI)
            let o = Int32(cells.count)
            let found: Int32?
            if lastWaveOrder < W && lastStudyInstrument >= 0 {
                let at = (Int(p) * W + lastWaveOrder) * I + lastStudyInstrument
                found = cellAt[at] < 0 ? nil : cellAt[at]
                if found == nil { cellAt[at] = o }
            } else if let at = place[cell] {
                found = at
            } else {
                found = nil
                place[cell] = o
            }
            if let at = found {
                let i = Int(at)
                cells[i].count += 1
                if LatestSubmission.replaces(row.submittedAt, cells[i].stamp) {
                    cells[i].stamp = row.submittedAt
                    cells[i].version = versionNumber(row)
                    if let k { cells[i].slot = score(row, line: line, instrument: k, participant: p, order: at, slot: cells[i].slot) }
                }
            } else {
                cells.append(Latest(cell: cell, stamp: row.submittedAt, version: versionNumber(row), count: 1,
                                    slot: k.map { score(row, line: line, instrument: $0, participant: p, order: o, slot: nil) }))
            }
        }
        place = [:]
        cellAt = []
        out.duplicateCount = cells.lazy.filter { $0.count > 1 }.count
        // The versions' tally, from the cells grouped by instrument, file and wave (in order of
        // first appearance, so each file's first use keeps its place): what it reads of each
        // cell alike within a group but the time stamp, of which it keeps the earliest.
        // A group's place by its numbers in a flat table when that is small (a hashed `Use` per
        // cell was a thirtieth of the command), else in a dictionary.
        struct Use: Hashable { let instrument: Int32; let version: Int32; let wave: Int32 }
        let (nI, nV, nW) = (instrumentIDs.keys.count, versionKeys.keys.count, waves.keys.count)
        let flat = nI * nV * nW <= 1 << 16
        var groupAt = [Int32](repeating: -1, count: flat ? nI * nV * nW : 0)
        var groupOf: [Use: Int] = [:]
        var groups: [(use: Use, count: Int, earliest: String)] = []
        for c in cells {
            let use = Use(instrument: c.cell.instrument, version: c.version, wave: c.cell.wave)
            let at = flat ? (Int(use.instrument) * nV + Int(use.version)) * nW + Int(use.wave) : -1
            if let g = flat ? (groupAt[at] < 0 ? nil : Int(groupAt[at])) : groupOf[use] {
                groups[g].count += 1
                if c.stamp < groups[g].earliest { groups[g].earliest = c.stamp }
            } else {
                if flat { groupAt[at] = Int32(groups.count) } else { groupOf[use] = groups.count }
                groups.append((use, 1, c.stamp))
            }
        }
        cells = []
        var tally = InstrumentVersions.Tally()
        for g in groups {
            let v = versionKeys.keys[Int(g.use.version)]
            tally.add(InstrumentVersions.Use(instrument: instrumentIDs.keys[Int(g.use.instrument)], version: v.version, sha256: v.sha256,
                                             wave: waves.keys[Int(g.use.wave)], submittedAt: g.earliest), count: g.count)
        }
        out.versions = try? tally.build(bundle: bundle, archive: InstrumentArchive(store: store))
        out.participantNames = names
        // Per instrument: rows by participant and wave (ties in the cells' order), set-aside answers in the cells' order.
        out.scored.sort { ($0.instrument, $0.participant, $0.wave, $0.order) < ($1.instrument, $1.participant, $1.wave, $1.order) }
        out.setAside = out.scored.filter { !$0.aside.isEmpty }.sorted { ($0.instrument, $0.order) < ($1.instrument, $1.order) }.flatMap(\.aside)
        out.scoredSubmissions = out.scored.map { Submission(instrument: Int32($0.instrument), participant: $0.participant, wave: $0.waveText, role: $0.role, first: $0.first) }
        out.scored = []
        return out
    }

    /// Hands over every row in order (the order of `rows`), one at a time.
    public func forEachRow(_ body: (ScoreRow) throws -> Void) rethrows {
        for s in scoredSubmissions { try rows(of: s, body) }
    }

    /// Where the submissions of the instrument at `position` (in the list `run` was given) are
    /// in `scoredSubmissions`: one run, as they are sorted by instrument first.
    public func range(instrumentAt position: Int) -> Range<Int> {
        func firstIndex(after p: Int) -> Int {   // the first submission of an instrument after position p
            var lo = 0, hi = scoredSubmissions.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if Int(scoredSubmissions[mid].instrument) > p { hi = mid } else { lo = mid + 1 }
            }
            return lo
        }
        return firstIndex(after: position - 1)..<firstIndex(after: position)
    }

    /// The rows of the instrument at `position` in the list `run` was given, one submission
    /// (participant and wave) at a time: its rows, one per scale in scale order (the order of
    /// `forEachRow` within the instrument).
    /// Lazy and repeatable: a reader can go over them twice without holding them.
    public func submissions(instrumentAt position: Int) -> some Sequence<[ScoreRow]> {
        scoredSubmissions[range(instrumentAt: position)].lazy.map { s in
            var out: [ScoreRow] = []
            out.reserveCapacity(instruments[Int(s.instrument)].scales.count)
            rows(of: s) { out.append($0) }
            return out
        }
    }

    /// The row of scale `j` of submission `s` (what `forEachRow` hands over for it).
    public func row(_ s: Submission, scale j: Int) -> ScoreRow {
        let inst = instruments[Int(s.instrument)], n = values[s.first + j]
        return ScoreRow(participant: participantNames[Int(s.participant)], role: s.role < 0 ? nil : texts[Int(s.role)], wave: texts[Int(s.wave)],
                        instrument: inst.id, scale: inst.scales[j].id, score: n.score, answered: Int(n.answered), k: Int(n.k))
    }

    private func rows(of s: Submission, _ body: (ScoreRow) throws -> Void) rethrows {
        let inst = instruments[Int(s.instrument)]
        let participant = participantNames[Int(s.participant)], wave = texts[Int(s.wave)]
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
    /// The instrument's scales (read in place: `instrument.scales[j]` copied the scale per row).
    let scales: [Scale]
    /// Per scale: the column of each listed item the instrument has, in the scale's order.
    let scaleColumns: [[Int]]
    /// Per column: whether its numbers can be set aside (items that are not text or notes).
    let numeric: [Bool]
    var memo: ScoredValueMemo

    init(_ instrument: Instrument) {
        self.instrument = instrument
        scales = instrument.scales
        let position = Dictionary(instrument.items.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
        scaleColumns = instrument.scales.map { s in s.items.compactMap { position[$0] } }
        numeric = instrument.items.map { $0.type != .text && $0.type != .note }
        memo = ScoredValueMemo(items: instrument.items)
    }

    /// Scale `j`'s numbers from the row's scored items (`scored`: NaN where unanswered or rejected).
    func score(scale j: Int, scored: UnsafeBufferPointer<Double>) -> StreamedScores.Numbers {
        var sum = 0.0
        var answered = 0
        for c in scaleColumns[j] {
            let v = scored[c]
            guard !v.isNaN else { continue }
            sum += v
            answered += 1
        }
        return scales.withUnsafeBufferPointer { scales in
            StreamedScores.Numbers(score: Scoring.combine(sum: sum, answered: answered, scale: scales[j]), answered: Int32(answered),
                                   k: Int32(scales[j].items.count))
        }
    }

    /// A row's scales' numbers, in scale order, into `numbers`; returns its set-aside answers:
    /// the numbers the items' answer rules reject (`SetAsideAnswer.find` on the record). Each
    /// answer is scored once (`memo`), however many scales list its item.
    mutating func score(_ values: UnsafeBufferPointer<Double>, into numbers: UnsafeMutableBufferPointer<StreamedScores.Numbers>) -> [(column: Int32, value: Double)] {
        var aside: [(column: Int32, value: Double)] = []
        withUnsafeTemporaryAllocation(of: Double.self, capacity: values.count) { scored in
            for c in values.indices {
                let x = values[c]
                var v = Double.nan
                if !x.isNaN {
                    if let s = memo.score(c, x) { v = s } else if c < numeric.count && numeric[c] { aside.append((Int32(c), x)) }
                }
                scored.initializeElement(at: c, to: v)
            }
            let all = UnsafeBufferPointer(scored)
            for j in scaleColumns.indices { numbers[j] = score(scale: j, scored: all) }
        }
        return aside
    }
}

