import Foundation
import WavesCore
import WavesAnalysis

extension HTMLRenderer {
    func mixedModel(_ sc: ScaleSection) -> String {
        var s = "<h4>Mixed model (every available score)</h4>"
        guard let m = sc.lmm.value else { return s + Self.unavailable("Mixed model", sc.lmm.reason ?? "") }
        s += "<p data-k=\"lmm-formula\"><code>\(SafeText.html(m.formula))</code>, REML, \(m.nObs) observation(s) from \(m.nParticipants) participant(s); "
            + "treatment contrasts (reference: the first wave\(m.between != nil ? " and the first role" : "")); df and p by Satterthwaite's method.</p>"
        var t = HTMLTable("lmm-fixed", caption: "Fixed effects", header: ["term", "estimate", "SE", "df", "t", "p"])
        for f in m.fixed {
            t.add([.markup("<code>\(SafeText.html(f.term))</code>"), .num(NumberText.fixed(f.estimate, 3), key: "estimate"), .num(NumberText.fixed(f.se, 3), key: "se"),
                   .num(NumberText.fixed(f.df, 1), key: "df"), .num(NumberText.fixed(f.t), key: "t"), .num(NumberText.p(f.p), key: "p")], key: f.term)
        }
        s += t.markup
        var r = HTMLTable("lmm-random", caption: "Variance components", header: ["component", "variance", "SD"])
        r.add([.text("participant (intercept)"), .num(NumberText.fixed(m.random.participantVar, 4), key: "variance"), .num(NumberText.fixed(m.random.participantVar.squareRoot(), 3), key: "sd")], key: "participant")
        if let sv = m.random.slopeVar?.wrappedValue {
            r.add([.text("participant (slope of time)"), .num(NumberText.fixed(sv, 4), key: "variance"), .num(NumberText.fixed(sv.squareRoot(), 3), key: "sd")], key: "slope")
        }
        r.add([.text("residual"), .num(NumberText.fixed(m.random.residualVar, 4), key: "variance"), .num(NumberText.fixed(m.random.residualVar.squareRoot(), 3), key: "sd")], key: "residual")
        s += r.markup
        s += "<p data-k=\"lmm-fit\">REML log-likelihood \(NumberText.fixed(m.loglik)), AIC \(NumberText.fixed(m.aic)); "
            + (m.converged ? "converged" : "<strong>did not converge</strong>") + (m.singular ? "; <strong>singular fit</strong> (a variance at zero or a correlation at ±1)" : "") + ".</p>"
        for w in m.warnings { s += "<p class=\"note\">\(SafeText.html(w))</p>" }
        return s
    }
}
