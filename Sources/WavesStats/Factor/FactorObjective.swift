import Foundation

/// The normal-theory likelihood of a factor model: its value, analytic gradient and
/// expected information.
///
/// The value is `-2 log L` summed over groups and missing-data patterns (Arbuckle 1996):
/// `sum_pat n_pat [k log 2pi + log|S_oo| + tr(C_pat S_oo^-1) + d' S_oo^-1 d]` with S_oo the
/// implied covariance of the pattern's k observed variables, C_pat their sample covariance
/// (divisor n_pat) and d the pattern mean minus the implied mean. With complete data this
/// is lavaan's ML discrepancy `n [log|Sigma| + tr(S Sigma^-1) - log|S| - p + d' Sigma^-1 d]`
/// plus the saturated `-2 log L`, so chi-square is the difference from H1 in both cases.
///
/// Gradient: with `G = sum n W (Sigma - C - d d') W` (W = S_oo^-1, embedded) and
/// `g_mu = -2 sum n W d`, `df/dtheta_e = 2 x_e' G y_e + g_mu' d_e` for the rank-two
/// derivative `dSigma = x y' + y x'` of `FactorLayout.derivatives`.
/// Expected information (per-pattern, lavaan's `h1.information = "structured"`):
/// `I_ef = sum n [(x_e'W x_f)(y_e'W y_f) + (x_e'W y_f)(y_e'W x_f) + d_e' W d_f]`, which is
/// `1/2 tr(W dSigma_e W dSigma_f) + d_e' W d_f`; the expected Hessian of the value is 2 I.
struct FactorObjective {
    let layout: FactorLayout
    let data: FactorData

    struct Evaluation {
        var value: Double
        /// Gradient in the full space (empty when not asked for).
        var gradient: [Double]
        var mats: [GroupMatrices]
    }

    /// The implied moments; without a mean structure the mean is the saturated (sample) one.
    func matrices(_ theta: [Double]) -> [GroupMatrices] {
        var mats = layout.matrices(layout.values(theta))
        if !layout.model.meanStructure {
            for g in 0..<mats.count { mats[g].mu = data.groups[g].h1Mean }
        }
        return mats
    }

    /// Value and (optionally) gradient; nil when an implied covariance block is not
    /// positive definite.
    func evaluate(_ theta: [Double], gradient wanted: Bool = true) -> Evaluation? {
        let mats = matrices(theta)
        let p = layout.p
        var value = 0.0
        var grad = [Double](repeating: 0, count: wanted ? layout.fullCount : 0)
        for g in 0..<mats.count {
            var bigG = [Double](repeating: 0, count: p * p), gmu = [Double](repeating: 0, count: p)
            for pt in data.groups[g].patterns {
                let o = pt.observed, k = o.count, n = Double(pt.n)
                var s = [Double](repeating: 0, count: k * k)
                for a in 0..<k { for b in 0..<k { s[a * k + b] = mats[g].sigma[o[a] * p + o[b]] } }
                guard let (w, logDet) = LinearAlgebra.inverseAndLogDeterminantSPD(s, dim: k) else { return nil }
                var d = [Double](repeating: 0, count: k)
                for a in 0..<k { d[a] = pt.mean[a] - mats[g].mu[o[a]] }
                var tr = 0.0, quad = 0.0
                var wd = [Double](repeating: 0, count: k)
                for a in 0..<k {
                    var t = 0.0
                    for b in 0..<k { tr += pt.cov[a * k + b] * w[b * k + a]; t += w[a * k + b] * d[b] }
                    wd[a] = t; quad += d[a] * t
                }
                value += n * (Double(k) * log(2 * Double.pi) + logDet + tr + quad)
                guard wanted else { continue }
                // G_oo += n (W - W (C + d d') W)
                var cdd = pt.cov
                for a in 0..<k { for b in 0..<k { cdd[a * k + b] += d[a] * d[b] } }
                let wc = LinearAlgebra.multiply(w, k, k, cdd, k, k)
                let wcw = LinearAlgebra.multiply(wc, k, k, w, k, k)
                for a in 0..<k {
                    gmu[o[a]] += -2 * n * wd[a]
                    for b in 0..<k { bigG[o[a] * p + o[b]] += n * (w[a * k + b] - wcw[a * k + b]) }
                }
            }
            guard wanted else { continue }
            let entries = layout.entriesOfGroup[g]
            guard !entries.isEmpty else { continue }
            let (x, y, dm, q) = layout.derivatives(group: g, mats[g])
            let gy = LinearAlgebra.multiply(bigG, p, p, y, p, q)
            for (c, e) in entries.enumerated() {
                var s = 0.0
                for i in 0..<p { s += 2 * x[i * q + c] * gy[i * q + c] + dm[i * q + c] * gmu[i] }
                grad[e] = s
            }
        }
        guard value.isFinite else { return nil }
        return Evaluation(value: value, gradient: grad, mats: mats)
    }

    /// The expected information `sum n I` in the full space (q x q, row-major), at `mats`.
    /// Nil when an implied covariance block is not positive definite.
    func information(_ mats: [GroupMatrices]) -> [Double]? {
        let qf = layout.fullCount, p = layout.p
        var info = [Double](repeating: 0, count: qf * qf)
        for g in 0..<mats.count {
            let entries = layout.entriesOfGroup[g]
            guard !entries.isEmpty else { continue }
            let (x, y, dm, q) = layout.derivatives(group: g, mats[g])
            for pt in data.groups[g].patterns {
                let o = pt.observed, k = o.count, n = Double(pt.n)
                var s = [Double](repeating: 0, count: k * k)
                for a in 0..<k { for b in 0..<k { s[a * k + b] = mats[g].sigma[o[a] * p + o[b]] } }
                guard let (w, _) = LinearAlgebra.inverseAndLogDeterminantSPD(s, dim: k) else { return nil }
                func rows(_ z: [Double]) -> [Double] {
                    var out = [Double](repeating: 0, count: k * q)
                    for (a, i) in o.enumerated() { for c in 0..<q { out[a * q + c] = z[i * q + c] } }
                    return out
                }
                let xo = rows(x), yo = rows(y), dO = rows(dm)
                let wx = LinearAlgebra.multiply(w, k, k, xo, k, q), wy = LinearAlgebra.multiply(w, k, k, yo, k, q)
                let a = LinearAlgebra.multiply(xo, k, q, transposeA: true, wx, k, q)
                let b = LinearAlgebra.multiply(yo, k, q, transposeA: true, wy, k, q)
                let c = LinearAlgebra.multiply(xo, k, q, transposeA: true, wy, k, q)
                var meanPart = [Double](repeating: 0, count: q * q)
                if layout.model.meanStructure {
                    let wd = LinearAlgebra.multiply(w, k, k, dO, k, q)
                    meanPart = LinearAlgebra.multiply(dO, k, q, transposeA: true, wd, k, q)
                }
                for (r, e) in entries.enumerated() {
                    for (t, f) in entries.enumerated() {
                        info[e * qf + f] += n * (a[r * q + t] * b[r * q + t] + c[r * q + t] * c[t * q + r] + meanPart[r * q + t])
                    }
                }
            }
        }
        return info
    }
}
