import ArgumentParser
import Foundation
import WavesAnalysis
import WavesCoding
import WavesCore
import WavesReport

/// `waves report`: the whole analysis as one self-contained HTML page (or Markdown).
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "report",
        abstract: "The whole analysis as one self-contained HTML page with plots (or Markdown tables with --format md).")

    @OptionGroup var options: StudyOptions
    @Option(help: "Where to write the report; with --format md and no --out, Markdown goes to standard output.") var out: String?
    @Option(help: "html (default) or md.") var format: ReportOptions.Format = .html
    @Flag(name: .customLong("include-text"), help: "Include the free-text (diary) answers, which are personal data.") var includeText = false
    @Option(help: "At most this many individual trajectories per plot (an evenly spread sample).") var maxTrajectories: Int = 200
    @Flag(help: "Print no summary of the main findings.") var quiet = false
    @Option(help: "Adjustment of the change p-values across scales: holm (default) or BH.") var adjust: String = "holm"
    @OptionGroup var fileMode: OutputModeOption

    func validate() throws {
        if format == .html && out == nil { throw ValidationError("--out FILE is needed for the HTML report (for example --out report.html)") }
        if adjust != "holm" && adjust != "BH" { throw ValidationError("--adjust takes holm or BH") }
        if maxTrajectories < 0 { throw ValidationError("--max-trajectories must be 0 or more") }
    }

    func run() throws {
        let bundle = try options.loadBundle()
        // Checked before any work: never over the study's own files, never through a link.
        let target = try out.map { try OutputTarget(URL(fileURLWithPath: $0).standardizedFileURL, mode: fileMode.mode,
                                                   protecting: StudyFiles(study: bundle.study)) }
        StudyOptions.warnIfStoreExposed(bundle.study)
        var o = ReportOptions()
        o.format = format
        o.includeText = includeText
        o.maxTrajectories = maxTrajectories
        o.adjustment = adjust == "BH" ? .benjaminiHochberg : .holm
        o.generatedAt = Timestamp.now
        var report = try ReportGenerator.build(bundle: bundle, options: o)
        report.qualitative = Self.qualitative(directory: options.directory, includeText: includeText)
        StudyOptions.reportSetAside(report.setAside)
        let text = ReportGenerator.render(report)
        guard let out, let target else { Output.out(text, terminator: ""); return }
        let url = target.url
        do { try target.write(text, role: "the report") } catch {
            throw CLIFailure("cannot write the report to \(out): \((error as? FileIOError)?.reason ?? error.localizedDescription)")
        }
        if quiet { return }
        Output.out("Wrote \(url.path) (\(text.utf8.count / 1024) KB, \(report.scales.count) scale section(s)\(includeText ? ", free text included" : "")).")
        Output.out("Main findings:")
        for f in report.findings { Output.out("  - \(f)") }
    }

    /// The joint display of the study's coding (the codebook coded so far, consensus where
    /// present), with exemplar answers only when free text is included; nil without coding.
    static func qualitative(directory: URL, includeText: Bool) -> QualitativeSection? {
        // Without a coder's file there is nothing to show: do not read the store for it.
        guard !CodingLog.coders(studyDirectory: directory).isEmpty, let project = try? CodingProject.load(directory: directory, codebook: nil), !project.coders.isEmpty,
              let (coding, source, _) = try? project.effectiveCoding(), !coding.isEmpty,
              let d = try? JointDisplay.build(data: project.data, codebook: project.codebook, units: project.units, coding: coding, source: source)
        else { return nil }
        return QualitativeSection(display: d, exemplars: includeText
            ? JointDisplay.exemplars(codebook: project.codebook, units: project.units, coding: coding) : [])
    }
}
