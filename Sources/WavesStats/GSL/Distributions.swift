internal import CGSL
import Foundation

/// Probability distributions from GSL (`gsl_cdf_*`, `gsl_ran_*_pdf`, `gsl_sf_*`), never hand-written series.
///
/// Upper tails use GSL's `Q` functions directly so that tiny p-values keep
/// their precision. The noncentral t and F, which GSL lacks, are in
/// `Effects/NoncentralDistributions.swift`, built on `betaLower` and `poissonPMF`.
public enum Distributions {
    /// P(T > t) for Student's t with `df` degrees of freedom.
    public static func tUpper(_ t: Double, df: Double) -> Double {
        GSL.call { gsl_cdf_tdist_Q(t, df) }
    }
    /// P(T <= t) for Student's t with `df` degrees of freedom.
    public static func tLower(_ t: Double, df: Double) -> Double {
        GSL.call { gsl_cdf_tdist_P(t, df) }
    }
    /// Two-sided p-value of a t statistic.
    public static func tTwoSided(_ t: Double, df: Double) -> Double {
        GSL.call { 2 * gsl_cdf_tdist_Q(abs(t), df) }
    }
    /// Quantile of Student's t.
    public static func tQuantile(_ p: Double, df: Double) -> Double {
        GSL.call { gsl_cdf_tdist_Pinv(p, df) }
    }
    /// P(F > f) for the F distribution.
    public static func fUpper(_ f: Double, df1: Double, df2: Double) -> Double {
        GSL.call { gsl_cdf_fdist_Q(f, df1, df2) }
    }
    /// P(F <= f) for the F distribution.
    public static func fLower(_ f: Double, df1: Double, df2: Double) -> Double {
        GSL.call { gsl_cdf_fdist_P(f, df1, df2) }
    }
    /// Quantile of the F distribution.
    public static func fQuantile(_ p: Double, df1: Double, df2: Double) -> Double {
        GSL.call { gsl_cdf_fdist_Pinv(p, df1, df2) }
    }
    /// P(X > x) for chi-square with `df` degrees of freedom.
    public static func chiSquareUpper(_ x: Double, df: Double) -> Double {
        GSL.call { gsl_cdf_chisq_Q(x, df) }
    }
    /// P(X <= x) for chi-square with `df` degrees of freedom.
    public static func chiSquareLower(_ x: Double, df: Double) -> Double {
        GSL.call { gsl_cdf_chisq_P(x, df) }
    }
    /// Standard normal quantile.
    public static func normalQuantile(_ p: Double) -> Double {
        GSL.call { gsl_cdf_ugaussian_Pinv(p) }
    }
    /// P(Z > z) for the standard normal.
    public static func normalUpper(_ z: Double) -> Double {
        GSL.call { gsl_cdf_ugaussian_Q(z) }
    }
    /// P(Z <= z) for the standard normal.
    public static func normalLower(_ z: Double) -> Double {
        GSL.call { gsl_cdf_ugaussian_P(z) }
    }
    /// The regularised incomplete beta function I_x(a, b) = P(X <= x) for X ~ Beta(a, b).
    public static func betaLower(_ x: Double, a: Double, b: Double) -> Double {
        GSL.call { gsl_cdf_beta_P(x, a, b) }
    }
    /// 1 - I_x(a, b), computed without cancellation.
    public static func betaUpper(_ x: Double, a: Double, b: Double) -> Double {
        GSL.call { gsl_cdf_beta_Q(x, a, b) }
    }
    /// P(K = k) for K ~ Poisson(mu).
    public static func poissonPMF(_ k: Int, mu: Double) -> Double {
        GSL.call { gsl_ran_poisson_pdf(UInt32(clamping: k), mu) }
    }
    /// log Gamma(x) for x > 0.
    public static func logGamma(_ x: Double) -> Double {
        GSL.call { gsl_sf_lngamma(x) }
    }
    /// log of the binomial coefficient C(n, k).
    public static func logChoose(_ n: Int, _ k: Int) -> Double {
        guard k >= 0, k <= n else { return -.infinity }
        return GSL.call { gsl_sf_lnchoose(UInt32(clamping: n), UInt32(clamping: k)) }
    }
}
