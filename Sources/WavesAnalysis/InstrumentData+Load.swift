import Foundation
import WavesCore
import WavesStore

extension InstrumentData {
    /// The one streaming pass behind `load`: each store row in store order, keeping the latest
    /// submission per participant and wave (`LatestSubmission`), roles by `RolePrecedence`, and
    /// setting aside numbers the item's rules reject. A struct with a mutating method (rather
    /// than a closure over local variables) so the hot loop runs without per-access checks.
    struct Loader {
        var d: InstrumentData
        let instrument: Instrument
        /// The latest `submitted_at` per cell ("" where none), packed as `StudyIndex` keeps them
        /// (`PackedStrings`): no String object is kept per cell while the store is read. Not
        /// kept (empty) when the index reading the same rows says which count (`add`'s `counted`).
        private var stamps: PackedStrings
        private let keepsStamps: Bool
        /// Every participant of the store (any instrument), by first appearance: one dictionary
        /// lookup per line gives the role slot and the participant's row in `d` (-1: none yet).
        private var seen: [String: Int] = [:]
        private var latestRole: [RolePrecedence.Latest] = []
        private var rowOf: [Int] = []
        private var lastSeen: (participant: String, slot: Int)?
        private var lastKeys: [(key: String, column: Int)] = []
        private let itemIndex: [String: Int]
        /// The study's wave ids, in order (a handful: searched in place, no hashing per line).
        private let waveIDs: [String]
        private let W: Int, K: Int
        private var memo: ScoredValueMemo
        private let roster: Roster?

        init(bundle: StudyBundle, instrument: Instrument, keepsStamps: Bool = true) {
            self.init(bundle: bundle, instrument: instrument, keepsStamps: keepsStamps,
                      data: InstrumentData(instrument: instrument, waves: bundle.study.waves, roster: bundle.roster))
            for (i, p) in d.participants.enumerated() where seen[p] == nil {
                seen[p] = rowOf.count
                rowOf.append(i)
                latestRole.append(RolePrecedence.Latest())
            }
        }

        /// A loader that starts from `d`, knowing no participant yet.
        private init(bundle: StudyBundle, instrument: Instrument, keepsStamps: Bool, data d: InstrumentData) {
            self.d = d
            self.keepsStamps = keepsStamps
            self.instrument = instrument
            roster = bundle.roster
            itemIndex = Dictionary(uniqueKeysWithValues: d.items.enumerated().map { ($1.id, $0) })
            waveIDs = bundle.study.waves.map(\.id)
            W = d.waves.count
            K = d.items.count
            stamps = PackedStrings(repeatingEmpty: keepsStamps ? d.participants.count * W : 0)
            memo = ScoredValueMemo(items: d.items)
        }

        /// What the loader knows beyond the columns, kept in the column cache so that a later
        /// load can go on with the lines appended to the store since (`ColumnCache.extended`):
        /// each cell's latest `submitted_at`, and every participant of the store (any
        /// instrument) by first appearance, with their row in the columns (-1: none) and the
        /// role their latest submission named. Nil for a loader without time stamps (told by
        /// the index which rows count): its columns are not extended.
        struct Progress {
            var stamps: PackedStrings
            var participants: [(id: String, row: Int, latest: RolePrecedence.Latest)]
        }

        var progress: Progress? {
            guard keepsStamps else { return nil }
            var names = [String](repeating: "", count: rowOf.count)
            for (id, g) in seen { names[g] = id }
            return Progress(stamps: stamps, participants: names.indices.map { (names[$0], rowOf[$0], latestRole[$0]) })
        }

        /// A loader that goes on from `d` and `progress` (what a loader had when it finished
        /// with the lines before); `nil` when they do not fit each other.
        init?(bundle: StudyBundle, instrument: Instrument, resuming d: InstrumentData, progress: Progress) {
            self.init(bundle: bundle, instrument: instrument, keepsStamps: true, data: d)
            let P = d.participants.count
            guard progress.stamps.count == P * W,
                  d.values.count == P * W * K, d.present.count == P * W, d.roles.count == P else { return nil }
            var seen: [String: Int] = [:], rowOf: [Int] = [], latestRole: [RolePrecedence.Latest] = [], hasRow = [Bool](repeating: false, count: P)
            seen.reserveCapacity(progress.participants.count)
            for (g, p) in progress.participants.enumerated() {
                guard seen.updateValue(g, forKey: p.id) == nil, p.row >= -1, p.row < P else { return nil }
                if p.row >= 0 {
                    guard !hasRow[p.row], d.participants[p.row] == p.id else { return nil }
                    hasRow[p.row] = true
                }
                rowOf.append(p.row)
                latestRole.append(p.latest)
            }
            guard !hasRow.contains(false) else { return nil }
            self.seen = seen
            self.rowOf = rowOf
            self.latestRole = latestRole
            stamps = progress.stamps
        }

        /// Reserves room for up to `participants` participants (at most a quarter of the
        /// machine's memory), so that the columns do not grow by doubling: each doubling copied
        /// them and touched fresh pages, most of the consuming thread's time at 100,000
        /// participants. The room is address space only; pages are used as rows are written, so
        /// the peak memory is that of the columns themselves. Any count is safe: the columns
        /// still grow past it.
        mutating func reserve(participants n: Int) {
            let room = min(n, Self.reservableRows(waves: W, items: K))
            guard room > d.participants.count else { return }
            d.values.reserveCapacity(room * W * K)
            d.present.reserveCapacity(room * W)
            if keepsStamps { stamps.reserve(room * W, bytesEach: 24) }
        }

        /// The most participants' rows room is reserved for ahead of reading (here, and for a
        /// cached matrix about to be extended): a quarter of the machine's memory.
        static func reservableRows(waves W: Int, items K: Int) -> Int {
            Int(ProcessInfo.processInfo.physicalMemory / 4) / max(1, W * K * MemoryLayout<Double>.size)
        }

        /// Adds a store row; `counted`, when given, is whether it is now the counted submission of
        /// its participant, wave and instrument, as decided by the index reading the same rows
        /// (`StudyIndex.add`, the same `LatestSubmission` rule), so no time stamps are kept here.
        mutating func add(_ row: StoreRow, line: Int, counted: Bool? = nil) {
            precondition(keepsStamps || counted != nil, "a loader without time stamps is told which rows count")
            switch row {
            case .columns(let c):
                guard let (cell, base) = place(c.participant, role: c.role, wave: c.wave, instrument: c.instrument, submittedAt: c.submittedAt,
                                               counted: counted) else { return }
                var rejected = 0  // the first column whose number the rules reject, plus one
                c.values.withUnsafeBufferPointer { v in
                    d.values.withUnsafeMutableBufferPointer { out in
                        for k in 0..<K {
                            let x = v[k]
                            if x.isNaN { out[base + k] = .nan; continue }
                            if let s = memo.score(k, x) { out[base + k] = s } else {
                                out[base + k] = .nan
                                if rejected == 0 { rejected = k + 1 }
                            }
                        }
                    }
                }
                if rejected > 0 {
                    for k in (rejected - 1)..<K where !c.values[k].isNaN && memo.score(k, c.values[k]) == nil {
                        setAside(cell, line: line, participant: c.participant, wave: c.wave, item: d.items[k].id, value: c.values[k])
                    }
                }
            case .record(let r):
                guard let (cell, base) = place(r.participant, role: r.role, wave: r.wave, instrument: r.instrument.id, submittedAt: r.submittedAt,
                                               counted: counted) else { return }
                for k in 0..<K { d.values[base + k] = .nan }
                // Records of one instrument nearly always list their answers in the same order:
                // reuse the previous record's column for a key when it is the same string.
                for (j, a) in r.answers.enumerated() {
                    let k: Int
                    if j < lastKeys.count, lastKeys[j].key == a.id { k = lastKeys[j].column }
                    else {
                        k = itemIndex[a.id] ?? -1
                        if j < lastKeys.count { lastKeys[j] = (a.id, k) } else { lastKeys.append((a.id, k)) }
                    }
                    guard k >= 0 else { continue }
                    // Only numbers score (text and missing stay NaN), through the same memo as a fast row.
                    guard case .number(let v) = a.value else { continue }
                    if let s = memo.score(k, v) { d.values[base + k] = s }
                    else { setAside(cell, line: line, participant: r.participant, wave: r.wave, item: a.id, value: v) }
                }
            }
        }

        /// Notes the line's role; for a line of this instrument at a study wave that counts (the
        /// latest so far for its participant and wave), marks the cell present and returns it with
        /// the offset of its values, which the caller then fills. Nil for lines that do not count.
        @inline(__always)
        private mutating func place(_ participant: String, role: String?, wave: String, instrument id: String, submittedAt: String,
                                    counted: Bool?) -> (cell: Int, base: Int)? {
            let g: Int
            // A participant's lines often follow each other: the last one is checked first.
            if let last = lastSeen, last.participant == participant { g = last.slot }
            else if let i = seen[participant] { g = i } else {
                g = rowOf.count
                seen[participant] = g
                rowOf.append(-1)
                latestRole.append(RolePrecedence.Latest())
            }
            lastSeen = (participant, g)
            latestRole[g].see(role: role, submittedAt: submittedAt)
            guard id == instrument.id, let w = waveIDs.firstIndex(of: wave) else { return nil }
            var p = rowOf[g]
            if p < 0 {
                p = d.participants.count
                rowOf[g] = p
                d.participants.append(participant)
                d.roles.append(nil)
                d.values.append(contentsOf: repeatElement(Double.nan, count: W * K))
                d.present.append(contentsOf: repeatElement(false, count: W))
                if keepsStamps { stamps.appendEmpty(W) }
            }
            let cell = p * W + w
            if d.present[cell] {
                d.duplicateCount += 1
                if !(counted ?? LatestSubmission.replaces(submittedAt, stamps, cell)) { return nil }
            }
            d.present[cell] = true
            if keepsStamps { stamps[cell] = submittedAt }
            if !d.setAsideByCell.isEmpty, d.setAsideByCell[cell] != nil { d.setAsideByCell[cell] = nil }
            return (cell, cell * K)
        }

        /// A number the item's rules reject (not an option, outside min/max): set aside as missing.
        private mutating func setAside(_ cell: Int, line: Int, participant: String, wave: String, item: String, value: Double) {
            d.setAsideByCell[cell, default: []].append(SetAsideAnswer(line: line, participant: participant, wave: wave,
                                                                      instrument: instrument.id, item: item, value: value))
        }

        /// The roles (`RolePrecedence`: the roster's, else the latest recorded one) and problems.
        mutating func finish(problems: [StoreProblem]) -> InstrumentData {
            d.problems = problems
            for p in d.participants.indices {
                let id = d.participants[p]
                d.roles[p] = RolePrecedence.role(roster: roster?.role(of: id), recorded: seen[id].map { latestRole[$0].role } ?? nil)
            }
            return d
        }
    }
}

/// `Scoring.scoredValue` of each item for the numbers it meets, remembered: an item's answers
/// take a handful of values, so the rule (in `Scoring`/`AnswerRules`, its one home) runs once
/// per distinct value instead of once per cell.
///
/// The whole numbers 0 to 15 (every option of the usual scales) are scored for every item up
/// front into one flat table, read without a search; other numbers go through a short list per
/// item.
struct ScoredValueMemo {
    static let small = 16
    let items: [Item]
    /// Item k, whole number v: the score at `k * small + v`, and whether the rules accept it.
    private let table: [Double]
    private let accepted: [Bool]
    private var others: [[(value: Double, scored: Double?)]]

    init(items: [Item]) {
        self.items = items
        var table = [Double](repeating: .nan, count: items.count * Self.small), accepted = [Bool](repeating: false, count: items.count * Self.small)
        for (k, item) in items.enumerated() {
            for v in 0..<Self.small {
                if let s = Scoring.scoredValue(item, .number(Double(v))) { table[k * Self.small + v] = s; accepted[k * Self.small + v] = true }
            }
        }
        self.table = table
        self.accepted = accepted
        others = Array(repeating: [], count: items.count)
    }

    /// The score of number `v` (not NaN) answered to item `k`, nil when the rules reject it.
    @inline(__always)
    mutating func score(_ k: Int, _ v: Double) -> Double? {
        if v >= 0 && v < Double(Self.small) {
            let w = Int(v)
            if Double(w) == v && (w != 0 || v.sign == .plus) {
                let at = k * Self.small + w
                return accepted[at] ? table[at] : nil
            }
        }
        for e in others[k] where e.value.bitPattern == v.bitPattern { return e.scored }
        let scored = Scoring.scoredValue(items[k], .number(v))
        if others[k].count < 16 { others[k].append((v, scored)) }
        return scored
    }
}
