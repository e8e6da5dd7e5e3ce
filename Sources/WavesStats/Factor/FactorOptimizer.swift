import Foundation

/// Minimises `-2 log L` by Fisher scoring with a backtracking line search.
///
/// Each step solves `2 I delta = -g` (I the expected information in the reduced space,
/// the Gauss-Newton approximation of half the Hessian; Lee & Jennrich 1979 for ML factor
/// analysis) through GSL's Cholesky, adding a Levenberg-Marquardt ridge when I is not
/// positive definite. The step is halved until the Armijo condition holds and the
/// implied covariance stays positive definite. Variances are not bounded, as lavaan's
/// default (`bounds = "none"`): a negative residual variance (a Heywood case) is an
/// estimate to report, not to hide. Convergence: the scoring decrement `-g' delta`
/// (about twice the distance to the minimum in chi-square units) below
/// `tolerance * max(1, N / 100)`.
struct FactorOptimizer {
    let objective: FactorObjective
    var maxIterations = 1000
    var tolerance = 1e-10

    struct Outcome {
        var theta: [Double]
        var evaluation: FactorObjective.Evaluation
        var iterations: Int
        var converged: Bool
        var decrement: Double
        var notes: [String]
        /// The full expected information at `evaluation`, when the last iteration computed it
        /// there (it stopped without a step): the fit's standard errors use it as it is, instead
        /// of computing it again (at 160 variables each computation is a tenth of a second).
        var information: [Double]? = nil
    }

    func minimise(from start: [Double]) throws -> Outcome {
        guard var current = objective.evaluate(start) else {
            throw StatsError.numerical("the starting values imply a covariance matrix that is not positive definite")
        }
        let layout = objective.layout
        var theta = start
        let n = Double(objective.data.total)
        let target = tolerance * max(1, n / 100)
        var decrement = Double.infinity
        var iterations = 0
        var notes: [String] = []
        while iterations < maxIterations {
            iterations += 1
            let g = layout.reduce(current.gradient)
            guard let infoFull = objective.information(current.mats) else { break }
            let h = layout.reduce(matrix: infoFull).map { 2 * $0 }
            guard let delta = Self.scoringStep(h, g, r: layout.reducedCount) else {
                notes.append("the information matrix could not be used for a scoring step")
                break
            }
            decrement = -zip(g, delta).reduce(0) { $0 + $1.0 * $1.1 }
            if decrement < target {
                return Outcome(theta: theta, evaluation: current, iterations: iterations, converged: true, decrement: decrement, notes: notes,
                               information: infoFull)
            }
            var step = 1.0
            var accepted = false
            for _ in 0..<50 {
                let trial = zip(theta, delta).map { $0 + step * $1 }
                if let e = objective.evaluate(trial), e.value <= current.value - 1e-4 * step * decrement {
                    theta = trial; current = e; accepted = true
                    break
                }
                step /= 2
            }
            if !accepted {
                // No step lowers the criterion: at the minimum up to rounding, or stuck.
                let converged = decrement < 1e4 * target
                if !converged {
                    notes.append(String(format: "the line search could not lower the criterion (scoring decrement %.3g)", decrement))
                }
                return Outcome(theta: theta, evaluation: current, iterations: iterations, converged: converged, decrement: decrement, notes: notes,
                               information: infoFull)
            }
        }
        if iterations >= maxIterations {
            notes.append("the optimiser stopped after \(maxIterations) iterations without converging")
        }
        return Outcome(theta: theta, evaluation: current, iterations: iterations, converged: false, decrement: decrement, notes: notes)
    }

    /// Solves `h delta = -g`, with a growing ridge `tau diag(h)` when h is not positive definite.
    static func scoringStep(_ h: [Double], _ g: [Double], r: Int) -> [Double]? {
        let rhs = g.map { -$0 }
        if let d = LinearAlgebra.solveSPD(h, rhs, dim: r) { return d }
        var tau = 1e-8
        while tau < 1e8 {
            var ridge = h
            for i in 0..<r { ridge[i * r + i] += tau * max(abs(h[i * r + i]), 1e-8) }
            if let d = LinearAlgebra.solveSPD(ridge, rhs, dim: r) { return d }
            tau *= 10
        }
        return nil
    }
}
