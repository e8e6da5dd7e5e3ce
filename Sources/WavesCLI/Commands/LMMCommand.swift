import ArgumentParser
import Foundation
import WavesAnalysis
import WavesCore

/// `waves lmm`: a linear mixed model on every observed score (participants with missing waves are kept).
struct LMMCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "lmm",
        abstract: "Linear mixed model score ~ time [* role] + (1 [+ time] | participant), REML, Satterthwaite or Kenward-Roger df, estimated marginal means.")

    @OptionGroup var options: StudyOptions
    @OptionGroup var scales: ScaleOption
    @Option(help: "Time as 'categorical' (one effect per wave) or 'linear' (the waves' time values).") var time: MixedModelAnalysis.TimeCoding = .categorical
    @Option(help: "Between-subject factor: role.") var between: BetweenFactor?
    @Flag(help: "Add a correlated random slope for linear time.") var slopes = false
    @Option(help: "Degrees of freedom of the fixed-effect tests: 'satterthwaite' or 'kenward-roger' (adjusted standard errors; advisable below 40 participants).")
    var df: MixedModelAnalysis.DFMethod = .satterthwaite
    @Flag(help: "JSON output.") var json = false

    func run() throws {
        let bundle = try options.loadBundle()
        let (time, byRole, slopes, df) = (time, between == .role, slopes, df)
        let reports = try scales.eachSideBySide(bundle) {
            // No residuals or modes: they are for the report's plots, neither printed nor in --json
            // (at 100,000 participants 6 MB kept and 29 MB made per scale).
            try MixedModelAnalysis.run(bundle: bundle, scale: $0, time: time,
                                       betweenRole: byRole, slopes: slopes, df: df, diagnostics: false)
        }
        StudyOptions.reportSetAside(reports.flatMap(\.setAside.answers))
        if json { try scales.printJSON(reports); return }
        Output.out(reports.map(render).joined(separator: "\n\n"))
    }

    func render(_ r: LMMReport) -> String {
        var out = ["Linear mixed model (REML): \(r.formula)",
                   "  \(r.nObs) observations of \(r.nParticipants) participants (everyone with at least one score; missing waves allowed)", ""]
        out.append("  " + LMMText.summary(r))
        out.append("")
        var t = TextTable(["term", "estimate", "SE", "df", "t", "p"], rightAligned: [1, 2, 3, 4, 5])
        for f in r.fixed { t.add([f.term, NumberText.fixed(f.estimate, 3), NumberText.fixed(f.se, 3), NumberText.fixed(f.df, 1), NumberText.fixed(f.t), NumberText.p(f.p)]) }
        out.append(t.render().split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
        out.append("")
        var v = "  Variance components: participant \(NumberText.fixed(r.random.participantVar, 4)), residual \(NumberText.fixed(r.random.residualVar, 4))"
        if let s = r.random.slopeVar { v += ", slope \(NumberText.fixed(s.wrappedValue, 4)), intercept-slope correlation \(NumberText.fixed(r.random.interceptSlopeCor?.wrappedValue, 3))" }
        out.append(v)
        let method = r.dfMethod == .kenwardRoger
            ? "df and SE by the Kenward-Roger method" : "df by Satterthwaite's method"
        out.append("  REML log-likelihood \(NumberText.fixed(r.loglik, 3)), AIC \(NumberText.fixed(r.aic, 2)); \(method)"
                   + (r.converged ? "" : "; DID NOT CONVERGE") + (r.singular ? "; singular fit" : ""))
        if let rec = r.dfRecommendation { out.append("  note: \(rec)") }
        out.append("")
        out.append("  Estimated marginal means (\(r.time == .linear ? "at each wave's time" : "per wave")\(r.between != nil ? " and role" : ""))")
        var m = TextTable(["wave", "group", "mean", "SE", "df", "95% CI"], rightAligned: [2, 3, 4])
        for e in r.emmeans {
            m.add([e.wave, e.group ?? "all", NumberText.fixed(e.emmean, 3), NumberText.fixed(e.se, 3), NumberText.fixed(e.df, 1),
                   NumberText.interval(e.ci?[0], e.ci?[1], 3)])
        }
        out.append(m.render().split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
        for w in r.warnings { out.append("  warning: \(w)") }
        return out.joined(separator: "\n")
    }
}

extension MixedModelAnalysis.DFMethod: ExpressibleByArgument {}

enum LMMText {
    /// One plain-language line on the time effect.
    static func summary(_ r: LMMReport) -> String {
        if r.time == .linear, let t = r.fixed.first(where: { $0.term == "time" }) {
            var s = ((t.p ?? 1) < 0.05 ? "Scores changed over time" : "No reliable linear change over time")
            s += r.between != nil ? " (reference role)" : ""
            s += ": \(NumberText.fixed(t.estimate, 3)) per unit of time, t(\(NumberText.fixed(t.df, 1))) = \(NumberText.fixed(t.t)), p \(NumberText.pEquals(t.p))."
            if let i = r.fixed.first(where: { $0.term.hasPrefix("time:role[") }) {
                s += (i.p ?? 1) < 0.05 ? " The slope differs by role (\(i.term): p \(NumberText.pEquals(i.p)))." : " The slope does not differ reliably by role (p \(NumberText.pEquals(i.p)))."
            }
            return s
        }
        let waves = r.fixed.filter { $0.term.hasPrefix("wave[") && !$0.term.contains(":") }
        guard let last = waves.last else { return "No time effect could be estimated." }
        return ((last.p ?? 1) < 0.05 ? "Scores at the last wave differ from baseline" : "No reliable difference between the last wave and baseline")
            + ": \(last.term) \(NumberText.fixed(last.estimate, 3)), t(\(NumberText.fixed(last.df, 1))) = \(NumberText.fixed(last.t)), p \(NumberText.pEquals(last.p))."
    }
}
