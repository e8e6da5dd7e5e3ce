import Foundation
import WavesAnalysis
import WavesCore
import WavesStats

/// The reviewers' sections of the HTML page: participant flow, attrition, results paragraphs
/// (change adjusted across scales), effect sizes with intervals, estimated marginal means,
/// residual diagnostics, and the qualitative joint display.
extension HTMLRenderer {
    /// Contents entries of these sections.
    func reviewersTOC() -> String {
        var s = ""
        if report.reviewers != nil {
            s += "<li><a href=\"#flow\">Participant flow</a></li><li><a href=\"#attrition\">Attrition</a></li>"
            s += "<li><a href=\"#results\">Results paragraphs</a></li><li><a href=\"#effect-sizes\">Effect sizes and marginal means</a></li>"
            s += "<li><a href=\"#diagnostics\">Model diagnostics</a></li>"
        }
        if report.qualitative != nil { s += "<li><a href=\"#qualitative\">Qualitative coding</a></li>" }
        return s
    }

    /// "Holm" or "Benjamini-Hochberg".
    static func adjustmentName(_ m: MultipleComparisons.Method) -> String {
        switch m { case .holm: return "Holm"; case .bonferroni: return "Bonferroni"; case .benjaminiHochberg: return "Benjamini-Hochberg" }
    }

    /// The main table's p of the wave effect (corrected as shown) of every scale, adjusted across the scales.
    static func adjustedWaveP(_ report: StudyReport) -> [Double?] {
        MultipleComparisons.adjust(report.scales.map { sc in sc.change.value?.corrected.first { $0.effect == "wave" }?.p }, method: report.options.adjustment)
    }

    func reviewers() -> String {
        var s = ""
        if let r = report.reviewers {
            s += flow(r.flow) + attrition(r) + results(r) + effectSizes() + diagnostics()
        }
        if let q = report.qualitative { s += qualitative(q) }
        return s
    }

    func flow(_ f: FlowReport) -> String {
        var s = "<section id=\"flow\"><h2>Participant flow</h2>"
        s += Self.figure(FlowDiagram.svg(f), caption: "Participant flow by wave (CHERRIES; STROBE item 13). The same counts as waves flow --json.")
        var t = HTMLTable("flow", caption: "Participants per wave", header: ["wave", "enrolled", "invited", "consented", "started", "completed", "analysed", "withdrawn", "lost"])
        for w in f.waves {
            t.add([.text(w.wave), .num(String(w.enrolled), key: "enrolled"), .num(w.invited.map(String.init) ?? "not recorded", key: "invited"),
                   .num(w.consented.map(String.init) ?? "not recorded", key: "consented"), .num(String(w.started), key: "started"),
                   .num(String(w.completed), key: "completed"), .num(String(w.analysed), key: "analysed"),
                   .num(String(w.withdrawn), key: "withdrawn"), .num(String(w.lost), key: "lost")], key: w.wave)
        }
        s += t.markup
        for n in f.notes { s += "<p class=\"note\">\(SafeText.html(n))</p>" }
        return s + "</section>"
    }

    func attrition(_ r: ReviewerSections) -> String {
        let s = "<section id=\"attrition\"><h2>Attrition</h2><p>Those with a score at the first wave and none at the instrument's last wave (dropouts) against those with both (completers), at the first wave; Little's test of missing completely at random on the wave-by-wave scores.</p>"
        var t = HTMLTable("attrition", header: ["scale", "completers n", "M (SD)", "dropouts n", "M (SD)", "Welch t (df)", "p", "Hedges' g [95% CI]", "Fisher p", "Little χ² (df)", "p"])
        var sentences = ""
        for a in r.attrition {
            guard let x = a.outcome.value else {
                sentences += Self.unavailable("Attrition of \(a.label)", a.outcome.reason ?? "")
                continue
            }
            t.add([.text(a.label), .num(String(x.completers.n), key: "completers_n"),
                   .num("\(NumberText.fixed(x.completers.mean)) (\(NumberText.fixed(x.completers.sd)))"),
                   .num(String(x.dropouts.n), key: "dropouts_n"), .num("\(NumberText.fixed(x.dropouts.mean)) (\(NumberText.fixed(x.dropouts.sd)))"),
                   .num(x.welch.map { "\(NumberText.fixed($0.t)) (\(NumberText.fixed($0.df)))" } ?? NumberText.missing, key: "welch_t"),
                   .num(NumberText.p(x.welch?.p), key: "welch_p"),
                   .num("\(NumberText.fixed(x.hedgesG)) \(NumberText.interval(x.gCI?.first, x.gCI?.last))", key: "hedges_g"),
                   .num(NumberText.p(x.fisherP), key: "fisher_p"),
                   .num(x.littleMCAR.map { "\(NumberText.fixed($0.chisq)) (\($0.df))" } ?? NumberText.missing, key: "little_chisq"),
                   .num(NumberText.p(x.littleMCAR?.p), key: "little_p")], key: a.scale)
            sentences += "<p class=\"paragraph\" data-scale=\"\(SafeText.html(a.scale))\">\(SafeText.html(x.sentence))</p>"
        }
        return s + t.markup + sentences + "</section>"
    }

    func results(_ r: ReviewerSections) -> String {
        var s = "<section id=\"results\"><h2>Results paragraphs</h2>"
        guard let res = r.results.value else { return s + Self.unavailable("Results", r.results.reason ?? "") + "</section>" }
        let adj = res.adjustment == "BH" ? "Benjamini-Hochberg" : "Holm"
        s += "<p>The p-values of the change across waves are adjusted across the study's \(res.family) scales (\(adj)); the paragraphs are ready to paste.</p>"
        var t = HTMLTable("results", caption: "Change across waves, adjusted across scales (\(adj))",
                          header: ["scale", "n", "F (df1, df2)", "p", "p \(adj)", "partial η² [90% CI]", "d_z first–last [95% CI]", "slope (SE)", "df", "p (slope)"])
        for x in res.scales {
            t.add([.text(x.label), .num(String(x.n), key: "n"),
                   .num("\(NumberText.fixed(x.F)) (\(NumberText.fixed(x.df1)), \(NumberText.fixed(x.df2)))", key: "F"),
                   .num(NumberText.p(x.p), key: "p"), .num(NumberText.p(x.pAdjusted), key: "p_adjusted"),
                   .num("\(NumberText.fixed(x.pes)) \(NumberText.interval(x.pesCI?.first, x.pesCI?.last))", key: "pes"),
                   .num("\(NumberText.fixed(x.dz)) \(NumberText.interval(x.dzCI?.first, x.dzCI?.last))", key: "dz"),
                   .num("\(NumberText.fixed(x.slope?.estimate, 3)) (\(NumberText.fixed(x.slope?.se, 3)))", key: "slope"),
                   .num("\(NumberText.fixed(x.slope?.df, 1)) \(x.slope.map { $0.dfMethod == "kenward-roger" ? "KR" : "Satt." } ?? "")", key: "slope_df"),
                   .num(NumberText.p(x.slope?.p), key: "slope_p")], key: "\(x.instrument).\(x.scale)")
        }
        s += t.markup
        for x in res.scales {
            s += "<h3>\(SafeText.html(x.label))</h3><p class=\"paragraph\" data-scale=\"\(SafeText.html("\(x.instrument).\(x.scale)"))\">\(SafeText.html(x.paragraph))</p>"
        }
        return s + "</section>"
    }

    /// Every post hoc pair's d_z with its interval, and the estimated marginal means of each scale's model.
    func effectSizes() -> String {
        let s = "<section id=\"effect-sizes\"><h2>Effect sizes and marginal means</h2>"
        var t = HTMLTable("effect-sizes", caption: "Paired differences between waves: d_z with its 95% noncentral-t interval (effectsize::cohens_d, paired)",
                          header: ["scale", "waves", "n", "difference", "d_z", "95% CI", "p Holm"])
        var m = HTMLTable("emmeans", caption: "Estimated marginal means of each scale's mixed model (wave × role), with their df method",
                          header: ["scale", "wave", "group", "mean", "SE", "df", "95% CI", "df method"])
        for sc in report.scales {
            for x in sc.change.value?.posthoc ?? [] {
                t.add([.text(sc.label), .text("\(x.a)–\(x.b)"), .num(String(x.n)), .num(NumberText.fixed(x.meanDiff, 3)),
                       .num(NumberText.fixed(x.dz), key: "dz"), .num(NumberText.interval(x.dzCI?.first, x.dzCI?.last), key: "dz_ci"),
                       .num(NumberText.p(x.pHolm))], key: "\(sc.qualifiedName) \(x.a)-\(x.b)")
            }
            if let l = sc.lmm.value {
                for e in l.emmeans {
                    m.add([.text(sc.label), .text(e.wave), .text(e.group ?? "all"), .num(NumberText.fixed(e.emmean, 3), key: "emmean"),
                           .num(NumberText.fixed(e.se, 3)), .num(NumberText.fixed(e.df, 1), key: "df"),
                           .num(NumberText.interval(e.ci?.first, e.ci?.last, 3)), .text(l.dfMethod.rawValue)],
                          key: "\(sc.qualifiedName) \(e.wave) \(e.group ?? "")")
                }
            }
        }
        return s + t.markup + m.markup + "</section>"
    }

    func diagnostics() -> String {
        let s = "<section id=\"diagnostics\"><h2>Model diagnostics</h2><p>For each scale's mixed model: conditional residuals against fitted values, and normal Q-Q plots of the residuals and of the participants' random intercepts (points near the dashed line: close to normal).</p>"
        // The plots' points were reduced when each section was built (`ScaleDiagnostics`).
        return s + report.scales.map { sc -> String in
            guard let d = sc.diagnostics else { return "" }
            let id = SafeText.anchor("diag-\(sc.qualifiedName)")
            let rf = ScatterPlot.render(id: id + "-rf", title: "\(sc.label): residuals against fitted values", desc: "\(d.observations) observations",
                                        d.residualsAgainstFitted, xTitle: "fitted value", yTitle: "residual")
            let qr = ScatterPlot.render(id: id + "-qr", title: "\(sc.label): normal Q-Q of residuals", desc: "\(d.residuals) residuals",
                                        d.residualsQQ, xTitle: "normal quantile", yTitle: "residual")
            let qb = ScatterPlot.render(id: id + "-qb", title: "\(sc.label): normal Q-Q of random intercepts", desc: "\(d.participants) participants",
                                        d.interceptsQQ, xTitle: "normal quantile", yTitle: "random intercept")
            return "<h3>\(SafeText.html(sc.label))</h3><div class=\"diagnostics\" style=\"display:flex;flex-wrap:wrap;gap:8px\">" + rf + qr + qb + "</div>"
        }.joined() + "</section>"
    }

    func qualitative(_ q: QualitativeSection) -> String {
        let d = q.display
        var s = "<section id=\"qualitative\"><h2>Qualitative coding</h2><p>\(SafeText.html("Codebook \(d.codebook): \(d.unitsCoded) coded answer(s); codes from \(d.source)."))</p>"
        let cols = d.frequencies.filter { $0.code == d.codes.first?.code && $0.unitsCoded > 0 }.map { ($0.wave, $0.role) }
        var t = HTMLTable("joint-display", caption: "Answers carrying each code, by wave and role (answers with the code / coded answers)",
                          header: ["code"] + cols.map { "\($0.0) \($0.1 ?? "other")" })
        var values: [[Double?]] = []
        for c in d.codes {
            var row: [Cell] = [.text(String(repeating: "  ", count: c.depth) + c.label)]
            var v: [Double?] = []
            for (w, r) in cols {
                let f = d.frequencies.first { $0.code == c.code && $0.wave == w && $0.role == r }
                row.append(.num(f.map { "\($0.units)/\($0.unitsCoded) (\(NumberText.percent($0.share)))" } ?? NumberText.missing, key: "\(w) \(r ?? "")"))
                v.append(f?.share)
            }
            values.append(v)
            t.add(row, key: c.code)
        }
        s += t.markup
        if !cols.isEmpty {
            s += Self.figure(GroupedBarChart.svg(id: "joint-bars", title: "Share of coded answers carrying each code", desc: "by wave and role",
                                          rows: d.codes.map(\.label), seriesNames: cols.map { "\($0.0) \($0.1 ?? "other")" }, values: values),
                             caption: "Share of the coded answers of each wave and role that carry each code.")
        }
        if !q.exemplars.isEmpty {
            s += "<h3>Exemplar answers</h3><p class=\"note\">Shown because the report was made with --include-text; no participant id is shown.</p><dl class=\"exemplars\">"
            for c in d.codes {
                let ex = q.exemplars.filter { $0.code == c.code }
                guard !ex.isEmpty else { continue }
                s += "<dt>\(SafeText.html(c.label))</dt>"
                for e in ex { s += "<dd><blockquote>\(SafeText.html(e.text))</blockquote><span class=\"note\">\(SafeText.html("\(e.wave), \(e.role ?? "unknown role")"))</span></dd>" }
            }
            s += "</dl>"
        }
        for n in d.notes { s += "<p class=\"note\">\(SafeText.html(n))</p>" }
        return s + "</section>"
    }
}
