import ArgumentParser
import Foundation
import WavesAnalysis
import WavesCore

/// `waves reliability`: internal consistency of one scale, per wave.
struct ReliabilityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "reliability",
        abstract: "Cronbach's alpha (Feldt interval), standardized alpha, omega total, split-half and item statistics of a scale.")

    @OptionGroup var options: StudyOptions
    @OptionGroup var scales: ScaleOption
    @Option(help: "One wave (default: every wave the instrument is given at).") var wave: String?
    @Option(help: "Bootstrap resamples for percentile intervals of alpha and omega (0 = none).") var bootstrap = 0
    @Option(help: "Seed of the bootstrap.") var seed: UInt64 = 1
    @Flag(help: "JSON output.") var json = false

    func validate() throws {
        if bootstrap < 0 || bootstrap > 100_000 { throw ValidationError("--bootstrap takes 0 to 100000 resamples") }
    }

    func run() throws {
        let bundle = try options.loadBundle()
        // Per scale, one report per wave (or the one --wave); without --scale the arrays of
        // every scale are joined into one array of per-scale-and-wave objects.
        let (wave, bootstrap, seed) = (wave, bootstrap, seed)
        let perScale = try scales.eachSideBySide(bundle) { name in
            (name, try PsychometricsAnalysis.reliability(bundle: bundle, scale: name, wave: wave, bootstrap: bootstrap, seed: seed))
        }
        let reports = perScale.flatMap(\.1)
        StudyOptions.reportSetAside(reports.flatMap(\.setAside.answers))
        if json {
            if scales.scale != nil, wave != nil, let one = reports.first { try JSONOutput.print(one) } else { try JSONOutput.print(reports) }
            return
        }
        Output.out(perScale.flatMap { name, rs in
            let label = (try? bundle.resolveScale(name).scale.label) ?? name
            return rs.map { render($0, label: label) }
        }.joined(separator: "\n\n"))
    }

    func render(_ r: ReliabilityReport, label: String) -> String {
        var out: [String] = []
        out.append("\(label) (\(r.instrument).\(r.scale)) at \(r.wave): k = \(r.k) items, n = \(r.n) complete participants")
        if let a = r.alpha, a.isFinite {
            out.append("  alpha \(NumberText.fixed(a)) \(NumberText.interval(r.alphaCI?.first, r.alphaCI?.last)), n = \(r.n)  (\(interpret(a)))")
        } else {
            out.append("  alpha could not be computed" + (r.notes.isEmpty ? "" : " (see the notes below)"))
        }
        var t = TextTable(["statistic", "value"], rightAligned: [1])
        t.add(["Cronbach's alpha (raw)", NumberText.fixed(r.alpha, 3)])
        t.add(["Feldt 95% interval", r.alphaCI.map { "\(NumberText.fixed($0[0], 3)) – \(NumberText.fixed($0[1], 3))" } ?? "–"])
        t.add(["standardized alpha", NumberText.fixed(r.stdAlpha, 3)])
        t.add(["average inter-item r", NumberText.fixed(r.averageR, 3)])
        t.add(["omega total (1-factor ML)", NumberText.fixed(r.omegaTotal, 3)])
        t.add(["split-half (odd-even, S-B)", NumberText.fixed(r.splitHalf, 3)])
        if let b = r.bootstrap {
            t.add(["bootstrap alpha 95% (B=\(b.replicates))", b.alphaCI.map { "\(NumberText.fixed($0[0], 3)) – \(NumberText.fixed($0[1], 3))" } ?? "–"])
            t.add(["bootstrap omega 95%", b.omegaCI.map { "\(NumberText.fixed($0[0], 3)) – \(NumberText.fixed($0[1], 3))" } ?? "–"])
        }
        out.append(t.render().split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
        var it = TextTable(["item", "n", "mean", "sd", "r_drop", "alpha if deleted"], rightAligned: [1, 2, 3, 4, 5])
        for i in r.items {
            it.add([i.id + ((i.rDrop ?? 1) < 0.3 ? " *" : ""), String(i.n), NumberText.fixed(i.mean), NumberText.fixed(i.sd), NumberText.fixed(i.rDrop, 3), NumberText.fixed(i.alphaIfDeleted, 3)])
        }
        out.append("")
        out.append(it.render().split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
        if r.items.contains(where: { ($0.rDrop ?? 1) < 0.3 }) { out.append("  * corrected item-total correlation below 0.30") }
        for i in r.items { for n in i.notes { out.append("  note: \(i.id): \(n)") } }
        for n in r.notes { out.append("  note: \(n)") }
        return out.joined(separator: "\n")
    }

    func interpret(_ a: Double) -> String {
        switch a {
        case ..<0.5: return "poor internal consistency"
        case ..<0.6: return "weak internal consistency"
        case ..<0.7: return "questionable internal consistency"
        case ..<0.8: return "acceptable internal consistency"
        case ..<0.9: return "good internal consistency"
        default: return "high internal consistency; check for redundant items"
        }
    }
}
