import Foundation
import WavesCore

/// Which submission counts per participant, wave and instrument, found in one streaming pass
/// without keeping records: the streaming form of `StoreContents.latestStored()`, with the same
/// choice (`LatestSubmission`), the same order (cells in order of first appearance, over every
/// readable record, waves and instruments the study does not define included) and the same
/// duplicates.
///
/// Keeps per cell a few numbers and the latest `submitted_at`; the store lines of every
/// submission only for cells submitted more than once. `waves validate` and `waves quality`
/// feed it their store pass (`StoreRow` or records) in store order.
public struct LatestCells: Sendable {
    private struct Key: Hashable { let participant: Int32; let wave: Int32; let instrument: Int32 }

    /// Participants in order of first appearance.
    public private(set) var participants: [String] = []
    private var participantNumber: [String: Int32] = [:]
    private var waves: [String] = []
    private var waveNumber: [String: Int32] = [:]
    private var instruments: [String] = []
    private var instrumentNumber: [String: Int32] = [:]

    private var keys: [Key] = []
    /// A participant's cells, found without hashing: the participant's first cell
    /// (`firstCell`, -1: none yet) and each cell's next one of the same participant
    /// (`nextCell`, -1: the last), walked for at most `walked` cells; cells beyond those of one
    /// participant are in `cellNumber`. A store's lines of one participant name a few waves and
    /// instruments, so the walk is short, and it touches memory the participant's lines just
    /// used, where one hashed table of every cell was a cache miss per line.
    private var firstCell: [Int32] = []
    private var nextCell: [Int32] = []
    private var cellsOfParticipant: [Int32] = []
    private var cellNumber: [Key: Int32] = [:]
    private static let walked = 16
    private var firstLine: [Int] = []
    private var latestLine: [Int] = []
    private var latestStamp = PackedStrings()
    /// The instrument file (version, hash) of the latest submission, by number in `files`.
    private var latestFile: [Int32] = []
    private var files: [(version: String, sha256: String)] = []
    private var fileNumber: [String: [String: Int32]] = [:]
    /// The last line's participant, wave, instrument and file with their numbers.
    private var lastParticipant: (name: String, number: Int32)?
    private var lastWave: (name: String, number: Int32)?
    private var lastInstrument: (name: String, number: Int32)?
    private var lastFile: (version: String, sha256: String, number: Int32)?
    /// The numbers of the study's waves and instruments by place (`numbers(_:bundle:)`; -1: not asked yet).
    private var placeWaves: [Int32] = []
    private var placeInstruments: [(instrument: Int32, file: Int32)] = []
    /// Every line of the cells submitted more than once, in store order.
    private var repeatedLines: [Int32: [Int]] = [:]

    /// Readable records seen.
    public private(set) var records = 0

    public init() {}

    /// Makes room for about `lines` records (`ResponseStore.estimatedLineCount`, a hint): the
    /// tables then do not grow, and rehash, as the pass goes.
    public mutating func reserve(lines: Int) {
        let n = max(0, min(lines, 1 << 26))
        participantNumber.reserveCapacity(n / 3)   // a participant has a line per wave and instrument, usually several
        keys.reserveCapacity(n)
        nextCell.reserveCapacity(n)
        firstLine.reserveCapacity(n)
        latestLine.reserveCapacity(n)
        latestFile.reserveCapacity(n)
        latestStamp.reserve(n, bytesEach: 24)
    }

    /// The number of cells (participant x wave x instrument submitted).
    public var count: Int { keys.count }

    /// Adds one readable line (in store order): its cell, and whether it is now the cell's
    /// counted submission.
    @discardableResult
    public mutating func add(_ row: StoreRow, line: Int) -> (cell: Int, latest: Bool) {
        add(participant: row.participant, wave: row.wave, instrument: row.instrument, submittedAt: row.submittedAt,
            version: row.instrumentVersion, sha256: row.instrumentHash, line: line)
    }

    /// As `add(_:line:)` for a strictly read record.
    @discardableResult
    public mutating func add(_ r: ResponseRecord, line: Int) -> (cell: Int, latest: Bool) {
        add(participant: r.participant, wave: r.wave, instrument: r.instrument.id, submittedAt: r.submittedAt,
            version: r.instrument.version, sha256: r.instrument.sha256, line: line)
    }

    /// As `add(_:line:)`, from the fields it reads.
    public mutating func add(participant: String, wave: String, instrument: String, submittedAt: String,
                             version: String, sha256: String, line: Int) -> (cell: Int, latest: Bool) {
        add(participant: participant, wave: number(wave: wave), instrument: number(instrument: instrument), submittedAt: submittedAt,
            file: number(version: version, sha256: sha256), line: line)
    }

    /// The number of a wave text (numbers are this value's own, in order of first appearance).
    /// Lines of one store repeat their wave, instrument and instrument file: the last line's
    /// numbers are taken when the Strings are equal (a full comparison; equal Strings have one number).
    public mutating func number(wave: String) -> Int32 {
        if let last = lastWave, last.name == wave { return last.number }
        let w = Self.number(wave, &waveNumber, &waves)
        lastWave = (wave, w)
        return w
    }

    /// The number of an instrument id, as `number(wave:)`.
    public mutating func number(instrument: String) -> Int32 {
        if let last = lastInstrument, last.name == instrument { return last.number }
        let i = Self.number(instrument, &instrumentNumber, &instruments)
        lastInstrument = (instrument, i)
        return i
    }

    /// The number of an instrument file (the version and hash a record names), as `number(wave:)`.
    public mutating func number(version: String, sha256: String) -> Int32 {
        if let last = lastFile, last.sha256 == sha256, last.version == version { return last.number }
        let n: Int32
        if let known = fileNumber[sha256]?[version] { n = known } else {
            n = Int32(files.count)
            files.append((version, sha256))
            fileNumber[sha256, default: [:]][version] = n
        }
        lastFile = (version, sha256, n)
        return n
    }

    /// The wave, instrument and file of a number given by `number(wave:)`, `number(instrument:)`, `number(version:sha256:)`.
    public func wave(_ n: Int32) -> String { waves[Int(n)] }
    public func instrument(_ n: Int32) -> String { instruments[Int(n)] }
    public func file(_ n: Int32) -> (version: String, sha256: String) { files[Int(n)] }

    /// As `add(participant:wave:instrument:submittedAt:version:sha256:line:)`, with the wave,
    /// instrument and file already numbered (`number(wave:)` and the others): a reader that
    /// knows them by its own numbers (the study's waves, say) asks for each only once.
    public mutating func add(participant: String, wave w: Int32, instrument i: Int32, submittedAt: String, file: Int32, line: Int) -> (cell: Int, latest: Bool) {
        records += 1
        let p: Int32
        // A participant's lines mostly follow one another: the last one's number, for an equal String.
        if let last = lastParticipant, last.name == participant { p = last.number } else {
            p = Self.number(participant, &participantNumber, &participants)
            lastParticipant = (participant, p)
            if firstCell.count < participants.count { firstCell.append(-1); cellsOfParticipant.append(0) }
        }
        let key = Key(participant: p, wave: w, instrument: i)
        if let c = find(key) {
            let k = Int(c)
            if repeatedLines[c] == nil { repeatedLines[c] = [firstLine[k]] }
            repeatedLines[c]!.append(line)
            guard LatestSubmission.replaces(submittedAt, latestStamp, k) else { return (k, false) }
            latestLine[k] = line
            latestStamp[k] = submittedAt
            latestFile[k] = file
            return (k, true)
        }
        let k = keys.count
        insert(key, Int32(k))
        keys.append(key)
        firstLine.append(line)
        latestLine.append(line)
        latestStamp.append(submittedAt)
        latestFile.append(file)
        return (k, true)
    }

    /// The cell of `key`, if any: among the participant's first `walked` cells, else in `cellNumber`.
    private func find(_ key: Key) -> Int32? {
        let p = Int(key.participant)
        var c = firstCell[p], n = 0
        while c >= 0 {
            let other = keys[Int(c)]
            if other.wave == key.wave && other.instrument == key.instrument { return c }
            n += 1
            if n == Self.walked { break }
            c = nextCell[Int(c)]
        }
        return cellsOfParticipant[p] > Int32(Self.walked) ? cellNumber[key] : nil
    }

    /// Adds cell `c` (numbered next) to its participant's: linked while the participant has
    /// fewer than `walked`, else in `cellNumber`.
    private mutating func insert(_ key: Key, _ c: Int32) {
        let p = Int(key.participant)
        nextCell.append(-1)
        let n = Int(cellsOfParticipant[p])
        cellsOfParticipant[p] += 1
        if n >= Self.walked { cellNumber[key] = c; return }
        if n == 0 { firstCell[p] = c; return }
        var last = firstCell[p]
        while nextCell[Int(last)] >= 0 { last = nextCell[Int(last)] }
        nextCell[Int(last)] = c
    }

    private static func number(_ s: String, _ numbers: inout [String: Int32], _ names: inout [String]) -> Int32 {
        if let n = numbers[s] { return n }
        let n = Int32(names.count)
        numbers[s] = n
        names.append(s)
        return n
    }

    /// The numbers of a line's wave, instrument and file (`number(wave:)` and the others), given
    /// by a decoding thread as `CountedKeys`: a line that names them by their places in `bundle`
    /// asks for each place's numbers once.
    public mutating func numbers(_ keys: CountedKeys, bundle: StudyBundle) -> (wave: Int32, instrument: Int32, file: Int32) {
        switch keys {
        case .current(let wk, let ik):
            let w = Int(wk), i = Int(ik)
            if w >= placeWaves.count { placeWaves += Array(repeating: -1, count: w + 1 - placeWaves.count) }
            if i >= placeInstruments.count { placeInstruments += Array(repeating: (-1, -1), count: i + 1 - placeInstruments.count) }
            if placeWaves[w] < 0 { placeWaves[w] = number(wave: bundle.study.waves[w].id) }
            if placeInstruments[i].instrument < 0 {
                let inst = bundle.instruments[i]
                placeInstruments[i] = (number(instrument: inst.id), number(version: inst.version, sha256: inst.sha256))
            }
            return (placeWaves[w], placeInstruments[i].instrument, placeInstruments[i].file)
        case .named(let n):
            return (number(wave: n.wave), number(instrument: n.instrument.id), number(version: n.instrument.version, sha256: n.instrument.sha256))
        }
    }

    /// The tally of the instrument files of the counted submissions (as `InstrumentVersions.build`
    /// makes it from `latestUses`), gathered by number (`UseGroups`).
    public var latestTally: InstrumentVersions.Tally {
        var groups = UseGroups()
        for k in 0..<keys.count {
            let key = keys[k], file = latestFile[k]
            groups.add(instrument: key.instrument, file: file, wave: key.wave, submittedAt: latestStamp[k]) {
                let f = files[Int(file)]
                return (waves[Int(key.wave)], InstrumentRef(id: instruments[Int(key.instrument)], version: f.version, sha256: f.sha256))
            }
        }
        return groups.tally
    }

    /// The store line of the counted submission of cell `k` (cells numbered in order of first appearance).
    public func line(of k: Int) -> Int { latestLine[k] }

    /// The participant, wave and instrument of cell `k`.
    public func cell(_ k: Int) -> (participant: String, wave: String, instrument: String) {
        let key = keys[k]
        return (participants[Int(key.participant)], waves[Int(key.wave)], instruments[Int(key.instrument)])
    }

    /// The store line of each counted submission with its cell, in store order (a second pass
    /// over the store meets them in this order).
    public var latestLines: [(line: Int, cell: Int)] {
        latestLine.enumerated().map { (line: $1, cell: $0) }.sorted { $0.line < $1.line }
    }

    /// The number of cells submitted more than once (`StoreContents.latestStored().duplicates.count`).
    public var duplicateCount: Int { repeatedLines.count }

    /// Cells submitted more than once, in order of first appearance; the chosen line last
    /// (as `StoreContents.latestStored()` lists them).
    public var duplicates: [Duplicate] {
        repeatedLines.keys.sorted().map { c in
            let k = Int(c), cell = cell(k), chosen = latestLine[k]
            return Duplicate(participant: cell.participant, wave: cell.wave, instrument: cell.instrument,
                             lines: repeatedLines[c]!.filter { $0 != chosen } + [chosen])
        }
    }

    /// The instrument file of each counted submission, in the cells' order, as
    /// `InstrumentVersions.build` reads the latest records (`StudyData.records`).
    public var latestUses: LazyMapSequence<Range<Int>, InstrumentVersions.Use> {
        (0..<keys.count).lazy.map { k in
            let key = keys[k], file = files[Int(latestFile[k])]
            return InstrumentVersions.Use(instrument: instruments[Int(key.instrument)], version: file.version, sha256: file.sha256,
                                          wave: waves[Int(key.wave)], submittedAt: latestStamp[k])
        }
    }
}

/// What `InstrumentVersions.Tally` gathers of every record, gathered by number: the records
/// alike in instrument, file and wave are one group (in order of first appearance, with the
/// texts of its first record, its count and its earliest `submitted_at`), added to the tally
/// at the end. The tally is the same as from each record (`UseGroupsTests`): per instrument and
/// hash, the first group is the one of its first record, and a wave's first group is the one
/// of its first record.
struct UseGroups {
    private struct Key: Hashable { let instrument: Int32; let file: Int32; let wave: Int32 }
    private var number: [Key: Int] = [:]
    private var groups: [(use: InstrumentVersions.Use, count: Int)] = []
    private var last: (key: Key, group: Int)?

    /// One record: its numbers (`LatestCells.number`), its time, and its texts (asked only for a new group).
    mutating func add(instrument: Int32, file: Int32, wave: Int32, submittedAt: String, names: () -> (wave: String, instrument: InstrumentRef)) {
        let key = Key(instrument: instrument, file: file, wave: wave)
        let g: Int
        if let l = last, l.key == key { g = l.group } else if let known = number[key] { g = known; last = (key, g) } else {
            let (w, i) = names()
            number[key] = groups.count
            last = (key, groups.count)
            groups.append((InstrumentVersions.Use(instrument: i.id, version: i.version, sha256: i.sha256, wave: w, submittedAt: submittedAt), 1))
            return
        }
        groups[g].count += 1
        if submittedAt < groups[g].use.submittedAt { groups[g].use.submittedAt = submittedAt }
    }

    /// The tally of every record added.
    var tally: InstrumentVersions.Tally {
        var t = InstrumentVersions.Tally()
        for g in groups { t.add(g.use, count: g.count) }
        return t
    }
}

/// A line's wave and instrument file as a decoding thread hands them to the thread that
/// counts (`LatestCells.numbers(_:bundle:)`): by their places in the study when the line writes
/// them byte for byte as the study does, so that no String of theirs is passed between threads
/// (each one a reference count touched by two threads per line), else as written.
public enum CountedKeys: Sendable {
    /// The wave at this place of the study's waves and the instrument at this place of the
    /// bundle's, with that instrument file's version and hash.
    case current(wave: Int32, instrument: Int32)
    /// Any other line: its wave and instrument as written (held apart, so that every line's
    /// result stays small to move).
    case named(Named)

    public final class Named: Sendable {
        public let wave: String
        public let instrument: InstrumentRef
        public init(wave: String, instrument: InstrumentRef) { self.wave = wave; self.instrument = instrument }
    }

    public static func named(wave: String, instrument: InstrumentRef) -> CountedKeys { .named(Named(wave: wave, instrument: instrument)) }

    /// The wave and instrument file as written.
    public func names(_ bundle: StudyBundle) -> (wave: String, instrument: InstrumentRef) {
        switch self {
        case .current(let w, let i):
            let inst = bundle.instruments[Int(i)]
            return (bundle.study.waves[Int(w)].id, InstrumentRef(id: inst.id, version: inst.version, sha256: inst.sha256))
        case .named(let n): return (n.wave, n.instrument)
        }
    }
}

/// The study's waves and instrument files by place, for the decoding threads (`CountedKeys`).
public struct StudyPlaces: Sendable {
    /// The first wave with each id.
    private let waveIndex: [String: Int32]
    private let waves: [String]
    private let instruments: [InstrumentRef]

    public init(_ bundle: StudyBundle) {
        var index: [String: Int32] = [:]
        for (k, w) in bundle.study.waves.enumerated() where index[w.id] == nil { index[w.id] = Int32(k) }
        waveIndex = index
        waves = bundle.study.waves.map(\.id)
        instruments = bundle.instruments.map { InstrumentRef(id: $0.id, version: $0.version, sha256: $0.sha256) }
    }

    /// The place of the first study wave with this id (Strings compare as Strings: canonically).
    public func wave(_ id: String) -> Int32? { waveIndex[id] }

    /// A fast record's keys: by place when its wave is a study wave and its instrument (the plan's
    /// `instrumentIndex`, the first of the bundle's with its id) is named with the current file,
    /// each written byte for byte as the study writes it (Strings compare equal also when only
    /// canonically equivalent, and the counts keep the first text they meet); else as written.
    public func keys(_ r: FastRecord) -> CountedKeys {
        guard let w = waveIndex[r.wave], r.instrumentIndex >= 0, r.instrumentIndex < instruments.count else { return .named(wave: r.wave, instrument: r.instrument) }
        let inst = instruments[r.instrumentIndex]
        guard Self.same(r.wave, waves[Int(w)]), Self.same(r.instrument.id, inst.id), Self.same(r.instrument.version, inst.version),
              Self.same(r.instrument.sha256, inst.sha256) else { return .named(wave: r.wave, instrument: r.instrument) }
        return .current(wave: w, instrument: Int32(r.instrumentIndex))
    }

    /// Byte for byte, in place (the generic `elementsEqual` over the two UTF-8 views cost more
    /// than a record's checks).
    static func same(_ a: String, _ b: String) -> Bool {
        let inPlace: Bool?? = a.utf8.withContiguousStorageIfAvailable { x in
            b.utf8.withContiguousStorageIfAvailable { y in x.count == y.count && (x.isEmpty || memcmp(x.baseAddress!, y.baseAddress!, x.count) == 0) }
        }
        return (inPlace ?? nil) ?? a.utf8.elementsEqual(b.utf8)
    }
}
