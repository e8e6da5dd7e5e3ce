import Foundation

/// Distribution functions of the noncentral t and F, as Poisson mixtures of incomplete beta functions.
///
/// GSL has no noncentral distributions, so the mixtures are summed here; every special
/// function in them is GSL's (`Distributions.betaLower`, `normalLower`, `logGamma`).
/// The terms are summed outward from the largest Poisson weight until the weight left
/// out is below 1e-17, which bounds the truncation error (each beta term is at most 1).
public enum Noncentral {
    /// P(T <= t) for the noncentral t with `df` degrees of freedom and noncentrality `ncp`.
    ///
    /// Lenth (1989), "Algorithm AS 243", Appl. Statist. 38(1), 185-189, the series behind
    /// R `pt(t, df, ncp)`: for t >= 0, with x = t^2 / (t^2 + df) and lambda = ncp^2 / 2,
    /// `P = Phi(-ncp) + 1/2 sum_j [p_j I_x(j + 1/2, df/2) + q_j I_x(j + 1, df/2)]`,
    /// `p_j = e^-lambda lambda^j / j!`, `q_j = ncp e^-lambda lambda^j / (sqrt 2 Gamma(j + 3/2))`;
    /// for t < 0, `P(T <= t; ncp) = 1 - P(T <= -t; -ncp)`.
    public static func tLower(_ t: Double, df: Double, ncp: Double) -> Double {
        guard t.isFinite, df > 0, ncp.isFinite else {
            if t == .infinity { return 1 }
            if t == -.infinity { return 0 }
            return .nan
        }
        if ncp == 0 { return Distributions.tLower(t, df: df) }
        if t < 0 { return min(1, max(0, 1 - tLowerNonNegative(-t, df: df, ncp: -ncp))) }
        return min(1, max(0, tLowerNonNegative(t, df: df, ncp: ncp)))
    }

    private static func tLowerNonNegative(_ t: Double, df: Double, ncp: Double) -> Double {
        let x = t * t / (t * t + df)
        let lambda = ncp * ncp / 2
        let logLambda = log(lambda)
        let logAbsNcp = log(abs(ncp)), sign = ncp < 0 ? -1.0 : 1.0
        var sum = 0.0
        sumOutward(lambda: lambda) { j in
            let jd = Double(j)
            let logPoisson = -lambda + jd * logLambda - Distributions.logGamma(jd + 1)
            let p = exp(logPoisson)
            let q = sign * exp(logAbsNcp - lambda + jd * logLambda - 0.5 * log(2.0) - Distributions.logGamma(jd + 1.5))
            if x > 0 {
                sum += p * Distributions.betaLower(x, a: jd + 0.5, b: df / 2)
                    + q * Distributions.betaLower(x, a: jd + 1, b: df / 2)
            }
            return p + abs(q)
        }
        return Distributions.normalLower(-ncp) + sum / 2
    }

    /// P(F <= f) for the noncentral F with `df1`, `df2` degrees of freedom and noncentrality `ncp`.
    ///
    /// Johnson, Kotz & Balakrishnan (1995), Continuous Univariate Distributions 2, ch. 30
    /// (R `pf(f, df1, df2, ncp)`): with x = df1 f / (df1 f + df2),
    /// `P = sum_j e^(-ncp/2) (ncp/2)^j / j! I_x(df1/2 + j, df2/2)`.
    public static func fLower(_ f: Double, df1: Double, df2: Double, ncp: Double) -> Double {
        guard df1 > 0, df2 > 0, ncp >= 0, ncp.isFinite, !f.isNaN else { return .nan }
        if f <= 0 { return 0 }
        if f == .infinity { return 1 }
        if ncp == 0 { return Distributions.fLower(f, df1: df1, df2: df2) }
        let x = df1 * f / (df1 * f + df2)
        let mu = ncp / 2, logMu = log(mu)
        var sum = 0.0
        sumOutward(lambda: mu) { j in
            let jd = Double(j)
            let w = exp(-mu + jd * logMu - Distributions.logGamma(jd + 1))
            sum += w * Distributions.betaLower(x, a: df1 / 2 + jd, b: df2 / 2)
            return w
        }
        return min(1, max(0, sum))
    }

    /// Calls `term(j)` for j = mode, mode - 1, ..., 0 and then mode + 1, mode + 2, ... where
    /// mode = floor(lambda), stopping each direction when the weight `term` returns is
    /// below 1e-17 (the Poisson weights fall off on both sides of the mode), and upward also
    /// when the Poisson mass left, bounded by the weight times a geometric factor, is negligible.
    private static func sumOutward(lambda: Double, _ term: (Int) -> Double) {
        let mode = Int(lambda.rounded(.down))
        var j = mode
        while j >= 0 {
            if term(j) < 1e-17 { break }
            j -= 1
        }
        j = mode + 1
        // Beyond the mode the weights fall at least geometrically with ratio lambda / (j + 1).
        while j < mode + 100_000 {
            let w = term(j)
            let ratio = lambda / Double(j + 1)
            if w < 1e-17 * (1 - ratio) || w == 0 { break }
            j += 1
        }
    }
}
