import Foundation
import WavesAnalysis
import WavesCore

/// The reviewers' sections as Markdown: the same numbers as the HTML page, tables instead of figures.
extension MarkdownRenderer {
    func reviewers() -> String {
        var s = ""
        if let r = report.reviewers {
            s += "\n## Participant flow\n\n"
            s += Self.table(["wave", "enrolled", "invited", "consented", "started", "completed", "analysed", "withdrawn", "lost"], r.flow.waves.map { w in
                [w.wave, String(w.enrolled), w.invited.map(String.init) ?? "not recorded", w.consented.map(String.init) ?? "not recorded",
                 String(w.started), String(w.completed), String(w.analysed), String(w.withdrawn), String(w.lost)]
            }, numeric: Set(1...8))
            for n in r.flow.notes { s += "\n_\(Self.esc(n))_\n" }
            s += "\n## Attrition\n\n"
            for a in r.attrition {
                if let x = a.outcome.value { s += "- \(Self.esc(x.sentence))\n" } else { s += "- \(Self.esc(a.label)): not shown (\(Self.esc(a.outcome.reason ?? "")))\n" }
            }
            s += "\n## Results paragraphs\n\n"
            if let res = r.results.value {
                s += "The p-values of the change across waves are adjusted across the study's \(res.family) scales (\(res.adjustment == "BH" ? "Benjamini-Hochberg" : "Holm")).\n\n"
                for x in res.scales { s += "**\(Self.esc(x.label)).** \(Self.esc(x.paragraph))\n\n" }
            } else { s += "Not shown: \(Self.esc(r.results.reason ?? ""))\n" }
            s += "\n## Effect sizes and marginal means\n\n"
            var rows: [[String]] = [], em: [[String]] = []
            for sc in report.scales {
                for x in sc.change.value?.posthoc ?? [] {
                    rows.append([sc.label, "\(x.a)–\(x.b)", String(x.n), NumberText.fixed(x.meanDiff, 3), NumberText.fixed(x.dz),
                                 NumberText.interval(x.dzCI?.first, x.dzCI?.last), NumberText.p(x.pHolm)])
                }
                if let l = sc.lmm.value {
                    for e in l.emmeans {
                        em.append([sc.label, e.wave, e.group ?? "all", NumberText.fixed(e.emmean, 3), NumberText.fixed(e.se, 3),
                                   NumberText.fixed(e.df, 1), NumberText.interval(e.ci?.first, e.ci?.last, 3), l.dfMethod.rawValue])
                    }
                }
            }
            s += Self.table(["scale", "waves", "n", "difference", "d_z", "95% CI", "p Holm"], rows, numeric: [2, 3, 4, 5, 6])
            s += "\n" + Self.table(["scale", "wave", "group", "mean", "SE", "df", "95% CI", "df method"], em, numeric: [3, 4, 5, 6])
        }
        if let q = report.qualitative {
            let d = q.display
            s += "\n## Qualitative coding\n\nCodebook \(Self.code(d.codebook)): \(d.unitsCoded) coded answer(s).\n\n"
            let cols = d.frequencies.filter { $0.code == d.codes.first?.code && $0.unitsCoded > 0 }.map { ($0.wave, $0.role) }
            s += Self.table(["code"] + cols.map { "\($0.0) \($0.1 ?? "other")" }, d.codes.map { c in
                [c.label] + cols.map { w, r in
                    d.frequencies.first { $0.code == c.code && $0.wave == w && $0.role == r }.map { "\($0.units)/\($0.unitsCoded)" } ?? NumberText.missing
                }
            }, numeric: Set(1...max(1, cols.count)))
            for c in d.codes {
                for e in q.exemplars where e.code == c.code { s += "\n> \(Self.esc(e.text))\n>\n> — \(Self.esc(c.label)), \(Self.esc(e.wave))\n" }
            }
        }
        return s
    }
}
