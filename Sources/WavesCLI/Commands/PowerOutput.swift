import Foundation
import WavesAnalysis
import WavesCore
import WavesReport
#if canImport(Glibc)
import Glibc
#endif

/// The readable output of `waves power`: settings, the table, the sentences, the notes.
enum PowerOutputText {
    static func render(_ r: PowerReport) -> String {
        let s = r.settings
        var out: [String] = []
        let model: String
        switch r.design {
        case "paired": model = "paired t-test of the last wave against the first"
        case "change": model = "one-way repeated-measures ANOVA over the waves" + (s.correction == "none" ? ", uncorrected F" : ", GG/HF correction as waves change reads it")
        case "lmm-slope": model = "time effect of score ~ time + (1 + time | participant), REML, Satterthwaite df"
        default: model = "time x role effect of score ~ time * role + (1 + time | participant), REML, Satterthwaite df"
        }
        out.append("Power by simulation: \(r.design) (\(model)); \(PowerText.count(r.sims)) simulations per row, seed \(r.seed), two-sided alpha \(PowerText.number(r.alpha))")
        var design = "  \(s.waves) waves at times \(s.times.map { PowerText.number($0) }.joined(separator: ", ")); "
        design += s.attrition > 0 ? "\(PowerText.percent(s.attrition)) attrition per wave (monotone)" : "no attrition"
        if let rho = s.rho { design += "; correlation between waves \(PowerText.number(rho, 3))" }
        if let a = s.interceptSD, let b = s.slopeSD, let c = s.cor, let e = s.residualSD {
            design += "; intercept SD \(PowerText.number(a, 3)), slope SD \(PowerText.number(b, 3)), correlation \(PowerText.number(c, 3)), residual SD \(PowerText.number(e, 3))"
        }
        if let share = s.secondRoleShare {
            design += "; second role \(PowerText.percent(share)), first role's slope \(PowerText.number(s.baseSlope ?? 0)), role difference at time 0 \(PowerText.number(s.roleDifference ?? 0))"
        }
        out.append(design)
        if let i = s.items {
            out.append("  item-level data: \(i.instrument).\(i.scale), \(i.items.count) items, \(i.loadingSource); \(PowerText.percent(i.missingRate)) of items unanswered; mean at time 0 \(PowerText.number(s.intercept, 3))")
        }
        if let taken = r.fromStudy, !taken.isEmpty {
            out.append("  Taken from the study:")
            for t in taken { out.append("    \(t.name) = \(PowerText.number(t.value, 4)): \(t.from)") }
        }
        out.append("")
        let searching = r.search?.parameter == "effect"
        var t = TextTable(["participants", searching ? "smallest effect" : "effect", "power", "95% CI", "failed", "singular"], rightAligned: [0, 1, 2, 4, 5])
        for row in r.results {
            let effect = PowerText.number(row.effect) + (row.mdePrecision.map { " ±" + PowerText.number($0, 2) } ?? "")
            t.add([PowerText.count(row.participants), effect, PowerText.power(row.power), PowerText.interval(row.ci[0], row.ci[1]),
                   PowerText.percent(row.failedFits), PowerText.percent(row.singularFits)])
        }
        out.append(t.render())
        out.append("")
        for row in r.results { out.append(row.sentence) }
        if let search = r.search {
            out.append("")
            out.append("Search (--target-power \(PowerText.number(search.target))): \(search.method).")
        }
        for n in r.notes { out.append("note: \(n)") }
        return out.joined(separator: "\n")
    }
}

/// Writes the power curve of `--svg` (0600, never over the study's own files).
enum PowerChartFile {
    /// Writes the chart and returns the path written.
    static func write(_ r: PowerReport, to target: OutputTarget) throws -> String {
        guard let curve = r.curve, !curve.series.isEmpty else {
            throw CLIFailure("no power curve to draw: give several --participants, or one with an --effect")
        }
        let series = curve.series.map { s in
            PowerCurveSeries(name: s.label, points: s.points.map { PowerCurvePoint(x: $0.x, power: $0.power, lower: $0.ci[0], upper: $0.ci[1]) })
        }
        let xTitle = curve.x == "participants" ? "Participants" : "Effect (\(effectName(r)))"
        let title = "Power of the \(r.design) design by simulation"
        let desc = "Power against \(curve.x == "participants" ? "the number of participants" : "the effect"), \(PowerText.count(r.sims)) simulations per point, seed \(r.seed), with 95% Clopper-Pearson intervals."
        let svg = PowerCurve.standalone(id: "power-curve", title: title, desc: desc, xTitle: xTitle, series: series,
                                        target: r.search?.target, alpha: r.alpha)
        try target.write(svg, role: "the power curve")
        return target.url.path
    }

    static func effectName(_ r: PowerReport) -> String {
        switch r.design {
        case "paired": return "d_z"
        case "change": return "Cohen's f"
        case "lmm-slope": return "slope per \(r.settings.timeUnit)"
        default: return "slope difference per \(r.settings.timeUnit)"
        }
    }

    /// The checked output of `--svg`: never over the files of the study of `--study` nor of any
    /// study folder (one holding study.yaml) that encloses the path (`StudyFiles`, the one
    /// check of every output), 0600 unless `--mode` widens it.
    static func target(_ url: URL, studyDirectory: URL, bundle: StudyBundle?, mode: OutputMode) throws -> OutputTarget {
        var studies: [Study] = bundle.map { [$0.study] } ?? []
        var dir = url.resolvingSymlinksInPath().deletingLastPathComponent()
        while dir.path != "/" && !dir.path.isEmpty {
            if FileManager.default.fileExists(atPath: dir.appendingPathComponent("study.yaml").path),
               !studies.contains(where: { $0.directory.resolvingSymlinksInPath().path == dir.path }) {
                if let b = try? StudyLoader.load(directory: dir) { studies.append(b.study) }
                else { throw CLIFailure("\(url.path) is inside the study folder \(dir.path), which cannot be read; write the chart elsewhere") }
            }
            dir = dir.deletingLastPathComponent()
        }
        guard let first = studies.first else { return OutputTarget(unchecked: url, mode: mode) }
        for s in studies.dropFirst() { _ = try OutputTarget(url, option: "--svg", mode: mode, protecting: StudyFiles(study: s)) }
        return try OutputTarget(url, option: "--svg", mode: mode, protecting: StudyFiles(study: first))
    }
}
