import Foundation

/// Maximum-likelihood means and covariances of a multivariate normal sample with missing
/// values, by the EM algorithm (Dempster, Laird & Rubin 1977; Little & Rubin 2002, ch. 11).
///
/// The unrestricted (H1) model of full-information ML: lavaan estimates it the same way
/// (`lav_mvnorm_missing_h1_estimate_moments`) for the chi-square and the SRMR. E-step per
/// missing pattern: `E[y_m | y_o] = mu_m + S_mo S_oo^-1 (y_o - mu_o)` and
/// `Cov[y_m | y_o] = S_mm - S_mo S_oo^-1 S_om`; M-step: the completed moments (divisor N).
/// Runs from the available-case means and variances until the largest change in any
/// estimate is below `tolerance` relative to its scale.
enum SaturatedEM {
    struct Estimate { var mean: [Double]; var cov: [Double]; var iterations: Int; var converged: Bool }

    static func estimate(_ patterns: [FactorData.Pattern], p: Int, n: Int,
                         tolerance: Double = 1e-11, maxIterations: Int = 20_000) -> Estimate {
        // Start: available-case means, variances, zero covariances.
        var mean = [Double](repeating: 0, count: p), count = [Double](repeating: 0, count: p)
        var sq = [Double](repeating: 0, count: p)
        for pt in patterns {
            for (a, j) in pt.observed.enumerated() {
                let k = pt.observed.count
                let w = Double(pt.n)
                mean[j] += w * pt.mean[a]; count[j] += w
                sq[j] += w * (pt.cov[a * k + a] + pt.mean[a] * pt.mean[a])
            }
        }
        var cov = [Double](repeating: 0, count: p * p)
        for j in 0..<p {
            guard count[j] > 0 else { cov[j * p + j] = 1; continue }
            mean[j] /= count[j]
            cov[j * p + j] = max(sq[j] / count[j] - mean[j] * mean[j], 1e-8)
        }
        let total = Double(n)
        var iterations = 0
        while iterations < maxIterations {
            iterations += 1
            var t1 = [Double](repeating: 0, count: p), t2 = [Double](repeating: 0, count: p * p)
            for pt in patterns {
                step(pt, p: p, mean: mean, cov: cov, t1: &t1, t2: &t2)
            }
            var newMean = t1.map { $0 / total }
            var newCov = [Double](repeating: 0, count: p * p)
            for i in 0..<p { for j in 0..<p { newCov[i * p + j] = t2[i * p + j] / total - newMean[i] * newMean[j] } }
            var change = 0.0
            for i in 0..<p {
                let scale = max(cov[i * p + i].squareRoot(), 1e-8)
                change = max(change, abs(newMean[i] - mean[i]) / scale)
                for j in 0..<p {
                    let s2 = max((cov[i * p + i] * cov[j * p + j]).squareRoot(), 1e-16)
                    change = max(change, abs(newCov[i * p + j] - cov[i * p + j]) / s2)
                }
            }
            swap(&mean, &newMean); swap(&cov, &newCov)
            if !change.isFinite { return Estimate(mean: mean, cov: cov, iterations: iterations, converged: false) }
            if change < tolerance { return Estimate(mean: mean, cov: cov, iterations: iterations, converged: true) }
        }
        return Estimate(mean: mean, cov: cov, iterations: iterations, converged: false)
    }

    /// Adds one pattern's completed first and second moments (sums over its rows) to t1, t2.
    static func step(_ pt: FactorData.Pattern, p: Int, mean: [Double], cov: [Double],
                     t1: inout [Double], t2: inout [Double]) {
        let o = pt.observed, k = o.count, w = Double(pt.n)
        let miss = (0..<p).filter { !o.contains($0) }
        if miss.isEmpty {
            for (a, i) in o.enumerated() {
                t1[i] += w * pt.mean[a]
                for (b, j) in o.enumerated() { t2[i * p + j] += w * (pt.cov[a * k + b] + pt.mean[a] * pt.mean[b]) }
            }
            return
        }
        // Regression of the missing on the observed: B = S_mo S_oo^-1.
        var soo = [Double](repeating: 0, count: k * k)
        for a in 0..<k { for b in 0..<k { soo[a * k + b] = cov[o[a] * p + o[b]] } }
        let inv = LinearAlgebra.inverseAndLogDeterminantSPD(soo, dim: k)?.inverse 
            ?? ((try? LinearAlgebra.pseudoInverse(soo, dim: k)) ?? [Double](repeating: 0, count: k * k))
        let mcount = miss.count
        var beta = [Double](repeating: 0, count: mcount * k)
        for (u, i) in miss.enumerated() {
            for b in 0..<k {
                var s = 0.0
                for a in 0..<k { s += cov[i * p + o[a]] * inv[a * k + b] }
                beta[u * k + b] = s
            }
        }
        // Completed values are linear in y_o: yhat_m = mu_m + B (y_o - mu_o).
        // Over the pattern's rows: mean of yhat and the covariance B S_pat B', plus the
        // residual covariance S_mm - B S_om for every row.
        var full = [Double](repeating: 0, count: p)           // pattern mean of completed y
        for (a, i) in o.enumerated() { full[i] = pt.mean[a] }
        for (u, i) in miss.enumerated() {
            var s = mean[i]
            for b in 0..<k { s += beta[u * k + b] * (pt.mean[b] - mean[o[b]]) }
            full[i] = s
        }
        // Within-pattern covariance of completed y: C = T S_pat T' with T = [I; B] (p x k),
        // plus the conditional covariance on the missing block.
        var tmat = [Double](repeating: 0, count: p * k)
        for (a, i) in o.enumerated() { tmat[i * k + a] = 1 }
        for (u, i) in miss.enumerated() { for b in 0..<k { tmat[i * k + b] = beta[u * k + b] } }
        let ts = LinearAlgebra.multiply(tmat, p, k, pt.cov, k, k)
        let c = LinearAlgebra.multiply(ts, p, k, tmat, p, k, transposeB: true)
        for i in 0..<p {
            t1[i] += w * full[i]
            for j in 0..<p { t2[i * p + j] += w * (c[i * p + j] + full[i] * full[j]) }
        }
        for (u, i) in miss.enumerated() {
            for j in miss {
                var s = cov[i * p + j]
                for b in 0..<k { s -= beta[u * k + b] * cov[o[b] * p + j] }
                t2[i * p + j] += w * s
            }
        }
    }

    /// -2 log-likelihood of the patterns under mean `mu` and covariance `sigma`; nil when a
    /// pattern's covariance block is not positive definite.
    static func minusTwoLogLikelihood(_ patterns: [FactorData.Pattern], p: Int, mu: [Double], sigma: [Double]) -> Double? {
        var f = 0.0
        for pt in patterns {
            let o = pt.observed, k = o.count
            var s = [Double](repeating: 0, count: k * k)
            for a in 0..<k { for b in 0..<k { s[a * k + b] = sigma[o[a] * p + o[b]] } }
            guard let (w, logDet) = LinearAlgebra.inverseAndLogDeterminantSPD(s, dim: k) else { return nil }
            var tr = 0.0, quad = 0.0
            for a in 0..<k {
                let da = pt.mean[a] - mu[o[a]]
                for b in 0..<k {
                    tr += pt.cov[a * k + b] * w[b * k + a]
                    quad += da * w[a * k + b] * (pt.mean[b] - mu[o[b]])
                }
            }
            f += Double(pt.n) * (Double(k) * log(2 * Double.pi) + logDet + tr + quad)
        }
        return f
    }
}
