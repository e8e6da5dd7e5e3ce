import Foundation
import WavesAnalysis
import WavesCore
#if canImport(Glibc)
import Glibc
#endif

/// Builds and writes the report (`waves report`; also called by the benchmark).
///
/// The store's index (`StudyIndex`, WavesAnalysis: overview, completion, free text, flow) and
/// each instrument with scales in columnar form (`InstrumentData`) are read at once, each from
/// its cache under `data/` or from one streaming pass over the store; then the scale sections,
/// the reviewers' per-scale analyses and the participant flow run at once on every core (`Parallel`).
public enum ReportGenerator {
    /// Gathers everything the report shows.
    public static func build(bundle: StudyBundle, options: ReportOptions = ReportOptions()) throws -> StudyReport {
        var notes: [String] = []
        // First the store's index and each instrument's columns (each from its cache when the
        // store is unchanged; what needs the store from one scan shared by the index and the
        // instruments, `StudyIndex.load(_:collectText:instruments:)`).
        let scaled = bundle.instruments.filter { !$0.scales.isEmpty }
        let (indexResult, columns) = StudyIndex.load(bundle, collectText: options.includeText, instruments: scaled)
        var loaded: [String: InstrumentData] = [:]
        for (k, r) in columns.enumerated() { loaded[scaled[k].id] = try r.get() }
        let jobs = bundle.instruments.flatMap { inst in
            inst.scales.compactMap { s in loaded[inst.id].map { ReviewerSectionsBuilder.ScaleJob(data: $0, scale: s) } }
        }
        if bundle.instruments.allSatisfy({ $0.scales.isEmpty }) { notes.append("No instrument of this study defines a scale, so there are no scale sections.") }

        let instruments = loaded
        returnFreedMemory()
        // Then the independent parts at once, on every core: per scale, its section, its
        // attrition and its results analyses, and last the participant flow. Each is a pure
        // function of its inputs, so the report does not depend on which finishes first.
        let parts = Parallel.map(jobs.indices.flatMap { [Part.section($0), .result($0), .attrition($0)] } + [.flow]) { part -> PartOutput in
            defer { returnFreedMemory() }
            switch part {
            case .section(let k): return .section(ScaleSectionBuilder(bundle: bundle, data: jobs[k].data, options: options).build(jobs[k].scale))
            case .result(let k): return .result(ReviewerSectionsBuilder.result(jobs[k], bundle: bundle))
            case .attrition(let k): return .attrition(ReviewerSectionsBuilder.attrition(jobs[k], bundle: bundle))
            case .flow: return .flow(Result { try FlowAnalysis.run(bundle: bundle, index: try indexResult.get(), loaded: instruments) })
            }
        }
        let index = try indexResult.get()
        var sections: [ScaleSection] = [], results: [ResultsReport.Scale] = [], attrition: [Outcome<AttritionReport>] = []
        var flow: Result<FlowReport, Error>?
        for p in parts {
            switch p {
            case .section(let s): sections.append(s)
            case .result(let r): results.append(r)
            case .attrition(let a): attrition.append(a)
            case .flow(let f): flow = f
            }
        }
        var setAside: [SetAsideAnswer] = []
        for inst in bundle.instruments where !inst.scales.isEmpty {
            let scaled = Set(inst.scales.flatMap(\.items))
            setAside += (loaded[inst.id]?.setAside ?? []).filter { scaled.contains($0.item) }
        }
        let overview = ReportSummaries.overview(index)
        let completion = ReportSummaries.completion(index, maxListed: options.maxListed)
        var report = StudyReport(options: options, overview: overview, completion: completion, scales: sections,
                                 texts: options.includeText ? ReportSummaries.textWaves(index, maxAnswers: options.maxTextAnswers) : nil,
                                 findings: [], notes: notes, setAside: setAside)
        do {
            guard let flow else { preconditionFailure("the report's last part is the flow") }
            report.reviewers = try ReviewerSectionsBuilder.build(flow: flow.get(), jobs: jobs, attrition: attrition,
                                                                 results: results, adjustment: options.adjustment)
        } catch {
            report.notes.append("The flow, attrition and results sections could not be built: \((error as? LocalizedError)?.errorDescription ?? String(describing: error))")
        }
        report.findings = Findings.lines(report)
        return report
    }

    /// Gives the memory freed so far back to the system (glibc `malloc_trim`; elsewhere nothing).
    /// glibc keeps freed memory in the arena of the thread that freed it, where the other
    /// core's next part cannot use it: the store scan's blocks, and each part's models.
    private static func returnFreedMemory() {
        #if canImport(Glibc)
        _ = mallocTrim?(0)
        #endif
    }

    #if canImport(Glibc)
    /// glibc's `malloc_trim` (not in the Glibc module's headers), nil where the C library has none.
    private static let mallocTrim: (@convention(c) (Int) -> Int32)? = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim")
        .map { unsafeBitCast($0, to: (@convention(c) (Int) -> Int32).self) }
    #endif

    /// The report's independent parts (`build`), longest first.
    private enum Part: Sendable { case section(Int), result(Int), attrition(Int), flow }
    private enum PartOutput: Sendable {
        case section(ScaleSection)
        case result(ResultsReport.Scale)
        case attrition(Outcome<AttritionReport>)
        case flow(Result<FlowReport, Error>)
    }

    /// The report as text in the requested format.
    public static func render(_ report: StudyReport, format: ReportOptions.Format? = nil) -> String {
        switch format ?? report.options.format {
        case .html: return HTMLRenderer(report: report).render()
        case .md: return MarkdownRenderer(report: report).render()
        }
    }

    /// Loads the study folder, builds the report and writes it to `output`; returns what was built.
    ///
    /// `output` is checked first (`StudyFiles`: never the store, study.yaml, the roster, an
    /// instrument, anything under `data/`, never through a link), then replaced atomically
    /// with `mode` (0600 unless widened) and flushed to disk (`AtomicFile`).
    @discardableResult
    public static func write(studyDirectory: URL, to output: URL, options: ReportOptions = ReportOptions(),
                             mode: OutputMode = .ownerOnly) throws -> StudyReport {
        let bundle = try StudyLoader.load(directory: studyDirectory)
        let target = try OutputTarget(output, mode: mode, protecting: StudyFiles(study: bundle.study))
        let report = try build(bundle: bundle, options: options)
        try write(report, to: target)
        return report
    }

    /// Renders the report and writes it to a checked output target (atomically, with its mode).
    public static func write(_ report: StudyReport, to target: OutputTarget) throws {
        try target.write(render(report), role: "the report")
    }
}
