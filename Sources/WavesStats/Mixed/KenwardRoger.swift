import Foundation

/// Kenward-Roger adjusted covariance of the fixed effects and denominator degrees of freedom.
///
/// Kenward & Roger (1997), "Small sample inference for fixed effects from restricted maximum
/// likelihood", Biometrics 53(3), 983-997, for a covariance linear in its parameters,
/// V = sum_r sigma_r G_r, as R pbkrtest 0.5 (`vcovAdj`, `Lb_ddf`) computes it and lmerTest
/// (`ddf = "Kenward-Roger"`) and emmeans (`lmer.df = "kenward-roger"`) use it. The parameters
/// are the elements of the random-effect covariance D (lower triangle) and the residual
/// variance: G = 1 1' for the intercept variance, 1 t' + t 1' for the intercept-slope
/// covariance, t t' for the slope variance (per participant) and I for the residual.
/// With Phi = vcov(beta) of the REML fit,
/// P_r = -X'V^-1 G_r V^-1 X, Q_rs = X'V^-1 G_r V^-1 G_s V^-1 X,
/// I_rs = tr(V^-1 G_r V^-1 G_s) - 2 tr(Phi Q_rs) + tr(Phi P_r Phi P_s) (twice the expected
/// REML information), W = 2 I^-1 (a generalised inverse when I is near singular),
/// U = sum_rs W_rs (Q_rs - P_r Phi P_s), and the adjusted covariance Phi_A = Phi + 2 Phi U Phi
/// (the second-derivative term R_rs vanishes for a linear covariance).
/// For one contrast L (q = 1), Kenward & Roger's approximation reduces to
/// df = 2 / A, A = sum_rs W_rs a_r a_s, a_r = L Phi P_r Phi L' / (L Phi L') — the value
/// pbkrtest's general formula gives at q = 1 (A1 = A2 = A, rho = (1 - A/2) / (1 - 2A)).
/// V is block diagonal by participant, so every sum runs over participants (pooled when
/// their design rows and slope values are identical) and no n x n matrix is formed.
struct KenwardRoger: Sendable, Equatable {
    let p: Int
    /// Number of covariance parameters (2 with a random intercept, 4 with a random slope).
    let k: Int
    /// vcov(beta) of the fit, row-major p x p.
    let phi: [Double]
    /// Phi_A, the adjusted covariance, row-major p x p.
    let adjusted: [Double]
    /// P_r, one row-major p x p matrix per parameter.
    let pMatrices: [[Double]]
    /// W = 2 I^-1, row-major k x k.
    let w: [Double]
    /// Smallest absolute eigenvalue of I (pbkrtest's `condi`); below 1e-10 a generalised inverse is used.
    let informationCondition: Double

    /// Computes the adjustment at the REML estimates.
    ///
    /// - Parameters:
    ///   - d: the random-effect covariance D (q x q, row-major; q = 1 or 2), in the units of y.
    ///   - sigma2: the residual variance.
    ///   - phi: vcov(beta) at the estimates.
    static func compute(x: FixedDesign, slope: [Double]?, subjectIndex: [Int], nSubjects: Int,
                        d: [Double], sigma2: Double, phi: [Double]) throws -> KenwardRoger {
        let p = x.cols
        let q = slope == nil ? 1 : 2
        let k = q == 1 ? 2 : 4
        let params = q == 1 ? [d[0], sigma2] : [d[0], d[1], d[3], sigma2]
        // Rows of each participant, then participants pooled by identical blocks.
        var rowsOf = [[Int]](repeating: [], count: nSubjects)
        for (r, s) in subjectIndex.enumerated() { rowsOf[s].append(r) }
        // In the order each block is first met: a Dictionary's order changes from one process to
        // the next (Swift seeds its hashing per process), and the sums below would then add the
        // same terms in another order, changing the last bits of every figure from run to run.
        var blockIndex: [[Double]: Int] = [:]
        var blocks: [(key: [Double], count: Int)] = []
        for rows in rowsOf where !rows.isEmpty {
            var key: [Double] = []
            key.reserveCapacity(rows.count * (p + 1))
            for r in rows {
                key.append(contentsOf: x.row(r))
                key.append(slope?[r] ?? 0)
            }
            if let i = blockIndex[key] { blocks[i].count += 1 } else { blockIndex[key] = blocks.count; blocks.append((key, 1)) }
        }
        var pm = [[Double]](repeating: [Double](repeating: 0, count: p * p), count: k)
        var qm = [[Double]](repeating: [Double](repeating: 0, count: p * p), count: k * k)   // r <= s used
        var ktrace = [Double](repeating: 0, count: k * k)
        for (key, count) in blocks {
            let c = Double(count)
            let n = key.count / (p + 1)
            var xi = [Double](repeating: 0, count: n * p), t = [Double](repeating: 0, count: n)
            for a in 0..<n {
                for j in 0..<p { xi[a * p + j] = key[a * (p + 1) + j] }
                t[a] = key[a * (p + 1) + p]
            }
            let g = designs(t: t, q: q)
            var v = [Double](repeating: 0, count: n * n)
            for (r, gr) in g.enumerated() { for e in 0..<(n * n) { v[e] += params[r] * gr[e] } }
            guard let vinv = try LinearAlgebra.choleskyInverse(v, dim: n) else {
                throw StatsError.numerical("Kenward-Roger: a participant's covariance matrix is not positive definite")
            }
            let a = Dense.multiply(vinv, n, n, xi, p)                   // V^-1 X   (n x p)
            let ga = g.map { Dense.multiply($0, n, n, a, p) }           // G_r V^-1 X
            let vga = ga.map { Dense.multiply(vinv, n, n, $0, p) }      // V^-1 G_r V^-1 X
            let h = g.map { Dense.multiply($0, n, n, vinv, n) }         // G_r V^-1
            for r in 0..<k {
                Dense.addTransposeProduct(&pm[r], -c, a, ga[r], n, p)
                for s in r..<k {
                    Dense.addTransposeProduct(&qm[r * k + s], c, ga[r], vga[s], n, p)
                    var tr = 0.0
                    for i in 0..<n { for j in 0..<n { tr += h[r][i * n + j] * h[s][j * n + i] } }
                    ktrace[r * k + s] += c * tr
                }
            }
        }
        for r in 0..<k { for s in 0..<r { ktrace[r * k + s] = ktrace[s * k + r] } }
        // Twice the expected REML information.
        var info = [Double](repeating: 0, count: k * k)
        let phiP = pm.map { Dense.multiply(phi, p, p, $0, p) }
        let pPhi = pm.map { Dense.multiply($0, p, p, phi, p) }
        for r in 0..<k {
            for s in r..<k {
                var v = ktrace[r * k + s]
                for e in 0..<(p * p) { v -= 2 * phi[e] * qm[r * k + s][e] }
                for e in 0..<(p * p) { v += phiP[r][e] * pPhi[s][e] }
                info[r * k + s] = v; info[s * k + r] = v
            }
        }
        let eigen = try LinearAlgebra.symmetricEigenvalues(info, dim: k, "Kenward-Roger: eigenvalues of the information")
        let condition = eigen.map(abs).min() ?? 0
        var w: [Double]
        if condition > 1e-10 {
            w = try LinearAlgebra.inverse(info, dim: k, "Kenward-Roger: inverse of the information")
        } else {
            w = try LinearAlgebra.symmetricPseudoInverse(info, dim: k, relativeTolerance: Double.ulpOfOne.squareRoot())
        }
        w = w.map { 2 * $0 }
        var u = [Double](repeating: 0, count: p * p)
        for r in 0..<k {
            for s in r..<k {
                let pPhiP = Dense.multiply(pPhi[r], p, p, pm[s], p)     // P_r Phi P_s
                for i in 0..<p {
                    for j in 0..<p {
                        // U + U' for r < s: symmetrise Q_rs - P_r Phi P_s.
                        let e = qm[r * k + s][i * p + j] - pPhiP[i * p + j]
                        let et = qm[r * k + s][j * p + i] - pPhiP[j * p + i]
                        u[i * p + j] += w[r * k + s] * (r == s ? e : e + et)
                    }
                }
            }
        }
        let phiUPhi = Dense.multiply(Dense.multiply(phi, p, p, u, p), p, p, phi, p)
        let adjusted = (0..<(p * p)).map { phi[$0] + 2 * phiUPhi[$0] }
        return KenwardRoger(p: p, k: k, phi: phi, adjusted: adjusted, pMatrices: pm, w: w,
                            informationCondition: condition)
    }

    /// The matrices G_r of one participant with slope covariates t (n x n, row-major).
    static func designs(t: [Double], q: Int) -> [[Double]] {
        let n = t.count
        let ones = [Double](repeating: 1, count: n * n)
        var identity = [Double](repeating: 0, count: n * n)
        for i in 0..<n { identity[i * n + i] = 1 }
        if q == 1 { return [ones, identity] }
        var cross = ones, square = ones
        for i in 0..<n { for j in 0..<n { cross[i * n + j] = t[i] + t[j]; square[i * n + j] = t[i] * t[j] } }
        return [ones, cross, square, identity]
    }

    /// Adjusted variance L Phi_A L' and the Kenward-Roger df of L'beta (nil unless positive and finite).
    func varianceAndDF(_ l: [Double]) -> (variance: Double, df: Double?) {
        let variance = Satterthwaite.quadraticForm(l, adjusted)
        let base = Satterthwaite.quadraticForm(l, phi)
        guard base > 0 else { return (variance, nil) }
        let phiL = (0..<p).map { i in (0..<p).reduce(0) { $0 + phi[i * p + $1] * l[$1] } }
        let a = pMatrices.map { Satterthwaite.quadraticForm(phiL, $0) / base }
        let sum = Satterthwaite.quadraticForm(a, w)
        let df = 2 / sum
        return (variance, sum > 0 && df.isFinite ? df : nil)
    }
}

/// Small dense products on row-major arrays (blocks of a few rows; no allocation of n x n data).
enum Dense {
    /// (m x n) times (n x c).
    static func multiply(_ a: [Double], _ m: Int, _ n: Int, _ b: [Double], _ c: Int) -> [Double] {
        var out = [Double](repeating: 0, count: m * c)
        for i in 0..<m {
            for j in 0..<n {
                let aij = a[i * n + j]
                if aij == 0 { continue }
                for k in 0..<c { out[i * c + k] += aij * b[j * c + k] }
            }
        }
        return out
    }

    /// target (p x p) += factor * a' b for a, b of n x p.
    static func addTransposeProduct(_ target: inout [Double], _ factor: Double, _ a: [Double], _ b: [Double], _ n: Int, _ p: Int) {
        for r in 0..<n {
            for i in 0..<p {
                let ai = factor * a[r * p + i]
                if ai == 0 { continue }
                for j in 0..<p { target[i * p + j] += ai * b[r * p + j] }
            }
        }
    }
}
