import Foundation

/// Satterthwaite's degrees of freedom for linear combinations of fixed effects.
///
/// Kuznetsova, Brockhoff & Christensen (2017), lmerTest, J. Stat. Softw. 82(13); follows
/// lmerTest 3.1 `as_lmerModLT`, `devfun_vp`, `get_covbeta` and `contest1D`: with variance
/// parameters phi = (theta, sigma), the ML/REML deviance
/// d(phi) = log|L|^2 + r^2(theta)/sigma^2 + (n - p) log(2 pi sigma^2) + log|R_X|^2,
/// A = 2 H^+ (H its numDeriv Hessian, Moore-Penrose inverse over eigenvalues > 1e-8),
/// C(phi) = sigma^2 (R_X'R_X)^-1 and J_i = dC/dphi_i (numDeriv Jacobian); for a contrast L,
/// df = 2 (L'CL)^2 / (g'Ag) with g_i = L'J_iL.
struct Satterthwaite: Sendable, Equatable {
    /// vcov(beta) at the estimate, row-major p x p.
    let vcovBeta: [Double]
    /// 2 H^+ (k x k, row-major), the asymptotic covariance of (theta, sigma).
    let vcovVarpar: [Double]
    /// dC/dphi_i, one row-major p x p matrix per variance parameter.
    let jacobian: [[Double]]
    let p: Int
    let k: Int
    /// Eigenvalues of the deviance Hessian (descending).
    let hessianEigenvalues: [Double]

    /// Computes the Satterthwaite quantities at theta-hat and sigma-hat.
    static func compute(problem: ProfiledREML, theta: [Double], sigma: Double, vcovBeta: [Double]) throws -> Satterthwaite {
        var cache: [[Double]: ProfiledREML.Evaluation] = [:]
        func eval(_ th: [Double], inverse: Bool) throws -> ProfiledREML.Evaluation {
            if let e = cache[th], !inverse || e.xtxInverse != nil { return e }
            let e = try problem.evaluate(theta: th, inverse: inverse)
            cache[th] = e
            return e
        }
        let n = Double(problem.nObs), p = problem.p
        let nmp = n - Double(p)
        let devVP: ([Double]) throws -> Double = { varpar in
            let s2 = varpar[varpar.count - 1] * varpar[varpar.count - 1]
            let e = try eval(Array(varpar.dropLast()), inverse: false)
            return e.ldL2 + e.pwrss / s2 + nmp * log(2 * Double.pi * s2) + e.ldRX2
        }
        let covBeta: ([Double]) throws -> [Double] = { varpar in
            let s = varpar[varpar.count - 1]
            let e = try eval(Array(varpar.dropLast()), inverse: true)
            return e.xtxInverse!.map { $0 * s * s }
        }
        let x = theta + [sigma]
        let k = x.count
        let h = try RichardsonDerivatives.hessian(devVP, at: x)
        let (values, vectors) = try symmetricEigen(h)
        var ainv = [Double](repeating: 0, count: k * k)
        for (e, val) in values.enumerated() where val > 1e-8 {
            for i in 0..<k { for j in 0..<k { ainv[i * k + j] += 2 * vectors[i][e] * vectors[j][e] / val } }
        }
        let jac = try RichardsonDerivatives.jacobian(covBeta, at: x)   // [p*p][k]
        let jacList = (0..<k).map { i in (0..<(p * p)).map { jac[$0][i] } }
        return Satterthwaite(vcovBeta: vcovBeta, vcovVarpar: ainv, jacobian: jacList, p: p, k: k,
                             hessianEigenvalues: values)
    }

    /// x' M x for a row-major square M.
    static func quadraticForm(_ x: [Double], _ m: [Double]) -> Double {
        let n = x.count
        var s = 0.0
        for i in 0..<n { for j in 0..<n { s += x[i] * m[i * n + j] * x[j] } }
        return s
    }

    /// Variance of L'beta and its Satterthwaite df (nil when g'Ag is not positive).
    func varianceAndDF(_ l: [Double]) -> (variance: Double, df: Double?) {
        let v = Self.quadraticForm(l, vcovBeta)
        let g = jacobian.map { Self.quadraticForm(l, $0) }
        let denom = Self.quadraticForm(g, vcovVarpar)
        let df = 2 * v * v / denom
        return (v, denom > 0 && df.isFinite ? df : nil)
    }

    /// Eigen-decomposition of a small symmetric matrix, eigenvalues descending; `vectors[i][e]` is
    /// component i of eigenvector e.
    static func symmetricEigen(_ a: [[Double]]) throws -> ([Double], [[Double]]) {
        let n = a.count
        let (values, v) = try LinearAlgebra.symmetricEigen(a.flatMap { $0 }, dim: n, "eigen-decomposition of the deviance Hessian")
        return (values, (0..<n).map { i in Array(v[(i * n)..<((i + 1) * n)]) })
    }
}
