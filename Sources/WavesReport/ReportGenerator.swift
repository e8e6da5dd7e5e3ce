import Foundation
import WavesAnalysis
import WavesCore

/// Builds and writes the report (`waves report`; also called by the benchmark).
///
/// One streaming pass over the store (`StudyIndex`, WavesAnalysis) gives the overview,
/// completion and free text; each instrument with scales is then loaded once into columnar form
/// (`InstrumentData`) and every scale section is computed from it.
public enum ReportGenerator {
    /// Gathers everything the report shows.
    public static func build(bundle: StudyBundle, options: ReportOptions = ReportOptions()) throws -> StudyReport {
        let index = try StudyIndex.load(bundle, collectText: options.includeText)
        var notes: [String] = []
        var sections: [ScaleSection] = []
        var setAside: [SetAsideAnswer] = []
        var loaded: [String: InstrumentData] = [:]
        for inst in bundle.instruments where !inst.scales.isEmpty {
            let data = try InstrumentData.load(bundle, instrument: inst)
            loaded[inst.id] = data
            let scaled = Set(inst.scales.flatMap(\.items))
            setAside += data.setAside.filter { scaled.contains($0.item) }
            let builder = ScaleSectionBuilder(bundle: bundle, data: data, options: options)
            for scale in inst.scales { sections.append(builder.build(scale)) }
        }
        if bundle.instruments.allSatisfy({ $0.scales.isEmpty }) { notes.append("No instrument of this study defines a scale, so there are no scale sections.") }
        let overview = ReportSummaries.overview(index)
        let completion = ReportSummaries.completion(index, maxListed: options.maxListed)
        var report = StudyReport(options: options, overview: overview, completion: completion, scales: sections,
                                 texts: options.includeText ? ReportSummaries.textWaves(index, maxAnswers: options.maxTextAnswers) : nil,
                                 findings: [], notes: notes, setAside: setAside)
        do { report.reviewers = try ReviewerSectionsBuilder.build(bundle: bundle, index: index, loaded: loaded, adjustment: options.adjustment) } catch {
            report.notes.append("The flow, attrition and results sections could not be built: \((error as? LocalizedError)?.errorDescription ?? String(describing: error))")
        }
        report.findings = Findings.lines(report)
        return report
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
