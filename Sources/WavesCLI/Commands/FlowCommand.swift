import ArgumentParser
import Foundation
import WavesAnalysis
import WavesCore
import WavesReport

/// `waves flow`: the participant flow per wave (CHERRIES; STROBE item 13), as a table, JSON
/// or a flow diagram (SVG drawn by the report's chart layer).
struct FlowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "flow",
        abstract: "Participant flow per wave: enrolled, invited, consented, started, completed, analysed, withdrawn, lost and why.")

    @OptionGroup var options: StudyOptions
    @Flag(help: "JSON output.") var json = false
    @Option(help: "Also write the flow diagram as an SVG file here.") var svg: String?
    @OptionGroup var fileMode: OutputModeOption

    func run() throws {
        // The index and the scale scores only (two streaming reads, or one and the column
        // cache): at 100,000 participants holding every record took 1.3 GB. The scores first,
        // so that the answer matrix is let go before the index is read (`FlowAnalysis.ScoredCells`).
        let bundle = try StudyLoader.load(directory: options.directory)
        let scored = try FlowAnalysis.scoredCells(bundle: bundle)
        let index = try StudyIndex.load(bundle)
        if !json { StudyOptions.reportStoreNotes(index) }
        let target = try svg.map { try OutputTarget(URL(fileURLWithPath: $0).standardizedFileURL, mode: fileMode.mode,
                                                   protecting: StudyFiles(study: index.bundle.study)) }
        let flow = FlowAnalysis.run(bundle: index.bundle, index: index, scored: scored)
        if let target {
            do { try target.write(FlowDiagram.svg(flow) + "\n", role: "the flow diagram") } catch {
                throw CLIFailure("cannot write the flow diagram to \(svg!): \((error as? FileIOError)?.reason ?? error.localizedDescription)")
            }
            if !json { Output.err("Wrote \(target.url.path).") }
        }
        if json { try JSONOutput.print(flow); return }
        Output.out(FlowText.render(flow))
    }
}

/// The readable table of the participant flow.
enum FlowText {
    static func render(_ f: FlowReport) -> String {
        var t = TextTable(["wave", "enrolled", "invited", "consented", "started", "completed", "analysed", "withdrawn", "lost",
                           "withdrew", "declined", "incomplete", "no response", "duplicates"], rightAligned: Set(1...13))
        for w in f.waves {
            let r = w.lostReasons
            t.add([w.wave, String(w.enrolled), w.invited.map(String.init) ?? "–", w.consented.map(String.init) ?? "–",
                   String(w.started), String(w.completed), String(w.analysed), String(w.withdrawn), String(w.lost),
                   String(r.withdrawn), String(r.declined), String(r.incomplete), String(r.noResponse), String(w.duplicatesSetAside)])
        }
        var out = ["Participant flow of \(f.study) (lost: why, in the four columns after it)", "", t.render(), ""]
        for key in ["enrolled", "invited", "consented", "started", "completed", "analysed", "withdrawn", "lost"] {
            if let d = f.definitions[key] { out.append("  \(key): \(d)") }
        }
        for n in f.notes { out.append("note: \(n)") }
        return out.joined(separator: "\n")
    }
}
