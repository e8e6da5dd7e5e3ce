import Foundation

/// Internal consistency of a scale from a participants x items matrix.
///
/// Cronbach's alpha (raw and standardised, with Feldt's interval), McDonald's
/// omega total from a one-factor ML fit, odd-even split-half reliability and
/// item statistics. Matches R psych::alpha, factanal(factors = 1) and the
/// formulas of spec/cli.md (`waves reliability`).
public enum Reliability {
    /// Reliability statistics of `items` (rows participants, columns items,
    /// already reverse-scored; NaN or any non-finite value is missing).
    ///
    /// Uses the listwise complete rows. Everything is derived from the item
    /// covariance matrix C (one sweep over the rows, see `ItemCovariance`):
    /// alpha = k/(k-1) (1 - tr C / sum C) (psych raw_alpha); std alpha and
    /// average r from R = cov2cor(C) (psych std.alpha, average_r); Feldt
    /// interval `1 - (1 - alpha) F(q; n-1, (n-1)(k-1))`, q = .975 / .025;
    /// omega = (sum l)^2 / ((sum l)^2 + sum(1 - l^2)) with l from
    /// factanal(covmat = R, factors = 1); split-half = 2r/(1+r) with r the
    /// correlation of the sums of items 1, 3, 5, .. and 2, 4, 6, ..; r.drop and
    /// alpha-if-deleted as psych::alpha. With `bootstrap` > 0, percentile
    /// intervals of alpha and omega from that many row resamples (GSL MT19937
    /// seeded with `seed`). Values that cannot be computed are nil with a reason.
    public static func analyze(_ items: Matrix, bootstrap: Int = 0, seed: UInt64 = 1) throws -> ReliabilityResult {
        let (rows, sums) = items.withItemRows { ItemCovariance.completeRowsAndSums($0) }
        let cov = ItemCovariance.compute(items, rows: rows, counts: nil, sums: sums)
        var result = analyze(covariance: cov)
        if bootstrap > 0 {
            result.bootstrap = try ReliabilityBootstrapper.run(items, rows: rows, replicates: bootstrap, seed: seed)
        }
        return result
    }

    /// `analyze(_:)` without a bootstrap, of a table read in place (`ItemRows`): the same
    /// result as of the same values copied into a `Matrix` (the report's reliability section
    /// reads the instrument's columns so, without a 32 MB copy of a 40-item scale at 100,000
    /// participants).
    public static func analyze<T: ItemRows>(rows items: T) -> ReliabilityResult {
        analyze(covariance: ItemCovariance.compute(rows: items))
    }

    /// Reliability statistics from a covariance summary (no bootstrap).
    ///
    /// Same definitions as `analyze(_:bootstrap:seed:)`; exposed so that callers
    /// with a precomputed `ItemCovariance` (and the benchmark) skip the data pass.
    public static func analyze(covariance c: ItemCovariance) -> ReliabilityResult {
        let n = c.n, k = c.k
        var reasons: [String] = []
        let items = itemStatistics(c)
        var result = ReliabilityResult(n: n, k: k, alpha: nil, alphaCI: nil, stdAlpha: nil, averageR: nil,
                                       omegaTotal: nil, omegaFit: nil, splitHalf: nil, items: items,
                                       bootstrap: nil, reasons: [])
        if k < 2 {
            result.reasons = ["alpha: a scale needs at least 2 items (has \(k))"]
            return result
        }
        if n < 3 {
            result.reasons = [n == 0
                ? "alpha: no participant answered every item"
                : "alpha: needs at least 3 participants with every item answered (has \(n))"]
            return result
        }
        let summary = CovarianceSums(c)
        // Raw alpha and Feldt interval.
        result.alpha = rawAlpha(summary, k: k)
        if let a = result.alpha {
            result.alphaCI = feldtInterval(alpha: a, n: n, k: k)
            if result.alphaCI == nil { reasons.append("alpha_ci: the F quantiles could not be computed") }
        } else {
            reasons.append("alpha: the total score has no variance")
        }
        // Item-level values.
        for i in 0..<k {
            let cii = c[i, i]
            let restSum = summary.total - 2 * summary.colSums[i] + cii
            if cii > 0, restSum > 0 {
                result.items[i].rDrop = (summary.colSums[i] - cii) / (cii * restSum).squareRoot()
            } else {
                result.items[i].reasons.append(cii > 0
                    ? "r_drop: the other items' sum has no variance"
                    : "r_drop: the item has no variance")
            }
            if k < 3 {
                result.items[i].reasons.append("alpha_if_deleted: a single item would remain")
            } else if restSum > 0 {
                let kk = Double(k - 1)
                result.items[i].alphaIfDeleted = kk / (kk - 1) * (1 - (summary.trace - cii) / restSum)
            } else {
                result.items[i].reasons.append("alpha_if_deleted: the other items' sum has no variance")
            }
        }
        // Correlation-based values.
        let constant = (0..<k).filter { !(c[$0, $0] > 0) }
        if constant.isEmpty {
            let r = correlation(c)
            let sumR = r.reduce(0, +)
            let kd = Double(k)
            result.stdAlpha = (1 - kd / sumR) * (kd / (kd - 1))
            result.averageR = (sumR - kd) / (kd * (kd - 1))
            omega(r, k: k, into: &result, reasons: &reasons)
        } else {
            let names = constant.map { String($0 + 1) }.joined(separator: ", ")
            reasons.append("std_alpha: item(s) \(names) have no variance, so correlations are undefined")
            reasons.append("average_r: item(s) \(names) have no variance")
            reasons.append("omega_total: item(s) \(names) have no variance")
        }
        result.splitHalf = splitHalf(c)
        if result.splitHalf == nil {
            reasons.append("split_half: a half has no variance or the halves correlate -1")
        }
        result.reasons = reasons
        return result
    }

    /// Raw alpha `k/(k-1) (1 - tr C / sum C)`, nil when sum C <= 0.
    static func rawAlpha(_ s: CovarianceSums, k: Int) -> Double? {
        guard s.total > 0 else { return nil }
        let kd = Double(k)
        return kd / (kd - 1) * (1 - s.trace / s.total)
    }

    /// Feldt (1965) 95% interval `1 - (1 - alpha) F(q; n-1, (n-1)(k-1))`.
    ///
    /// q = 0.975 for the lower and 0.025 for the upper bound (spec/cli.md).
    public static func feldtInterval(alpha: Double, n: Int, k: Int) -> StatInterval? {
        guard n >= 2, k >= 2 else { return nil }
        let df1 = Double(n - 1), df2 = Double(n - 1) * Double(k - 1)
        guard let fHi = Distributions.fQuantileByInversion(0.975, df1: df1, df2: df2),
              let fLo = Distributions.fQuantileByInversion(0.025, df1: df1, df2: df2) else { return nil }
        let lower = 1 - (1 - alpha) * fHi, upper = 1 - (1 - alpha) * fLo
        guard lower.isFinite, upper.isFinite else { return nil }
        return StatInterval(lower: lower, upper: upper)
    }

    /// Omega total from the one-factor fit, or a reason in `reasons`.
    static func omega(_ r: [Double], k: Int, into result: inout ReliabilityResult, reasons: inout [String]) {
        switch omegaTotal(correlation: r, k: k) {
        case .success(let (omega, fit)):
            result.omegaTotal = omega
            result.omegaFit = fit
        case .failure(let failure):
            result.omegaFit = failure.fit
            reasons.append("omega_total: \(failure.reason)")
        }
    }

    struct OmegaFailure: Error {
        var reason: String
        var fit: OneFactorSolution?
    }

    /// Omega total `(sum l)^2 / ((sum l)^2 + sum(1 - l^2))` of a one-factor fit.
    static func omegaTotal(correlation r: [Double], k: Int) -> Result<(Double, OneFactorSolution), OmegaFailure> {
        let fit: OneFactorSolution
        do {
            fit = try OneFactorML.fit(correlation: r, k: k)
        } catch let StatsError.insufficientData(s) {
            return .failure(OmegaFailure(reason: s, fit: nil))
        } catch let StatsError.numerical(s) {
            return .failure(OmegaFailure(reason: s, fit: nil))
        } catch {
            return .failure(OmegaFailure(reason: "\(error)", fit: nil))
        }
        guard fit.converged else {
            return .failure(OmegaFailure(reason: "the one-factor fit did not converge", fit: fit))
        }
        if !fit.heywoodItems.isEmpty {
            let names = fit.heywoodItems.map { String($0 + 1) }.joined(separator: ", ")
            return .failure(OmegaFailure(
                reason: "Heywood case: the uniqueness of item(s) \(names) is at the lower bound 0.005", fit: fit))
        }
        let sumL = fit.loadings.reduce(0, +)
        let unique = fit.loadings.reduce(0) { $0 + (1 - $1 * $1) }
        let denominator = sumL * sumL + unique
        guard denominator > 0 else {
            return .failure(OmegaFailure(reason: "the factor solution explains no variance", fit: fit))
        }
        return .success((sumL * sumL / denominator, fit))
    }

    /// Odd-even split-half reliability, Spearman-Brown corrected, from C.
    static func splitHalf(_ c: ItemCovariance) -> Double? {
        let k = c.k
        guard k >= 2 else { return nil }
        var vOdd = 0.0, vEven = 0.0, cross = 0.0
        for i in 0..<k {
            for j in 0..<k {
                let v = c[i, j]
                switch (i % 2, j % 2) {
                case (0, 0): vOdd += v
                case (1, 1): vEven += v
                case (0, 1): cross += v
                default: break
                }
            }
        }
        guard vOdd > 0, vEven > 0 else { return nil }
        let r = cross / (vOdd * vEven).squareRoot()
        guard r > -1 else { return nil }
        return 2 * r / (1 + r)
    }

    /// R `cov2cor(C)` (assumes a positive diagonal).
    static func correlation(_ c: ItemCovariance) -> [Double] {
        let k = c.k
        let sd = (0..<k).map { c[$0, $0].squareRoot() }
        var r = [Double](repeating: 0, count: k * k)
        for i in 0..<k {
            for j in 0..<k { r[i * k + j] = i == j ? 1 : c[i, j] / (sd[i] * sd[j]) }
        }
        return r
    }

    /// Per-item n, mean and sd (values needing alpha are filled in later).
    static func itemStatistics(_ c: ItemCovariance) -> [ReliabilityItem] {
        (0..<c.k).map { i in
            var reasons: [String] = []
            let mean: Double? = c.n > 0 ? c.means[i] : nil
            let sd: Double? = c.n > 1 ? c[i, i].squareRoot() : nil
            if mean == nil { reasons.append("mean: no complete rows") }
            if sd == nil { reasons.append("sd: needs at least 2 complete rows") }
            return ReliabilityItem(index: i, n: c.n, mean: mean, sd: sd, rDrop: nil,
                                   alphaIfDeleted: nil, reasons: reasons)
        }
    }
}

/// Sums of a covariance matrix reused by alpha, r.drop and alpha-if-deleted.
struct CovarianceSums {
    let total: Double
    let trace: Double
    let colSums: [Double]

    init(_ c: ItemCovariance) {
        let k = c.k
        var cols = [Double](repeating: 0, count: k)
        var tr = 0.0
        for i in 0..<k {
            tr += c[i, i]
            for j in 0..<k { cols[j] += c[i, j] }
        }
        colSums = cols
        trace = tr
        total = cols.reduce(0, +)
    }
}
