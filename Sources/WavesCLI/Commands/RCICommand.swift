import ArgumentParser
import Foundation
import WavesAnalysis
import WavesCore

/// `waves rci`: reliable change per participant (Jacobson & Truax 1991).
struct RCICommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rci",
        abstract: "Reliable change index per participant between two waves (Jacobson & Truax), with a summary.")

    @OptionGroup var options: StudyOptions
    @OptionGroup var scales: ScaleOption
    @Option(help: "The earlier wave.") var from: String
    @Option(help: "The later wave.") var to: String
    @Option(help: "Reliability to use instead of alpha at the earlier wave.") var reliability: Double?
    @Flag(help: "JSON output.") var json = false

    func run() throws {
        let bundle = try options.loadBundle()
        let reports = try scales.each(bundle) {
            try PsychometricsAnalysis.reliableChange(bundle: bundle, scale: $0, from: from, to: to, reliability: reliability)
        }
        StudyOptions.reportSetAside(reports.flatMap(\.setAside.answers))
        if json { try scales.printJSON(reports); return }
        Output.out(reports.map(render).joined(separator: "\n\n"))
    }

    func render(_ r: RCIReport) -> String {
        var out = ["Reliable change of \(r.instrument).\(r.scale), \(r.from) -> \(r.to): n = \(r.n)"]
        out.append("  reliability \(NumberText.fixed(r.reliability, 3)) (\(r.reliabilitySource)), SD at \(r.from) \(NumberText.fixed(r.sdBaseline, 3)), S_diff \(NumberText.fixed(r.sDiff, 3)); |RC| > 1.96 is reliable")
        out.append("  \(r.summary.increase) reliably increased, \(r.summary.decrease) reliably decreased, \(r.summary.noChange) no reliable change")
        var t = TextTable(["participant", "role", r.from, r.to, "RC", "category"], rightAligned: [2, 3, 4])
        // A handful of categories: each one's words made once (Foundation's replacingOccurrences
        // per participant was a sixth of the command at 100,000 participants).
        var words: [String: String] = [:]
        for p in r.participants {
            let category = p.category ?? "–"
            let text = words[category] ?? { let w = category.replacingOccurrences(of: "_", with: " "); words[category] = w; return w }()
            t.add([p.participant, p.role ?? "–", NumberText.fixed(p.x1), NumberText.fixed(p.x2), NumberText.fixed(p.rc), text])
        }
        out.append("")
        out.append(t.render())
        for n in r.notes { out.append("note: \(n)") }
        return out.joined(separator: "\n")
    }
}
