import Foundation

/// A linear mixed model fitted by REML: fixed effects with Satterthwaite or Kenward-Roger tests, variance components, fit criteria.
///
/// Matches R lme4 (`lmer(..., REML = TRUE)`: `fixef`, `VarCorr`, `logLik`, `AIC`, `isSingular`)
/// and lmerTest 3.1 (`summary()$coefficients`, `contest(..., joint = FALSE)`).
public struct MixedModelResult: Sendable, Equatable {
    /// One fixed-effect coefficient, as a row of lmerTest's `summary(fit)$coefficients`.
    public struct FixedEffect: Sendable, Equatable {
        public let term: String
        public let estimate: Double
        public let se: Double
        /// Degrees of freedom by `dfMethod`; nil when they cannot be computed (see `warnings`).
        public let df: Double?
        public let t: Double
        /// Two-sided p-value from t with `df` degrees of freedom; nil when `df` is nil.
        public let p: Double?
    }

    /// Variance components, as `as.data.frame(VarCorr(fit))`.
    public struct VarianceComponents: Sendable, Equatable {
        /// Variance of the participant random intercepts.
        public let participantVar: Double
        /// Residual variance sigma^2 (REML).
        public let residualVar: Double
        /// Variance of the participant random slopes (models with a random slope only).
        public let slopeVar: Double?
        /// Correlation of random intercept and slope; nil without a slope or when a variance is zero.
        public let interceptSlopeCor: Double?
    }

    /// A test of one linear combination L'beta, as lmerTest `contest(fit, L, joint = FALSE)`.
    public struct Contrast: Sendable, Equatable {
        public let estimate: Double
        public let se: Double
        public let df: Double?
        public let t: Double
        public let p: Double?

        /// estimate ± t((1 + level)/2; df) se (emmeans' confidence limits); nil without df.
        public func interval(level: Double = 0.95) -> StatInterval? {
            guard let df else { return nil }
            let half = Distributions.tQuantile(0.5 + level / 2, df: df) * se
            return StatInterval.finite(estimate - half, estimate + half)
        }
    }

    public let fixed: [FixedEffect]
    public let random: VarianceComponents
    /// True when the model has a random slope (`--slopes`).
    public let hasRandomSlope: Bool
    /// lme4's theta (relative Cholesky factor, column-wise lower triangle) at the optimum.
    public let theta: [Double]
    /// Residual standard deviation (REML), lme4 `sigma()`.
    public let sigma: Double
    /// REML log-likelihood at the optimum, as `logLik()` of the lmer fit.
    public let logLik: Double
    /// -2 logLik + 2 (fixed effects + variance parameters + 1), as `AIC()` of the lmer fit.
    public let aic: Double
    /// Number of estimated parameters counted by `aic` (attr(logLik, "df")).
    public let parameterCount: Int
    /// The optimiser converged and the criterion is flat at the estimate.
    public let converged: Bool
    /// A variance estimated at zero or a correlation at +-1 (lme4 `isSingular`, tolerance 1e-4 on theta).
    public let singular: Bool
    /// Plain-language warnings: singular fit, convergence, dropped rows, Satterthwaite problems.
    public let warnings: [String]
    public let nObs: Int
    public let nSubjects: Int
    /// Nelder-Mead iterations over all restarts.
    public let iterations: Int
    /// vcov(beta), p x p (unadjusted; with Kenward-Roger the tests use `adjustedVcov`).
    public let vcov: Matrix
    /// The df method of `fixed` and `contrast`.
    public let dfMethod: MixedModel.DFMethod
    let satterthwaite: Satterthwaite?
    let kenwardRoger: KenwardRoger?

    /// Kenward-Roger's adjusted vcov(beta) (pbkrtest `vcovAdj`); nil under Satterthwaite or when it failed.
    public var adjustedVcov: Matrix? {
        kenwardRoger.map { Matrix(rows: $0.p, cols: $0.p, values: $0.adjusted) }
    }

    /// Estimate, standard error, df, t and p of the contrast L'beta, by `dfMethod`.
    ///
    /// Satterthwaite: lmerTest `contest1D`, var = L'CL, df = 2 var^2 / (g'Ag).
    /// Kenward-Roger: var = L'Phi_A L and df as pbkrtest `Lb_ddf` (see `KenwardRoger`).
    /// t = L'beta / sqrt(var). An estimated marginal mean is the contrast of a design row
    /// (as R emmeans with `lmer.df` set to the same method).
    public func contrast(_ l: [Double]) throws -> Contrast {
        guard l.count == fixed.count else {
            throw StatsError.dimension("contrast has \(l.count) weights for \(fixed.count) fixed effects")
        }
        let est = zip(l, fixed).reduce(0) { $0 + $1.0 * $1.1.estimate }
        let variance: Double
        var df: Double? = nil
        if dfMethod == .kenwardRoger, let kenwardRoger {
            let r = kenwardRoger.varianceAndDF(l)
            variance = r.variance; df = r.df
        } else if dfMethod == .satterthwaite, let satterthwaite {
            let r = satterthwaite.varianceAndDF(l)
            variance = r.variance; df = r.df
        } else {
            variance = Satterthwaite.quadraticForm(l, vcov.values)
        }
        guard variance > 0 else { throw StatsError.numerical("the contrast has zero variance") }
        let se = variance.squareRoot()
        let t = est / se
        return Contrast(estimate: est, se: se, df: df, t: t, p: df.map { Distributions.tTwoSided(t, df: $0) })
    }
}
