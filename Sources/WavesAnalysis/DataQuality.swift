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
        self.init(submissions: data.records.filter { wave == nil || $0.wave == wave }.map { Self.submission($0, bundle: data.bundle, settings: settings) },
                  settings: settings)
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

    /// One submission's indicators, all but speeding (which needs every duration).
    static func submission(_ r: ResponseRecord, bundle: StudyBundle, settings: Settings) -> Submission {
        let inst = bundle.instrument(r.instrument.id)
        let byItem = inst.map { r.answers(byItemOf: $0) } ?? []
        return Submission(participant: r.participant, instrument: r.instrument.id, wave: r.wave,
                          duration_ms: r.durationMs, median_ms: nil, speeding: false,
                          longstring: inst.map { Self.longstring(byItem, $0) } ?? 0,
                          straightlining: inst.map { Self.straightlines(byItem, $0, blockMin: settings.blockMin) } ?? false,
                          missing_rate: Self.missingRate(r))
    }

    /// `submission(_:bundle:settings:)` of a record read by the fast path (its answers matched
    /// to the positions of the items of `bundle.instruments[r.instrumentIndex]`, the first
    /// instrument with the id, whose item ids are distinct): the same values as from the strict
    /// record (`FastQualityTests`).
    static func submission(_ r: FastRecord, bundle: StudyBundle, settings: Settings) -> Submission {
        let inst = bundle.instruments[r.instrumentIndex]
        var byItem = [Answer?](repeating: nil, count: inst.items.count)
        var missing = 0
        for a in r.answers {
            byItem[a.position] = a.value
            if a.value.isMissing { missing += 1 }
        }
        return Submission(participant: r.participant, instrument: r.instrument.id, wave: r.wave,
                          duration_ms: r.durationMs, median_ms: nil, speeding: false,
                          longstring: Self.longstring(byItem, inst),
                          straightlining: Self.straightlines(byItem, inst, blockMin: settings.blockMin),
                          missing_rate: r.answers.isEmpty ? 0 : Double(missing) / Double(r.answers.count))
    }

    /// `waves quality` without holding the store, in two streaming passes (as `StreamedScores`):
    /// `index` finds the submissions that count with the columnar scan (`LatestCells`: one small
    /// entry per participant, wave and instrument), and `quality` reads the strict records one
    /// at a time and keeps the indicators of those submissions only. The submissions come in the
    /// order of `StudyData.records` and with the same values (`StreamedQualityTests`).
    public struct Streamed: Sendable {
        public let bundle: StudyBundle
        private let cells: LatestCells
        /// Unreadable lines (`StudyData.problems`).
        public let problems: [StoreProblem]

        /// Pass 1: the submissions that count.
        public static func index(_ bundle: StudyBundle) throws -> Streamed {
            var cells = LatestCells()
            let problems = try ResponseStore(url: bundle.study.storeURL).scanColumns(ColumnRequest(versions: true)) { row, line in
                cells.add(row, line: line)
            }
            return Streamed(bundle: bundle, cells: cells, problems: problems)
        }

        /// Cells submitted more than once (`StudyData.duplicates.count`).
        public var duplicateCount: Int { cells.duplicateCount }

        /// The instrument versions of the submissions that count, as `InstrumentVersions.build` gives them from `StudyData.records`.
        public func versions() throws -> InstrumentVersions {
            try InstrumentVersions.build(bundle: bundle, uses: cells.latestUses, archive: InstrumentArchive(store: ResponseStore(url: bundle.study.storeURL)))
        }

        /// The store lines of the submissions that count, each with its place in the order of
        /// `StudyData.records`: all that pass 2 needs (so the index can be let go before it).
        public struct Counted: Sendable {
            let latest: [(line: Int, cell: Int)]
        }
        public var counted: Counted { Counted(latest: cells.latestLines) }

        /// Pass 2: the indicators of every latest submission (of `wave` when given).
        public func quality(wave: String? = nil, settings: Settings = Settings()) throws -> DataQuality {
            try Self.quality(bundle: bundle, counted: counted, wave: wave, settings: settings)
        }

        /// Pass 2 from what pass 1 found.
        public static func quality(bundle: StudyBundle, counted: Counted, wave: String? = nil, settings: Settings = Settings()) throws -> DataQuality {
            let latest = counted.latest
            var next = 0
            // In store order, with each one's cell; then put in the cells' order in place (one array of submissions).
            var found: [Submission] = []
            var cellOf: [Int32] = []
            // The indicators are worked out on the decoding threads, for every line (nearly every
            // line is a latest one); only those of the latest submissions are kept.
            // Most lines are read by the fast record path (`RecordFastDecoder`: answers by item
            // position, no strict record); the others by the strict decoder, as before.
            let plan = RecordFastDecoder.Plan(bundle.instruments.map { ($0.id, $0.items.map(\.id)) })
            _ = try ResponseStore(url: bundle.study.storeURL).scan(plan: plan, transformFast: { f in
                (wave: f.wave, submission: DataQuality.submission(f, bundle: bundle, settings: settings))
            }, transform: { r in
                (wave: r.wave, submission: DataQuality.submission(r, bundle: bundle, settings: settings))
            }) { s, line in
                while next < latest.count && latest[next].line < line { next += 1 }
                guard next < latest.count, latest[next].line == line, wave == nil || s.wave == wave else { return }
                found.append(s.submission)
                cellOf.append(Int32(latest[next].cell))
            }
            Self.permute(&found, to: found.indices.sorted { cellOf[$0] < cellOf[$1] })
            return DataQuality(submissions: consume found, settings: settings)
        }

        /// Reorders `items` in place so that `items[k]` becomes the old `items[order[k]]`
        /// (`order` a permutation of the indices): by cycles, without a second array of items.
        static func permute<T>(_ items: inout [T], to order: [Int]) {
            var placed = [Bool](repeating: false, count: items.count)
            for start in items.indices where !placed[start] {
                let first = items[start]
                var k = start
                while true {
                    placed[k] = true
                    let from = order[k]
                    if from == start { items[k] = first; break }
                    items[k] = items[from]
                    k = from
                }
            }
        }
    }

    /// The longest run of identical answers over likert and choice items in instrument order.
    /// (`answers` holds the record's answer to each item of `inst`: `ResponseRecord.answers(byItemOf:)`.)
    static func longstring(_ answers: [Answer?], _ inst: Instrument) -> Int {
        var best = 0, run = 0
        var last: Double?
        // By index: `for item in` copied every item (all its texts) per record.
        for k in inst.items.indices where inst.items[k].type == .likert || inst.items[k].type == .choice {
            guard let a = answers[k] else { continue }   // hidden: not part of the sequence
            guard case .number(let v) = a else { run = 0; last = nil; continue }
            run = v == last ? run + 1 : 1
            last = v
            best = max(best, run)
        }
        return best
    }

    /// Whether some block of at least `blockMin` consecutive likert items sharing a response
    /// set has the same answer on every item.
    static func straightlines(_ answers: [Answer?], _ inst: Instrument, blockMin: Int) -> Bool {
        var blockSet: String?
        var values: [Double?] = []
        func check() -> Bool {
            guard values.count >= blockMin, let first = values.first, let v = first else { return false }
            return values.allSatisfy { $0 == v }
        }
        for k in inst.items.indices {
            guard let a = answers[k] else { continue }
            let set = inst.items[k].type == .likert ? inst.items[k].responseSet?.id : nil
            if set == nil || set != blockSet {
                if check() { return true }
                values = []
                blockSet = set
            }
            if set != nil { values.append(a.number) }
        }
        return check()
    }

    /// Missing answers / items shown (0 when nothing was shown).
    static func missingRate(_ r: ResponseRecord) -> Double {
        guard !r.answers.isEmpty else { return 0 }
        return Double(r.answers.filter { $0.value.isMissing }.count) / Double(r.answers.count)
    }
}
