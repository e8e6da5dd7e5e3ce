import Foundation

/// Work space, objective and active-set minimiser for `OneFactorML`.
///
/// It owns one GSL matrix and eigen work space (freed with it) and reuses them for
/// every evaluation; the inner minimisation is GSL's BFGS2 through `GradientMinimizer`.
final class OneFactorProblem {
    let k: Int
    let r: [Double]
    private let sstar: GSLMatrix
    private let eigen: SymmetricEigenWorkspace
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
        self.k = k
        self.r = r
        sstar = try GSLMatrix(rows: k, cols: k)
        eigen = try SymmetricEigenWorkspace(dim: k)
    }

    /// Eigen-decomposes `Psi^-1/2 R Psi^-1/2` (cached on psi).
    func evaluate(psi: [Double]) {
        if psi == cachedPsi { return }
        evaluations += 1
        cachedPsi = psi
        let scale = psi.map { 1 / $0.squareRoot() }
        let k = self.k
        sstar.withUnsafeStorage { data, tda in
            r.withUnsafeBufferPointer { rp in
                scale.withUnsafeBufferPointer { sc in
                    for i in 0..<k {
                        let si = sc[i], row = data + i * tda, rrow = rp.baseAddress! + i * k
                        for j in 0..<k { row[j] = rrow[j] * si * sc[j] }
                    }
                }
            }
        }
        guard eigen.decompose(sstar), scale.allSatisfy(\.isFinite) else {
            cachedF = .infinity; cachedV1 = [Double](repeating: 0, count: k); cachedE1 = 0
            return
        }
        var f = 0.0
        for j in 1..<k {
            let e = eigen.value(j)
            if !(e > 0) { f = .infinity; break }
            f -= log(e) - e
        }
        cachedF = f.isFinite ? f + 1 - Double(k) : .infinity
        cachedE1 = eigen.value(0)
        cachedV1 = (0..<k).map { eigen.vectors[$0, 0] }
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
        let minimizer = try GradientMinimizer(
            dimension: free.count,
            value: { [unowned self] x in evaluate(psi: psi(fromX: x)); return cachedF },
            gradient: { [unowned self] x in evaluate(psi: psi(fromX: x)); return gradientX })
        try minimizer.start(at: free.map { log(start[$0]) }, step: 0.05, lineTolerance: 0.1, "one-factor fit: start")
        let lo = OneFactorML.lowerBound, hi = OneFactorML.upperBound
        var restarts = 0, used = 0
        while used < budget {
            used += 1
            let progressed = minimizer.iterate()
            let x = psi(fromX: minimizer.x)
            if x.contains(where: { !($0 >= lo && $0 <= hi) }) { break }
            if minimizer.gradientBelow(1e-9) { break }
            if !progressed {
                // GSL_ENOPROG: restart the curvature estimate a few times, then stop.
                restarts += 1
                if restarts > 5 { break }
                minimizer.restart()
            }
        }
        iterations += used
        return psi(fromX: minimizer.x)
    }
}
