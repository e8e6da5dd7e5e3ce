import Foundation

extension Distributions {
    /// Quantile of the F distribution by inverting GSL's cdf, accurate for any df.
    ///
    /// Solves `P(F <= x) = p` (or `Q(F > x) = 1 - p` for p > 0.5, keeping upper
    /// tails precise) by bracketing and bisection on log x with
    /// `fLower` / `fUpper` (GSL's `gsl_cdf_fdist_P` / `_Q`), because `gsl_cdf_fdist_Pinv`
    /// returns NaN for large df (df1 = 99999, df2 = 3899961 at p = 0.025).
    /// Matches R `qf` to about 1e-12 relative where R computes qf exactly
    /// (df2 <= 4e5); above that R's qf uses the approximation
    /// `qchisq(p, df1) / df1`, and this function gives the exact root of R's
    /// `pf` instead. Nil for p outside (0, 1) or df not positive.
    public static func fQuantileByInversion(_ p: Double, df1: Double, df2: Double) -> Double? {
        guard p > 0, p < 1, df1 > 0, df2 > 0, df1.isFinite, df2.isFinite else { return nil }
        let upper = p > 0.5
        // g(x) < 0 below the quantile and > 0 above it.
        func g(_ logX: Double) -> Double {
            let x = exp(logX)
            return upper ? (1 - p) - fUpper(x, df1: df1, df2: df2) : fLower(x, df1: df1, df2: df2) - p
        }
        var lo = 0.0, hi = 0.0
        var glo = g(lo), ghi = glo
        var steps = 0
        while glo > 0 && steps < 200 { hi = lo; ghi = glo; lo -= 1; glo = g(lo); steps += 1 }
        while ghi < 0 && steps < 400 { lo = hi; glo = ghi; hi += 1; ghi = g(hi); steps += 1 }
        guard glo <= 0, ghi >= 0, glo.isFinite, ghi.isFinite else { return nil }
        for _ in 0..<200 {
            let mid = 0.5 * (lo + hi)
            if mid <= lo || mid >= hi { break }
            if g(mid) < 0 { lo = mid } else { hi = mid }
        }
        let x = exp(0.5 * (lo + hi))
        return x.isFinite ? x : nil
    }
}
