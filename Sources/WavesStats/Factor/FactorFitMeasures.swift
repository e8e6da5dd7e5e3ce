import Foundation

/// lavaan's `fitMeasures()` for an ML fit (standard test, `likelihood = "normal"`).
///
/// - chi-square: `-2 log L(H0) + 2 log L(H1)` (with complete data `N F_ML`, N not N-1);
///   df: sample moments (p(p+1)/2 per group, plus p means with a mean structure) minus
///   free parameters; p: upper chi-square tail, null when df = 0.
/// - baseline: the independence model (free means and variances; with missing data its ML
///   estimates are the available-case means and variances), df `G p(p-1)/2`.
/// - CFI (Bentler 1990) and TLI (Tucker & Lewis 1973) as lavaan's `lav_fit_cfi`/`lav_fit_tli`.
/// - RMSEA `sqrt(max(X2/N/df - 1/N, 0)) sqrt(G)` (Steiger 1990; lavaan's multi-group
///   sqrt(G)) with the 90% interval from the noncentral chi-square, as `lav_fit_rmsea_ci`.
/// - SRMR: Bentler's, residuals `(s_ij - sigma_ij)/sqrt(s_ii s_jj)` for i <= j and, with a
///   mean structure, `(m_i - mu_i)/sqrt(s_ii)`, root mean square per group, weighted by
///   n_g / N; s and m the H1 moments (EM under missing data), as lavaan.
/// - AIC `-2 logL + 2 npar`, BIC `-2 logL + npar log N`.
public struct FactorFitMeasures: Sendable, Equatable {
    public var npar: Int
    public var n: Int
    public var chisq: Double
    public var df: Int
    public var p: Double?
    public var cfi: Double?
    public var tli: Double?
    public var rmsea: Double
    public var rmseaLower: Double?
    public var rmseaUpper: Double?
    public var srmr: Double
    public var aic: Double
    public var bic: Double
    public var logLikelihood: Double
    public var unrestrictedLogLikelihood: Double
    public var baselineChisq: Double
    public var baselineDf: Int

    /// The measures of a fit whose `-2 log L` is `value`, at implied moments `mats`.
    static func compute(_ layout: FactorLayout, _ data: FactorData, value: Double, mats: [GroupMatrices]) -> FactorFitMeasures {
        let p = layout.p, groups = layout.groups
        let ms = layout.model.meanStructure
        var h1 = 0.0, baseline = 0.0
        for g in data.groups {
            h1 += SaturatedEM.minusTwoLogLikelihood(g.patterns, p: p, mu: g.h1Mean, sigma: g.h1Cov) ?? .nan
            let (mu, variances) = availableCase(g, p: p)
            var sigma = [Double](repeating: 0, count: p * p)
            for i in 0..<p { sigma[i * p + i] = variances[i] }
            baseline += SaturatedEM.minusTwoLogLikelihood(g.patterns, p: p, mu: mu, sigma: sigma) ?? .nan
        }
        let moments = groups * (p * (p + 1) / 2 + (ms ? p : 0))
        let npar = layout.reducedCount
        let df = moments - npar
        // A just-identified model reproduces the moments: its chi-square is 0 up to rounding.
        var chisq = max(value - h1, 0)
        if df == 0 && chisq < 1e-8 * Double(max(data.total, 1)) { chisq = 0 }
        let baselineChisq = max(baseline - h1, 0)
        let baselineDf = groups * p * (p - 1) / 2
        let n = data.total
        let logL = -value / 2
        let nD = Double(n), dfD = Double(df), g = Double(groups)
        let rmsea = df > 0 ? (max(chisq / nD / dfD - 1 / nD, 0)).squareRoot() * g.squareRoot() : 0
        let (lo, hi) = rmseaInterval(chisq, df: df, n: nD, groups: g)
        return FactorFitMeasures(
            npar: npar, n: n, chisq: chisq, df: df,
            p: df > 0 ? Distributions.chiSquareUpper(chisq, df: dfD) : nil,
            cfi: cfi(chisq, dfD, baselineChisq, Double(baselineDf)),
            tli: tli(chisq, dfD, baselineChisq, Double(baselineDf)),
            rmsea: rmsea, rmseaLower: lo, rmseaUpper: hi,
            srmr: srmr(layout, data, mats),
            aic: -2 * logL + 2 * Double(npar), bic: -2 * logL + Double(npar) * log(nD),
            logLikelihood: logL, unrestrictedLogLikelihood: -h1 / 2,
            baselineChisq: baselineChisq, baselineDf: baselineDf)
    }

    /// Available-case means and variances (divisor n_j): the independence model's ML estimates.
    static func availableCase(_ g: FactorData.Group, p: Int) -> ([Double], [Double]) {
        var sum = [Double](repeating: 0, count: p), sq = sum, count = sum
        for pt in g.patterns {
            let k = pt.observed.count, w = Double(pt.n)
            for (a, j) in pt.observed.enumerated() {
                sum[j] += w * pt.mean[a]; count[j] += w
                sq[j] += w * (pt.cov[a * k + a] + pt.mean[a] * pt.mean[a])
            }
        }
        let mean = (0..<p).map { sum[$0] / max(count[$0], 1) }
        let variance = (0..<p).map { sq[$0] / max(count[$0], 1) - mean[$0] * mean[$0] }
        return (mean, variance)
    }

    /// lavaan's `lav_fit_cfi`.
    static func cfi(_ x2: Double, _ df: Double, _ x2b: Double, _ dfb: Double) -> Double? {
        guard x2.isFinite, x2b.isFinite else { return nil }
        let t1 = max(x2 - df, 0), t2 = max(x2 - df, x2b - dfb, 0)
        if abs(t1) < 1.5e-8 && abs(t2) < 1.5e-8 { return 1 }
        return 1 - t1 / t2
    }

    /// lavaan's `lav_fit_tli`.
    static func tli(_ x2: Double, _ df: Double, _ x2b: Double, _ dfb: Double) -> Double? {
        let t1 = (x2 - df) * dfb, t2 = (x2b - dfb) * df
        if df > 0 && abs(t2) > 0 { return 1 - t1 / t2 }
        return t1.isFinite && t2.isFinite ? 1 : nil
    }

    /// The 90% RMSEA interval of lavaan's `lav_fit_rmsea_ci`: the noncentralities at which
    /// the observed chi-square is the 95th and 5th percentile.
    ///
    /// Each root is found by `MonotoneRoot` (the library's one root finder), started at the
    /// normal approximation of the bound (the noncentral chi-square has mean df + lambda and
    /// variance 2 (df + 2 lambda)); each evaluation sums a series as long as the noncentrality
    /// is large, and at the 12,000 degrees of freedom of a 160-variable invariance model the
    /// bisection used before took about 40 of them per bound (0.4 s of the command).
    static func rmseaInterval(_ x2: Double, df: Int, n: Double, groups: Double) -> (Double?, Double?) {
        guard x2.isFinite, n > 0 else { return (nil, nil) }
        let d = Double(df)
        func cdf(_ lambda: Double) -> Double { Noncentral.chiSquareLower(x2, df: d, ncp: lambda) }
        func scale(_ lambda: Double) -> Double { (lambda / (n * d)).squareRoot() * groups.squareRoot() }
        let centre = max(0, x2 - d), spread = (2 * (d + 2 * centre)).squareRoot()
        func root(_ q: Double, _ guess: Double) -> Double? {
            MonotoneRoot.decreasing({ cdf($0) - q }, near: max(0, guess), scale: max(1, spread / 2), floor: 0)
        }
        var lower: Double? = 0, upper: Double? = 0
        if df >= 1 && cdf(0) - 0.95 >= 0 {
            lower = root(0.95, centre - 1.645 * spread).map(scale)
        }
        let top = max(n, 4 * x2)
        if !(df < 1 || cdf(top) - 0.05 > 0 || cdf(0) - 0.05 < 0) {
            upper = root(0.05, centre + 1.645 * spread).map(scale)
        }
        return (lower, upper)
    }

    /// Bentler's SRMR with mean residuals when the model has a mean structure.
    static func srmr(_ layout: FactorLayout, _ data: FactorData, _ mats: [GroupMatrices]) -> Double {
        let p = layout.p, ms = layout.model.meanStructure
        var total = 0.0
        for (g, grp) in data.groups.enumerated() {
            let s = grp.h1Cov
            var sum = 0.0
            for i in 0..<p {
                let si = s[i * p + i].squareRoot()
                for j in i..<p {
                    let r = (s[i * p + j] - mats[g].sigma[i * p + j]) / (si * s[j * p + j].squareRoot())
                    sum += r * r
                }
                if ms {
                    let r = (grp.h1Mean[i] - mats[g].mu[i]) / si
                    sum += r * r
                }
            }
            let count = Double(p * (p + 1) / 2 + (ms ? p : 0))
            total += Double(grp.n) / Double(data.total) * (sum / count).squareRoot()
        }
        return total
    }
}
