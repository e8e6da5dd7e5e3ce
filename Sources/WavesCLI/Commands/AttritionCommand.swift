import ArgumentParser
import Foundation
import WavesAnalysis
import WavesCore

/// `waves attrition`: do those lost by a wave differ at baseline from those who stayed, and is
/// the missingness plausibly completely at random (spec/cli.md, "What reviewers require")?
struct AttritionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "attrition",
        abstract: "Completers vs dropouts at baseline (Welch t, Hedges' g with CI, Fisher's exact test on roles) and Little's MCAR test.")

    @OptionGroup var options: StudyOptions
    @Option(help: "The scale: S or INSTRUMENT.S (default: every scale of the study).") var scale: String?
    @Option(help: "The wave by which a participant counts as lost (default: the instrument's last wave).") var to: String?
    @Flag(help: "JSON output (an array of per-scale objects when --scale is not given).") var json = false

    func run() throws {
        let bundle = try options.loadBundle()
        let names = scale.map { [$0] } ?? bundle.scaleNames
        // Every scale of an instrument from one load of it (with the cache off, each scale
        // read the whole store again: five reads for the benchmark instrument).
        let reports = try InstrumentData.sharingLoads {
            try names.map { try AttritionAnalysis.run(bundle: bundle, scale: $0, to: to) }
        }
        if json {
            if scale != nil { try JSONOutput.print(reports[0]) } else { try JSONOutput.print(reports) }
            return
        }
        Output.out(reports.map { r in
            AttritionText.render(r, scaleLabel: (try? bundle.resolveScale("\(r.instrument).\(r.scale)").scale.label) ?? r.scale)
        }.joined(separator: "\n\n"))
    }
}

/// The readable tables of an attrition analysis.
enum AttritionText {
    static func render(_ r: AttritionReport, scaleLabel: String) -> String {
        var out = ["\(scaleLabel) (\(r.instrument).\(r.scale)): baseline \(r.baselineWave), lost by \(r.toWave)", ""]
        var t = TextTable(["group", "n", "mean", "sd"], rightAligned: [1, 2, 3])
        t.add(["completers", String(r.completers.n), NumberText.fixed(r.completers.mean), NumberText.fixed(r.completers.sd)])
        t.add(["dropouts", String(r.dropouts.n), NumberText.fixed(r.dropouts.mean), NumberText.fixed(r.dropouts.sd)])
        out.append(t.render())
        if let w = r.welch {
            out.append("Welch's t(\(NumberText.fixed(w.df))) = \(NumberText.fixed(w.t)), p \(NumberText.pEquals(w.p)); Hedges' g = \(NumberText.fixed(r.hedgesG)), 95% CI \(NumberText.interval(r.gCI?.first, r.gCI?.last))")
        }
        if !r.roles.isEmpty {
            out.append("")
            var rt = TextTable(["role", "completers", "dropouts"], rightAligned: [1, 2])
            for x in r.roles { rt.add([x.role, String(x.completers), String(x.dropouts)]) }
            out.append(rt.render())
            out.append("Fisher's exact test: p \(NumberText.pEquals(r.fisherP))")
        }
        if let l = r.littleMCAR {
            out.append("")
            out.append("Little's MCAR test (\(l.n) participants, waves \(l.waves.joined(separator: ", ")), \(l.patterns) missing-data pattern(s)): chi2(\(l.df)) = \(NumberText.fixed(l.chisq)), p \(NumberText.pEquals(l.p))")
        }
        out.append("")
        out.append(r.sentence)
        for n in r.notes { out.append("note: \(n)") }
        return out.joined(separator: "\n")
    }
}
