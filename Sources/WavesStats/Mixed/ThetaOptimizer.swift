import Foundation

/// Minimises the profiled REML criterion over theta with GSL's Nelder-Mead simplex (nmsimplex2).
///
/// lme4 bounds the diagonal of Lambda below by zero. The criterion depends on theta only
/// through Lambda Lambda', which is unchanged by (a, b, c) -> (|a|, sign(a) b, |c|), so the
/// simplex searches all of R^k without bounds and the result is mapped back to lme4's
/// canonical form. The search is restarted from its best point until it no longer improves;
/// a diagonal entry that ends near zero is then pinned at exactly zero (the boundary) when
/// that does not worsen the criterion, and the remaining entries are re-optimised.
struct ThetaOptimizer {
    struct Outcome {
        var theta: [Double]
        var deviance: Double
        var iterations: Int
        var converged: Bool
        var notes: [String]
    }

    /// The criterion over the free entries of theta (the others held at `base`).
    final class Objective {
        let problem: ProfiledREML
        var base: [Double]
        var free: [Int]
        var evaluations = 0
        init(problem: ProfiledREML, base: [Double], free: [Int]) {
            self.problem = problem; self.base = base; self.free = free
        }
        func theta(_ phi: [Double]) -> [Double] {
            var t = base
            for (i, idx) in free.enumerated() { t[idx] = phi[i] }
            return t
        }
        func value(_ phi: [Double]) -> Double {
            evaluations += 1
            guard let e = try? problem.evaluate(theta: theta(phi)), e.deviance.isFinite else { return 1e300 }
            return e.deviance
        }
    }

    let problem: ProfiledREML
    var sizeTolerance = 1e-10
    /// A simplex that stops making progress counts as converged below this size.
    var stallTolerance = 1e-6
    var maxIterations = 20_000
    /// Diagonal entries below this are tried at exactly zero (lme4's isSingular tolerance).
    var boundaryTolerance = 1e-4

    /// Maps theta to lme4's canonical form (non-negative diagonal).
    func canonical(_ t: [Double]) -> [Double] {
        if t.count == 1 { return [abs(t[0])] }
        return [abs(t[0]), t[0] < 0 ? -t[1] : t[1], abs(t[2])]
    }

    func minimise() throws -> Outcome {
        let k = problem.nTheta
        let start: [Double] = k == 1 ? [1] : [1, 0, 1]   // lme4's starting values
        var iterations = 0
        var converged = true
        var (theta, dev) = try search(start: start, free: Array(0..<k), step: 0.5,
                                      iterations: &iterations, converged: &converged)
        theta = canonical(theta)
        // The boundary: pin small diagonal entries at zero if the criterion allows it.
        let diagonal = k == 1 ? [0] : [0, 2]
        var pinned: [Int] = []
        for d in diagonal where abs(theta[d]) < boundaryTolerance {
            var trial = theta
            trial[d] = 0
            for i in pinned { trial[i] = 0 }
            let free = (0..<k).filter { $0 != d && !pinned.contains($0) }
            var trialIterations = 0
            var trialConverged = true
            var trialDev: Double
            if free.isEmpty {
                trialDev = try problem.evaluate(theta: trial).deviance
            } else {
                let r = try search(start: trial, free: free, step: 0.05, iterations: &trialIterations,
                                   converged: &trialConverged)
                trial = r.0; trialDev = r.1
            }
            iterations += trialIterations
            if trialDev <= dev + 1e-11 * max(1, abs(dev)) {
                theta = canonical(trial); dev = trialDev; pinned.append(d)
                converged = converged && trialConverged
            }
        }
        var notes: [String] = []
        if !converged {
            notes.append("the optimiser reached its iteration limit before the simplex converged")
        }
        let step = try relativeGradient(theta)
        if step > 2e-3 {
            converged = false
            notes.append(String(format: "the REML criterion is not flat at the estimate (scaled gradient %.2g > 0.002)", step))
        }
        return Outcome(theta: theta, deviance: dev, iterations: iterations, converged: converged, notes: notes)
    }

    /// Nelder-Mead restarted from its best point until the criterion stops improving.
    private func search(start: [Double], free: [Int], step: Double,
                        iterations: inout Int, converged: inout Bool) throws -> ([Double], Double) {
        let objective = Objective(problem: problem, base: start, free: free)
        var phi = free.map { start[$0] }
        var best = objective.value(phi)
        var stepSize = step
        for restart in 0..<8 {
            let (x, f, its, ok) = try nelderMead(objective, from: phi, step: stepSize)
            iterations += its
            let improved = best - f
            if f < best { phi = x; best = f }
            if !ok { converged = false }
            if restart > 0 && improved <= 1e-10 * max(1, abs(best)) { break }
            stepSize = 1e-3
        }
        return (objective.theta(phi), best)
    }

    /// One run of GSL's nmsimplex2 until the simplex size is below `sizeTolerance`.
    private func nelderMead(_ objective: Objective, from x0: [Double], step: Double) throws
        -> ([Double], Double, Int, Bool) {
        let n = x0.count
        let s = try SimplexMinimizer(dimension: n, objective: { objective.value($0) })
        try s.start(at: x0, step: step)
        var iter = 0
        var done = false
        // Near the optimum the criterion can be flat to rounding error before the simplex is
        // small; Nelder-Mead then cycles without progress. Stop after `stall` such iterations.
        var lastBest = Double.infinity, lastSize = Double.infinity, stalled = 0
        let stall = 30 * (n + 1)
        while iter < maxIterations {
            iter += 1
            if !s.iterate() { break }   // no progress possible: judge by the size below
            let size = s.size
            if size < sizeTolerance { done = true; break }   // gsl_multimin_test_size
            let best = s.minimum
            if best < lastBest || size < 0.999 * lastSize {
                stalled = 0
                lastBest = min(best, lastBest); lastSize = min(size, lastSize)
            } else {
                stalled += 1
                if stalled >= stall { break }
            }
        }
        if !done { done = s.size < stallTolerance }
        return (s.x, s.minimum, iter, done)
    }

    /// max_i |g_i| / max(|h_ii|, 1) by central differences: lme4-style check of a flat criterion.
    func relativeGradient(_ theta: [Double]) throws -> Double {
        let f0 = try problem.evaluate(theta: theta).deviance
        var worst = 0.0
        for i in 0..<theta.count {
            let h = 1e-4 * max(1, abs(theta[i]))
            var up = theta, down = theta
            up[i] += h; down[i] -= h
            let fu = try problem.evaluate(theta: up).deviance
            let fd = try problem.evaluate(theta: down).deviance
            let g = (fu - fd) / (2 * h)
            let hii = (fu - 2 * f0 + fd) / (h * h)
            worst = max(worst, abs(g) / max(abs(hii), 1))
        }
        return worst
    }
}
