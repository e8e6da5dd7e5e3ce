import ArgumentParser
import Foundation
import WavesAnalysis
import WavesCore

/// `waves lmm`: a linear mixed model on every observed score (participants with missing waves are kept).
struct LMMCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "lmm",
        abstract: "Linear mixed model score ~ time [* role] + (1 [+ time] | participant), REML, Satterthwaite or Kenward-Roger df, estimated marginal means.")

    @OptionGroup var options: StudyOptions
    @Option(help: "The scale: S or INSTRUMENT.S.") var scale: String
    @Option(help: "Time as 'categorical' (one effect per wave) or 'linear' (the waves' time values).") var time: String = "categorical"
    @Option(help: "Between-subject factor: role.") var between: String?
    @Flag(help: "Add a correlated random slope for linear time.") var slopes = false
    @Option(help: "Degrees of freedom of the fixed-effect tests: 'satterthwaite' or 'kenward-roger' (adjusted standard errors; advisable below 40 participants).")
    var df: MixedModelAnalysis.DFMethod = .satterthwaite
    @Flag(help: "JSON output.") var json = false

    func validate() throws {
        if MixedModelAnalysis.TimeCoding(rawValue: time) == nil { throw ValidationError("--time takes 'categorical' or 'linear'") }
        if let b = between, b != "role" { throw ValidationError("--between takes 'role'") }
    }

    func run() throws {
        let bundle = try options.loadBundle()
        let r = try MixedModelAnalysis.run(bundle: bundle, scale: scale, time: MixedModelAnalysis.TimeCoding(rawValue: time)!,
                                           betweenRole: between == "role", slopes: slopes, df: df)
        if json { try JSONOutput.print(r); return }
        var out = ["Linear mixed model (REML): \(r.formula)",
                   "  \(r.nObs) observations of \(r.nParticipants) participants (everyone with at least one score; missing waves allowed)", ""]
        out.append("  " + LMMText.summary(r))
        out.append("")
        var t = TextTable(["term", "estimate", "SE", "df", "t", "p"], rightAligned: [1, 2, 3, 4, 5])
        for f in r.fixed { t.add([f.term, Fmt.num(f.estimate, 3), Fmt.num(f.se, 3), Fmt.num(f.df, 1), Fmt.num(f.t), Fmt.p(f.p)]) }
        out.append(t.render().split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
        out.append("")
        var v = "  Variance components: participant \(Fmt.num(r.random.participantVar, 4)), residual \(Fmt.num(r.random.residualVar, 4))"
        if let s = r.random.slopeVar { v += ", slope \(Fmt.num(s.wrappedValue, 4)), intercept-slope correlation \(Fmt.num(r.random.interceptSlopeCor?.wrappedValue, 3))" }
        out.append(v)
        let method = r.dfMethod == MixedModelAnalysis.DFMethod.kenwardRoger.rawValue
            ? "df and SE by the Kenward-Roger method" : "df by Satterthwaite's method"
        out.append("  REML log-likelihood \(Fmt.num(r.loglik, 3)), AIC \(Fmt.num(r.aic, 2)); \(method)"
                   + (r.converged ? "" : "; DID NOT CONVERGE") + (r.singular ? "; singular fit" : ""))
        if let rec = r.dfRecommendation { out.append("  note: \(rec)") }
        out.append("")
        out.append("  Estimated marginal means (\(r.time == "linear" ? "at each wave's time" : "per wave")\(r.between != nil ? " and role" : ""))")
        var m = TextTable(["wave", "group", "mean", "SE", "df", "95% CI"], rightAligned: [2, 3, 4])
        for e in r.emmeans {
            m.add([e.wave, e.group ?? "all", Fmt.num(e.emmean, 3), Fmt.num(e.se, 3), Fmt.num(e.df, 1),
                   e.ci.map { "[\(Fmt.num($0[0], 3)), \(Fmt.num($0[1], 3))]" } ?? "–"])
        }
        out.append(m.render().split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
        for w in r.warnings { out.append("  warning: \(w)") }
        Output.out(out.joined(separator: "\n"))
    }
}

extension MixedModelAnalysis.DFMethod: ExpressibleByArgument {}

enum LMMText {
    /// One plain-language line on the time effect.
    static func summary(_ r: LMMReport) -> String {
        if r.time == "linear", let t = r.fixed.first(where: { $0.term == "time" }) {
            var s = ((t.p ?? 1) < 0.05 ? "Scores changed over time" : "No reliable linear change over time")
            s += r.between != nil ? " (reference role)" : ""
            s += ": \(Fmt.num(t.estimate, 3)) per unit of time, t(\(Fmt.num(t.df, 1))) = \(Fmt.num(t.t)), p \(Fmt.pEq(t.p))."
            if let i = r.fixed.first(where: { $0.term.hasPrefix("time:role[") }) {
                s += (i.p ?? 1) < 0.05 ? " The slope differs by role (\(i.term): p \(Fmt.pEq(i.p)))." : " The slope does not differ reliably by role (p \(Fmt.pEq(i.p)))."
            }
            return s
        }
        let waves = r.fixed.filter { $0.term.hasPrefix("wave[") && !$0.term.contains(":") }
        guard let last = waves.last else { return "No time effect could be estimated." }
        return ((last.p ?? 1) < 0.05 ? "Scores at the last wave differ from baseline" : "No reliable difference between the last wave and baseline")
            + ": \(last.term) \(Fmt.num(last.estimate, 3)), t(\(Fmt.num(last.df, 1))) = \(Fmt.num(last.t)), p \(Fmt.pEq(last.p))."
    }
}
