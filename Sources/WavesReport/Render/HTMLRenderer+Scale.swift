import Foundation
import WavesCore
import WavesAnalysis

extension HTMLRenderer {
    /// Items with a corrected item-total correlation below this are flagged.
    static let lowRDrop = 0.30

    func scale(_ sc: ScaleSection, number: String) -> String {
        var s = "<section class=\"scale\" id=\"\(sc.anchor)\" data-scale=\"\(SafeText.html(sc.qualifiedName))\">"
        s += "<h3>\(number) \(SafeText.html(sc.label)) <span class=\"note\">(<code>\(SafeText.html(sc.qualifiedName))</code>)</span></h3>"
        s += "<p class=\"note\">\(SafeText.html(sc.instrumentTitle)) · \(sc.items.count) item(s): \(SafeText.html(sc.items.joined(separator: ", "))) · score: \(sc.scoreRule) of the answered items · waves \(SafeText.html(sc.waves.joined(separator: ", ")))</p>"
        s += reliability(sc)
        s += means(sc)
        s += spaghetti(sc)
        s += change(sc)
        s += mixedModel(sc)
        s += retest(sc)
        s += reliableChange(sc)
        return s + "</section>"
    }

    func reliability(_ sc: ScaleSection) -> String {
        var s = "<h4>Internal consistency</h4>"
        guard let rel = sc.reliability.value else { return s + Self.unavailable("Reliability", sc.reliability.reason ?? "") }
        var t = HTMLTable("reliability", header: ["wave", "n", "left out", "k", "alpha", "95% CI (Feldt)", "omega total", "std. alpha", "items with r_drop < 0.30"])
        for r in rel {
            let low = r.items.filter { ($0.rDrop ?? 1) < Self.lowRDrop }
            t.add([.text(r.wave), .num(String(r.n), key: "n"), .num(String(r.incomplete), key: "incomplete"), .num(String(r.k), key: "k"), .num(NumberText.fixed(r.alpha), key: "alpha"),
                   .num(NumberText.interval(r.alphaCI?.first, r.alphaCI?.last), key: "alpha_ci"), .num(NumberText.fixed(r.omegaTotal), key: "omega_total"),
                   .num(NumberText.fixed(r.stdAlpha), key: "std_alpha"),
                   low.isEmpty ? .text("none", key: "low_items") : .text("⚑ " + low.map { "\($0.id) (\(NumberText.fixed($0.rDrop)))" }.joined(separator: ", "), key: "low_items", cls: "flag")],
                  key: r.wave)
        }
        s += t.markup
        // Item statistics at every wave side by side: r_drop per item and wave.
        if let first = rel.first, !first.items.isEmpty {
            var it = HTMLTable("items", caption: "Corrected item-total correlation (r_drop) and alpha if the item is deleted",
                               header: ["item"] + rel.flatMap { ["r_drop \($0.wave)", "α if deleted \($0.wave)"] })
            for (k, item) in first.items.enumerated() {
                var cells: [Cell] = [.text(item.id)]
                for r in rel {
                    let row = k < r.items.count ? r.items[k] : nil
                    let low = (row?.rDrop ?? 1) < Self.lowRDrop
                    cells.append(.num((low ? "⚑ " : "") + NumberText.fixed(row?.rDrop), key: "r_drop:\(r.wave)", cls: low ? "flag" : nil))
                    cells.append(.num(NumberText.fixed(row?.alphaIfDeleted), key: "alpha_if_deleted:\(r.wave)"))
                }
                it.add(cells, key: item.id)
            }
            s += it.markup
        }
        s += "<p class=\"note\">n: participants who answered every item of the scale at that wave; “left out”: participants with a submission but at least one item unanswered (listwise deletion, as <code>waves reliability</code>).</p>"
        for r in rel {
            for n in r.notes where !n.contains("duplicate") && !n.contains("listwise") { s += "<p class=\"note\">\(SafeText.html(r.wave)): \(SafeText.html(n))</p>" }
        }
        return s
    }

    func means(_ sc: ScaleSection) -> String {
        var s = "<h4>Means by wave and role</h4>"
        guard !sc.means.isEmpty else { return s + Self.unavailable("Means", "no scores at any wave") }
        let svg = LineCharts.means(id: "fig-means-\(sc.anchor)", title: "\(sc.label): mean by wave and role",
                                   desc: "Line plot of the mean \(sc.label) score with 95% confidence intervals at \(sc.waves.joined(separator: ", ")), one line per role: "
                                     + sc.means.map { m in "\(m.name) " + m.points.map { NumberText.fixed($0?.mean) }.joined(separator: ", ") }.joined(separator: "; ") + ".",
                                   categories: sc.waveLabels, series: sc.means, yTitle: "Mean score (95% CI)")
        s += Self.figure(svg, caption: "Mean \(sc.label) score per wave and role with 95% confidence intervals (t-based), using every available score at each wave.")
        var t = HTMLTable("means", header: ["wave", "role", "n", "mean", "sd", "95% CI"])
        for (g, m) in sc.means.enumerated() {
            for (j, p) in m.points.enumerated() {
                guard let p else { continue }
                t.add([.text(sc.waves[j]), .text(m.name), .num(String(p.n), key: "n"), .num(NumberText.fixed(p.mean), key: "mean"),
                       .num(NumberText.fixed(sc.sds[g][j]), key: "sd"), .num(NumberText.interval(p.lower, p.upper), key: "ci")], key: "\(sc.waves[j]):\(m.name)")
            }
        }
        return s + t.markup
    }

    func spaghetti(_ sc: ScaleSection) -> String {
        var s = "<h4>Individual trajectories</h4>"
        guard !sc.trajectories.isEmpty else { return s + Self.unavailable("Trajectories", "no scores at any wave") }
        let sampled = sc.trajectories.count < sc.trajectoriesTotal
        let svg = LineCharts.spaghetti(id: "fig-traj-\(sc.anchor)", title: "\(sc.label): individual trajectories",
                                       desc: "Thin lines: \(sc.trajectories.count) participants' \(sc.label) scores across \(sc.waves.joined(separator: ", "))"
                                         + (sampled ? " (an evenly spread sample of \(sc.trajectoriesTotal))" : "") + "; bold lines: the mean per role.",
                                       categories: sc.waveLabels, seriesNames: sc.seriesNames, trajectories: sc.trajectories, means: sc.means,
                                       yTitle: "Score", yRange: sc.scoreRange.map { ($0.lowerBound, $0.upperBound) })
        let cap = sampled
            ? "Individual trajectories: \(sc.trajectories.count) of \(sc.trajectoriesTotal) participants with a score, sampled deterministically (evenly spread over the participant order); bold lines are the role means of all participants."
            : "Individual trajectories of all \(sc.trajectoriesTotal) participants with a score (thin lines; a dot is a participant seen at one wave only); bold lines are the role means."
        s += Self.figure(svg, caption: cap)
        return s
    }

    func change(_ sc: ScaleSection) -> String {
        var s = "<h4>Change across waves (repeated-measures ANOVA)</h4>"
        guard let c = sc.change.value else { return s + Self.unavailable("Change analysis", sc.change.reason ?? "") }
        let eff = c.corrected
        if let w = eff.first(where: { $0.effect == "wave" }) {
            let m = c.pooledMeans
            s += "<p class=\"summary\" data-k=\"change-summary\">" + SafeText.html(((w.p ?? 1) < 0.05 ? "The score changed across waves: " : "No reliable change across waves: ")
                + w.sentence + (w.ges.map { ", generalized η² = \(NumberText.fixed($0, 3))" } ?? "")
                + "; mean \(NumberText.fixed(m.first ?? nil)) at \(c.waves.first!) and \(NumberText.fixed(m.last ?? nil)) at \(c.waves.last!) (n = \(c.n) with a score at every wave"
                + (c.excluded > 0 ? ", \(c.excluded) left out" : "") + ").") + "</p>"
        }
        let corr = c.correction.map { $0.name(dash: "–") }
        var t = HTMLTable("anova", caption: "Type III tests" + (corr.map { "; within-subject effects \($0)-corrected" } ?? ""),
                          header: ["effect", "df1", "df2", "F", "p", "correction", "epsilon", "ges", "pes", "uncorrected p"])
        for (e, raw) in zip(eff, c.anova) {
            t.add([.text(e.effect), .num(e.isCorrected ? NumberText.fixed(e.df1) : NumberText.fixed(e.df1, 0), key: "df1"), .num(e.isCorrected ? NumberText.fixed(e.df2) : NumberText.fixed(e.df2, 0), key: "df2"),
                   .num(NumberText.fixed(e.F), key: "F"), .num(NumberText.p(e.p), key: "p"), .text(e.correction?.rawValue ?? "–"), .num(NumberText.fixed(e.epsilon, 3), key: "epsilon"),
                   .num(NumberText.fixed(e.ges, 3), key: "ges"), .num(NumberText.fixed(e.pes, 3), key: "pes"), .num(NumberText.p(raw.p), key: "p_uncorrected")], key: e.effect)
        }
        s += t.markup
        if let sp = c.sphericity {
            s += "<p data-k=\"sphericity\">Mauchly's test of sphericity: W = \(NumberText.fixed(sp.W, 3)), χ²(\(sp.df)) = \(NumberText.fixed(sp.chisq)), p \(NumberText.pEquals(sp.p)). "
            if let w = c.anova.first(where: { $0.effect == "wave" }) {
                s += "Epsilons for wave: Greenhouse–Geisser \(NumberText.fixed(w.ggEpsilon?.wrappedValue, 3)), Huynh–Feldt \(NumberText.fixed(w.hfEpsilon?.wrappedValue, 3)). "
            }
            s += "</p>"
        } else {
            s += "<p class=\"note\">Sphericity is not tested with two waves (epsilons are 1).</p>"
        }
        var ph = HTMLTable("posthoc", caption: "Post hoc paired t-tests (difference = later − earlier wave)",
                           header: ["waves", "n", "difference", "t", "df", "p", "p Holm", "p Bonferroni", "d_z"])
        for x in c.posthoc {
            ph.add([.text("\(x.a) → \(x.b)"), .num(String(x.n)), .num(NumberText.fixed(x.meanDiff, 3), key: "mean_diff"), .num(NumberText.fixed(x.t), key: "t"), .num(String(x.df), key: "df"),
                    .num(NumberText.p(x.p), key: "p"), .num(NumberText.p(x.pHolm), key: "p_holm"), .num(NumberText.p(x.pBonferroni), key: "p_bonferroni"), .num(NumberText.fixed(x.dz), key: "dz")],
                   key: "\(x.a)-\(x.b)")
        }
        s += ph.markup
        let f = c.friedman
        s += "<p data-k=\"friedman\">Friedman test (rank-based, roles pooled): χ²(\(f.df)) = \(NumberText.fixed(f.chisq)), p \(NumberText.pEquals(f.p)), Kendall's W = \(NumberText.fixed(f.kendallW, 3)).</p>"
        for n in c.notes where !n.contains("duplicate") { s += "<p class=\"note\">\(SafeText.html(n))</p>" }
        return s
    }

    func retest(_ sc: ScaleSection) -> String {
        let s = "<h4>Test–retest agreement</h4>"
        guard let rt = sc.retest.value else { return s + Self.unavailable("Test–retest agreement", sc.retest.reason ?? "") }
        var t = HTMLTable("retest", header: ["waves", "n", "Pearson r", "ICC(A,1)", "95% CI", "ICC(C,1)", "95% CI"])
        for r in rt {
            t.add([.text(r.waves.joined(separator: " → ")), .num(String(r.n), key: "n"), .num(NumberText.fixed(r.pearsonR), key: "pearson_r"),
                   .num(NumberText.fixed(r.iccA1), key: "icc_a1"), .num(NumberText.interval(r.iccA1CI?.first, r.iccA1CI?.last), key: "icc_a1_ci"),
                   .num(NumberText.fixed(r.iccC1), key: "icc_c1"), .num(NumberText.interval(r.iccC1CI?.first, r.iccC1CI?.last), key: "icc_c1_ci")], key: r.waves.joined(separator: "-"))
        }
        return s + t.markup
    }

    func reliableChange(_ sc: ScaleSection) -> String {
        var s = "<h4>Reliable change</h4>"
        guard let r = sc.rci.value else { return s + Self.unavailable("Reliable change", sc.rci.reason ?? "") }
        let bars = [BarChart.Bar(label: "reliable decrease", value: r.summary.decrease, color: Palette.vermillion),
                    BarChart.Bar(label: "no reliable change", value: r.summary.noChange, color: "#8C8C8C"),
                    BarChart.Bar(label: "reliable increase", value: r.summary.increase, color: Palette.blue)]
        let svg = BarChart.render(id: "fig-rci-\(sc.anchor)", title: "\(sc.label): reliable change from \(r.from) to \(r.to)",
                                  desc: "Bar chart of participants by reliable change category (Jacobson-Truax, |RC| > 1.96): \(r.summary.decrease) decrease, \(r.summary.noChange) no change, \(r.summary.increase) increase, of \(r.n).",
                                  bars: bars, valueTitle: "Participants")
        s += Self.figure(svg, caption: "Reliable change from \(r.from) to \(r.to) for the \(r.n) participant(s) with a score at both waves: S_diff = \(NumberText.fixed(r.sDiff, 3)) "
                         + "(SD at \(r.from) = \(NumberText.fixed(r.sdBaseline, 3)), reliability = \(NumberText.fixed(r.reliability, 3)) from \(r.reliabilitySource)).")
        var t = HTMLTable("rci", header: ["from", "to", "n", "SD baseline", "reliability", "S_diff", "increase", "no change", "decrease"])
        t.add([.text(r.from), .text(r.to), .num(String(r.n), key: "n"), .num(NumberText.fixed(r.sdBaseline, 3), key: "sd_baseline"), .num(NumberText.fixed(r.reliability, 3), key: "reliability"),
               .num(NumberText.fixed(r.sDiff, 3), key: "s_diff"), .num(String(r.summary.increase), key: "increase"), .num(String(r.summary.noChange), key: "no_change"),
               .num(String(r.summary.decrease), key: "decrease")], key: "\(r.from)-\(r.to)")
        return s + t.markup
    }
}
