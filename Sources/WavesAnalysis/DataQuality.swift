import Foundation
import WavesCore
import WavesStats
import WavesStore

/// Careless-responding indicators per submission (`waves quality`, spec cli.md "Integrity and
/// data quality"; rules and sources in docs/integrity.md). Nothing is removed: submissions are
/// flagged, and the flags are the evaluator's to act on.
///
/// - Speeding: `duration_ms` below `speedFraction` x the median `duration_ms` of the same
///   instrument and wave (Leiner 2019, "Too fast, too straight, too weird", Survey Research
///   Methods 13(3): a relative speed index median / duration above 2, i.e. fraction 0.5).
///   Judged only when at least `minForMedian` submissions of that instrument and wave carry
///   a duration; otherwise `speeding` is false and `median_ms` null.
/// - Long string: the longest run of identical answers over the likert and choice items in
///   instrument order; a missing answer ends a run (Johnson 2005, J Research in Personality
///   39(1); Curran 2016, J Experimental Social Psychology 66).
/// - Straight-lining: some block of at least `blockMin` consecutive likert items on the same
///   response set answered, every one of them, with the same value (Kim, Dykema, Stevenson,
///   Black & Moberg 2019, Social Science Computer Review 37(2)).
/// - Missing rate: missing answers (skipped, declined, don't know) / items shown.
public struct DataQuality: Sendable {
    public struct Settings: Sendable {
        public var speedFraction = 0.5
        public var blockMin = 4
        public var minForMedian = 5
        public init() {}
    }
    public struct Submission: Sendable, Encodable {
        public var participant: String
        public var instrument: String
        public var wave: String
        @NullCodable public var duration_ms: Double?
        @NullCodable public var median_ms: Double?
        public var speeding: Bool
        public var longstring: Int
        public var straightlining: Bool
        public var missing_rate: Double
        public var flagged: Bool { speeding || straightlining }
    }

    public var settings: Settings
    public var submissions: [Submission]

    /// The indicators of every latest submission (of `wave` when given), from the whole store.
    public init(_ data: StudyData, wave: String? = nil, settings: Settings = Settings()) {
        let kinds = ItemKinds(data.bundle)
        self.init(submissions: data.records.filter { wave == nil || $0.wave == wave }.map {
            Self.indicators($0, kinds: kinds).submission(participant: $0.participant, instrument: $0.instrument.id, wave: $0.wave, settings: settings)
        }, settings: settings)
    }

    /// Judges speeding on `submissions` (in the order of `StudyData.records`), whose other
    /// indicators are set (`submission(_:bundle:settings:)`).
    init(submissions: consuming [Submission], settings: Settings) {
        self.settings = settings
        self.submissions = submissions   // taken over, not copied: the medians are set in place
        var durations: [String: [Double]] = [:]
        func key(_ s: Submission) -> String { s.instrument + "\u{1}" + s.wave }
        for s in self.submissions { if let d = s.duration_ms { durations[key(s), default: []].append(d) } }
        let medians = durations.compactMapValues { $0.count >= settings.minForMedian ? Descriptives.median($0) : nil }
        for i in self.submissions.indices {
            let median = medians[key(self.submissions[i])]
            self.submissions[i].median_ms = median
            self.submissions[i].speeding = self.submissions[i].duration_ms.flatMap { d in median.map { d < settings.speedFraction * $0 } } ?? false
        }
    }

    /// `waves quality` without holding the store, in one streaming pass: each line's indicators
    /// are worked out on the decoding threads (most lines read by the fast record path,
    /// `RecordFastDecoder`: answers by item position, no strict record; the others by the strict
    /// decoder, as before), and this thread finds the submissions that count (`LatestCells`: one
    /// small entry per participant, wave and instrument) and keeps the indicators of each cell's
    /// counted submission only. The submissions come in the order of `StudyData.records` and with
    /// the same values (`StreamedQualityTests`).
    public struct Streamed: Sendable {
        public let bundle: StudyBundle
        private let cells: LatestCells
        /// The indicators of each cell's counted submission, in the cells' order.
        private let latest: [Indicators]
        /// Unreadable lines (`StudyData.problems`).
        public let problems: [StoreProblem]

        /// The one pass: the submissions that count and their indicators.
        public static func index(_ bundle: StudyBundle) throws -> Streamed {
            let store = ResponseStore(url: bundle.study.storeURL)
            var cells = LatestCells()
            var latest: [Indicators] = []
            let lines = store.estimatedLineCount()
            cells.reserve(lines: lines)
            latest.reserveCapacity(min(lines, 1 << 26))
            let kinds = ItemKinds(bundle)
            let plan = RecordFastDecoder.Plan(bundle.instruments.map { ($0.id, $0.items.map(\.id)) })
            // A fast line names its wave and instrument by their places in the study (`CountedKeys`):
            // this thread is handed no String of theirs.
            let places = StudyPlaces(bundle)
            let problems = try store.scan(plan: plan, transformFast: { f in
                Counted(participant: f.participant, submittedAt: f.submittedAt, keys: places.keys(f), indicators: DataQuality.indicators(f, kinds: kinds))
            }, transform: { r in
                Counted(participant: r.participant, submittedAt: r.submittedAt, keys: .named(wave: r.wave, instrument: r.instrument),
                        indicators: DataQuality.indicators(r, kinds: kinds))
            }) { c, line in
                let (w, i, file) = cells.numbers(c.keys, bundle: bundle)
                let (cell, isLatest) = cells.add(participant: c.participant, wave: w, instrument: i, submittedAt: c.submittedAt, file: file, line: line)
                if cell == latest.count { latest.append(c.indicators) } else if isLatest { latest[cell] = c.indicators }
            }
            return Streamed(bundle: bundle, cells: cells, latest: latest, problems: problems)
        }

        /// What this thread reads of one line.
        private struct Counted: Sendable {
            var participant: String
            var submittedAt: String
            var keys: CountedKeys
            var indicators: Indicators
        }

        /// Cells submitted more than once (`StudyData.duplicates.count`).
        public var duplicateCount: Int { cells.duplicateCount }

        /// The instrument versions of the submissions that count, as `InstrumentVersions.build` gives them from `StudyData.records`.
        public func versions() throws -> InstrumentVersions {
            try cells.latestTally.build(bundle: bundle, archive: InstrumentArchive(store: ResponseStore(url: bundle.study.storeURL)))
        }

        /// The indicators of every latest submission (of `wave` when given).
        public func quality(wave: String? = nil, settings: Settings = Settings()) -> DataQuality {
            var found: [Submission] = []
            found.reserveCapacity(latest.count)
            for k in latest.indices {
                let cell = cells.cell(k)
                guard wave == nil || cell.wave == wave else { continue }
                found.append(latest[k].submission(participant: cell.participant, instrument: cell.instrument, wave: cell.wave, settings: settings))
            }
            return DataQuality(submissions: consume found, settings: settings)
        }
    }

    /// One submission's indicators, all but speeding (which needs every duration).
    static func submission(_ r: ResponseRecord, bundle: StudyBundle, settings: Settings) -> Submission {
        indicators(r, kinds: ItemKinds(bundle)).submission(participant: r.participant, instrument: r.instrument.id, wave: r.wave, settings: settings)
    }

    /// `submission(_:bundle:settings:)` of a record read by the fast path (its answers matched
    /// to the positions of the items of `bundle.instruments[r.instrumentIndex]`, the first
    /// instrument with the id, whose item ids are distinct): the same values as from the strict
    /// record (`FastRecordCheckTests`).
    static func submission(_ r: FastRecord, bundle: StudyBundle, settings: Settings) -> Submission {
        indicators(r, kinds: ItemKinds(bundle)).submission(participant: r.participant, instrument: r.instrument.id, wave: r.wave, settings: settings)
    }

    /// What the indicators read of the study's items, made once: per instrument (by position in
    /// `bundle.instruments`) and item, whether it counts for the long string (likert or choice)
    /// and the number of its response set when it is a likert item with one (straight-lining
    /// compares sets by id), else -1.
    struct ItemKinds: Sendable {
        let firstIndex: [String: Int]
        let longstring: [[Bool]]
        let set: [[Int32]]
        private let instruments: [Instrument]

        func instrument(_ k: Int) -> Instrument { instruments[k] }

        init(_ bundle: StudyBundle) {
            instruments = bundle.instruments
            var first: [String: Int] = [:]
            for (k, inst) in bundle.instruments.enumerated() where first[inst.id] == nil { first[inst.id] = k }
            firstIndex = first
            longstring = bundle.instruments.map { $0.items.map { $0.type == .likert || $0.type == .choice } }
            var setNumber: [String: Int32] = [:]
            set = bundle.instruments.map { inst in
                inst.items.map { item -> Int32 in
                    guard item.type == .likert, let id = item.responseSet?.id else { return -1 }
                    if let n = setNumber[id] { return n }
                    let n = Int32(setNumber.count)
                    setNumber[id] = n
                    return n
                }
            }
        }
    }

    /// A submission's indicators that do not depend on the other submissions or on the
    /// settings: straight-lining is kept as the length of the longest block that is answered
    /// alike (`straightBlock`), so that it can be judged for any `blockMin` later.
    struct Indicators: Sendable, Equatable {
        var durationMs: Double?
        var longstring: Int
        /// The most items of a block of consecutive likert items on one response set that are
        /// all answered with one value (0: no such block).
        var straightBlock: Int
        var missingRate: Double

        /// Straight-lining: some such block of at least `blockMin` items.
        func straightlines(blockMin: Int) -> Bool { straightBlock > 0 && straightBlock >= blockMin }

        func submission(participant: String, instrument: String, wave: String, settings: Settings) -> Submission {
            Submission(participant: participant, instrument: instrument, wave: wave, duration_ms: durationMs, median_ms: nil, speeding: false,
                       longstring: longstring, straightlining: straightlines(blockMin: settings.blockMin), missing_rate: missingRate)
        }
    }

    /// The strict record's indicators: its answer to each item of its instrument (the first
    /// with the id; `ResponseRecord.answers(byItemOf:)`), in item order.
    static func indicators(_ r: ResponseRecord, kinds: ItemKinds) -> Indicators {
        var runs = Runs()
        if let ii = kinds.firstIndex[r.instrument.id] {
            for (k, a) in r.answers(byItemOf: kinds.instrument(ii)).enumerated() {
                if let a { runs.add(a, longstring: kinds.longstring[ii][k], set: kinds.set[ii][k]) }
            }
        }
        return Indicators(durationMs: r.durationMs, longstring: runs.longstring, straightBlock: runs.finish(), missingRate: missingRate(r))
    }

    /// The fast record's indicators: its answers are in item order already (positions strictly increase).
    static func indicators(_ r: FastRecord, kinds: ItemKinds) -> Indicators {
        var runs = Runs()
        let ii = r.instrumentIndex
        var missing = 0
        kinds.longstring[ii].withUnsafeBufferPointer { long in
            kinds.set[ii].withUnsafeBufferPointer { set in
                for a in r.answers {
                    runs.add(a.value, longstring: long[a.position], set: set[a.position])
                    if a.value.isMissing { missing += 1 }
                }
            }
        }
        return Indicators(durationMs: r.durationMs, longstring: runs.longstring, straightBlock: runs.finish(),
                          missingRate: r.answers.isEmpty ? 0 : Double(missing) / Double(r.answers.count))
    }

    /// The long string and the straight-lined blocks, over a submission's answers to the items of
    /// its instrument in item order (items without an answer, hidden ones, are left out: they are
    /// not part of either sequence).
    ///
    /// - Long string: the longest run of identical numbers over the likert and choice items; any
    ///   other answer (missing, text) ends a run.
    /// - Straight-lining: items are cut into blocks of consecutive likert items on one response
    ///   set (any other item ends a block and belongs to none); a block whose every answer is the
    ///   same number counts with its size.
    struct Runs {
        private(set) var longstring = 0
        private var run = 0
        private var last: Double?
        private var straightBlock = 0
        private var blockSet: Int32 = -1
        private var blockCount = 0
        private var blockValue: Double?
        private var blockAlike = true

        @inline(__always)
        mutating func add(_ a: Answer, longstring counts: Bool, set: Int32) {
            let number: Double?
            if case .number(let v) = a { number = v } else { number = nil }
            if counts {
                if let v = number {
                    run = v == last ? run + 1 : 1
                    last = v
                    longstring = max(longstring, run)
                } else {
                    run = 0
                    last = nil
                }
            }
            if set < 0 || set != blockSet {
                closeBlock()
                blockSet = set
            }
            if set >= 0 {
                if blockCount == 0 { blockValue = number; blockAlike = true } else { blockAlike = blockAlike && number != nil && number == blockValue }
                blockCount += 1
            }
        }

        private mutating func closeBlock() {
            if blockCount > 0, blockValue != nil, blockAlike { straightBlock = max(straightBlock, blockCount) }
            blockCount = 0
            blockValue = nil
            blockAlike = true
        }

        /// The largest block answered alike (`Indicators.straightBlock`).
        mutating func finish() -> Int {
            closeBlock()
            return straightBlock
        }
    }

    /// Missing answers / items shown (0 when nothing was shown).
    static func missingRate(_ r: ResponseRecord) -> Double {
        guard !r.answers.isEmpty else { return 0 }
        return Double(r.answers.filter { $0.value.isMissing }.count) / Double(r.answers.count)
    }
}
