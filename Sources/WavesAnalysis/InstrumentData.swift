import Foundation
import WavesCore
import WavesStats
import WavesStore

/// One instrument's answers in columnar form: participant x wave x item, as Doubles.
///
/// Built in one streaming pass over the store, keeping only the latest
/// submission per participant and wave, so that analyses of very large stores
/// need little more memory than the dense matrix itself. Values are the scored
/// values (reverse keys applied); missing, declined and text answers are NaN.
public struct InstrumentData: Sendable {
    public let instrument: Instrument
    public let waves: [Wave]
    /// Participants in roster order, then in order of first appearance in the store.
    public internal(set) var participants: [String]
    /// Role per participant (`RolePrecedence`: the roster's, else the latest submission's), nil when unknown.
    public internal(set) var roles: [String?]
    /// Items that can be scored numerically (likert, choice, number), in instrument order.
    public let items: [Item]
    /// values[(p * waves.count + w) * items.count + k] (an array, or a column cache's matrix in place: `AnswerValues`)
    public internal(set) var values: AnswerValues
    /// Whether participant p has a submission at wave w: present[p * waves.count + w].
    public internal(set) var present: [Bool]
    /// Submissions set aside because a later one exists for the same participant and wave.
    public internal(set) var duplicateCount = 0
    /// Store lines that could not be read (for every instrument).
    public internal(set) var problems: [StoreProblem] = []
    /// Answers of the kept submissions that their item's rules reject (`AnswerRules`), by cell
    /// (p * waves.count + w); their values are NaN, as if missing.
    var setAsideByCell: [Int: [SetAsideAnswer]] = [:]
    /// Scale scores already computed (`scores(scale:)`), shared by copies of this value.
    private let scoreMemo = ScoreMemo()

    /// Streams the store of `bundle` once and collects `instrument`'s answers
    /// (`InstrumentData+Load.swift`).
    /// An unchanged store is not read again: the columns come from `ColumnCache` when it
    /// matches the store and the study exactly, and are cached after a scan otherwise.
    ///
    /// Inside `sharingLoads`, the data loaded last is given again for the same instrument of
    /// the same study instead of being read a second time.
    public static func load(_ bundle: StudyBundle, instrument: Instrument) throws -> InstrumentData {
        let shareKey = LoadShare.key(bundle, instrument)
        if let shared = LoadShare.current.take(shareKey) { return shared }
        let d = try read(bundle, instrument: instrument)
        LoadShare.current.keep(shareKey, d)
        return d
    }

    /// Runs `body`, in which `load` reads each instrument at most once in a row: the per-scale
    /// commands without `--scale` (`waves cfa`, `reliability`, `change`, …) analyse every scale
    /// of an instrument one after another, and each analysis loaded the instrument again (five
    /// reads of the whole store for the benchmark study's five scales when the column cache is
    /// off). Only the last instrument loaded is held, and it is let go before another is read,
    /// so the peak memory stays that of one instrument's data; after `body`, nothing is held.
    public static func sharingLoads<R>(_ body: () throws -> R) rethrows -> R {
        LoadShare.current.enter()
        defer { LoadShare.current.leave() }
        return try body()
    }

    /// The one instrument's data kept by `sharingLoads` (a lock, since `load` may be called from
    /// any thread; the analyses call it from one).
    final class LoadShare: @unchecked Sendable {
        static let current = LoadShare()
        private let lock = NSLock()
        private var depth = 0
        private var held: (key: String, data: InstrumentData)?

        static func key(_ bundle: StudyBundle, _ instrument: Instrument) -> String {
            [bundle.study.directory.path, instrument.id, instrument.version].joined(separator: "\u{0}")
        }

        func enter() { lock.lock(); depth += 1; lock.unlock() }

        func leave() {
            lock.lock(); depth -= 1
            if depth == 0 { held = nil }
            lock.unlock()
        }

        /// The held data when it is `key`'s; otherwise lets the held data go (before the caller
        /// reads another instrument) and returns nil.
        func take(_ key: String) -> InstrumentData? {
            lock.lock(); defer { lock.unlock() }
            if let h = held, h.key == key { return h.data }
            held = nil
            return nil
        }

        func keep(_ key: String, _ data: InstrumentData) {
            lock.lock(); defer { lock.unlock() }
            if depth > 0 { held = (key, data) }
        }
    }

    /// Reads the columns from the cache or the store (`load`).
    static func read(_ bundle: StudyBundle, instrument: Instrument) throws -> InstrumentData {
        let cache = ColumnCache(bundle: bundle, instrument: instrument)
        if let cached = cache?.read() { return cached }
        // Lines appended since the cache was made are read alone (`ColumnCache.extended`).
        if let extended = try cache?.extended() { return extended }
        let store = ResponseStore(url: bundle.study.storeURL)
        var load = StoreLoad(bundle: bundle, instrument: instrument, cache: cache, lines: store.estimatedLineCount())
        // Most lines come straight into columns (`scanColumns`); the rest as strict records.
        let problems = try store.scanColumns(ColumnRequest(columns: [instrument.id: load.columns]), span: load.span) { row, line in
            load.add(row, line: line)
        }
        return load.finish(problems: problems)
    }

    /// One instrument's columns being read from the store: its `Loader` (room reserved for
    /// `lines`), the item columns the scan must ask for, and the cache written when the pass
    /// ends (with the store's identities taken before it began). The one procedure of `read`
    /// and of the scan the report shares with the index (`StudyIndex.load(_:collectText:instruments:)`).
    struct StoreLoad {
        private var loader: Loader
        private let cache: ColumnCache?
        private let before: [FileIdentity?]?
        /// The item ids to ask `scanColumns` for, under the instrument's id.
        let columns: [String]
        /// For the scan to start from and to report to (`StoreSpan`): where the complete lines
        /// end and their checksum, so that the cache can be extended later (nil: it will not be,
        /// as for a loader told by the index which rows count, which keeps no time stamps).
        var span: StoreSpan? { read?.span }
        private let read: ReadExtent?

        /// `countedByIndex`: every row comes with the index's word on whether it counts (`add(_:line:counted:)`).
        init(bundle: StudyBundle, instrument: Instrument, cache: ColumnCache?, lines: Int, countedByIndex: Bool = false) {
            self.cache = cache
            before = cache?.identities()
            loader = Loader(bundle: bundle, instrument: instrument, keepsStamps: !countedByIndex)
            loader.reserve(participants: lines)
            columns = loader.d.items.map(\.id)
            read = cache != nil && !countedByIndex ? ReadExtent() : nil
        }

        mutating func add(_ row: StoreRow, line: Int, counted: Bool? = nil) { loader.add(row, line: line, counted: counted) }

        /// The columns, cached when the store did not change during the pass.
        mutating func finish(problems: [StoreProblem]) -> InstrumentData {
            let d = loader.finish(problems: problems)
            if let cache, let before {
                cache.write(d, before: before, extent: read?.extent, progress: loader.progress)
            }
            return d
        }
    }

    init(instrument: Instrument, waves: [Wave], roster: Roster?) {
        self.instrument = instrument
        self.waves = waves
        self.items = instrument.items.filter { $0.type == .likert || $0.type == .choice || $0.type == .number }
        self.participants = roster?.participants ?? []
        self.roles = roster?.entries.map { Optional($0.role) } ?? []
        self.values = AnswerValues(Array(repeating: .nan, count: participants.count * waves.count * items.count))
        self.present = Array(repeating: false, count: participants.count * waves.count)
    }

    public func waveIndex(_ id: String) -> Int? { waves.firstIndex { $0.id == id } }

    /// Every answer set aside as missing because its item's rules reject it, in store order.
    public var setAside: [SetAsideAnswer] {
        setAsideByCell.values.flatMap { $0 }.sorted { ($0.line, $0.item) < ($1.line, $1.item) }
    }

    /// The set-aside answers to the items of `scale` at `waves` (all waves when nil).
    public func setAside(scale: Scale, waves ids: [String]? = nil) -> [SetAsideAnswer] {
        let items = Set(scale.items)
        return setAside.filter { items.contains($0.item) && (ids?.contains($0.wave) ?? true) }
    }

    /// Participants x scale items at one wave, for participants with a submission there (NaN = missing);
    /// only those `including` accepts (a role's participants, for a multi-group model) when given.
    public func itemMatrix(scale: Scale, wave w: Int, including: ((Int) -> Bool)? = nil) -> (participants: [Int], matrix: Matrix) {
        let table = itemRows(scale: scale, wave: w, including: including)
        let k = table.itemCount
        // Sized once and filled in place: at 100,000 participants x 40 items, growing the
        // array by appends was most of the reliability section's time.
        let vals = [Double](unsafeUninitializedCapacity: table.rowCount * k) { out, count in
            if let base = out.baseAddress { table.copyRows(to: base) }
            count = table.rowCount * k
        }
        return (table.participants, Matrix(rows: table.rowCount, cols: k, values: vals))
    }

    /// The rows and columns of `itemMatrix(scale:wave:including:)`, read in place (`ItemRows`:
    /// what `Reliability.analyze(rows:)` reads without the matrix).
    public func itemRows(scale: Scale, wave w: Int, including: ((Int) -> Bool)? = nil) -> ScaleItemRows {
        let W = waves.count
        var rows: [Int] = []
        rows.reserveCapacity(participants.count)
        for p in 0..<participants.count where present[p * W + w] && including?(p) != false { rows.append(p) }
        return ScaleItemRows(values: values, participants: rows, columns: scale.items.compactMap { id in items.firstIndex { $0.id == id } },
                             wave: w, waves: W, items: items.count)
    }

    /// Scale scores: participants x waves (NaN where absent or below `min_answered`).
    /// Computed once per scale and kept (the report asks for the same scale's scores in
    /// several sections; the columns do not change after loading). Scales are computed when
    /// first asked for, one at a time: computing an instrument's scales together read each row
    /// once, but held every scale's scores from the report's first section on, which put its
    /// peak 4-8 MB above twice the dense matrix.
    public func scores(scale: Scale) -> Matrix {
        scoreMemo.value(Self.scoreKey(scale)) { computeScores(scale: scale) }
    }

    /// What a scale's scores depend on: its items, rule and minimum.
    private static func scoreKey(_ scale: Scale) -> String { "\(scale.items)|\(scale.score)|\(scale.minAnswered.bitPattern)" }

    private func computeScores(scale: Scale) -> Matrix {
        let cols = scale.items.compactMap { id in items.firstIndex { $0.id == id } }
        let rule = Scoring.Combiner(scale)
        let W = waves.count, K = items.count, cells = participants.count * W
        // Cell p * W + w of the answers is row p, column w of the scores (both row-major).
        var out = [Double](repeating: .nan, count: cells)
        // Without columns no cell has an answer, and `combine` gives no score.
        guard !cols.isEmpty else { return Matrix(rows: participants.count, cols: W, values: out) }
        values.withUnsafeBufferPointer { v in
            present.withUnsafeBufferPointer { isPresent in
                out.withUnsafeMutableBufferPointer { o in
                    cols.withUnsafeBufferPointer { cs in
                        for cell in 0..<cells where isPresent[cell] {
                            let row = v.baseAddress! + cell * K
                            var sum = 0.0, n = 0
                            for j in 0..<cs.count { let x = row[cs[j]]; if !x.isNaN { sum += x; n += 1 } }
                            if let score = rule.combine(sum: sum, answered: n) { o[cell] = score }
                        }
                    }
                }
            }
        }
        return Matrix(rows: participants.count, cols: W, values: out)
    }
}


/// A scale's items at one wave of an instrument's columns, one row per participant listed in
/// `participants` (`InstrumentData.itemRows`), read in place: row r is participant
/// `participants[r]`'s answers to `columns` at the wave, in the scale's item order.
public struct ScaleItemRows: ItemRows {
    /// The instrument's answers (participant x wave x item), shared with the `InstrumentData`, not copied.
    let values: AnswerValues
    /// The participants of the rows, by number in `InstrumentData.participants`.
    public let participants: [Int]
    let columns: [Int]
    let wave: Int, waves: Int, items: Int

    public var rowCount: Int { participants.count }
    public var itemCount: Int { columns.count }

    public func row(_ r: Int, scratch: UnsafeMutablePointer<Double>) -> UnsafePointer<Double> {
        copyRow(r, to: scratch)
        return UnsafePointer(scratch)
    }

    /// Copies row `r`'s values to `out` (room for `itemCount` values).
    @inline(__always)
    func copyRow(_ r: Int, to out: UnsafeMutablePointer<Double>) {
        let base = (participants[r] * waves + wave) * items
        values.withUnsafeBufferPointer { v in
            columns.withUnsafeBufferPointer { cols in
                for j in 0..<cols.count { out[j] = v[base + cols[j]] }
            }
        }
    }

    /// Copies every row, one after another, to `out` (room for `rowCount * itemCount` values):
    /// the rows of `InstrumentData.itemMatrix`. One pass with the arrays opened once (a call of
    /// `copyRow` per row was a third of a warm `waves reliability`).
    func copyRows(to out: UnsafeMutablePointer<Double>) {
        let k = columns.count
        guard k > 0 else { return }
        values.withUnsafeBufferPointer { v in
            columns.withUnsafeBufferPointer { cols in
                participants.withUnsafeBufferPointer { ps in
                    var o = out
                    for p in ps {
                        let row = v.baseAddress! + (p * waves + wave) * items
                        for j in 0..<k { o[j] = row[cols[j]] }
                        o += k
                    }
                }
            }
        }
    }
}

/// The scale scores of one loaded `InstrumentData`, by scale (its items, rule and minimum).
///
/// Each is computed once: a thread asking for scores another thread is computing waits for
/// them (the report starts a scale's section, results and attrition at once, and each asks
/// for the same scores first), while different scales are computed side by side.
final class ScoreMemo: @unchecked Sendable {
    private final class Entry: @unchecked Sendable {
        let lock = NSLock()
        var matrix: Matrix?
    }
    private var entries: [String: Entry] = [:]
    private let lock = NSLock()

    func value(_ key: String, _ compute: () -> Matrix) -> Matrix {
        lock.lock()
        let entry = entries[key] ?? Entry()
        entries[key] = entry
        lock.unlock()
        entry.lock.lock()
        defer { entry.lock.unlock() }
        if let m = entry.matrix { return m }
        let m = compute()
        entry.matrix = m
        return m
    }
}
