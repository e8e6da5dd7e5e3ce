import Foundation

/// The corrected test of one RM-ANOVA effect: the one reading of a `ChangeReport` row that
/// `waves change` prints and the report states.
///
/// Within-subject effects use the correction the analysis recommends (`ChangeReport.correction`:
/// Greenhouse-Geisser when its epsilon is below 0.75, else Huynh-Feldt; Girden, 1992); both
/// degrees of freedom are multiplied by that epsilon capped at 1, and the p value is the
/// corrected one. Between-subject effects, two waves, or an effect without an epsilon or a
/// corrected p are shown uncorrected.
public struct CorrectedEffect: Sendable {
    public var effect: String
    public var df1: Double
    public var df2: Double
    public var F: Double?
    public var p: Double?
    public var ges: Double?
    public var pes: Double?
    /// Whether the effect involves the within-subject factor (it has epsilons).
    public var isWithin: Bool
    /// Greenhouse-Geisser, Huynh-Feldt or nil (no correction applied).
    public var correction: SphericityCorrection?
    public var epsilon: Double?

    public init(_ e: ChangeReport.Effect, correction: SphericityCorrection?) {
        effect = e.effect; F = e.F; ges = e.ges; pes = e.pes
        isWithin = e.ggEpsilon != nil
        let eps: Double? = isWithin ? e.epsilon(correction) : nil
        let pc: Double? = isWithin ? e.correctedP(correction) : nil
        if let eps, let pc {
            let k = min(1, eps)
            df1 = Double(e.df1) * k; df2 = Double(e.df2) * k; p = pc
            self.correction = correction; epsilon = eps
        } else {
            df1 = Double(e.df1); df2 = Double(e.df2); p = e.p
            self.correction = nil; epsilon = nil
        }
    }

    public var isCorrected: Bool { correction != nil }
}

extension ChangeReport {
    /// The corrected tests of every effect, in the contract's order.
    public var corrected: [CorrectedEffect] { anova.map { CorrectedEffect($0, correction: correction) } }
}
