internal import CGSL
import Foundation

/// Work space, objective and active-set minimiser for `OneFactorML`.
///
/// GSL's callbacks reach this object through an unretained context pointer;
/// it owns the GSL eigen work space and frees it in `deinit`.
final class OneFactorProblem {
    let k: Int
    let r: [Double]
    private let sstar: UnsafeMutablePointer<gsl_matrix>
    private let evec: UnsafeMutablePointer<gsl_matrix>
    private let eval: UnsafeMutablePointer<gsl_vector>
    private let work: OpaquePointer
    /// Full psi vector; the free entries are overwritten from the optimiser's x = log(psi).
    private var psiBase: [Double] = []
    /// Indices optimised in the current inner minimisation.
    private var free: [Int] = []
    private var cachedPsi: [Double] = []
    private var cachedF = 0.0
    private var cachedV1: [Double] = []
    private var cachedE1 = 0.0
    private(set) var iterations = 0
    /// Eigen-decompositions done so far (all starts; for diagnostics and tests).
    private(set) var evaluations = 0

    init(correlation r: [Double], k: Int) throws {
        GSLRuntime.setUp()
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

    /// Eigen-decomposes `Psi^-1/2 R Psi^-1/2` (cached on psi).
    func evaluate(psi: [Double]) {
        if psi == cachedPsi { return }
        evaluations += 1
        cachedPsi = psi
        let scale = psi.map { 1 / $0.squareRoot() }
        let tda = sstar.pointee.tda, data = sstar.pointee.data!, k = self.k
        r.withUnsafeBufferPointer { rp in
            scale.withUnsafeBufferPointer { sc in
                for i in 0..<k {
                    let si = sc[i], row = data + i * tda, rrow = rp.baseAddress! + i * k
                    for j in 0..<k { row[j] = rrow[j] * si * sc[j] }
                }
            }
        }
        let status = gsl_eigen_symmv(sstar, eval, evec, UnsafeMutablePointer(work))
        guard status == Int32(GSL_SUCCESS), scale.allSatisfy(\.isFinite) else {
            cachedF = .infinity; cachedV1 = [Double](repeating: 0, count: k); cachedE1 = 0
            return
        }
        _ = gsl_eigen_symmv_sort(eval, evec, GSL_EIGEN_SORT_VAL_DESC)
        let stride = eval.pointee.stride, values = eval.pointee.data!
        var f = 0.0
        for j in 1..<k {
            let e = values[j * stride]
            if !(e > 0) { f = .infinity; break }
            f -= log(e) - e
        }
        cachedF = f.isFinite ? f + 1 - Double(k) : .infinity
        cachedE1 = values[0]
        let vt = evec.pointee.tda, vectors = evec.pointee.data!
        cachedV1 = (0..<k).map { vectors[$0 * vt] }
    }

    /// Objective at the last evaluated psi.
    var objective: Double { cachedF }

    /// Full psi for the optimiser's point x (log psi of the free items).
    func psi(fromX x: [Double]) -> [Double] {
        var p = psiBase
        for (j, i) in free.enumerated() { p[i] = exp(x[j]) }
        return p
    }

    /// Fitted-minus-observed diagonal `psi_i + l_i^2 - 1` (psi^2 times factanal's gradient).
    var diagonalResidual: [Double] {
        let c = max(cachedE1 - 1, 0)
        return (0..<k).map { cachedPsi[$0] + cachedPsi[$0] * cachedV1[$0] * cachedV1[$0] * c - 1 }
    }

    /// Gradient with respect to log psi of the free items: `res_i / psi_i`.
    var gradientX: [Double] {
        let res = diagonalResidual
        return free.map { res[$0] / cachedPsi[$0] }
    }

    /// Loadings at the cached point, signed so that their sum is not negative.
    var loadings: [Double] {
        let c = max(cachedE1 - 1, 0).squareRoot()
        var l = (0..<k).map { cachedPsi[$0].squareRoot() * cachedV1[$0] * c }
        if l.reduce(0, +) < 0 { l = l.map { -$0 } }
        return l
    }

    private enum Bound { case lower, upper }

    /// Active-set minimisation from `start` (clamped into the bounds).
    func minimise(start: [Double], maxIterations: Int) throws -> OneFactorSolution {
        let lo = OneFactorML.lowerBound, hi = OneFactorML.upperBound, tol = OneFactorML.kktTolerance
        var psi = start.map { min(max($0, lo), hi) }
        var fixed: [Int: Bound] = [:]
        iterations = 0
        for _ in 0..<100 {
            free = (0..<k).filter { fixed[$0] == nil }
            if !free.isEmpty {
                psiBase = psi
                psi = try inner(start: psi, budget: maxIterations - iterations)
            }
            // Items that left the box are fixed at the bound they crossed.
            var changed = false
            for i in free where psi[i] < lo { psi[i] = lo; fixed[i] = .lower; changed = true }
            for i in free where psi[i] > hi { psi[i] = hi; fixed[i] = .upper; changed = true }
            if changed && iterations < maxIterations { continue }
            evaluate(psi: psi)
            // Free the bound item whose gradient points inside the most.
            let res = diagonalResidual
            let wrong = fixed.compactMap { i, b -> (Int, Double)? in
                let v = b == .lower ? -res[i] : res[i]
                return v > tol ? (i, v) : nil
            }.max { $0.1 < $1.1 }
            guard let (release, _) = wrong, iterations < maxIterations else { break }
            fixed[release] = nil
        }
        evaluate(psi: psi)
        let res = diagonalResidual
        var converged = cachedF.isFinite
        for i in 0..<k {
            switch fixed[i] {
            case .lower?: if res[i] < -tol { converged = false }
            case .upper?: if res[i] > tol { converged = false }
            case nil: if abs(res[i]) > tol { converged = false }
            }
        }
        let heywood = fixed.filter { $0.value == .lower }.map(\.key).sorted()
        return OneFactorSolution(loadings: loadings, uniquenesses: cachedPsi, objective: cachedF,
                                 iterations: iterations, converged: converged, heywoodItems: heywood)
    }

    /// BFGS2 over log psi of the free items; stops at a small gradient, when an
    /// item leaves the box, or when no progress is possible even after restarts.
    private func inner(start: [Double], budget: Int) throws -> [Double] {
        let n = free.count
        let fdf = UnsafeMutablePointer<gsl_multimin_function_fdf>.allocate(capacity: 1)
        defer { fdf.deallocate() }
        fdf.initialize(to: gsl_multimin_function_fdf())
        fdf.pointee.n = n
        fdf.pointee.params = Unmanaged.passUnretained(self).toOpaque()
        fdf.pointee.f = { x, params in
            let p = Unmanaged<OneFactorProblem>.fromOpaque(params!).takeUnretainedValue()
            p.evaluate(psi: p.psi(fromX: OneFactorProblem.read(x!)))
            return p.cachedF
        }
        fdf.pointee.df = { x, params, g in
            let p = Unmanaged<OneFactorProblem>.fromOpaque(params!).takeUnretainedValue()
            p.evaluate(psi: p.psi(fromX: OneFactorProblem.read(x!)))
            OneFactorProblem.write(p.gradientX, to: g!)
        }
        fdf.pointee.fdf = { x, params, f, g in
            let p = Unmanaged<OneFactorProblem>.fromOpaque(params!).takeUnretainedValue()
            p.evaluate(psi: p.psi(fromX: OneFactorProblem.read(x!)))
            f!.pointee = p.cachedF
            OneFactorProblem.write(p.gradientX, to: g!)
        }
        guard let x0 = gsl_vector_alloc(n),
              let s = gsl_multimin_fdfminimizer_alloc(waves_fdfminimizer_bfgs2(), n) else {
            throw StatsError.numerical("out of memory")
        }
        defer { gsl_vector_free(x0); gsl_multimin_fdfminimizer_free(s) }
        OneFactorProblem.write(free.map { log(start[$0]) }, to: x0)
        try GSLRuntime.check(gsl_multimin_fdfminimizer_set(s, fdf, x0, 0.05, 0.1), "one-factor fit: start")
        let lo = OneFactorML.lowerBound, hi = OneFactorML.upperBound
        var restarts = 0, used = 0
        while used < budget {
            used += 1
            let status = gsl_multimin_fdfminimizer_iterate(s)
            let x = psi(fromX: OneFactorProblem.read(s.pointee.x))
            if x.contains(where: { !($0 >= lo && $0 <= hi) }) { break }
            if gsl_multimin_test_gradient(s.pointee.gradient, 1e-9) == Int32(GSL_SUCCESS) { break }
            if status != Int32(GSL_SUCCESS) {
                // GSL_ENOPROG: restart the curvature estimate a few times, then stop.
                restarts += 1
                if restarts > 5 { break }
                _ = gsl_multimin_fdfminimizer_restart(s)
            }
        }
        iterations += used
        return psi(fromX: OneFactorProblem.read(s.pointee.x))
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
