import ArgumentParser
import Foundation
import WavesAnalysis
import WavesCore

extension CFAAnalysis.Missing: ExpressibleByArgument {}

/// `waves cfa`: confirmatory factor analysis of one scale (or an instrument's scales) at one wave.
struct CFACommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "cfa",
        abstract: "Confirmatory factor analysis (ML, as lavaan): one factor per scale, fit indices, loadings and residual variances.",
        discussion: "As R lavaan::cfa() with its defaults: marker loading fixed to 1, maximum likelihood, expected-information standard errors; reversed items are reversed first. --missing fiml uses every answer (lavaan missing = \"ml\").")

    @OptionGroup var options: StudyOptions
    @OptionGroup var scales: ScaleOption
    @Option(help: "Every scale of this instrument as correlated factors (instead of --scale).") var instrument: String?
    @Option(help: "The wave (default: the first wave the instrument is given at).") var wave: String?
    @Option(help: "listwise (complete participants, default) or fiml (full-information ML).") var missing: CFAAnalysis.Missing = .listwise
    @Flag(help: "JSON output.") var json = false

    func validate() throws {
        if scales.scale != nil && instrument != nil { throw ValidationError("give either --scale S or --instrument I, not both") }
    }

    /// One scale (`--scale`), the instrument's scales as correlated factors (`--instrument`), or
    /// without either, one single-factor model per scale of the study (`ScaleSelection`).
    func run() throws {
        let bundle = try options.loadBundle()
        if let instrument {
            let r = try CFAAnalysis.run(bundle: bundle, scale: nil, instrument: instrument, wave: wave, missing: missing)
            if json { try JSONOutput.print(r); return }
            Output.out(SafeText.terminal(render(r)))
            return
        }
        let results = try scales.each(bundle) { try CFAAnalysis.run(bundle: bundle, scale: $0, instrument: nil, wave: wave, missing: missing) }
        if json { try scales.printJSON(results); return }
        Output.out(results.map { SafeText.terminal(render($0)) }.joined(separator: "\n\n"))
    }

    func render(_ r: CFAReport) -> String {
        var out: [String] = []
        let what = r.factors.count > 1 ? "\(r.instrument): \(r.factors.count) correlated factors" : "\(r.instrument).\(r.scale): one factor"
        out.append("Confirmatory factor analysis of \(what) at \(r.wave), n = \(r.n) (\(r.missing == "fiml" ? "full-information ML" : "listwise complete")), ML as lavaan")
        if !r.converged { out.append("  THE MODEL DID NOT CONVERGE: do not interpret the numbers below.") }
        var t = TextTable(["fit", "value"], rightAligned: [1])
        t.add(["chi-square (df)", "\(NumberText.fixed(r.chisq, 3)) (\(r.df))"])
        t.add(["p", NumberText.p(r.p)])
        t.add(["CFI", NumberText.fixed(r.cfi, 3)])
        t.add(["TLI", NumberText.fixed(r.tli, 3)])
        t.add(["RMSEA [90% interval]", "\(NumberText.fixed(r.rmsea, 3)) " + (r.rmseaCI.map { "[\(NumberText.fixed($0[0], 3)), \(NumberText.fixed($0[1], 3))]" } ?? "[–]")])
        t.add(["SRMR", NumberText.fixed(r.srmr, 3)])
        t.add(["AIC", NumberText.fixed(r.aic, 1)])
        t.add(["BIC", NumberText.fixed(r.bic, 1)])
        out.append(indent(t.render()))
        var l = TextTable(["item", "factor", "loading", "SE", "standardized", "residual var.", "SE"], rightAligned: [2, 3, 4, 5, 6])
        for x in r.loadings {
            let res = r.residuals.first { $0.item == x.item }
            l.add([x.item, x.factor, NumberText.fixed(x.estimate, 3), x.se.map { NumberText.fixed($0, 3) } ?? "(fixed)", NumberText.fixed(x.std, 3),
                   NumberText.fixed(res?.estimate, 3), NumberText.fixed(res?.se, 3)])
        }
        out.append("")
        out.append(indent(l.render()))
        for c in r.correlations { out.append("  correlation \(c.factors.joined(separator: " ~ ")): \(NumberText.fixed(c.estimate, 3))") }
        out.append("  Guide (Hu & Bentler 1999): CFI ≥ .95, RMSEA ≤ .06 and SRMR ≤ .08 suggest good fit; standardized loadings below .40 are weak.")
        for n in r.notes { out.append("  note: \(n)") }
        return out.joined(separator: "\n")
    }

    func indent(_ s: String) -> String { s.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n") }
}
