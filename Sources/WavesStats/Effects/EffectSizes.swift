import Foundation

/// Standardised effect sizes with their noncentral intervals, as R `effectsize` 0.8.3.
///
/// The bounds are the exact roots of `NoncentralInterval` (see there for how they relate
/// to effectsize's optimiser).
public enum EffectSizes {
    /// 95% interval of d_z = mean(d) / sd(d) for n paired differences d.
    ///
    /// With t = d_z sqrt(n) and df = n - 1, the ncp bounds of `NoncentralInterval.t`
    /// divided by sqrt(n); as `effectsize::cohens_d(b, a, paired = TRUE)`. Nil for n < 2,
    /// sd = 0, or a non-finite input.
    public static func dzInterval(dz: Double, n: Int, level: Double = 0.95) -> StatInterval? {
        guard n >= 2, dz.isFinite else { return nil }
        let root = Double(n).squareRoot()
        guard let ncp = NoncentralInterval.t(dz * root, df: Double(n - 1), level: level) else { return nil }
        return StatInterval.finite(ncp.lower / root, ncp.upper / root)
    }

    /// Interval (90% by default) of partial eta squared from an F test.
    ///
    /// The lambda bounds of `NoncentralInterval.f` (floored at 0) converted as
    /// lambda / (lambda + df2); as `effectsize::F_to_eta2(F, df1, df2, ci = 0.9,
    /// alternative = "two.sided")`. Nil for a non-finite F.
    public static func partialEtaSquaredInterval(f: Double, df1: Double, df2: Double, level: Double = 0.90) -> StatInterval? {
        guard let l = NoncentralInterval.f(f, df1: df1, df2: df2, level: level) else { return nil }
        return StatInterval.finite(l.lower / (l.lower + df2), l.upper / (l.upper + df2))
    }

    /// Hedges' g of two independent samples with its 95% interval.
    public struct HedgesG: Sendable, Equatable {
        /// Cohen's d (pooled SD) times the small-sample correction J.
        public let g: Double
        public let ci: StatInterval?
        /// J = Gamma(df/2) / (sqrt(df/2) Gamma((df - 1)/2)), df = n1 + n2 - 2.
        public let correction: Double
    }

    /// Hedges' g of x against y: `(mean(x) - mean(y)) / s_pooled * J`, with
    /// `s_pooled = sqrt(((n1 - 1) s1^2 + (n2 - 1) s2^2) / (n1 + n2 - 2))` and the interval
    /// of the pooled t statistic's ncp times `sqrt(1/n1 + 1/n2) * J`; as
    /// `effectsize::hedges_g(x, y)` 0.8.3 (Hedges 1981; Hedges & Olkin 1985).
    /// Non-finite values are left out. Nil when either group has fewer than 2 values,
    /// n1 + n2 < 4 (J is 0 at df = 1), or the pooled SD is 0.
    public static func hedgesG(_ x: [Double], _ y: [Double], level: Double = 0.95) -> HedgesG? {
        let a = x.filter(\.isFinite), b = y.filter(\.isFinite)
        let n1 = a.count, n2 = b.count
        guard n1 >= 2, n2 >= 2, n1 + n2 >= 4 else { return nil }
        let m1 = Descriptives.mean(a), m2 = Descriptives.mean(b)
        let df = Double(n1 + n2 - 2)
        let pooled = ((Descriptives.sumOfSquares(a, about: m1) + Descriptives.sumOfSquares(b, about: m2)) / df).squareRoot()
        guard pooled > 0, pooled.isFinite else { return nil }
        let d = (m1 - m2) / pooled
        let j = exp(Distributions.logGamma(df / 2) - log((df / 2).squareRoot()) - Distributions.logGamma((df - 1) / 2))
        guard j.isFinite, j > 0 else { return nil }
        let hn = 1 / Double(n1) + 1 / Double(n2)
        let t = (m1 - m2) / (pooled * hn.squareRoot())
        let ci = NoncentralInterval.t(t, df: df, level: level).flatMap {
            StatInterval.finite($0.lower * hn.squareRoot() * j, $0.upper * hn.squareRoot() * j)
        }
        return HedgesG(g: d * j, ci: ci, correction: j)
    }
}
