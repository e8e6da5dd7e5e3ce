import Foundation

/// Little's test that data are missing completely at random (MCAR).
///
/// Little (1988), "A test of missing completely at random for multivariate data with
/// missing values", JASA 83(404), 1198-1202. The maximum-likelihood mean mu and covariance
/// Sigma under multivariate normality come from the EM algorithm (Dempster, Laird & Rubin
/// 1977; Little & Rubin 2002, section 11.2); then, over the missing-data patterns j with
/// n_j rows, observed variables o_j (p_j of them) and observed means ybar_j,
/// `d2 = sum_j n_j (ybar_j - mu_oj)' Sigma_oj^-1 (ybar_j - mu_oj)`, referred to chi-square
/// with `df = sum_j p_j - p`. As R `naniar::mcar_test` (which takes mu and Sigma from
/// `norm::em.norm`; this EM runs to a tighter tolerance, so the statistic can differ from
/// naniar's in the fourth digit). Rows with no observed value are left out.
public enum LittleMCAR {
    public struct Result: Sendable, Equatable {
        public let chisq: Double
        public let df: Int
        /// Upper chi-square tail; nil when df = 0 (no missing values, nothing to test).
        public let p: Double?
        /// Distinct missing-data patterns among the rows used.
        public let patterns: Int
        /// Rows used (at least one observed value).
        public let n: Int
        /// EM estimates: the mean vector and the covariance matrix (row-major, ML with divisor n).
        public let mean: [Double]
        public let covariance: [Double]
        public let iterations: Int
        public let converged: Bool
    }

    /// Runs the test on a rows x variables matrix with NaN for missing values.
    ///
    /// Throws `StatsError.insufficientData` when fewer than 2 rows have data, a variable is
    /// never observed, or a covariance block is singular (e.g. a variable with no variance).
    public static func test(_ data: Matrix, tolerance: Double = 1e-12, maxIterations: Int = 100_000) throws -> Result {
        let p = data.cols
        guard p >= 1 else { throw StatsError.insufficientData("Little's test needs at least one variable") }
        // Group rows by pattern (observed = true), keeping first-appearance order.
        var patternIndex: [[Bool]: Int] = [:]
        var patterns: [(observed: [Int], missing: [Int], rows: [Int])] = []
        for r in 0..<data.rows {
            let mask = (0..<p).map { data[r, $0].isFinite }
            guard mask.contains(true) else { continue }
            if let g = patternIndex[mask] {
                patterns[g].rows.append(r)
            } else {
                patternIndex[mask] = patterns.count
                patterns.append(((0..<p).filter { mask[$0] }, (0..<p).filter { !mask[$0] }, [r]))
            }
        }
        let n = patterns.reduce(0) { $0 + $1.rows.count }
        guard n >= 2 else { throw StatsError.insufficientData("Little's test needs at least 2 rows with data (has \(n))") }
        for v in 0..<p where !patterns.contains(where: { $0.observed.contains(v) }) {
            throw StatsError.insufficientData("variable \(v + 1) has no observed value")
        }
        // Start: observed means and variances (divisor n), no covariances.
        var mu = [Double](repeating: 0, count: p)
        var sigma = [Double](repeating: 0, count: p * p)
        for v in 0..<p {
            let x = (0..<data.rows).map { data[$0, v] }.filter(\.isFinite)
            mu[v] = Descriptives.mean(x)
            sigma[v * p + v] = Descriptives.sumOfSquares(x, about: mu[v]) / Double(x.count)
            if !(sigma[v * p + v] > 0) { sigma[v * p + v] = 1 }
        }
        var iterations = 0, converged = false
        while iterations < maxIterations {
            iterations += 1
            let (newMu, newSigma) = try emStep(data, patterns: patterns, n: n, mu: mu, sigma: sigma)
            var change = 0.0, size = 0.0
            for i in 0..<p { change = max(change, abs(newMu[i] - mu[i])); size = max(size, abs(newMu[i])) }
            for i in 0..<(p * p) { change = max(change, abs(newSigma[i] - sigma[i])); size = max(size, abs(newSigma[i])) }
            mu = newMu; sigma = newSigma
            if change <= tolerance * (1 + size) { converged = true; break }
        }
        var d2 = 0.0, df = 0
        for pat in patterns {
            let o = pat.observed
            let sub = o.flatMap { i in o.map { sigma[i * p + $0] } }
            let diff = o.map { v in Descriptives.mean(pat.rows.map { data[$0, v] }) - mu[v] }
            let w = try solve(sub, diff, "Little's test: the covariance of variables \(o.map { String($0 + 1) }.joined(separator: ","))")
            d2 += Double(pat.rows.count) * zip(diff, w).reduce(0) { $0 + $1.0 * $1.1 }
            df += o.count
        }
        df -= p
        return Result(chisq: d2, df: df, p: df > 0 ? Distributions.chiSquareUpper(d2, df: Double(df)) : nil,
                      patterns: patterns.count, n: n, mean: mu, covariance: sigma,
                      iterations: iterations, converged: converged)
    }

    /// One EM step: expected sufficient statistics given (mu, sigma), then their ML estimates.
    ///
    /// For a row with observed part o and missing part m: E[y_m] = mu_m + B (y_o - mu_o) with
    /// B = Sigma_mo Sigma_oo^-1, and the conditional covariance Sigma_mm - B Sigma_om is added
    /// to the cross-products of the missing block.
    static func emStep(_ data: Matrix, patterns: [(observed: [Int], missing: [Int], rows: [Int])], n: Int,
                       mu: [Double], sigma: [Double]) throws -> ([Double], [Double]) {
        let p = data.cols
        var t1 = [Double](repeating: 0, count: p)
        var t2 = [Double](repeating: 0, count: p * p)
        for pat in patterns {
            let o = pat.observed, m = pat.missing
            var b = [[Double]](repeating: [], count: m.count)   // rows of B
            var conditional = [Double](repeating: 0, count: m.count * m.count)
            if !m.isEmpty {
                let soo = o.flatMap { i in o.map { sigma[i * p + $0] } }
                guard let inv = try LinearAlgebra.choleskyInverse(soo, dim: o.count) else {
                    throw StatsError.insufficientData("Little's test: the covariance of the observed variables is singular (a variable without variance?)")
                }
                for (a, mi) in m.enumerated() {
                    b[a] = (0..<o.count).map { c in (0..<o.count).reduce(0) { $0 + sigma[mi * p + o[$1]] * inv[$1 * o.count + c] } }
                }
                for (a, mi) in m.enumerated() {
                    for (c, mj) in m.enumerated() {
                        conditional[a * m.count + c] = sigma[mi * p + mj]
                            - (0..<o.count).reduce(0) { $0 + b[a][$1] * sigma[o[$1] * p + mj] }
                    }
                }
            }
            var y = [Double](repeating: 0, count: p)
            for r in pat.rows {
                for v in o { y[v] = data[r, v] }
                for (a, mi) in m.enumerated() {
                    y[mi] = mu[mi] + (0..<o.count).reduce(0) { $0 + b[a][$1] * (data[r, o[$1]] - mu[o[$1]]) }
                }
                for i in 0..<p {
                    t1[i] += y[i]
                    for j in 0..<p { t2[i * p + j] += y[i] * y[j] }
                }
            }
            let count = Double(pat.rows.count)
            for (a, mi) in m.enumerated() {
                for (c, mj) in m.enumerated() { t2[mi * p + mj] += count * conditional[a * m.count + c] }
            }
        }
        let nd = Double(n)
        let newMu = t1.map { $0 / nd }
        var newSigma = [Double](repeating: 0, count: p * p)
        for i in 0..<p { for j in 0..<p { newSigma[i * p + j] = t2[i * p + j] / nd - newMu[i] * newMu[j] } }
        return (newMu, newSigma)
    }

    private static func solve(_ a: [Double], _ b: [Double], _ what: String) throws -> [Double] {
        do {
            return try LinearAlgebra.choleskySolve(a, b, what)
        } catch {
            throw StatsError.insufficientData("\(what) is singular (a variable without variance?)")
        }
    }
}
