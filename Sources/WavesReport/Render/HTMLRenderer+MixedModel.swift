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
            t.add([.markup("<code>\(SafeText.html(f.term))</code>"), .num(Num.f(f.estimate, 3), key: "estimate"), .num(Num.f(f.se, 3), key: "se"),
                   .num(Num.f(f.df, 1), key: "df"), .num(Num.f(f.t), key: "t"), .num(Num.p(f.p), key: "p")], key: f.term)
        }
        s += t.markup
        var r = HTMLTable("lmm-random", caption: "Variance components", header: ["component", "variance", "SD"])
        r.add([.text("participant (intercept)"), .num(Num.f(m.random.participantVar, 4), key: "variance"), .num(Num.f(m.random.participantVar.squareRoot(), 3), key: "sd")], key: "participant")
        if let sv = m.random.slopeVar?.wrappedValue {
            r.add([.text("participant (slope of time)"), .num(Num.f(sv, 4), key: "variance"), .num(Num.f(sv.squareRoot(), 3), key: "sd")], key: "slope")
        }
        r.add([.text("residual"), .num(Num.f(m.random.residualVar, 4), key: "variance"), .num(Num.f(m.random.residualVar.squareRoot(), 3), key: "sd")], key: "residual")
        s += r.markup
        s += "<p data-k=\"lmm-fit\">REML log-likelihood \(Num.f(m.loglik)), AIC \(Num.f(m.aic)); "
            + (m.converged ? "converged" : "<strong>did not converge</strong>") + (m.singular ? "; <strong>singular fit</strong> (a variance at zero or a correlation at ±1)" : "") + ".</p>"
        for w in m.warnings { s += "<p class=\"note\">\(SafeText.html(w))</p>" }
        return s
    }
}
