import Foundation

/// How the free parameters of a `FactorModel` map to estimates, and the model matrices
/// and their derivatives at given estimates.
///
/// Two parameter spaces: the *full* space has one entry per free parameter (lavaan's
/// `nx.free` with `ceq.simple = FALSE`, where score tests live); the *reduced* space has
/// one estimate per label (free parameters sharing a label are one estimate). The reduced
/// space is the null space of the equality constraints, so standard errors computed there
/// equal lavaan's from the augmented information matrix.
struct FactorLayout {
    let model: FactorModel
    let p: Int, m: Int, groups: Int
    /// Model parameter index of each full entry.
    let free: [Int]
    /// Full entry of each model parameter (nil when fixed).
    let fullIndex: [Int?]
    /// Reduced index of each full entry.
    let reduced: [Int]
    let reducedCount: Int
    /// Equality constraints between full entries: `other` equals `first` (the label's first).
    let constraints: [(first: Int, other: Int)]
    /// Full entries of each group, in order.
    let entriesOfGroup: [[Int]]

    init(_ model: FactorModel) {
        self.model = model
        p = model.p; m = model.m; groups = model.groups.count
        var free: [Int] = [], fullIndex = [Int?](repeating: nil, count: model.parameters.count)
        var reduced: [Int] = [], firstOfLabel: [String: Int] = [:], constraints: [(Int, Int)] = []
        var count = 0
        var byGroup = [[Int]](repeating: [], count: model.groups.count)
        for (i, q) in model.parameters.enumerated() where q.free {
            let e = free.count
            fullIndex[i] = e
            free.append(i)
            byGroup[q.group].append(e)
            if let l = q.label, let first = firstOfLabel[l] {
                reduced.append(reduced[first])
                constraints.append((first, e))
            } else {
                reduced.append(count); count += 1
                if let l = q.label { firstOfLabel[l] = e }
            }
        }
        self.free = free; self.fullIndex = fullIndex; self.reduced = reduced
        self.reducedCount = count; self.constraints = constraints; self.entriesOfGroup = byGroup
    }

    var fullCount: Int { free.count }

    /// The value of every model parameter given the reduced estimates.
    func values(_ theta: [Double]) -> [Double] {
        model.parameters.enumerated().map { i, q in
            if let e = fullIndex[i] { return theta[reduced[e]] }
            return q.value
        }
    }

    /// Sums a full-space vector into the reduced space (`L' v`).
    func reduce(_ v: [Double]) -> [Double] {
        var out = [Double](repeating: 0, count: reducedCount)
        for (e, x) in v.enumerated() { out[reduced[e]] += x }
        return out
    }

    /// Sums a full-space symmetric matrix into the reduced space (`L' A L`).
    func reduce(matrix a: [Double]) -> [Double] {
        let q = fullCount, r = reducedCount
        var out = [Double](repeating: 0, count: r * r)
        for e in 0..<q { for f in 0..<q { out[reduced[e] * r + reduced[f]] += a[e * q + f] } }
        return out
    }

    /// The model matrices of each group at the given parameter values.
    func matrices(_ values: [Double]) -> [GroupMatrices] {
        var out = (0..<groups).map { _ in GroupMatrices(p: p, m: m) }
        for (i, q) in model.parameters.enumerated() {
            let v = values[i]
            switch q.block {
            case .loading: out[q.group].lambda[q.row * m + q.col] = v
            case .intercept: out[q.group].nu[q.row] = v
            case .factorMean: out[q.group].alpha[q.row] = v
            case .residual:
                out[q.group].theta[q.row * p + q.col] = v; out[q.group].theta[q.col * p + q.row] = v
            case .factorCovariance:
                out[q.group].psi[q.row * m + q.col] = v; out[q.group].psi[q.col * m + q.row] = v
            }
        }
        for g in 0..<groups { out[g].implied() }
        return out
    }

    /// Derivatives of one group's Sigma and mu with respect to its full entries:
    /// `dSigma/dtheta_e = x_e y_e' + y_e x_e'` and `dmu/dtheta_e = d_e`, stacked as the
    /// columns of X, Y, D (p x q_g, row-major).
    ///
    /// Loading (i, a): x = e_i, y = (Lambda Psi)_a, d = alpha_a e_i. Factor covariance
    /// (a, b): x = lambda_a, y = lambda_b (halved when a = b). Residual (i, j): x = e_i,
    /// y = e_j (halved when i = j). Intercept i: d = e_i. Factor mean a: d = lambda_a.
    func derivatives(group g: Int, _ mats: GroupMatrices) -> (x: [Double], y: [Double], d: [Double], q: Int) {
        let entries = entriesOfGroup[g], q = entries.count
        var x = [Double](repeating: 0, count: p * q), y = x, d = x
        let u = LinearAlgebra.multiply(mats.lambda, p, m, mats.psi, m, m)   // Lambda Psi
        for (c, e) in entries.enumerated() {
            let par = model.parameters[free[e]]
            switch par.block {
            case .loading:
                x[par.row * q + c] = 1
                for i in 0..<p { y[i * q + c] = u[i * m + par.col] }
                if model.meanStructure { d[par.row * q + c] = mats.alpha[par.col] }
            case .factorCovariance:
                let half = par.row == par.col ? 0.5 : 1
                for i in 0..<p {
                    x[i * q + c] = mats.lambda[i * m + par.row]
                    y[i * q + c] = half * mats.lambda[i * m + par.col]
                }
            case .residual:
                x[par.row * q + c] = 1
                y[par.col * q + c] += par.row == par.col ? 0.5 : 1
            case .intercept:
                d[par.row * q + c] = 1
            case .factorMean:
                for i in 0..<p { d[i * q + c] = mats.lambda[i * m + par.row] }
            }
        }
        return (x, y, d, q)
    }
}

/// One group's model matrices (row-major) and the implied moments.
struct GroupMatrices {
    let p: Int, m: Int
    var lambda: [Double], psi: [Double], theta: [Double], nu: [Double], alpha: [Double]
    var sigma: [Double], mu: [Double]

    init(p: Int, m: Int) {
        self.p = p; self.m = m
        lambda = Array(repeating: 0, count: p * m); psi = Array(repeating: 0, count: m * m)
        theta = Array(repeating: 0, count: p * p); nu = Array(repeating: 0, count: p)
        alpha = Array(repeating: 0, count: m); sigma = Array(repeating: 0, count: p * p)
        mu = Array(repeating: 0, count: p)
    }

    /// `Sigma = Lambda Psi Lambda' + Theta`, `mu = nu + Lambda alpha`.
    mutating func implied() {
        let lp = LinearAlgebra.multiply(lambda, p, m, psi, m, m)
        let s = LinearAlgebra.multiply(lp, p, m, lambda, p, m, transposeB: true)
        for k in 0..<(p * p) { sigma[k] = s[k] + theta[k] }
        for i in 0..<p {
            var v = nu[i]
            for a in 0..<m { v += lambda[i * m + a] * alpha[a] }
            mu[i] = v
        }
    }
}
