import Foundation
import WavesCore
import WavesAnalysis

/// The corrected test of one RM-ANOVA effect, as the report and the terminal summary state it.
///
/// Within-subject effects use the correction `waves change` recommends
/// (Greenhouse-Geisser when its epsilon is below 0.75, else Huynh-Feldt, the
/// epsilon capped at 1); degrees of freedom are multiplied by that epsilon.
struct CorrectedEffect {
    var effect: String
    var df1: Double
    var df2: Double
    var F: Double?
    var p: Double?
    var ges: Double?
    var pes: Double?
    /// "GG", "HF" or nil (no correction: between effect, or two waves).
    var correction: String?
    var epsilon: Double?

    init(_ e: ChangeReport.Effect, correction: String?) {
        effect = e.effect; F = e.F; ges = e.ges; pes = e.pes
        let within = e.ggEpsilon != nil
        let eps: Double? = !within ? nil : (correction == "GG" ? e.ggEpsilon?.wrappedValue : (correction == "HF" ? e.hfEpsilon?.wrappedValue : nil))
        let pc: Double? = !within ? nil : (correction == "GG" ? e.pGG?.wrappedValue : (correction == "HF" ? e.pHF?.wrappedValue : nil))
        if let eps, let pc {
            let k = min(1, eps)
            df1 = Double(e.df1) * k; df2 = Double(e.df2) * k; p = pc
            self.correction = correction; epsilon = eps
        } else {
            df1 = Double(e.df1); df2 = Double(e.df2); p = e.p
            self.correction = nil; epsilon = nil
        }
    }

    var isCorrected: Bool { correction != nil }

    /// "F(1.86, 70.70) = 12.30, p < .001 (GG)".
    var sentence: String {
        let dfs = isCorrected ? "\(NumberText.fixed(df1)), \(NumberText.fixed(df2))" : "\(NumberText.fixed(df1, 0)), \(NumberText.fixed(df2, 0))"
        return "F(\(dfs)) = \(NumberText.fixed(F)), p \(NumberText.pEquals(p))" + (correction.map { " (\($0))" } ?? "")
    }
}

extension ChangeReport {
    /// The corrected tests of every effect, in the contract's order.
    var corrected: [CorrectedEffect] { anova.map { CorrectedEffect($0, correction: correction) } }

    /// Mean at each wave over the participants used (groups pooled, weighted by n).
    var pooledMeans: [Double?] {
        waves.map { w in
            // With groups the contract also lists the pooled row (group null): use it when present.
            let pooled = descriptives.filter { $0.wave == w && $0.group == nil && $0.mean != nil }
            let ds = pooled.isEmpty ? descriptives.filter { $0.wave == w && $0.mean != nil } : pooled
            let n = ds.reduce(0) { $0 + $1.n }
            return n == 0 ? nil : ds.reduce(0.0) { $0 + $1.mean! * Double($1.n) } / Double(n)
        }
    }
}
