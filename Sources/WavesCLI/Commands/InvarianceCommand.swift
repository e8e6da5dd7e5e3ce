import ArgumentParser
import Foundation
import WavesAnalysis
import WavesCore

extension InvarianceAnalysis.Across: ExpressibleByArgument {}

/// `waves invariance`: the measurement-invariance ladder of a scale across waves or roles.
struct InvarianceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "invariance",
        abstract: "Measurement invariance (configural, metric, scalar, strict) across waves or roles, with Chen's (2007) rules, latent means and score tests.",
        discussion: "Across waves: one factor per wave on the same participants, each item's residuals correlated across waves, marker loading 1 and the first wave's latent mean 0. Across role (--wave W): a multi-group CFA as lavaan group.equal. Numbers as R lavaan 0.6 (lavTestLRT, lavTestScore).")

    @OptionGroup var options: StudyOptions
    @OptionGroup var scales: ScaleOption
    @Option(help: "waves (default) or role.") var across: InvarianceAnalysis.Across = .waves
    @Option(help: "Waves to compare, comma-separated (default: every wave the instrument is given at).") var waves: String?
    @Option(help: "Across role: the wave (default: the first wave the instrument is given at).") var wave: String?
    @Option(help: "listwise (complete participants, default) or fiml (full-information ML).") var missing: CFAAnalysis.Missing = .listwise
    @Flag(help: "JSON output.") var json = false

    func validate() throws {
        if across == .waves && wave != nil { throw ValidationError("--wave is for --across role; across waves, use --waves A,B,..") }
        if across == .role && waves != nil { throw ValidationError("--waves is for --across waves; across role, use --wave W") }
    }

    func run() throws {
        let bundle = try options.loadBundle()
        let ids = waves?.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        // One scale, or every scale of the study (ScaleSelection: a scale that cannot be modelled is left out with a warning).
        let results = try scales.each(bundle) { s in
            (report: try InvarianceAnalysis.run(bundle: bundle, scale: s, across: across, waves: ids, wave: wave, missing: missing),
             label: (try? bundle.resolveScale(s).scale.label) ?? s)
        }
        if json { try scales.printJSON(results.map(\.report)); return }
        Output.out(results.map { SafeText.terminal(render($0.report, label: $0.label)) }.joined(separator: "\n\n"))
    }

    func render(_ r: InvarianceReport, label: String) -> String {
        var out: [String] = []
        let over = r.across == "waves" ? "across waves \(r.waves.joined(separator: ", "))"
            : "across roles \(r.groups.joined(separator: ", ")) at \(r.waves.first ?? "")"
        out.append("Measurement invariance of \(label) (\(r.instrument).\(r.scale)) \(over)")
        let sizes = r.across == "role" ? " (" + zip(r.groups, r.nByGroup).map { "\($0) \($1)" }.joined(separator: ", ") + ")" : ""
        out.append("n = \(r.n)\(sizes), \(r.missing == "fiml" ? "full-information ML" : "listwise complete"); ML as lavaan")
        var t = TextTable(["model", "chi-square", "df", "p", "CFI", "TLI", "RMSEA", "SRMR", "AIC", "BIC"], rightAligned: Set(1...9))
        for m in r.models {
            t.add([m.model + (m.converged ? "" : " (!)"), NumberText.fixed(m.chisq, 2), m.df.map(String.init) ?? "–", NumberText.p(m.p), NumberText.fixed(m.cfi, 3),
                   NumberText.fixed(m.tli, 3), NumberText.fixed(m.rmsea, 3), NumberText.fixed(m.srmr, 3), NumberText.fixed(m.aic, 1), NumberText.fixed(m.bic, 1)])
        }
        out.append("")
        out.append(indent(t.render()))
        var c = TextTable(["step", "Δchi-square", "Δdf", "p", "ΔCFI", "ΔRMSEA", "Chen (2007)"], rightAligned: [1, 2, 3, 4, 5])
        for x in r.comparisons {
            c.add(["\(x.from) → \(x.to)", NumberText.fixed(x.deltaChisq, 2), String(x.deltaDf), NumberText.p(x.p), NumberText.fixed(x.deltaCFI, 3),
                   NumberText.fixed(x.deltaRMSEA, 3), x.held.map { $0 ? "held" : "not held" } ?? "–"])
        }
        out.append("")
        out.append(indent(c.render()))
        out.append("  Rule: \(r.decisionRule)")
        if !r.latentMeans.isEmpty {
            let ref = r.across == "waves" ? (r.waves.first ?? "") : (r.groups.first ?? "")
            out.append("")
            out.append("  Latent means from the scalar model (\(ref) fixed at 0):")
            for m in r.latentMeans {
                let z = m.se.map { m.estimate / $0 }
                out.append("    \(m.occasion): \(NumberText.fixed(m.estimate, 3)) (SE \(NumberText.fixed(m.se, 3))" + (z.map { ", z = \(NumberText.fixed($0, 2))" } ?? "") + ")")
            }
        }
        if !r.partial.isEmpty {
            out.append("")
            out.append("  Score tests of the scalar model's equality constraints (lavTestScore; largest first):")
            var s = TextTable(["constraint", "chi-square (1)", "p"], rightAligned: [1, 2])
            for x in r.partial.prefix(5) { s.add([x.constraint, NumberText.fixed(x.scoreChisq, 2), NumberText.p(x.p)]) }
            out.append(indent(indent(s.render())))
            if r.partial.count > 5 { out.append("    (\(r.partial.count - 5) more in --json)") }
        }
        out.append("")
        out.append("  \(r.summary)")
        for n in r.notes { out.append("  note: \(n)") }
        return out.joined(separator: "\n")
    }

    func indent(_ s: String) -> String { s.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n") }
}
