internal import CGSL
import Foundation

/// One-factor maximum-likelihood factor analysis of a correlation matrix.
///
/// As R `factanal(covmat = R, factors = 1)` (stats:::factanal.fit.mle): the
/// uniquenesses Psi in [0.005, 1] minimise
/// `F(Psi) = -sum_{j >= 2} (log e_j - e_j) - 1 + p`, e_1 >= e_2 >= .. the
/// eigenvalues of `Psi^-1/2 R Psi^-1/2`; loadings are
/// `Psi^1/2 v_1 sqrt(max(e_1 - 1, 0))`, v_1 the first eigenvector. The start is
/// factanal's `(1 - 0.5 / p) / diag(R^-1)`. The bounds are kept by optimising
/// t with `psi = 0.005 + 0.995 / (1 + exp(-t))` with GSL's vector BFGS2 and the
/// analytic gradient; convergence is judged by the Karush-Kuhn-Tucker
/// conditions on the bounded problem.
enum OneFactorML {
    /// factanal's default lower bound for uniquenesses.
    static let lowerBound = 0.005
    static let upperBound = 1.0
    /// Tolerance on the fitted-minus-observed diagonal `psi + l^2 - 1`.
    static let kktTolerance = 1e-6
    /// Uniquenesses closer than this to the lower bound count as a Heywood case.
    static let heywoodMargin = 1e-3

    /// Fits one factor to the correlation matrix `r` (k x k, row-major).
    ///
    /// Throws `StatsError.insufficientData` for k < 3 (as factanal) and
    /// `StatsError.numerical` when `r` is not positive definite.
    static func fit(correlation r: [Double], k: Int, maxIterations: Int = 2000) throws -> OneFactorSolution {
        GSLRuntime.setUp()
        guard k >= 3 else {
            throw StatsError.insufficientData("a one-factor model needs at least 3 items (has \(k))")
        }
        let start = try startingUniquenesses(r, k: k)
        let problem = try OneFactorProblem(correlation: r, k: k)
        return try problem.minimise(start: start, maxIterations: maxIterations)
    }

    /// factanal's start `(1 - 0.5/p) / diag(R^-1)`; throws when R is singular.
    static func startingUniquenesses(_ r: [Double], k: Int) throws -> [Double] {
        guard let m = gsl_matrix_alloc(k, k) else { throw StatsError.numerical("out of memory") }
        defer { gsl_matrix_free(m) }
        let tda = m.pointee.tda
        for i in 0..<k { for j in 0..<k { m.pointee.data[i * tda + j] = r[i * k + j] } }
        let status = gsl_linalg_cholesky_decomp1(m)
        guard status == Int32(GSL_SUCCESS) else {
            throw StatsError.numerical("the item correlation matrix is singular (not positive definite)")
        }
        try GSLRuntime.check(gsl_linalg_cholesky_invert(m), "inverse of the correlation matrix")
        var start = [Double](repeating: 0, count: k)
        for i in 0..<k {
            let d = m.pointee.data[i * tda + i]
            guard d.isFinite, d > 0, d < 1e12 else {
                throw StatsError.numerical("the item correlation matrix is singular (not positive definite)")
            }
            start[i] = (1 - 0.5 / Double(k)) / d
        }
        return start
    }

    @inline(__always)
    static func psi(fromT t: Double) -> Double {
        lowerBound + (upperBound - lowerBound) / (1 + exp(-t))
    }

    /// Inverse of `psi(fromT:)`, for a start strictly inside the bounds.
    static func t(fromPsi psi: Double) -> Double {
        let span = upperBound - lowerBound
        let s = min(max((psi - lowerBound) / span, 1e-6), 1 - 1e-6)
        return log(s / (1 - s))
    }
}

/// Work space and callbacks for `OneFactorML` (GSL needs a stable context pointer).
final class OneFactorProblem {
    let k: Int
    let r: [Double]
    private let sstar: UnsafeMutablePointer<gsl_matrix>
    private let evec: UnsafeMutablePointer<gsl_matrix>
    private let eval: UnsafeMutablePointer<gsl_vector>
    private let work: OpaquePointer
    private var cachedT: [Double] = []
    private var cachedPsi: [Double] = []
    private var cachedF = 0.0
    private var cachedV1: [Double] = []
    private var cachedE1 = 0.0

    init(correlation r: [Double], k: Int) throws {
        self.k = k
        self.r = r
        guard let a = gsl_matrix_alloc(k, k), let v = gsl_matrix_alloc(k, k),
              let e = gsl_vector_alloc(k), let w = gsl_eigen_symmv_alloc(k) else {
            throw StatsError.numerical("out of memory")
        }
        sstar = a; evec = v; eval = e; work = OpaquePointer(w)
    }

    deinit {
        gsl_matrix_free(sstar)
        gsl_matrix_free(evec)
        gsl_vector_free(eval)
        gsl_eigen_symmv_free(UnsafeMutablePointer(work))
    }

    /// Eigen-decomposes `Psi^-1/2 R Psi^-1/2` for the point t (cached).
    func evaluate(_ t: [Double]) {
        if t == cachedT { return }
        cachedT = t
        let psi = t.map(OneFactorML.psi(fromT:))
        cachedPsi = psi
        let scale = psi.map { 1 / $0.squareRoot() }
        let tda = sstar.pointee.tda
        for i in 0..<k {
            for j in 0..<k { sstar.pointee.data[i * tda + j] = r[i * k + j] * scale[i] * scale[j] }
        }
        let status = gsl_eigen_symmv(sstar, eval, evec, UnsafeMutablePointer(work))
        if status != Int32(GSL_SUCCESS) {
            cachedF = .infinity; cachedV1 = [Double](repeating: 0, count: k); cachedE1 = 0
            return
        }
        _ = gsl_eigen_symmv_sort(eval, evec, GSL_EIGEN_SORT_VAL_DESC)
        let stride = eval.pointee.stride
        var f = 0.0
        for j in 1..<k {
            let e = eval.pointee.data[j * stride]
            if !(e > 0) { f = .infinity; break }
            f -= log(e) - e
        }
        cachedF = f.isFinite ? f - 1 + Double(k) : .infinity
        cachedE1 = eval.pointee.data[0]
        let vt = evec.pointee.tda
        cachedV1 = (0..<k).map { evec.pointee.data[$0 * vt] }
    }

    var objective: Double { cachedF }

    /// Fitted-minus-observed diagonal `psi_i + l_i^2 - 1` (psi^2 times factanal's gradient).
    var diagonalResidual: [Double] {
        let c = max(cachedE1 - 1, 0)
        return (0..<k).map { cachedPsi[$0] + cachedPsi[$0] * cachedV1[$0] * cachedV1[$0] * c - 1 }
    }

    /// Gradient with respect to t: factanal's `diag(g)/Psi^2` times dpsi/dt.
    var gradientT: [Double] {
        let res = diagonalResidual
        let span = OneFactorML.upperBound - OneFactorML.lowerBound
        return (0..<k).map { i in
            let s = 1 / (1 + exp(-cachedT[i]))
            let psi = cachedPsi[i]
            return res[i] / (psi * psi) * span * s * (1 - s)
        }
    }

    /// Loadings at the cached point, signed so that their sum is not negative.
    var loadings: [Double] {
        let c = max(cachedE1 - 1, 0).squareRoot()
        var l = (0..<k).map { cachedPsi[$0].squareRoot() * cachedV1[$0] * c }
        if l.reduce(0, +) < 0 { l = l.map { -$0 } }
        return l
    }

    func minimise(start: [Double], maxIterations: Int) throws -> OneFactorSolution {
        let fdf = UnsafeMutablePointer<gsl_multimin_function_fdf>.allocate(capacity: 1)
        defer { fdf.deallocate() }
        fdf.initialize(to: gsl_multimin_function_fdf())
        fdf.pointee.n = k
        fdf.pointee.params = Unmanaged.passUnretained(self).toOpaque()
        fdf.pointee.f = { x, params in
            let p = Unmanaged<OneFactorProblem>.fromOpaque(params!).takeUnretainedValue()
            p.evaluate(OneFactorProblem.read(x!))
            return p.objective
        }
        fdf.pointee.df = { x, params, g in
            let p = Unmanaged<OneFactorProblem>.fromOpaque(params!).takeUnretainedValue()
            p.evaluate(OneFactorProblem.read(x!))
            OneFactorProblem.write(p.gradientT, to: g!)
        }
        fdf.pointee.fdf = { x, params, f, g in
            let p = Unmanaged<OneFactorProblem>.fromOpaque(params!).takeUnretainedValue()
            p.evaluate(OneFactorProblem.read(x!))
            f!.pointee = p.objective
            OneFactorProblem.write(p.gradientT, to: g!)
        }
        guard let x0 = gsl_vector_alloc(k),
              let s = gsl_multimin_fdfminimizer_alloc(waves_fdfminimizer_bfgs2(), k) else {
            throw StatsError.numerical("out of memory")
        }
        defer { gsl_vector_free(x0); gsl_multimin_fdfminimizer_free(s) }
        OneFactorProblem.write(start.map(OneFactorML.t(fromPsi:)), to: x0)
        try GSLRuntime.check(gsl_multimin_fdfminimizer_set(s, fdf, x0, 0.1, 0.1), "one-factor fit: start")
        var iterations = 0
        while iterations < maxIterations {
            iterations += 1
            let status = gsl_multimin_fdfminimizer_iterate(s)
            if status != Int32(GSL_SUCCESS) { break }  // e.g. GSL_ENOPROG at the optimum: judged below
            if gsl_multimin_test_gradient(s.pointee.gradient, 1e-10) == Int32(GSL_SUCCESS) { break }
        }
        evaluate(OneFactorProblem.read(s.pointee.x))
        return solution(iterations: iterations)
    }

    /// The solution at the cached point, with convergence judged by the KKT conditions.
    private func solution(iterations: Int) -> OneFactorSolution {
        let res = diagonalResidual
        let tol = OneFactorML.kktTolerance
        var converged = cachedF.isFinite
        var heywood: [Int] = []
        for i in 0..<k {
            let nearLower = cachedPsi[i] - OneFactorML.lowerBound < OneFactorML.heywoodMargin
            let nearUpper = OneFactorML.upperBound - cachedPsi[i] < OneFactorML.heywoodMargin
            if abs(res[i]) <= tol { if nearLower { heywood.append(i) }; continue }
            if nearLower && res[i] > 0 { heywood.append(i); continue }
            if nearUpper && res[i] < 0 { continue }
            converged = false
        }
        return OneFactorSolution(loadings: loadings, uniquenesses: cachedPsi, objective: cachedF,
                                 iterations: iterations, converged: converged, heywoodItems: heywood)
    }

    static func read(_ v: UnsafePointer<gsl_vector>) -> [Double] {
        let n = v.pointee.size, st = v.pointee.stride
        return (0..<n).map { v.pointee.data[$0 * st] }
    }

    static func write(_ a: [Double], to v: UnsafeMutablePointer<gsl_vector>) {
        let st = v.pointee.stride
        for (i, x) in a.enumerated() { v.pointee.data[i * st] = x }
    }
}
