import Foundation
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
                return [r.wave, String(r.n), String(r.incomplete), String(r.k), Num.f(r.alpha), Num.ci(r.alphaCI?.first, r.alphaCI?.last), Num.f(r.omegaTotal), Num.f(r.stdAlpha),
                        low.isEmpty ? "none" : low.map { "\($0.id) (\(Num.f($0.rDrop)))" }.joined(separator: ", ")]
            }, numeric: [1, 2, 3, 4, 5, 6, 7])
        } else { s += "Not shown: \(M.esc(sc.reliability.reason ?? ""))\n" }

        s += "\n#### Means by wave and role (every available score)\n\n"
        var rows: [[String]] = []
        for (g, m) in sc.means.enumerated() {
            for (j, p) in m.points.enumerated() {
                guard let p else { continue }
                rows.append([sc.waves[j], m.name, String(p.n), Num.f(p.mean), Num.f(sc.sds[g][j]), Num.ci(p.lower, p.upper)])
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
                           + (w.ges.map { ", generalized eta squared = \(Num.f($0, 3))" } ?? "")
                           + "; mean \(Num.f(m.first ?? nil)) at \(c.waves.first!) and \(Num.f(m.last ?? nil)) at \(c.waves.last!) (n = \(c.n)"
                           + (c.excluded > 0 ? ", \(c.excluded) left out" : "") + ").") + "\n\n"
            }
            s += M.table(["effect", "df1", "df2", "F", "p", "correction", "epsilon", "ges", "pes", "uncorrected p"], zip(eff, c.anova).map { e, raw in
                [e.effect, e.isCorrected ? Num.f(e.df1) : String(Int(e.df1)), e.isCorrected ? Num.f(e.df2) : String(Int(e.df2)), Num.f(e.F), Num.p(e.p),
                 e.correction ?? "–", Num.f(e.epsilon, 3), Num.f(e.ges, 3), Num.f(e.pes, 3), Num.p(raw.p)]
            }, numeric: Set(1...9))
            if let sp = c.sphericity {
                s += "\nMauchly's test: W = \(Num.f(sp.W, 3)), chi2(\(sp.df)) = \(Num.f(sp.chisq)), p \(HTMLRenderer.pEq(sp.p)).\n"
            }
            s += "\n" + M.table(["waves", "n", "difference", "t", "df", "p", "p Holm", "p Bonferroni", "d_z"], c.posthoc.map { x in
                ["\(x.a) -> \(x.b)", String(x.n), Num.f(x.meanDiff, 3), Num.f(x.t), String(x.df), Num.p(x.p), Num.p(x.pHolm), Num.p(x.pBonferroni), Num.f(x.dz)]
            }, numeric: Set(1...8))
            let f = c.friedman
            s += "\nFriedman test: chi2(\(f.df)) = \(Num.f(f.chisq)), p \(HTMLRenderer.pEq(f.p)), Kendall's W = \(Num.f(f.kendallW, 3)).\n"
        } else { s += "Not shown: \(M.esc(sc.change.reason ?? ""))\n" }

        s += "\n#### Mixed model (every available score)\n\n"
        if let m = sc.lmm.value {
            s += "\(M.code(m.formula)), REML, \(m.nObs) observation(s) from \(m.nParticipants) participant(s); df and p by Satterthwaite's method.\n\n"
            s += M.table(["term", "estimate", "SE", "df", "t", "p"], m.fixed.map { f in
                [f.term, Num.f(f.estimate, 3), Num.f(f.se, 3), Num.f(f.df, 1), Num.f(f.t), Num.p(f.p)]
            }, numeric: Set(1...5))
            var rows = [["participant (intercept)", Num.f(m.random.participantVar, 4), Num.f(m.random.participantVar.squareRoot(), 3)]]
            if let sv = m.random.slopeVar?.wrappedValue { rows.append(["participant (slope of time)", Num.f(sv, 4), Num.f(sv.squareRoot(), 3)]) }
            rows.append(["residual", Num.f(m.random.residualVar, 4), Num.f(m.random.residualVar.squareRoot(), 3)])
            s += "\n" + M.table(["component", "variance", "SD"], rows, numeric: [1, 2])
            s += "\nREML log-likelihood \(Num.f(m.loglik)), AIC \(Num.f(m.aic)); \(m.converged ? "converged" : "did NOT converge")\(m.singular ? "; singular fit" : "").\n"
            for w in m.warnings { s += "\n_\(M.esc(w))_\n" }
        } else { s += "Not shown: \(M.esc(sc.lmm.reason ?? ""))\n" }

        s += "\n#### Test-retest agreement\n\n"
        if let rt = sc.retest.value {
            s += M.table(["waves", "n", "Pearson r", "ICC(A,1)", "95% CI", "ICC(C,1)", "95% CI"], rt.map { r in
                [r.waves.joined(separator: " -> "), String(r.n), Num.f(r.pearsonR), Num.f(r.iccA1), Num.ci(r.iccA1CI?.first, r.iccA1CI?.last),
                 Num.f(r.iccC1), Num.ci(r.iccC1CI?.first, r.iccC1CI?.last)]
            }, numeric: Set(1...6))
        } else { s += "Not shown: \(M.esc(sc.retest.reason ?? ""))\n" }

        s += "\n#### Reliable change\n\n"
        if let r = sc.rci.value {
            s += M.table(["from", "to", "n", "SD baseline", "reliability", "S_diff", "increase", "no change", "decrease"],
                         [[r.from, r.to, String(r.n), Num.f(r.sdBaseline, 3), Num.f(r.reliability, 3), Num.f(r.sDiff, 3),
                           String(r.summary.increase), String(r.summary.noChange), String(r.summary.decrease)]], numeric: Set(2...8))
        } else { s += "Not shown: \(M.esc(sc.rci.reason ?? ""))\n" }
        return s
    }
}
