import Foundation
import WavesCore
import WavesStore

/// One streaming pass over the store: who submitted what, when, and which submission counts.
///
/// Keeps per participant x wave x instrument only a flag, the latest `submitted_at` and the
/// first and chosen store lines, so memory stays small for large stores (no record is kept,
/// except the free-text answers of chosen submissions when `collectText` asks for them).
/// The chosen submission is the latest by `LatestSubmission`; a participant's role follows
/// `RolePrecedence`. Completion and attrition (`Participation`), `waves status`
/// (`CompletionStatus`) and the report's overview read this index.
/// Moved here from the report (`StoreSurvey`), so that the report renders and does not analyse.
public struct StudyIndex: Sendable {
    public let bundle: StudyBundle
    /// Participants in roster order, then in order of first appearance in the store
    /// (records of a known wave and instrument only).
    public internal(set) var participants: [String] = []
    /// Role per participant (`RolePrecedence`), nil when unknown.
    public internal(set) var roles: [String?] = []
    /// Every readable record, counted or not.
    public internal(set) var submissions = 0
    /// Submissions that count: one per participant, wave and instrument submitted.
    public internal(set) var chosenSubmissions = 0
    /// Readable records of a wave or instrument the study does not define.
    public internal(set) var unknownRecords = 0
    /// The participants of those records.
    public internal(set) var unknownRecordParticipants: Set<String> = []
    /// The participant, wave and instrument of those records (`forEachSubmission`).
    var unknownSubmissions: Set<Submission> = []
    struct Submission: Hashable, Sendable { var participant: String; var wave: String; var instrument: String }
    /// Per study wave: earliest and latest `submitted_at`, and the number of submissions.
    public internal(set) var waveFirst: [String?]
    public internal(set) var waveLast: [String?]
    public internal(set) var waveSubmissions: [Int]
    /// Per instrument (study order): the instrument versions found in records, by file hash.
    public var hashes: [[String: HashUse]] {
        versionUses.map { uses in
            var out: [String: HashUse] = [:]
            for (k, u) in uses.enumerated() where u.records > 0 {
                let key = versionKeys[k]
                out[key.sha256, default: HashUse()].versions.insert(key.version)
                out[key.sha256]!.waves.formUnion(u.waves.indices.filter { u.waves[$0] })
                out[key.sha256]!.records += u.records
            }
            return out
        }
    }
    /// Store lines that could not be read.
    public internal(set) var problems: [StoreProblem] = []

    /// The records made with one instrument file (by its SHA-256).
    public struct HashUse: Sendable, Equatable {
        public var versions: Set<String> = []
        public var waves: Set<Int> = []
        public var records = 0
    }

    var pIndex: [String: Int] = [:]
    private let wIndex: [String: Int]
    private let iIndex: [String: Int]
    let W: Int, I: Int
    let collectText: Bool
    private let textItems: [Set<String>]
    /// present[(p * W + w) * I + i]
    var present: [Bool] = []
    /// The latest `submitted_at` per cell ("" where none; `PackedStrings`: no object per stamp).
    var latestStamp = PackedStrings()
    var firstLine: [Int32] = []
    var latestLine: [Int32] = []
    /// The instrument file (hash and version) of the chosen submission per cell, by number in `versionKeys`.
    var chosenVersion: [Int32] = []
    var versionKeys: [(sha256: String, version: String)] = []
    var versionNumbers: [String: [String: Int32]] = [:]
    /// The number of the last line's instrument file: lines of one file usually follow each other.
    var lastVersion: (sha256: String, version: String, number: Int32)?
    /// Per instrument, per number in `versionKeys`: the waves and the count of its records (`hashes`).
    var versionUses: [[VersionUse]]
    struct VersionUse: Sendable {
        /// Per study wave: whether a record of this file is at that wave.
        var waves: [Bool]
        var records = 0
    }
    /// Store lines of every submission, for cells with more than one.
    var duplicateLines: [Int: [Int]] = [:]
    var duplicateOrder: [Int] = []
    /// Free-text answers of the chosen submission per cell: (item id, text).
    var texts: [Int: [(item: String, text: String)]] = [:]
    /// The role each participant's latest submission names (`RolePrecedence`): by participant
    /// number (`latestRole`), and in `roleTracker` for participants whose rows so far were all
    /// of waves or instruments the study does not define (handed over when they get a number).
    /// An array by number instead of a dictionary by id: 3 MB instead of 13 at 100,000
    /// participants, at the report's peak (the end of its store scan).
    var latestRole: [RolePrecedence.Latest] = []
    var roleTracker = RolePrecedence.Tracker()

    /// Streams the store of `bundle` once; `alongside` sees every row the index adds, for a
    /// reader that needs the same pass (`waves status`: `WaveProgress`). When the index comes
    /// from its cache (`IndexCache`: the store is unchanged) there is no pass and `alongside`
    /// sees no row: such a reader compares the rows it saw with `submissions`.
    public static func load(_ bundle: StudyBundle, collectText: Bool = false,
                            alongside: (StoreRow, Int) throws -> Void = { _, _ in }) throws -> StudyIndex {
        try load(bundle, collectText: collectText, columns: [:], readingCache: true) { row, line, _ in try alongside(row, line) }
    }

    /// `load`, its scan asking for the item `columns` too (for what reads `alongside`: the
    /// report's instruments, `load(_:collectText:instruments:)`); `readingCache: false` when the
    /// caller found the cache stale, so that the rows are certainly read from the store.
    /// `alongside` also learns whether the row is now its cell's counted submission (`add`).
    static func load(_ bundle: StudyBundle, collectText: Bool, columns: [String: [String]], readingCache: Bool,
                     alongside: (StoreRow, Int, Bool) throws -> Void) throws -> StudyIndex {
        var index = StudyIndex(bundle: bundle, collectText: collectText)
        // An unchanged store is not read again (`IndexCache`, `DerivedCache`), and of a store
        // appended to, only the lines appended (`IndexCache.extended`: `alongside` sees none
        // of them, as when the index is cached).
        let cache = IndexCache(bundle: bundle, collectText: collectText)
        if readingCache, let cached = cache?.read() { return cached }
        if readingCache, let extended = try cache?.extended() { return extended }
        let before = cache?.identities()
        let store = ResponseStore(url: bundle.study.storeURL)
        // Where the complete lines end and their checksum, for extending the cache later.
        let read = cache == nil ? nil : ReadExtent()
        if store.exists {
            let request = ColumnRequest(columns: columns, texts: collectText, versions: true)
            index.problems = try store.scanColumns(request, span: read?.span) { row, line in
                let counted = index.add(row, line: line)
                try alongside(row, line, counted)
            }
        }
        // Taken before `resolveRoles` lets the roles seen go; only for a cache to write.
        let seen = cache == nil ? nil : index.rolesSeen
        index.resolveRoles()
        if let cache, let before, let seen {
            cache.write(index, before: before, extent: read?.extent, rolesSeen: seen)
        }
        return index
    }

    init(bundle: StudyBundle, collectText: Bool) {
        self.bundle = bundle
        self.collectText = collectText
        W = bundle.study.waves.count
        I = bundle.instruments.count
        wIndex = Dictionary(uniqueKeysWithValues: bundle.study.waves.enumerated().map { ($1.id, $0) })
        iIndex = Dictionary(bundle.instruments.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
        waveFirst = Array(repeating: nil, count: W)
        waveLast = Array(repeating: nil, count: W)
        waveSubmissions = Array(repeating: 0, count: W)
        versionUses = Array(repeating: [], count: I)
        textItems = bundle.instruments.map { Set($0.items.filter { $0.type == .text }.map(\.id)) }
        for e in bundle.roster?.entries ?? [] { _ = participantIndex(e.participant) }
    }

    private mutating func participantIndex(_ id: String) -> Int {
        if let p = pIndex[id] { return p }
        let p = participants.count
        pIndex[id] = p
        participants.append(id)
        roles.append(nil)
        latestRole.append(roleTracker.take(id))
        present.append(contentsOf: repeatElement(false, count: W * I))
        latestStamp.appendEmpty(W * I)
        firstLine.append(contentsOf: repeatElement(0, count: W * I))
        latestLine.append(contentsOf: repeatElement(0, count: W * I))
        chosenVersion.append(contentsOf: repeatElement(-1, count: W * I))
        return p
    }

    /// Adds one record read from store line `line` (records must come in store order); true when
    /// it is now the counted submission of its participant, wave and instrument (`LatestSubmission`).
    @discardableResult
    mutating func add(_ row: StoreRow, line: Int) -> Bool {
        submissions += 1
        let submittedAt = row.submittedAt
        guard let w = wIndex[row.wave], let i = iIndex[row.instrument] else {
            if let p = pIndex[row.participant] { latestRole[p].see(role: row.role, submittedAt: submittedAt) }
            else { roleTracker.see(participant: row.participant, role: row.role, submittedAt: submittedAt) }
            unknownRecords += 1
            unknownRecordParticipants.insert(row.participant)
            unknownSubmissions.insert(Submission(participant: row.participant, wave: row.wave, instrument: row.instrument))
            return false
        }
        let p = participantIndex(row.participant)
        latestRole[p].see(role: row.role, submittedAt: submittedAt)
        let cell = (p * W + w) * I + i
        if waveFirst[w].map({ submittedAt.utf8.lexicographicallyPrecedes($0.utf8) }) ?? true { waveFirst[w] = submittedAt }
        if waveLast[w].map({ $0.utf8.lexicographicallyPrecedes(submittedAt.utf8) }) ?? true { waveLast[w] = submittedAt }
        waveSubmissions[w] += 1
        let version = versionNumber(row.instrumentHash, row.instrumentVersion)
        let v = Int(version)
        if versionUses[i].count <= v {
            versionUses[i] += Array(repeating: VersionUse(waves: Array(repeating: false, count: W)), count: v + 1 - versionUses[i].count)
        }
        versionUses[i][v].waves[w] = true
        versionUses[i][v].records += 1
        if present[cell] {
            if duplicateLines[cell] == nil { duplicateLines[cell] = [Int(firstLine[cell])]; duplicateOrder.append(cell) }
            duplicateLines[cell]!.append(line)
            guard LatestSubmission.replaces(submittedAt, latestStamp, cell) else { return false }
        } else {
            present[cell] = true
            chosenSubmissions += 1
            firstLine[cell] = Int32(clamping: line)
        }
        latestStamp[cell] = submittedAt
        latestLine[cell] = Int32(clamping: line)
        chosenVersion[cell] = version
        if collectText && !textItems[i].isEmpty {
            let answers: [(item: String, text: String)]
            switch row {
            case .columns(let c): answers = c.texts.map { ($0.item, $0.text) }
            case .record(let r): answers = r.answers.compactMap { a in a.value.text.map { (a.id, $0) } }
            }
            texts[cell] = answers.filter { textItems[i].contains($0.item) && !$0.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
        }
        return true
    }

    private mutating func versionNumber(_ sha: String, _ version: String) -> Int32 {
        if let last = lastVersion, last.sha256 == sha, last.version == version { return last.number }
        let k: Int32
        if let known = versionNumbers[sha]?[version] {
            k = known
        } else {
            k = Int32(versionKeys.count)
            versionKeys.append((sha, version))
            versionNumbers[sha, default: [:]][version] = k
        }
        lastVersion = (sha, version, k)
        return k
    }

    /// The instrument versions of the submissions that count (the chosen one per participant,
    /// wave and instrument), as `InstrumentVersions.build` gives them from the latest records
    /// (`StudyData`), without keeping any record: what `waves flow` warns about.
    public func instrumentVersions(archive: InstrumentArchive) throws -> InstrumentVersions {
        // Counted per instrument and file hash (what `InstrumentVersions.Tally` groups by) over
        // the cells by number, then handed over a group at a time: a `Use` per cell made a
        // String of every stamp and hashed every file hash (half of `waves flow` at 100k).
        var shaNumber: [String: Int] = [:]
        let shaOf = versionKeys.map { key -> Int in
            if let n = shaNumber[key.sha256] { return n }
            shaNumber[key.sha256] = shaNumber.count
            return shaNumber.count - 1
        }
        let S = max(1, shaNumber.count)
        struct Group { var key: Int; var waves: [Int]; var records: Int; var earliest: Int }
        var slot = [Int](repeating: -1, count: I * S)
        var groups: [Group] = []
        for cell in 0..<present.count where present[cell] && chosenVersion[cell] >= 0 {
            let i = cell % I, w = (cell / I) % W
            let k = Int(chosenVersion[cell]), g = i * S + shaOf[k]
            if slot[g] < 0 {
                slot[g] = groups.count
                groups.append(Group(key: k, waves: [w], records: 1, earliest: cell))
                continue
            }
            let n = slot[g]
            groups[n].records += 1
            if !groups[n].waves.contains(w) { groups[n].waves.append(w) }
            if stamp(cell, precedes: groups[n].earliest) { groups[n].earliest = cell }
        }
        var tally = InstrumentVersions.Tally()
        for group in groups {
            // The whole group with its first wave and earliest stamp, then its other waves (no records).
            let key = versionKeys[group.key], earliest = latestStamp[group.earliest]
            for (n, w) in group.waves.enumerated() {
                tally.add(InstrumentVersions.Use(instrument: bundle.instruments[group.earliest % I].id, version: key.version, sha256: key.sha256,
                                                 wave: bundle.study.waves[w].id, submittedAt: earliest), count: n == 0 ? group.records : 0)
            }
        }
        return try tally.build(bundle: bundle, archive: archive)
    }

    /// Whether the latest stamp of cell `a` sorts before that of cell `b` as Strings do (`<`):
    /// byte order when both are ASCII, else the Strings compared.
    private func stamp(_ a: Int, precedes b: Int) -> Bool {
        latestStamp.withUTF8(a) { x in
            latestStamp.withUTF8(b) { y in
                if x.allSatisfy({ $0 < 0x80 }) && y.allSatisfy({ $0 < 0x80 }) { return x.lexicographicallyPrecedes(y) }
                return String(decoding: x, as: UTF8.self) < String(decoding: y, as: UTF8.self)
            }
        }
    }

    /// What the index knows of roles besides `roles`, which `resolveRoles` lets go: kept in the
    /// index cache, so that a later load can go on with the lines appended since (`IndexCache.extended`).
    struct RolesSeen {
        var latest: [RolePrecedence.Latest]
        var unnumbered: [(participant: String, latest: RolePrecedence.Latest)]
    }

    var rolesSeen: RolesSeen { RolesSeen(latest: latestRole, unnumbered: roleTracker.entries) }

    /// Goes on from `seen` (an index read from its cache, to which lines are to be added);
    /// false when it does not fit the index.
    mutating func resume(_ seen: RolesSeen) -> Bool {
        guard seen.latest.count == participants.count else { return false }
        latestRole = seen.latest
        roleTracker = RolePrecedence.Tracker(entries: seen.unnumbered)
        return true
    }

    mutating func resolveRoles() {
        for p in participants.indices { roles[p] = RolePrecedence.role(roster: bundle.roster?.role(of: participants[p]), recorded: latestRole[p].role) }
        // Each participant's latest role and time stamp are needed no more (kept until the end
        // of the report before).
        latestRole = []
        roleTracker = RolePrecedence.Tracker()
    }

    /// The number of a participant in `participants`, nil when the index does not list them.
    public func number(of participant: String) -> Int? { pIndex[participant] }

    /// Every participant, wave and instrument with a readable record (each once), the waves and
    /// instruments the study does not define included: what `WaveProgress` reads of the store,
    /// so that `waves status` served from the index cache need not read the store again.
    public func forEachSubmission(_ body: (_ participant: String, _ wave: String, _ instrument: String) throws -> Void) rethrows {
        for cell in present.indices where present[cell] {
            let i = cell % I, w = (cell / I) % W, p = cell / (I * W)
            try body(participants[p], bundle.study.waves[w].id, bundle.instruments[i].id)
        }
        for s in unknownSubmissions { try body(s.participant, s.wave, s.instrument) }
    }

    /// Whether participant `p` submitted instrument `i` (study order) at wave `w` (study order).
    public func isPresent(_ p: Int, _ w: Int, _ i: Int) -> Bool { present[(p * W + w) * I + i] }

    /// Cells submitted more than once, in order of first appearance (as `StoreContents.latest()`
    /// lists them); the chosen line is last.
    public var duplicates: [Duplicate] {
        duplicateOrder.sorted { firstLine[$0] < firstLine[$1] }.map { cell in
            let i = cell % I, w = (cell / I) % W, p = cell / (I * W)
            let chosen = Int(latestLine[cell])
            return Duplicate(participant: participants[p], wave: bundle.study.waves[w].id, instrument: bundle.instruments[i].id,
                             lines: duplicateLines[cell]!.filter { $0 != chosen } + [chosen])
        }
    }

    public var duplicateCount: Int { duplicateOrder.count }

    /// The non-empty free-text answers of participant `p`'s chosen submission of instrument `i`
    /// at wave `w` (only when loaded with `collectText`).
    public func texts(_ p: Int, _ w: Int, _ i: Int) -> [(item: String, text: String)]? { texts[(p * W + w) * I + i] }
}

extension StudyIndex {
    /// The store's index and the columns of `instruments` (what the report reads first), each
    /// from its cache when that is fresh (`IndexCache`, `ColumnCache`), the rest from the store.
    ///
    /// When the index and some instruments' columns both need the store, they share one scan:
    /// the index's pass (`load(alongside:)`, asking for those instruments' item columns too)
    /// hands each row to their `InstrumentData.Loader`s, which is what `InstrumentData.load`'s
    /// own pass would do with the same rows, so the columns are the same; a second pass would
    /// decode every line of the store again. Whatever else is read (cached columns, or every
    /// instrument's scan when the index is cached) runs beside it, at once (`Parallel.map`).
    /// The instruments' results are in the order of `instruments`; an error of the shared scan is
    /// the index's and each sharing instrument's.
    public static func load(_ bundle: StudyBundle, collectText: Bool, instruments: [Instrument])
        -> (index: Result<StudyIndex, Error>, instruments: [Result<InstrumentData, Error>]) {
        let shared = sharingScan(bundle, collectText: collectText, instruments: instruments)
        let alone = instruments.indices.filter { !shared.contains($0) }
        let outputs = Parallel.map([Job.index] + alone.map { Job.instrument($0) }) { job -> Loaded in
            switch job {
            case .index:
                return .index(Result { try load(bundle, collectText: collectText, sharingWith: shared.map { instruments[$0] }) })
            case .instrument(let k):
                return .instrument(Result { try InstrumentData.load(bundle, instrument: instruments[k]) })
            }
        }
        var index: Result<StudyIndex, Error>?
        var data = [Result<InstrumentData, Error>?](repeating: nil, count: instruments.count)
        for (n, output) in outputs.enumerated() {
            switch output {
            case .index(let r):
                index = r.map { $0.index }
                for (j, k) in shared.enumerated() { data[k] = r.map { $0.instruments[j] } }
            case .instrument(let r): data[alone[n - 1]] = r
            }
        }
        guard let index else { preconditionFailure("the first job is the index") }
        return (index, data.map { $0! })
    }

    private enum Job: Sendable { case index, instrument(Int) }
    private enum Loaded: Sendable {
        case index(Result<(index: StudyIndex, instruments: [InstrumentData]), Error>)
        case instrument(Result<InstrumentData, Error>)
    }

    /// The instruments (by position) whose columns come from the index's scan: none when the
    /// index is cached or there is no store; else those whose columns are neither cached nor
    /// extendable (`couldExtend`: they read only the appended lines alone), their ids distinct,
    /// as the scan's request is keyed by id. With none of those, the index too is left to its
    /// own load (which extends it when it can); with some, the index reads the whole store
    /// with them, once, rather than each instrument reading it alone (a report after an append,
    /// whose column caches came from an earlier shared scan: those keep no time stamps, so
    /// they cannot be extended).
    private static func sharingScan(_ bundle: StudyBundle, collectText: Bool, instruments: [Instrument]) -> [Int] {
        guard ResponseStore(url: bundle.study.storeURL).exists,
              !(IndexCache(bundle: bundle, collectText: collectText)?.isFresh ?? false) else { return [] }
        let stale = instruments.indices.filter {
            let cache = ColumnCache(bundle: bundle, instrument: instruments[$0])
            return !(cache?.isFresh ?? false) && !(cache?.couldExtend ?? false)
        }
        guard Set(stale.map { instruments[$0].id }).count == stale.count else { return [] }
        return stale
    }

    /// The index from one scan of the store (its cache is not read: the caller found it stale),
    /// and from the same scan the columns of `instruments` (none: `load` as it always is); each
    /// result is cached as its own load would cache it.
    private static func load(_ bundle: StudyBundle, collectText: Bool, sharingWith instruments: [Instrument]) throws
        -> (index: StudyIndex, instruments: [InstrumentData]) {
        guard !instruments.isEmpty else { return (try load(bundle, collectText: collectText), []) }
        let lines = ResponseStore(url: bundle.study.storeURL).estimatedLineCount()
        var loads = instruments.map { InstrumentData.StoreLoad(bundle: bundle, instrument: $0, cache: ColumnCache(bundle: bundle, instrument: $0), lines: lines,
                                                               countedByIndex: true) }
        var columns: [String: [String]] = [:]
        for (k, inst) in instruments.enumerated() { columns[inst.id] = loads[k].columns }
        // The index decides which submission of a cell counts, by the same rule over the same
        // rows as each loader would (`LatestSubmission`): the loaders take its decision and
        // keep no time stamps of their own (13 MB at 100,000 participants).
        let index = try load(bundle, collectText: collectText, columns: columns, readingCache: false) { row, line, counted in
            for k in loads.indices { loads[k].add(row, line: line, counted: counted) }
        }
        let data = loads.indices.map { k in loads[k].finish(problems: index.problems) }
        return (index, data)
    }
}
