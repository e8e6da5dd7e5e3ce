import ArgumentParser
import Foundation
import WavesAnalysis
import WavesCore

/// `waves rci`: reliable change per participant (Jacobson & Truax 1991).
struct RCICommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rci",
        abstract: "Reliable change index per participant between two waves (Jacobson & Truax), with a summary.")

    @OptionGroup var options: StudyOptions
    @Option(help: "The scale: S or INSTRUMENT.S.") var scale: String
    @Option(help: "The earlier wave.") var from: String
    @Option(help: "The later wave.") var to: String
    @Option(help: "Reliability to use instead of alpha at the earlier wave.") var reliability: Double?
    @Flag(help: "JSON output.") var json = false

    func run() throws {
        let bundle = try options.loadBundle()
        let r = try PsychometricsAnalysis.reliableChange(bundle: bundle, scale: scale, from: from, to: to, reliability: reliability)
        StudyOptions.reportSetAside(r.setAside.answers)
        if json { try JSONOutput.print(r); return }
        var out = ["Reliable change of \(r.instrument).\(r.scale), \(r.from) -> \(r.to): n = \(r.n)"]
        out.append("  reliability \(NumberText.fixed(r.reliability, 3)) (\(r.reliabilitySource)), SD at \(r.from) \(NumberText.fixed(r.sdBaseline, 3)), S_diff \(NumberText.fixed(r.sDiff, 3)); |RC| > 1.96 is reliable")
        out.append("  \(r.summary.increase) reliably increased, \(r.summary.decrease) reliably decreased, \(r.summary.noChange) no reliable change")
        var t = TextTable(["participant", "role", r.from, r.to, "RC", "category"], rightAligned: [2, 3, 4])
        for p in r.participants {
            t.add([p.participant, p.role ?? "–", NumberText.fixed(p.x1), NumberText.fixed(p.x2), NumberText.fixed(p.rc), (p.category ?? "–").replacingOccurrences(of: "_", with: " ")])
        }
        out.append("")
        out.append(t.render())
        for n in r.notes { out.append("note: \(n)") }
        Output.out(out.joined(separator: "\n"))
    }
}
