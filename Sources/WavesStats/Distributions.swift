internal import CGSL
import Foundation

/// Probability distributions from GSL (`gsl_cdf_*`), never hand-written series.
///
/// Upper tails use GSL's `Q` functions directly so that tiny p-values keep
/// their precision.
public enum Distributions {
    /// P(T > t) for Student's t with `df` degrees of freedom.
    public static func tUpper(_ t: Double, df: Double) -> Double {
        GSLRuntime.setUp(); return gsl_cdf_tdist_Q(t, df)
    }
    /// Two-sided p-value of a t statistic.
    public static func tTwoSided(_ t: Double, df: Double) -> Double {
        GSLRuntime.setUp(); return 2 * gsl_cdf_tdist_Q(abs(t), df)
    }
    /// Quantile of Student's t.
    public static func tQuantile(_ p: Double, df: Double) -> Double {
        GSLRuntime.setUp(); return gsl_cdf_tdist_Pinv(p, df)
    }
    /// P(F > f) for the F distribution.
    public static func fUpper(_ f: Double, df1: Double, df2: Double) -> Double {
        GSLRuntime.setUp(); return gsl_cdf_fdist_Q(f, df1, df2)
    }
    /// Quantile of the F distribution.
    public static func fQuantile(_ p: Double, df1: Double, df2: Double) -> Double {
        GSLRuntime.setUp(); return gsl_cdf_fdist_Pinv(p, df1, df2)
    }
    /// P(X > x) for chi-square with `df` degrees of freedom.
    public static func chiSquareUpper(_ x: Double, df: Double) -> Double {
        GSLRuntime.setUp(); return gsl_cdf_chisq_Q(x, df)
    }
    /// Standard normal quantile.
    public static func normalQuantile(_ p: Double) -> Double {
        GSLRuntime.setUp(); return gsl_cdf_ugaussian_Pinv(p)
    }
    /// P(Z > z) for the standard normal.
    public static func normalUpper(_ z: Double) -> Double {
        GSLRuntime.setUp(); return gsl_cdf_ugaussian_Q(z)
    }
}
