import Foundation

/// What a `--target-power` search found.
public struct PowerSearchResult: Sendable, Equatable {
    public enum Parameter: String, Sendable { case effect, participants }
    public var parameter: Parameter
    public var target: Double
    /// The smallest value on the search grid whose estimated power reaches the target.
    public var value: Double
    /// The largest value known to fall short: the answer lies in (below, value]; nil when the
    /// smallest allowed value already reaches the target.
    public var below: Double?
    /// Half-width of the final bracket (effect) or 0 (participants: the exact integer on the grid).
    public var precision: Double
    /// The estimate at `value`.
    public var estimate: PowerEstimate
    /// Every evaluation, in the order made.
    public var evaluations: [PowerEstimate]
}

/// Searches the effect or the sample size that reaches a target power.
///
/// Bisection on common random numbers: every evaluation reuses the same streams (simulation i
/// always draws from `PowerStream(seed, i)`, and the generator draws the same numbers whatever
/// the effect or the number of participants), so the estimated power is a step function of the
/// searched value that is monotone up to rare Monte Carlo reversals, and comparisons between
/// grid points are not blurred by fresh noise. The bracket is found by doubling from a start
/// value, then halved until it is narrower than the tolerance (effect) or adjacent integers
/// (participants). The answer is the bracket's upper end: the smallest value shown to reach the
/// target. Its own uncertainty is the Clopper-Pearson interval of the power there.
public enum PowerSearch {
    public struct Run: Sendable {
        public var sims: Int
        public var seed: UInt64
        public var workers: Int
        public var progress: PowerProgress?
        public init(sims: Int, seed: UInt64, workers: Int = PowerSimulation.defaultWorkers, progress: PowerProgress? = nil) {
            self.sims = sims; self.seed = seed; self.workers = workers; self.progress = progress
        }
    }

    /// The smallest |effect| with power >= `target` at `participants`, to within `tolerance`
    /// (default: 1/256 of the first bracket that reaches the target).
    public static func effect(_ s: PowerSettings, participants n: Int, target: Double, start: Double,
                              tolerance: Double? = nil, run r: Run) throws -> PowerSearchResult {
        try check(target, s)
        var evaluations: [PowerEstimate] = []
        func eval(_ e: Double) throws -> PowerEstimate {
            let est = try PowerSimulation.run(s.with(effect: e), participants: n, sims: r.sims, seed: r.seed,
                                              workers: r.workers, progress: r.progress)
            evaluations.append(est)
            return est
        }
        var lo = 0.0
        var hi = start > 0 && start.isFinite ? start : 0.5
        var atHi = try eval(hi)
        var doublings = 0
        while atHi.power < target {
            doublings += 1
            guard doublings <= 30 else {
                throw AnalysisError.notEnoughData("the target power \(PowerText.number(target)) is not reached with \(n) participants even at an effect of \(PowerText.number(hi)) (power \(PowerText.number(atHi.power, 3)); \(atHi.failed) of \(atHi.sims) fits failed)")
            }
            lo = hi; hi *= 2
            atHi = try eval(hi)
        }
        let tol = tolerance ?? hi / 256
        guard tol > 0 else { throw AnalysisError.invalidArgument("the search precision must be above 0") }
        while hi - lo > tol {
            let mid = (lo + hi) / 2
            let m = try eval(mid)
            if m.power >= target { hi = mid; atHi = m } else { lo = mid }
        }
        return PowerSearchResult(parameter: .effect, target: target, value: hi, below: lo, precision: (hi - lo) / 2,
                                 estimate: atHi, evaluations: evaluations)
    }

    /// The smallest number of participants with power >= `target`, between the design's minimum
    /// and `maximum`.
    public static func participants(_ s: PowerSettings, target: Double, start: Int, maximum: Int = 5_000,
                                    run r: Run) throws -> PowerSearchResult {
        try check(target, s)
        var evaluations: [PowerEstimate] = []
        func eval(_ n: Int) throws -> PowerEstimate {
            let est = try PowerSimulation.run(s, participants: n, sims: r.sims, seed: r.seed, workers: r.workers, progress: r.progress)
            evaluations.append(est)
            return est
        }
        let minimum = s.minimumParticipants
        var lo = minimum - 1
        var hi = min(max(start, minimum), maximum)
        var atHi = try eval(hi)
        while atHi.power < target {
            guard hi < maximum else {
                throw AnalysisError.notEnoughData("the target power \(PowerText.number(target)) is not reached with \(maximum) participants (power \(PowerText.number(atHi.power, 3))); the effect may be too small to detect in a study of this kind")
            }
            lo = hi; hi = min(hi * 2, maximum)
            atHi = try eval(hi)
        }
        while hi - lo > 1 {
            let mid = (lo + hi) / 2
            let m = try eval(mid)
            if m.power >= target { hi = mid; atHi = m } else { lo = mid }
        }
        return PowerSearchResult(parameter: .participants, target: target, value: Double(hi),
                                 below: lo >= minimum ? Double(lo) : nil, precision: 0, estimate: atHi, evaluations: evaluations)
    }

    private static func check(_ target: Double, _ s: PowerSettings) throws {
        guard target > s.alpha, target < 1 else {
            throw AnalysisError.invalidArgument("--target-power must be above alpha (\(PowerText.number(s.alpha))) and below 1 (got \(PowerText.number(target)))")
        }
    }
}
