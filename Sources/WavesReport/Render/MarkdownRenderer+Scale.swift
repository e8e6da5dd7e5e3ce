import Foundation
import WavesCore
import WavesAnalysis

extension MarkdownRenderer {
    func scale(_ sc: ScaleSection, number: String) -> String {
        typealias M = MarkdownRenderer
        var s = "\n### \(number) \(M.esc(sc.label)) (\(M.code(sc.qualifiedName)))\n\n"
        s += "\(M.esc(sc.instrumentTitle)) · \(sc.items.count) item(s) · score: \(sc.scoreRule) of the answered items · waves \(M.esc(sc.waves.joined(separator: ", ")))\n"

        s += "\n#### Internal consistency\n\n"
        if let rel = sc.reliability.value {
            s += M.table(["wave", "n", "left out", "k", "alpha", "95% CI (Feldt)", "omega total", "std. alpha", "items with r_drop < 0.30"], rel.map { r in
                let low = r.items.filter { ($0.rDrop ?? 1) < HTMLRenderer.lowRDrop }
                return [r.wave, String(r.n), String(r.incomplete), String(r.k), NumberText.fixed(r.alpha), NumberText.interval(r.alphaCI?.first, r.alphaCI?.last), NumberText.fixed(r.omegaTotal), NumberText.fixed(r.stdAlpha),
                        low.isEmpty ? "none" : low.map { "\($0.id) (\(NumberText.fixed($0.rDrop)))" }.joined(separator: ", ")]
            }, numeric: [1, 2, 3, 4, 5, 6, 7])
        } else { s += "Not shown: \(M.esc(sc.reliability.reason ?? ""))\n" }

        s += "\n#### Means by wave and role (every available score)\n\n"
        var rows: [[String]] = []
        for (g, m) in sc.means.enumerated() {
            for (j, p) in m.points.enumerated() {
                guard let p else { continue }
                rows.append([sc.waves[j], m.name, String(p.n), NumberText.fixed(p.mean), NumberText.fixed(sc.sds[g][j]), NumberText.interval(p.lower, p.upper)])
            }
        }
        s += rows.isEmpty ? "No scores.\n" : M.table(["wave", "role", "n", "mean", "sd", "95% CI"], rows, numeric: [2, 3, 4, 5])
        if sc.trajectoriesTotal > 0 {
            s += "\n(The HTML report plots \(sc.trajectories.count < sc.trajectoriesTotal ? "a sample of \(sc.trajectories.count) of" : "all") \(sc.trajectoriesTotal) individual trajectories.)\n"
        }

        s += "\n#### Change across waves (repeated-measures ANOVA)\n\n"
        if let c = sc.change.value {
            let eff = c.corrected
            if let w = eff.first(where: { $0.effect == "wave" }) {
                let m = c.pooledMeans
                s += M.esc(((w.p ?? 1) < 0.05 ? "The score changed across waves: " : "No reliable change across waves: ") + w.sentence
                           + (w.ges.map { ", generalized eta squared = \(NumberText.fixed($0, 3))" } ?? "")
                           + "; mean \(NumberText.fixed(m.first ?? nil)) at \(c.waves.first!) and \(NumberText.fixed(m.last ?? nil)) at \(c.waves.last!) (n = \(c.n)"
                           + (c.excluded > 0 ? ", \(c.excluded) left out" : "") + ").") + "\n\n"
            }
            s += M.table(["effect", "df1", "df2", "F", "p", "correction", "epsilon", "ges", "pes", "uncorrected p"], zip(eff, c.anova).map { e, raw in
                [e.effect, e.isCorrected ? NumberText.fixed(e.df1) : NumberText.fixed(e.df1, 0), e.isCorrected ? NumberText.fixed(e.df2) : NumberText.fixed(e.df2, 0), NumberText.fixed(e.F), NumberText.p(e.p),
                 e.correction ?? "–", NumberText.fixed(e.epsilon, 3), NumberText.fixed(e.ges, 3), NumberText.fixed(e.pes, 3), NumberText.p(raw.p)]
            }, numeric: Set(1...9))
            if let sp = c.sphericity {
                s += "\nMauchly's test: W = \(NumberText.fixed(sp.W, 3)), chi2(\(sp.df)) = \(NumberText.fixed(sp.chisq)), p \(NumberText.pEquals(sp.p)).\n"
            }
            s += "\n" + M.table(["waves", "n", "difference", "t", "df", "p", "p Holm", "p Bonferroni", "d_z"], c.posthoc.map { x in
                ["\(x.a) -> \(x.b)", String(x.n), NumberText.fixed(x.meanDiff, 3), NumberText.fixed(x.t), String(x.df), NumberText.p(x.p), NumberText.p(x.pHolm), NumberText.p(x.pBonferroni), NumberText.fixed(x.dz)]
            }, numeric: Set(1...8))
            let f = c.friedman
            s += "\nFriedman test: chi2(\(f.df)) = \(NumberText.fixed(f.chisq)), p \(NumberText.pEquals(f.p)), Kendall's W = \(NumberText.fixed(f.kendallW, 3)).\n"
        } else { s += "Not shown: \(M.esc(sc.change.reason ?? ""))\n" }

        s += "\n#### Mixed model (every available score)\n\n"
        if let m = sc.lmm.value {
            s += "\(M.code(m.formula)), REML, \(m.nObs) observation(s) from \(m.nParticipants) participant(s); df and p by Satterthwaite's method.\n\n"
            s += M.table(["term", "estimate", "SE", "df", "t", "p"], m.fixed.map { f in
                [f.term, NumberText.fixed(f.estimate, 3), NumberText.fixed(f.se, 3), NumberText.fixed(f.df, 1), NumberText.fixed(f.t), NumberText.p(f.p)]
            }, numeric: Set(1...5))
            var rows = [["participant (intercept)", NumberText.fixed(m.random.participantVar, 4), NumberText.fixed(m.random.participantVar.squareRoot(), 3)]]
            if let sv = m.random.slopeVar?.wrappedValue { rows.append(["participant (slope of time)", NumberText.fixed(sv, 4), NumberText.fixed(sv.squareRoot(), 3)]) }
            rows.append(["residual", NumberText.fixed(m.random.residualVar, 4), NumberText.fixed(m.random.residualVar.squareRoot(), 3)])
            s += "\n" + M.table(["component", "variance", "SD"], rows, numeric: [1, 2])
            s += "\nREML log-likelihood \(NumberText.fixed(m.loglik)), AIC \(NumberText.fixed(m.aic)); \(m.converged ? "converged" : "did NOT converge")\(m.singular ? "; singular fit" : "").\n"
            for w in m.warnings { s += "\n_\(M.esc(w))_\n" }
        } else { s += "Not shown: \(M.esc(sc.lmm.reason ?? ""))\n" }

        s += "\n#### Test-retest agreement\n\n"
        if let rt = sc.retest.value {
            s += M.table(["waves", "n", "Pearson r", "ICC(A,1)", "95% CI", "ICC(C,1)", "95% CI"], rt.map { r in
                [r.waves.joined(separator: " -> "), String(r.n), NumberText.fixed(r.pearsonR), NumberText.fixed(r.iccA1), NumberText.interval(r.iccA1CI?.first, r.iccA1CI?.last),
                 NumberText.fixed(r.iccC1), NumberText.interval(r.iccC1CI?.first, r.iccC1CI?.last)]
            }, numeric: Set(1...6))
        } else { s += "Not shown: \(M.esc(sc.retest.reason ?? ""))\n" }

        s += "\n#### Reliable change\n\n"
        if let r = sc.rci.value {
            s += M.table(["from", "to", "n", "SD baseline", "reliability", "S_diff", "increase", "no change", "decrease"],
                         [[r.from, r.to, String(r.n), NumberText.fixed(r.sdBaseline, 3), NumberText.fixed(r.reliability, 3), NumberText.fixed(r.sDiff, 3),
                           String(r.summary.increase), String(r.summary.noChange), String(r.summary.decrease)]], numeric: Set(2...8))
        } else { s += "Not shown: \(M.esc(sc.rci.reason ?? ""))\n" }
        return s
    }
}
