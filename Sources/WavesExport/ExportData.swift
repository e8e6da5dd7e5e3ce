import Foundation
import WavesAnalysis
import WavesCore
import WavesStore

/// A study's data as the exports read it: the latest submission per participant, wave and
/// instrument in columns (`ExportTable`), with the duplicates and unreadable store lines
/// found on the way, and no record kept (issue 14: exports in bounded memory).
///
/// `load` streams the store once through the columnar scan (`ResponseStore.scanColumns`: most
/// lines by its fast path straight into the answers, the others as strictly decoded records);
/// `init(_:options:)` takes a study already loaded as `StudyData` and gives the same table.
/// Only the instrument and
/// waves that `options` asks for are held when they exist (else every one, and the export
/// then reports the unknown name as before).
public struct ExportData: Sendable {
    public let bundle: StudyBundle
    /// Store lines that could not be read, or that belong to an import that did not finish.
    public let problems: [StoreProblem]
    var table: ExportTable

    /// Loads the study folder and streams its store once. `answers: false` keeps no answer
    /// (only which submissions count, with their times, roles and versions): what the
    /// codebook reads, the only format `Exporter.export` writes from such data.
    public static func load(directory: URL, options: ExportOptions = ExportOptions(), answers: Bool = true) throws -> ExportData {
        try load(directory: directory, options: options, fastPath: nil, answers: answers)
    }

    /// `load`, with the columnar scan's fast path on or off (nil: as `WAVES_SCAN` says), so
    /// tests can compare the two paths.
    static func load(directory: URL, options: ExportOptions, fastPath: Bool?, answers: Bool = true) throws -> ExportData {
        let bundle = try StudyLoader.load(directory: directory)
        var table = Self.emptyTable(bundle, options, answers: answers)
        let store = ResponseStore(url: bundle.study.storeURL)
        table.reserve(lines: store.estimatedLineCount())
        let problems = try store.scanColumns(table.columnRequest, fast: fastPath) { row, line in table.add(row, line: line) }
        return ExportData(bundle: bundle, problems: problems, table: table)
    }

    /// The same columns from a loaded study (its latest records, in the order of their first
    /// submission, choose the same submissions as the store they came from).
    public init(_ data: StudyData, options: ExportOptions = ExportOptions()) {
        var table = Self.emptyTable(data.bundle, options)
        // The store lines of the chosen records are not kept by `StudyData`; duplicates come from it.
        for (n, r) in data.records.enumerated() { table.add(r, line: n + 1) }
        self.init(bundle: data.bundle, problems: data.problems, table: table)
        givenDuplicates = data.duplicates
    }

    private init(bundle: StudyBundle, problems: [StoreProblem], table: ExportTable) {
        self.bundle = bundle; self.problems = problems; self.table = table
    }

    private var givenDuplicates: [Duplicate]?

    private static func emptyTable(_ bundle: StudyBundle, _ options: ExportOptions, answers: Bool = true) -> ExportTable {
        let instruments = options.instrument.flatMap { id in bundle.instrument(id).map { [$0] } } ?? bundle.instruments
        let waves = (try? bundle.resolveWaves(options.waves)) ?? bundle.study.waves
        return ExportTable(bundle: bundle, instruments: instruments, waves: waves, keepsAnswers: answers)
    }

    /// Whether the answers were kept (`load(answers:)`).
    public var hasAnswers: Bool { table.keepsAnswers }

    public var study: Study { bundle.study }

    /// Combinations submitted more than once, with every store line, the chosen one last.
    public var duplicates: [Duplicate] { givenDuplicates ?? table.duplicates }

    /// How many combinations were submitted more than once.
    public var duplicateCount: Int { givenDuplicates?.count ?? table.duplicateCount }

    /// Whether the store holds no readable response at all.
    var isEmpty: Bool { table.submissionCount == 0 }

    /// The instrument versions of the submissions that count, as `InstrumentVersions.build`
    /// gives them for `StudyData.records` (for the warnings about versions that score differently).
    public func instrumentVersions() throws -> InstrumentVersions {
        try table.versionTally.build(bundle: bundle, archive: InstrumentArchive(store: ResponseStore(url: study.storeURL)))
    }

    func resolveWaves(_ ids: [String]?) throws -> [Wave] { try bundle.resolveWaves(ids) }

    func resolveInstrument(_ id: String) throws -> Instrument { try bundle.resolveInstrument(id) }
}
