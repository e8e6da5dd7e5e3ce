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
    static func write(_ r: PowerReport, to url: URL, studyDirectory: URL, bundle: StudyBundle?) throws -> String {
        guard let curve = r.curve, !curve.series.isEmpty else {
            throw CLIFailure("no power curve to draw: give several --participants, or one with an --effect")
        }
        try refuseStudyFiles(url, studyDirectory: studyDirectory, bundle: bundle)
        let series = curve.series.map { s in
            PowerCurveSeries(name: s.label, points: s.points.map { PowerCurvePoint(x: $0.x, power: $0.power, lower: $0.ci[0], upper: $0.ci[1]) })
        }
        let xTitle = curve.x == "participants" ? "Participants" : "Effect (\(effectName(r)))"
        let title = "Power of the \(r.design) design by simulation"
        let desc = "Power against \(curve.x == "participants" ? "the number of participants" : "the effect"), \(PowerText.count(r.sims)) simulations per point, seed \(r.seed), with 95% Clopper-Pearson intervals."
        let svg = PowerCurve.standalone(id: "power-curve", title: title, desc: desc, xTitle: xTitle, series: series,
                                        target: r.search?.target, alpha: r.alpha)
        try writePrivate(Data(svg.utf8), to: url)
        return url.path
    }

    static func effectName(_ r: PowerReport) -> String {
        switch r.design {
        case "paired": return "d_z"
        case "change": return "Cohen's f"
        case "lmm-slope": return "slope per \(r.settings.timeUnit)"
        default: return "slope difference per \(r.settings.timeUnit)"
        }
    }

    // TODO(merge): use the shared output-path check
    /// Refuses a path inside a study's data/ folder, and a study's own files (study.yaml, the
    /// roster, an instrument), symlinks resolved: for the study of --study and for any study
    /// folder (one holding study.yaml) that encloses the path.
    static func refuseStudyFiles(_ url: URL, studyDirectory: URL, bundle: StudyBundle?) throws {
        let target = url.resolvingSymlinksInPath()
        var studies: [(URL, StudyBundle?)] = [(studyDirectory.resolvingSymlinksInPath(), bundle)]
        var dir = target.deletingLastPathComponent()
        while dir.path != "/" && !dir.path.isEmpty {
            if FileManager.default.fileExists(atPath: dir.appendingPathComponent("study.yaml").path),
               !studies.contains(where: { $0.0.path == dir.path }) {
                studies.append((dir, try? StudyLoader.load(directory: dir)))
            }
            dir = dir.deletingLastPathComponent()
        }
        for (study, b) in studies {
            let data = study.appendingPathComponent("data").path
            if target.path == data || target.path.hasPrefix(data + "/") {
                throw CLIFailure("\(url.path) is inside the study's data/ folder, which holds the responses; write the chart elsewhere")
            }
            var protected = [study.appendingPathComponent("study.yaml")]
            if let b {
                if let roster = b.study.roster { protected.append(study.appendingPathComponent(roster)) }
                for i in b.instruments {
                    protected.append(i.path.hasPrefix("/") ? URL(fileURLWithPath: i.path) : study.appendingPathComponent(i.path))
                }
            }
            if protected.contains(where: { $0.resolvingSymlinksInPath().path == target.path }) {
                throw CLIFailure("\(url.path) is one of the study's own files; write the chart elsewhere")
            }
        }
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: target.path, isDirectory: &isDir), isDir.boolValue {
            throw CLIFailure("\(url.path) is a folder; give a file name for the chart (e.g. power.svg)")
        }
    }

    /// Writes to a new 0600 file beside the target, then renames it over the target (a symlink at
    /// the target is replaced, never followed).
    static func writePrivate(_ data: Data, to url: URL) throws {
        let dir = url.deletingLastPathComponent()
        let temp = dir.appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp")
        let fd = open(temp.path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else { throw CLIFailure("cannot write the chart to \(url.path): \(String(cString: strerror(errno)))") }
        var ok = true
        data.withUnsafeBytes { raw in
            var off = 0
            while off < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + off, raw.count - off)
                if n < 0 { if errno == EINTR { continue }; ok = false; break }
                off += n
            }
        }
        if fsync(fd) != 0 { ok = false }
        close(fd)
        guard ok, rename(temp.path, url.path) == 0 else {
            let why = String(cString: strerror(errno))
            unlink(temp.path)
            throw CLIFailure("cannot write the chart to \(url.path): \(why)")
        }
    }
}
