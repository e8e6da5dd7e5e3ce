import ArgumentParser
import Foundation
import WavesAnalysis
import WavesCore
import WavesStats

/// `waves results`: per scale, an APA-style results paragraph with the change test adjusted
/// across the study's scales, effect sizes with intervals, and the mixed model's slope.
struct ResultsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "results",
        abstract: "APA-style results paragraphs per scale: means and SDs, the change test adjusted across scales (Holm or BH), effect sizes with intervals, the mixed-model slope.")

    @OptionGroup var options: StudyOptions
    @Option(help: "Adjustment across the study's scales: holm (default) or BH.") var adjust: String = "holm"
    @Flag(help: "JSON output.") var json = false

    func validate() throws {
        if MultipleComparisons.Method(rawValue: adjust) == nil || adjust == "bonferroni" { throw ValidationError("--adjust takes holm or BH") }
    }

    func run() throws {
        let bundle = try options.loadBundle()
        let r = try ResultsAnalysis.run(bundle: bundle, adjustment: MultipleComparisons.Method(rawValue: adjust)!)
        if json { try JSONOutput.print(r); return }
        var out: [String] = []
        for s in r.scales {
            out.append("\(s.label) (\(s.instrument).\(s.scale))")
            out.append(s.paragraph)
            for n in s.notes { out.append("note: \(n)") }
            out.append("")
        }
        out.append("p-values of the change across waves are adjusted across \(r.family) scale(s) by \(r.adjustment == "BH" ? "Benjamini-Hochberg" : "Holm").")
        Output.out(out.joined(separator: "\n"))
    }
}
