import Foundation

/// One-factor maximum-likelihood factor analysis of a correlation matrix.
///
/// As R `factanal(covmat = R, factors = 1)` (stats:::factanal.fit.mle): the
/// uniquenesses Psi in [0.005, 1] minimise
/// `F(Psi) = sum_{j >= 2} (e_j - log e_j) + 1 - p`, e_1 >= e_2 >= .. the
/// eigenvalues of `Psi^-1/2 R Psi^-1/2`; loadings are
/// `Psi^1/2 v_1 sqrt(max(e_1 - 1, 0))`, v_1 the first eigenvector. The start is
/// factanal's `(1 - 0.5 / p) / diag(R^-1)`, plus two more starts whose
/// solution is taken only when its discrepancy is strictly lower (see `fit`).
/// Where R uses L-BFGS-B, the bounds
/// are kept here by an active set around GSL's vector BFGS2 on log(psi) with
/// the analytic gradient: a uniqueness that leaves [0.005, 1] is fixed at the
/// bound, and freed again when the gradient points back inside. Convergence is
/// judged by the Karush-Kuhn-Tucker conditions of the bounded problem.
enum OneFactorML {
    /// factanal's default lower bound for uniquenesses.
    static let lowerBound = 0.005
    static let upperBound = 1.0
    /// Tolerance on the fitted-minus-observed diagonal `psi + l^2 - 1`
    /// (psi^2 times the gradient) for declaring convergence.
    static let kktTolerance = 1e-5

    /// Fits one factor to the correlation matrix `r` (k x k, row-major).
    ///
    /// Throws `StatsError.insufficientData` for k < 3 (as factanal) and
    /// `StatsError.numerical` when `r` is not positive definite.
    static func fit(correlation r: [Double], k: Int, maxIterations: Int = 5000) throws -> OneFactorSolution {
        guard k >= 3 else {
            throw StatsError.insufficientData("a one-factor model needs at least 3 items (has \(k))")
        }
        let problem = try OneFactorProblem(correlation: r, k: k)
        var best = try problem.minimise(start: try startingUniquenesses(r, k: k), maxIterations: maxIterations)
        // Near-singular matrices (small or resampled data) can have several
        // local minima; keep factanal's solution unless another start finds a
        // strictly lower discrepancy.
        for start in alternativeStarts(r, k: k) {
            let other = try problem.minimise(start: start, maxIterations: maxIterations)
            if other.converged && (!best.converged || other.objective < best.objective - 1e-9 * max(1, abs(best.objective))) {
                best = other
            }
        }
        return best
    }

    /// Extra starts: all 0.5, and 1 - max_j |r_ij| (a classical communality guess).
    static func alternativeStarts(_ r: [Double], k: Int) -> [[Double]] {
        let maxR = (0..<k).map { i in (0..<k).filter { $0 != i }.map { abs(r[i * k + $0]) }.max() ?? 0 }
        return [[Double](repeating: 0.5, count: k), maxR.map { 1 - $0 }]
    }

    /// factanal's start `(1 - 0.5/p) / diag(R^-1)`; throws when R is singular.
    static func startingUniquenesses(_ r: [Double], k: Int) throws -> [Double] {
        guard let inverse = try LinearAlgebra.choleskyInverse(r, dim: k) else {
            throw StatsError.numerical("the item correlation matrix is singular (not positive definite)")
        }
        var start = [Double](repeating: 0, count: k)
        for i in 0..<k {
            let d = inverse[i * k + i]
            guard d.isFinite, d > 0, d < 1e12 else {
                throw StatsError.numerical("the item correlation matrix is singular (not positive definite)")
            }
            start[i] = (1 - 0.5 / Double(k)) / d
        }
        return start
    }
}
