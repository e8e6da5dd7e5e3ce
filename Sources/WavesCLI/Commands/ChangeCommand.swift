import ArgumentParser
import Foundation
import WavesAnalysis
import WavesCore

/// `waves change`: did the scale change across waves (and differently by role)?
struct ChangeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "change",
        abstract: "Repeated-measures ANOVA over waves (optionally role x wave), sphericity corrections, post hoc tests, Friedman.")

    @OptionGroup var options: StudyOptions
    @OptionGroup var scales: ScaleOption
    @Option(help: "Waves to compare, comma-separated (default: all).") var waves: WaveList?
    @Option(help: "Between-subject factor: role.") var between: BetweenFactor?
    @Flag(help: "JSON output.") var json = false

    func run() throws {
        let bundle = try options.loadBundle()
        let (ids, byRole) = (waves?.ids, between == .role)
        let names = try scales.eachSideBySide(bundle) { name in
            (name, try ChangeAnalysis.run(bundle: bundle, scale: name, waves: ids, betweenRole: byRole))
        }
        let reports = names.map(\.1)
        StudyOptions.reportSetAside(reports.flatMap(\.setAside.answers))
        if json { try scales.printJSON(reports); return }
        Output.out(names.map { name, r in ChangeText.render(r, scaleLabel: (try? bundle.resolveScale(name).scale.label) ?? r.scale) }
            .joined(separator: "\n\n"))
    }
}

/// The readable table of a change analysis.
enum ChangeText {
    static func render(_ r: ChangeReport, scaleLabel: String) -> String {
        var out: [String] = []
        out.append("\(scaleLabel) (\(r.instrument).\(r.scale)) over \(r.waves.joined(separator: ", ")): n = \(r.n) with a score at every wave"
                   + (r.excluded > 0 ? " (\(r.excluded) left out)" : ""))
        out.append("")
        out.append(summary(r))
        out.append("")
        var d = TextTable(["wave", "group", "n", "mean", "sd", "95% CI"], rightAligned: [2, 3, 4])
        for x in r.descriptives {
            d.add([x.wave, x.group ?? "all", String(x.n), NumberText.fixed(x.mean), NumberText.fixed(x.sd),
                   NumberText.interval(x.ci?.first, x.ci?.last)])
        }
        out.append(d.render())
        out.append("")
        let corr = r.correction
        out.append("Repeated-measures ANOVA, Type III sums of squares" + (corr.map { ", \($0.name()) correction applied to within effects" } ?? ""))
        var a = TextTable(["effect", "df1", "df2", "F", "p", corr.map { "p (\($0.rawValue))" } ?? "p (corr.)", "eps", "ges", "pes", "pes 90% CI"], rightAligned: Set(1...9))
        for (e, c) in zip(r.anova, r.corrected) {
            a.add([e.effect, NumberText.fixed(c.df1, c.isCorrected ? 2 : 0), NumberText.fixed(c.df2, c.isCorrected ? 2 : 0), NumberText.fixed(e.F),
                   NumberText.p(e.p), c.isWithin ? NumberText.p(c.p) : "", c.isWithin ? NumberText.fixed(c.epsilon, 3) : "", NumberText.fixed(e.ges, 3), NumberText.fixed(e.pes, 3), interval(e.pesCI, 3)])
        }
        out.append(a.render())
        if let s = r.sphericity {
            out.append("Mauchly's test of sphericity: W = \(NumberText.fixed(s.W, 3)), chi2(\(s.df)) = \(NumberText.fixed(s.chisq)), p \(NumberText.pEquals(s.p)).")
        } else {
            out.append("Sphericity: not tested (two waves, or not estimable); epsilons are 1.")
        }
        if let w = r.anova.first(where: { $0.effect == "wave" }) {
            out.append("Epsilons for wave: Greenhouse-Geisser \(NumberText.fixed(w.ggEpsilon?.wrappedValue, 3)), Huynh-Feldt \(NumberText.fixed(w.hfEpsilon?.wrappedValue, 3)) (GG is applied when below 0.75, else HF).")
        }
        out.append("")
        out.append("Post hoc paired t-tests (Holm and Bonferroni adjusted)")
        var ph = TextTable(["a", "b", "diff (b-a)", "t", "df", "p", "p Holm", "p Bonf.", "d_z", "d_z 95% CI"], rightAligned: Set(2...9))
        for x in r.posthoc {
            ph.add([x.a, x.b, NumberText.fixed(x.meanDiff, 3), NumberText.fixed(x.t), String(x.df), NumberText.p(x.p), NumberText.p(x.pHolm), NumberText.p(x.pBonferroni), NumberText.fixed(x.dz), interval(x.dzCI)])
        }
        out.append(ph.render())
        out.append("")
        out.append("Friedman test (rank-based check): chi2(\(r.friedman.df)) = \(NumberText.fixed(r.friedman.chisq)), p \(NumberText.pEquals(r.friedman.p)), Kendall's W = \(NumberText.fixed(r.friedman.kendallW, 3)).")
        for n in r.notes { out.append("note: \(n)") }
        return out.joined(separator: "\n")
    }

    /// "[lo, hi]" of an interval, "–" when there is none.
    static func interval(_ ci: [Double]?, _ digits: Int = 2) -> String {
        NumberText.interval(ci?[0], ci?[1], digits)
    }

    /// One plain-language line on the main effect of wave, with the corrected p first.
    static func summary(_ r: ChangeReport) -> String {
        guard let w = r.anova.first(where: { $0.effect == "wave" }), let F = w.F else {
            return "The change over waves could not be tested (see the notes below)."
        }
        let c = CorrectedEffect(w, correction: r.correction)
        let p = c.p
        let dfText = c.isCorrected ? "F(\(NumberText.fixed(c.df1)), \(NumberText.fixed(c.df2)))" : "F(\(w.df1), \(w.df2))"
        let means = r.waves.compactMap { wid in r.descriptives.filter { $0.wave == wid }.reduce(into: (0.0, 0)) { acc, d in
            if let m = d.mean { acc.0 += m * Double(d.n); acc.1 += d.n } } }.map { $0.1 > 0 ? $0.0 / Double($0.1) : Double.nan }
        let from = means.first ?? .nan, to = means.last ?? .nan
        let significant = (p ?? 1) < 0.05
        var s = significant ? "The score changed across waves" : "No reliable change across waves"
        s += ": \(dfText) = \(NumberText.fixed(F)), p\(r.correction.map { " (\($0.rawValue))" } ?? "") \(NumberText.pEquals(p)), generalized eta squared = \(NumberText.fixed(w.ges, 3))"
        s += "; mean \(NumberText.fixed(from)) at \(r.waves.first!) and \(NumberText.fixed(to)) at \(r.waves.last!)."
        if let i = r.anova.first(where: { $0.effect == "role:wave" }), let ip = CorrectedEffect(i, correction: r.correction).p {
            s += ip < 0.05 ? " Roles changed differently (role x wave p \(NumberText.pEquals(ip)))." : " Roles changed alike (role x wave p \(NumberText.pEquals(ip)))."
        }
        return s
    }
}
