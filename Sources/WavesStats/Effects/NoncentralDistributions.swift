import Foundation

/// Distribution functions of the noncentral t and F, as Poisson mixtures of incomplete beta functions.
///
/// GSL has no noncentral distributions, so the mixtures are summed here; every special
/// function in them is GSL's (`Distributions.betaLower`, `normalLower`, `logGamma`).
/// The terms are summed outward from the largest Poisson weight until the weight left
/// out is below 1e-17, which bounds the truncation error (each beta term is at most 1);
/// the incomplete beta functions of successive terms follow by recurrence.
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
        sumOutward(lambda: lambda, x: x, a: (0.5, 1), b: df / 2) { j, beta0, beta1 in
            let jd = Double(j)
            let p = exp(-lambda + jd * logLambda - Distributions.logGamma(jd + 1))
            let q = sign * exp(logAbsNcp - lambda + jd * logLambda - 0.5 * log(2.0) - Distributions.logGamma(jd + 1.5))
            sum += p * beta0 + q * beta1
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
        sumOutward(lambda: mu, x: x, a: (df1 / 2, nil), b: df2 / 2) { j, beta, _ in
            let w = exp(-mu + Double(j) * logMu - Distributions.logGamma(Double(j) + 1))
            sum += w * beta
            return w
        }
        return min(1, max(0, sum))
    }

    /// P(X <= x) for the noncentral chi-square with `df` degrees of freedom and noncentrality
    /// `ncp`, as R `pchisq(x, df, ncp)` (the RMSEA interval of `waves cfa`).
    ///
    /// The Poisson mixture of central chi-squares (Johnson, Kotz & Balakrishnan 1995, eq. 29.2):
    /// `sum_j exp(-ncp/2) (ncp/2)^j / j! * P(chi2_{df + 2j} <= x)`, summed outward from the
    /// Poisson mode until a weight is below 1e-17 and the remaining mass below 1e-15.
    public static func chiSquareLower(_ x: Double, df: Double, ncp: Double) -> Double {
        guard df > 0, ncp >= 0, ncp.isFinite, !x.isNaN else { return .nan }
        guard x > 0 else { return 0 }
        if x == .infinity { return 1 }
        guard ncp > 0 else { return Distributions.chiSquareLower(x, df: df) }
        let half = ncp / 2, logHalf = log(half)
        func weight(_ j: Int) -> Double { exp(-half + Double(j) * logHalf - Distributions.logGamma(Double(j) + 1)) }
        let mode = Int(half.rounded(.down))
        var total = 0.0, mass = 0.0
        var j = mode
        while j >= 0 {
            let w = weight(j)
            total += w * Distributions.chiSquareLower(x, df: df + 2 * Double(j)); mass += w
            if w < 1e-17 && j < mode { break }
            j -= 1
        }
        j = mode + 1
        while j < mode + 1_000_000 {
            let w = weight(j)
            total += w * Distributions.chiSquareLower(x, df: df + 2 * Double(j)); mass += w
            if w < 1e-17 || 1 - mass < 1e-15 { break }
            j += 1
        }
        return min(max(total, 0), 1)
    }

    /// Calls `term(j, I_x(a.0 + j, b), I_x(a.1 + j, b))` for j = mode, mode - 1, ..., 0 and
    /// then mode + 1, mode + 2, ... where mode = floor(lambda), stopping each direction when the
    /// weight `term` returns is below 1e-17 (the Poisson weights fall off on both sides of the
    /// mode; beyond it at least geometrically with ratio lambda / (j + 1), which bounds the
    /// mass left out). Without a second sequence (`a.1` nil) its value is 0.
    ///
    /// GSL gives I_x at the mode; the other terms follow by the recurrences of AS 243,
    /// `I_x(a + 1, b) = I_x(a, b) - g(a)` and `g(a + 1) = g(a) x (a + b) / (a + 1)` with
    /// `g(a) = x^a (1 - x)^b Gamma(a + b) / (Gamma(a + 1) Gamma(b))`, so one evaluation
    /// costs two incomplete beta functions per sequence instead of one per term. The two
    /// sequences are a pair, not an array: an array per term was a visible share of the
    /// report's effect-size intervals.
    private static func sumOutward(lambda: Double, x: Double, a: (Double, Double?), b: Double,
                                   _ term: (Int, Double, Double) -> Double) {
        let mode = Int(lambda.rounded(.down))
        var down0 = BetaRecurrence(x: x, a0: a.0, b: b, j: mode)
        var down1 = a.1.map { BetaRecurrence(x: x, a0: $0, b: b, j: mode) }
        var up0 = down0, up1 = down1
        if term(mode, down0.value, down1?.value ?? 0) < 1e-17 { return }
        for j in stride(from: mode - 1, through: 0, by: -1) {
            down0.down(); down1?.down()
            if term(j, down0.value, down1?.value ?? 0) < 1e-17 { break }
        }
        var j = mode + 1
        while j < mode + 1_000_000 {
            up0.up(); up1?.up()
            let w = term(j, up0.value, up1?.value ?? 0)
            let ratio = lambda / Double(j + 1)
            if w < 1e-17 * (1 - ratio) || w == 0 { break }
            j += 1
        }
    }
}

/// I_x(a0 + j, b) stepped in j by the recurrence of the incomplete beta function.
private struct BetaRecurrence {
    let x: Double, a0: Double, b: Double
    private(set) var j: Int
    private(set) var value: Double
    /// g(a) = I_x(a, b) - I_x(a + 1, b) at a = a0 + j.
    private var g: Double

    init(x: Double, a0: Double, b: Double, j: Int) {
        self.x = x; self.a0 = a0; self.b = b; self.j = j
        let a = a0 + Double(j)
        guard x > 0, x < 1 else {
            value = x >= 1 ? 1 : 0; g = 0; return
        }
        value = Distributions.betaLower(x, a: a, b: b)
        g = exp(a * log(x) + b * log1p(-x) + Distributions.logGamma(a + b) - Distributions.logGamma(a + 1)
                - Distributions.logGamma(b))
    }

    /// From j to j + 1.
    mutating func up() {
        let a = a0 + Double(j)
        value = max(0, value - g)
        g *= x * (a + b) / (a + 1)
        j += 1
    }

    /// From j to j - 1.
    mutating func down() {
        j -= 1
        let a = a0 + Double(j)
        guard x > 0 else { return }
        g *= (a + 1) / (x * (a + b))
        value = min(1, value + g)
    }
}
