import Foundation

/// The Clopper-Pearson ("exact") confidence interval of a binomial proportion.
///
/// Clopper & Pearson (1934), Biometrika 26, 404-413: the interval inverts two one-sided
/// binomial tests. With x successes in n trials and level 1 - a, through the beta-F relation
/// (Leemis & Trivedi 1996):
///
///     lower = x / (x + (n - x + 1) F(1 - a/2; 2(n - x + 1), 2x)),       0 when x = 0
///     upper = (x + 1) F' / (n - x + (x + 1) F'),  F' = F(1 - a/2; 2(x + 1), 2(n - x)),  1 when x = n
///
/// F quantiles by `Distributions.fQuantileByInversion` (GSL cdf inverted, accurate for any df).
/// Matches R `binom.test(x, n)$conf.int`.
public enum ClopperPearson {
    /// The interval for `successes` out of `trials` at confidence `level` (default 0.95);
    /// nil when `trials` is 0 or the counts do not fit.
    public static func interval(successes x: Int, trials n: Int, level: Double = 0.95) -> StatInterval? {
        guard n > 0, x >= 0, x <= n, level > 0, level < 1 else { return nil }
        let q = 1 - (1 - level) / 2
        let xd = Double(x), nd = Double(n)
        var lower = 0.0, upper = 1.0
        if x > 0 {
            guard let f = Distributions.fQuantileByInversion(q, df1: 2 * (nd - xd + 1), df2: 2 * xd) else { return nil }
            lower = xd / (xd + (nd - xd + 1) * f)
        }
        if x < n {
            guard let f = Distributions.fQuantileByInversion(q, df1: 2 * (xd + 1), df2: 2 * (nd - xd)) else { return nil }
            upper = (xd + 1) * f / (nd - xd + (xd + 1) * f)
        }
        return StatInterval(lower: lower, upper: upper)
    }
}
