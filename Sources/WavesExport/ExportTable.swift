import Foundation
import WavesCore
import WavesStore

/// The latest submissions an export writes, held in columns instead of records.
///
/// Fed one row at a time in store order (`add`: a row of the columnar scan, read by its fast
/// path or as a strictly decoded record; `StudyData`'s records). For each participant, wave and
/// instrument it keeps the submission that counts (`LatestSubmission`) as
/// - its answers in one dense block per participant (every table wave x every item of every
///   table instrument: the dense answer matrix, `AnswerPages`, 4 bytes a cell while every
///   number fits a Float exactly, else 8), a number being the answer and a NaN with a payload
///   (`AnswerCode`) meaning absent, declined, don't know or "see the side table" (free text,
///   and rare combinations such as a number that is also marked declined, which only the
///   scores read);
/// - its `submitted_at` bytes, role, instrument version and store lines.
/// Store lines of every submission of a combination submitted more than once are kept for
/// the duplicate list. No `ResponseRecord` is kept, so memory is the dense matrix plus a few
/// integers per submission, whatever the store's size.
///
/// Records of other waves or instruments than the table's still count for the participant
/// order, duplicates and instrument versions, as they do in `StudyData`.
struct ExportTable: Sendable {
    let bundle: StudyBundle
    /// Table instruments (study order) and waves (the export's order).
    let instruments: [Instrument]
    let waves: [Wave]
    /// Per table instrument: item id -> column within its slot (every item of the instrument).
    let columns: [[String: Int]]
    /// Per slot (wave-major: `w * instruments.count + i`): offset of its first column in a block.
    let slotOffset: [Int]
    /// Doubles per participant block.
    let blockSize: Int
    /// Whether the answers are kept (false: only which submissions count, their times, roles
    /// and versions, for the codebook, which writes no cell: the scan then asks for no item
    /// column, text or mark, and no answer page is made).
    let keepsAnswers: Bool

    /// Participants in roster order, then in order of their first record in the store.
    private(set) var participants: [String] = []
    private var participantIndex: [String: Int32] = [:]
    /// Block of each participant (-1: no record at a table wave and instrument).
    private(set) var blockOf: [Int32] = []
    private var blockCount = 0
    /// The submission (key index) in each block slot, -1 when none: `slotKey[block * S + slot]`.
    private var slotKey: [Int32] = []
    private var values: AnswerPages
    /// Free-text answers by value index; numbers behind `AnswerCode.declinedNumber` etc.
    private var texts: [Int: String] = [:]
    private var sideNumbers: [Int: Double] = [:]

    /// Submission keys (participant, wave, instrument) in order of their first record.
    private var keyParticipant: [Int32] = []
    private var keyWave: [Int32] = []
    private var keyInstrument: [Int32] = []
    private var keyFirstLine: [Int32] = []
    private var keyLine: [Int32] = []
    private var keyStampStart: [Int] = []
    private var keyStampLength: [Int32] = []
    private var keyVersion: [Int32] = []
    private var keyRole: [Int32] = []
    /// Keys outside the table's slots (other waves and instruments).
    private var otherKeys: [OtherKey: Int32] = [:]
    /// Every store line of keys submitted more than once.
    private var duplicateLines: [Int32: [Int]] = [:]
    private var stampBytes: [UInt8] = []

    /// Interned strings: waves and instrument ids (table ones first), roles, versions.
    private var waveIDs: [String]
    private var waveIndex: [String: Int32]
    private var instrumentIDs: [String]
    private var instrumentIndex: [String: Int32]
    private(set) var roleNames: [String] = []
    private var roleIndex: [String: Int32] = [:]
    private(set) var versionTable: [InstrumentVersion] = []
    private var versionIndex: [InstrumentVersion: Int32] = [:]
    /// The participant and version of the previous submission (the next one is usually the same).
    private var lastParticipant: (id: String, index: Int32)?
    private var lastVersion: (version: String, sha256: String, index: Int32)?
    /// Per table instrument: the column of the answer at each position of the previous record
    /// (records of one instrument nearly always list their answers in the same order).
    private var lastKeys: [[(key: String, column: Int)]]

    private struct OtherKey: Hashable { var p: Int32, w: Int32, i: Int32 }

    init(bundle: StudyBundle, instruments: [Instrument], waves: [Wave], keepsAnswers: Bool = true) {
        self.bundle = bundle
        self.keepsAnswers = keepsAnswers
        self.instruments = instruments
        self.waves = waves
        columns = instruments.map { inst in Dictionary(inst.items.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a }) }
        var offsets: [Int] = []
        var size = 0
        for _ in waves { for inst in instruments { offsets.append(size); size += inst.items.count } }
        slotOffset = offsets
        blockSize = size
        values = AnswerPages(blockSize: size)
        // Table waves and instruments take the first intern numbers, so a key's numbers are its slot.
        waveIDs = waves.map(\.id)
        waveIndex = Dictionary(waves.enumerated().map { ($1.id, Int32($0)) }, uniquingKeysWith: { a, _ in a })
        instrumentIDs = instruments.map(\.id)
        instrumentIndex = Dictionary(instruments.enumerated().map { ($1.id, Int32($0)) }, uniquingKeysWith: { a, _ in a })
        lastKeys = Array(repeating: [], count: instruments.count)
        for p in bundle.roster?.participants ?? [] { _ = participant(p) }
    }

    var slotsPerBlock: Int { waves.count * instruments.count }
    /// Submissions that count (one per participant, wave and instrument with a record).
    var submissionCount: Int { keyLine.count }

    // MARK: - Feeding

    /// What a columnar scan must keep of each line for `add(_:line:)`: every item of the
    /// table's instruments as a column (in item order, so a column is the item's position),
    /// text answers, instrument versions, and the declined and don't-know marks.
    var columnRequest: ColumnRequest {
        guard keepsAnswers else { return ColumnRequest(versions: true) }
        var columns: [String: [String]] = [:]
        for inst in instruments where columns[inst.id] == nil { columns[inst.id] = inst.items.map(\.id) }
        return ColumnRequest(columns: columns, texts: true, versions: true, marks: true)
    }

    /// Adds one row of a columnar scan (`ResponseStore.scanColumns` with `columnRequest`) read
    /// from store line `line`; rows must come in store order. A row the fast path read gives
    /// the same table as the record the strict decoder makes of its line.
    mutating func add(_ row: StoreRow, line: Int) {
        switch row {
        case .record(let r): add(r, line: line)
        case .columns(let c):
            guard let slot = choose(participant: c.participant, wave: c.wave, instrument: c.instrument, submittedAt: c.submittedAt,
                                    version: c.version, sha256: c.sha256, role: c.role, line: line), keepsAnswers else { return }
            store(c, block: slot.block, wave: slot.wave, instrument: slot.instrument, replacing: slot.replacing)
        }
    }

    /// Adds one record read from store line `line`; records must come in store order.
    mutating func add(_ r: ResponseRecord, line: Int) {
        guard let slot = choose(participant: r.participant, wave: r.wave, instrument: r.instrument.id, submittedAt: r.submittedAt,
                                version: r.instrument.version, sha256: r.instrument.sha256, role: r.role, line: line), keepsAnswers else { return }
        store(r, block: slot.block, wave: slot.wave, instrument: slot.instrument, replacing: slot.replacing)
    }

    /// Records one submission's key, line, time, version and role when it is the one that now
    /// counts for its participant, wave and instrument (`LatestSubmission`), and counts it as
    /// a duplicate when the combination was seen before. Returns the table slot whose answers
    /// it now gives (`replacing` those of an earlier submission, else the slot is still empty),
    /// or nil when it does not count or lies outside the table.
    private mutating func choose(participant id: String, wave: String, instrument: String, submittedAt: String, version ver: String,
                                 sha256: String, role name: String?, line: Int) -> (block: Int, wave: Int, instrument: Int, replacing: Bool)? {
        let p = participant(id)
        let w = Self.intern(wave, &waveIDs, &waveIndex)
        let i = Self.intern(instrument, &instrumentIDs, &instrumentIndex)
        let inTable = Int(w) < waves.count && Int(i) < instruments.count
        var slot = -1
        var key: Int32
        if inTable {
            if blockOf[Int(p)] < 0 {
                blockOf[Int(p)] = Int32(blockCount)
                blockCount += 1
                slotKey.append(contentsOf: repeatElement(-1, count: slotsPerBlock))
                if keepsAnswers { values.appendBlock() }
            }
            slot = Int(blockOf[Int(p)]) * slotsPerBlock + Int(w) * instruments.count + Int(i)
            key = slotKey[slot]
        } else {
            key = otherKeys[OtherKey(p: p, w: w, i: i)] ?? -1
        }
        let replacing = key >= 0
        if replacing {
            let k = Int(key)
            duplicateLines[key, default: [Int(keyFirstLine[k])]].append(line)
            guard LatestSubmission.replaces(submittedAt, stamp(k)) else { return nil }
        } else {
            key = Int32(keyLine.count)
            keyParticipant.append(p); keyWave.append(w); keyInstrument.append(i)
            keyFirstLine.append(Int32(clamping: line))
            keyLine.append(0); keyStampStart.append(0); keyStampLength.append(0); keyVersion.append(0); keyRole.append(-1)
            if inTable { slotKey[slot] = key } else { otherKeys[OtherKey(p: p, w: w, i: i)] = key }
        }
        let k = Int(key)
        keyLine[k] = Int32(clamping: line)
        keyStampStart[k] = stampBytes.count
        keyStampLength[k] = Int32(submittedAt.utf8.count)
        stampBytes.append(contentsOf: submittedAt.utf8)
        // Lines in a row nearly always carry the same version: equal strings are cheaper to
        // compare than to hash.
        if let last = lastVersion, last.version == ver, last.sha256 == sha256 {
            keyVersion[k] = last.index
        } else {
            let v = version(InstrumentVersion(version: ver, sha256: sha256))
            keyVersion[k] = v
            lastVersion = (ver, sha256, v)
        }
        var role: Int32 = -1
        if let name { role = Self.intern(name, &roleNames, &roleIndex) }
        keyRole[k] = role
        return inTable ? (Int(blockOf[Int(p)]), Int(w), Int(i), replacing) : nil
    }

    /// Clears a slot's cells (and their side-table entries) before a later submission is written
    /// over them (a slot never written is all absent, with no side-table entries).
    private mutating func clear(base: Int, count n: Int) {
        if !texts.isEmpty || !sideNumbers.isEmpty {
            for c in base..<(base + n) { texts[c] = nil; sideNumbers[c] = nil }
        }
        for c in base..<(base + n) { values[c] = AnswerCode.absent.value }
    }

    /// `store` for a row of the fast path: its columns are the instrument's items in order
    /// (`columnRequest`), NaN where no number was given; its texts and marks by item id.
    /// Answer ids are distinct in such a row, so the order of writing does not matter.
    private mutating func store(_ r: ColumnRecord, block: Int, wave: Int, instrument i: Int, replacing: Bool) {
        let base = block * blockSize + slotOffset[wave * instruments.count + i]
        let n = instruments[i].items.count
        if replacing { clear(base: base, count: n) }
        r.values.withUnsafeBufferPointer { values.setNumbers(UnsafeBufferPointer(rebasing: $0.prefix(n)), at: base) }
        let cols = columns[i]
        for t in r.texts {
            guard let c = cols[t.item] else { continue }
            values[base + c] = AnswerCode.text.value
            texts[base + c] = t.text
        }
        mark(r.dontKnow, base: base, columns: cols, plain: .dontKnow, withNumber: .dontKnowNumber)
        mark(r.declined, base: base, columns: cols, plain: .declined, withNumber: .declinedNumber)
    }

    /// Writes the answers of the submission that now counts into its slot (clearing the one it replaces).
    private mutating func store(_ r: ResponseRecord, block: Int, wave: Int, instrument i: Int, replacing: Bool) {
        let base = block * blockSize + slotOffset[wave * instruments.count + i]
        let n = instruments[i].items.count
        if replacing { clear(base: base, count: n) }
        let cols = columns[i]
        for (j, a) in r.answers.enumerated() {
            let c: Int
            if j < lastKeys[i].count, lastKeys[i][j].key == a.id { c = lastKeys[i][j].column } else {
                c = cols[a.id] ?? -1
                if j < lastKeys[i].count { lastKeys[i][j] = (a.id, c) } else { lastKeys[i].append((a.id, c)) }
            }
            guard c >= 0 else { continue }
            switch a.value {
            case .number(let d):
                if d.isNaN { values[base + c] = AnswerCode.sideNumber.value; sideNumbers[base + c] = d } else { values[base + c] = d }
            case .text(let s): values[base + c] = AnswerCode.text.value; texts[base + c] = s
            case .missing: values[base + c] = AnswerCode.absent.value; texts[base + c] = nil; sideNumbers[base + c] = nil
            }
        }
        // "Don't know", then "Prefer not to answer" (which the cells show first); a number kept
        // beside either still counts in scores, as `Scoring` reads the answers alone.
        mark(r.dontKnow, base: base, columns: cols, plain: .dontKnow, withNumber: .dontKnowNumber)
        mark(r.declined, base: base, columns: cols, plain: .declined, withNumber: .declinedNumber)
    }

    private mutating func mark(_ ids: [String], base: Int, columns cols: [String: Int], plain: AnswerCode, withNumber: AnswerCode) {
        for id in ids {
            guard let c = cols[id] else { continue }
            let v = values[base + c]
            texts[base + c] = nil
            let code = AnswerCode(v)
            if !v.isNaN || code == .sideNumber || code == .dontKnowNumber || code == .declinedNumber {
                if !v.isNaN { sideNumbers[base + c] = v }
                values[base + c] = withNumber.value
            } else {
                sideNumbers[base + c] = nil
                values[base + c] = plain.value
            }
        }
    }

    /// Room for about `lines` store lines (`ResponseStore.estimatedLineCount`), so that the
    /// participant table and the per-submission arrays do not grow by copying while the scan
    /// fills them: rehashing every participant id and copying the arrays as they doubled was
    /// about a tenth of the single thread that takes the scan's rows. Room only: pages the scan
    /// never writes are never touched.
    mutating func reserve(lines: Int) {
        let lines = max(0, min(lines, 1 << 26))
        // At most one participant a line; most studies have a line per wave.
        participantIndex.reserveCapacity(lines / max(1, waves.count) + lines / 8)
        for k in [\Self.keyParticipant, \Self.keyWave, \Self.keyInstrument, \Self.keyFirstLine, \Self.keyLine, \Self.keyStampLength,
                  \Self.keyVersion, \Self.keyRole] as [WritableKeyPath<Self, [Int32]>] {
            self[keyPath: k].reserveCapacity(lines)
        }
        keyStampStart.reserveCapacity(lines)
    }

    private mutating func participant(_ id: String) -> Int32 {
        // A participant's lines often follow each other (the waves of one import row).
        if let last = lastParticipant, last.id == id { return last.index }
        if let p = participantIndex[id] { lastParticipant = (id, p); return p }
        let p = Int32(participants.count)
        participantIndex[id] = p
        participants.append(id)
        blockOf.append(-1)
        lastParticipant = (id, p)
        return p
    }

    private mutating func version(_ v: InstrumentVersion) -> Int32 {
        if let k = versionIndex[v] { return k }
        let k = Int32(versionTable.count)
        versionIndex[v] = k
        versionTable.append(v)
        return k
    }

    private static func intern(_ s: String, _ list: inout [String], _ index: inout [String: Int32]) -> Int32 {
        // A few waves or instruments: comparing is cheaper than hashing.
        if list.count <= 8, let k = list.firstIndex(of: s) { return Int32(k) }
        if let k = index[s] { return k }
        let k = Int32(list.count)
        index[s] = k
        list.append(s)
        return k
    }

    // MARK: - Reading

    /// The `submitted_at` of submission `k`.
    func stamp(_ k: Int) -> String {
        let start = keyStampStart[k]
        return String(decoding: stampBytes[start..<(start + Int(keyStampLength[k]))], as: UTF8.self)
    }

    /// Calls `body` with the `submitted_at` bytes of submission `k` (no `String` made).
    @inline(__always)
    func withStamp<R>(_ k: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        let start = keyStampStart[k], end = start + Int(keyStampLength[k])
        return stampBytes.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[start..<end])) }
    }

    /// Whether the `submitted_at` of submission `a` sorts after that of `b` as `String`s do
    /// (`stamp(a) > stamp(b)`): by bytes when both are ASCII (where the two orders agree), else
    /// as `String`s.
    func stamp(_ a: Int, isAfter b: Int) -> Bool {
        let ascii: Bool? = withStamp(a) { x in
            withStamp(b) { y -> Bool? in
                guard !x.contains(where: { $0 >= 0x80 }), !y.contains(where: { $0 >= 0x80 }) else { return nil }
                return y.lexicographicallyPrecedes(x)
            }
        }
        return ascii ?? (stamp(a) > stamp(b))
    }

    /// The index of submission `k`'s role in `roleNames`, -1 when it names none.
    func roleIndex(_ k: Int) -> Int32 { keyRole[k] }

    /// Copies `count` values from `index` on, all within one slot, as `cell(at:)` reads them
    /// (a NaN keeps its code), to `out`.
    @inline(__always)
    func copyValues(from index: Int, count: Int, into out: UnsafeMutablePointer<Double>) {
        values.copy(from: index, count: count, into: out)
    }

    func role(_ k: Int) -> String? { keyRole[k] < 0 ? nil : roleNames[Int(keyRole[k])] }

    func version(of k: Int) -> InstrumentVersion { versionTable[Int(keyVersion[k])] }

    /// The submission of participant block `block` at table wave `w` and instrument `i`, if any.
    @inline(__always)
    func submission(block: Int, wave w: Int, instrument i: Int) -> Int? {
        let k = slotKey[block * slotsPerBlock + w * instruments.count + i]
        return k < 0 ? nil : Int(k)
    }

    /// The index of the first value of a slot.
    @inline(__always)
    func base(block: Int, wave w: Int, instrument i: Int) -> Int { block * blockSize + slotOffset[w * instruments.count + i] }

    /// The export cell of the value at `index`.
    func cell(at index: Int) -> Cell {
        let v = values[index]
        if !v.isNaN { return .number(v) }
        switch AnswerCode(v) {
        case .absent: return .missing
        case .declined, .declinedNumber: return .declined
        case .dontKnow, .dontKnowNumber: return .dontKnow
        case .text: return texts[index].map(Cell.text) ?? .missing
        case .sideNumber: return sideNumbers[index].map(Cell.number) ?? .missing
        }
    }

    /// The stored answer at `index`, as scoring reads it (declined and don't know aside).
    func answer(at index: Int) -> Answer? {
        let v = values[index]
        if !v.isNaN { return .number(v) }
        switch AnswerCode(v) {
        case .absent, .declined, .dontKnow: return nil
        case .text: return texts[index].map(Answer.text)
        case .declinedNumber, .dontKnowNumber, .sideNumber: return sideNumbers[index].map(Answer.number)
        }
    }

    /// Combinations submitted more than once, in order of first appearance, the chosen line
    /// last (as `StoreContents.latestStored()` lists them).
    var duplicates: [Duplicate] {
        duplicateLines.keys.sorted().map { key in
            let k = Int(key)
            let chosen = Int(keyLine[k])
            return Duplicate(participant: participants[Int(keyParticipant[k])], wave: waveIDs[Int(keyWave[k])],
                             instrument: instrumentIDs[Int(keyInstrument[k])], lines: duplicateLines[key]!.filter { $0 != chosen } + [chosen])
        }
    }

    var duplicateCount: Int { duplicateLines.count }

    /// What the submissions that count give `InstrumentVersions` (as `StudyData.records` would,
    /// one by one in key order): gathered first by instrument, version and wave, in order of
    /// first appearance, each group with its count and earliest time stamp, so that no `String`
    /// is made per submission.
    var versionTally: InstrumentVersions.Tally {
        struct Group: Hashable { var instrument: Int32, version: Int32, wave: Int32 }
        var groups: [(group: Group, first: Int, count: Int, earliest: Int)] = []
        var index: [Group: Int] = [:]
        var last = -1
        for k in 0..<keyLine.count {
            let g = Group(instrument: keyInstrument[k], version: keyVersion[k], wave: keyWave[k])
            if last < 0 || groups[last].group != g {
                if let n = index[g] { last = n } else {
                    last = groups.count
                    index[g] = last
                    groups.append((g, k, 0, k))
                }
            }
            groups[last].count += 1
            // `Tally` keeps the first of equal times: a later one replaces only when earlier.
            if stamp(groups[last].earliest, isAfter: k) { groups[last].earliest = k }
        }
        var tally = InstrumentVersions.Tally()
        for g in groups {
            let v = version(of: g.first)
            tally.add(InstrumentVersions.Use(instrument: instrumentIDs[Int(g.group.instrument)], version: v.version, sha256: v.sha256,
                                             wave: waveIDs[Int(g.group.wave)], submittedAt: stamp(g.earliest)), count: g.count)
        }
        return tally
    }

    /// Calls `body` with the table wave and instrument of every submission at a table slot.
    func forEachTableSubmission(_ body: (_ key: Int, _ wave: Int, _ instrument: Int) -> Void) {
        for k in 0..<keyLine.count where Int(keyWave[k]) < waves.count && Int(keyInstrument[k]) < instruments.count {
            body(k, Int(keyWave[k]), Int(keyInstrument[k]))
        }
    }
}
