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
        var mask = [Bool](repeating: false, count: p)
        var lastMask: [Bool]? = nil, lastPattern = -1
        for r in 0..<data.rows {
            for v in 0..<p { mask[v] = data[r, v].isFinite }
            guard mask.contains(true) else { continue }
            // Rows of one pattern often follow each other: compare with the last row's mask first.
            let g: Int
            if mask == lastMask { g = lastPattern } else if let known = patternIndex[mask] { g = known } else {
                g = patterns.count
                patternIndex[mask] = g
                patterns.append(((0..<p).filter { mask[$0] }, (0..<p).filter { !mask[$0] }, []))
            }
            patterns[g].rows.append(r)
            lastMask = mask; lastPattern = g
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
        let sums = patterns.map { PatternSums(data, observed: $0.observed, rows: $0.rows) }
        var iterations = 0, converged = false
        while iterations < maxIterations {
            iterations += 1
            let (newMu, newSigma) = try emStep(patterns: patterns, sums: sums, p: p, n: n, mu: mu, sigma: sigma)
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

    /// A pattern's observed data, summed once: its row count, the sums of its observed
    /// variables and their cross-products (o x o, row-major, in the order of `observed`).
    struct PatternSums {
        var count: Double
        var s1: [Double]
        var s2: [Double]

        init(_ data: Matrix, observed o: [Int], rows: [Int]) {
            let k = o.count
            count = Double(rows.count)
            s1 = [Double](repeating: 0, count: k)
            s2 = [Double](repeating: 0, count: k * k)
            var y = [Double](repeating: 0, count: k)
            for r in rows {
                for (a, v) in o.enumerated() { y[a] = data[r, v] }
                for a in 0..<k {
                    s1[a] += y[a]
                    for b in 0..<k { s2[a * k + b] += y[a] * y[b] }
                }
            }
        }
    }

    /// One EM step: expected sufficient statistics given (mu, sigma), then their ML estimates.
    ///
    /// For a row with observed part o and missing part m: E[y_m] = mu_m + B (y_o - mu_o) with
    /// B = Sigma_mo Sigma_oo^-1, and the conditional covariance Sigma_mm - B Sigma_om is added
    /// to the cross-products of the missing block. E[y_m] is linear in y_o, so a pattern's
    /// expected sums follow from its observed sums (`PatternSums`) with e = mu_m - B mu_o:
    /// sum y_m = c e + B s1, sum y_m y_o' = e s1' + B S2, sum y_m y_m' = c e e' + e (B s1)' +
    /// (B s1) e' + B S2 B'; a step costs O(patterns p^3), not O(rows p^2).
    static func emStep(patterns: [(observed: [Int], missing: [Int], rows: [Int])], sums: [PatternSums], p: Int, n: Int,
                       mu: [Double], sigma: [Double]) throws -> ([Double], [Double]) {
        var t1 = [Double](repeating: 0, count: p)
        var t2 = [Double](repeating: 0, count: p * p)
        for (pat, ps) in zip(patterns, sums) {
            let o = pat.observed, m = pat.missing, k = o.count, c = ps.count
            // Observed block: the sums themselves.
            for (a, va) in o.enumerated() {
                t1[va] += ps.s1[a]
                for (b, vb) in o.enumerated() { t2[va * p + vb] += ps.s2[a * k + b] }
            }
            guard !m.isEmpty else { continue }
            let soo = o.flatMap { i in o.map { sigma[i * p + $0] } }
            guard let inv = try LinearAlgebra.choleskyInverse(soo, dim: k) else {
                throw StatsError.insufficientData("Little's test: the covariance of the observed variables is singular (a variable without variance?)")
            }
            // B (m x o), e = mu_m - B mu_o, B s1, B S2 (m x o).
            var b = [Double](repeating: 0, count: m.count * k)
            for (a, mi) in m.enumerated() {
                for col in 0..<k { b[a * k + col] = (0..<k).reduce(0) { $0 + sigma[mi * p + o[$1]] * inv[$1 * k + col] } }
            }
            let e = m.enumerated().map { a, mi in mu[mi] - (0..<k).reduce(0) { $0 + b[a * k + $1] * mu[o[$1]] } }
            let bs1 = (0..<m.count).map { a in (0..<k).reduce(0) { $0 + b[a * k + $1] * ps.s1[$1] } }
            var bs2 = [Double](repeating: 0, count: m.count * k)
            for a in 0..<m.count {
                for col in 0..<k { bs2[a * k + col] = (0..<k).reduce(0) { $0 + b[a * k + $1] * ps.s2[$1 * k + col] } }
            }
            for (a, mi) in m.enumerated() {
                t1[mi] += c * e[a] + bs1[a]
                // Missing x observed, both orders.
                for (col, vo) in o.enumerated() {
                    let v = e[a] * ps.s1[col] + bs2[a * k + col]
                    t2[mi * p + vo] += v
                    t2[vo * p + mi] += v
                }
                // Missing x missing: expected products plus the conditional covariance.
                for (a2, mj) in m.enumerated() {
                    let bs2b = (0..<k).reduce(0) { $0 + bs2[a * k + $1] * b[a2 * k + $1] }
                    let conditional = sigma[mi * p + mj] - (0..<k).reduce(0) { $0 + b[a * k + $1] * sigma[o[$1] * p + mj] }
                    t2[mi * p + mj] += c * e[a] * e[a2] + e[a] * bs1[a2] + bs1[a] * e[a2] + bs2b + c * conditional
                }
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
