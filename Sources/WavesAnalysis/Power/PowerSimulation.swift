import Foundation
import WavesStats

/// Power at one sample size and effect: the count of significant results over the simulations.
public struct PowerEstimate: Sendable, Equatable {
    public var participants: Int
    public var effect: Double
    public var sims: Int
    /// Simulations with p < alpha (a failed fit is not significant).
    public var significant: Int
    /// Simulations whose analysis failed (threw, or gave no p-value).
    public var failed: Int
    /// Simulations whose mixed model was singular (they count, as their p-value does in lmerTest).
    public var singular: Int
    /// Clopper-Pearson 95% interval of the power.
    public var interval: StatInterval
    /// The first failure's reason, in simulation order.
    public var firstFailure: String?
    /// Mean estimate of the tested effect over the fitted simulations.
    public var meanEstimate: Double?
    /// Item-level data: the share of item answers at the lowest or highest option.
    public var extremeShare: Double?
    /// Every simulation's outcome, in order (only when asked for).
    public var outcomes: [PowerOutcome]?

    public var power: Double { Double(significant) / Double(sims) }
    public var failedShare: Double { Double(failed) / Double(sims) }
    public var singularShare: Double { Double(singular) / Double(sims) }
}

/// Called from the workers with the number of simulations just finished (for a progress bar).
public typealias PowerProgress = @Sendable (Int) -> Void

/// Runs the simulations of one sample size and effect on every core.
///
/// Simulation i draws from `PowerStream(seed:index: i)` and writes its outcome to slot i; the
/// counts are gathered in simulation order afterwards, so the result is the same, bit for bit,
/// with any number of workers. Workers take the next unstarted simulation from a shared counter
/// (`DispatchQueue.concurrentPerform`, one thread per worker).
public enum PowerSimulation {
    /// All cores of the machine.
    public static var defaultWorkers: Int { ProcessInfo.processInfo.activeProcessorCount }

    public static func run(_ s: PowerSettings, participants n: Int, sims: Int, seed: UInt64,
                           workers: Int = defaultWorkers, keepOutcomes: Bool = false,
                           progress: PowerProgress? = nil) throws -> PowerEstimate {
        guard sims >= 1, sims <= 1_000_000 else { throw AnalysisError.invalidArgument("--sims must be between 1 and 1,000,000 (got \(sims))") }
        try s.validate(participants: n)
        let generator = try PowerDataGenerator(s)
        let slots = Slots(count: sims)
        let next = Counter()
        let one: @Sendable (Int) -> Void = { i in
            var stream = PowerStream(seed: seed, index: i)
            let data = generator.generate(participants: n, stream: &stream)
            slots.set(i, Slot(outcome: PowerAnalyser.analyse(data, s), extremes: data.extremeAnswers, answers: data.itemAnswers))
        }
        let w = max(1, min(workers, sims))
        if w == 1 {
            for i in 0..<sims { one(i); progress?(1) }
        } else {
            DispatchQueue.concurrentPerform(iterations: w) { _ in
                while let i = next.take(below: sims) { one(i); progress?(1) }
            }
        }
        return summarise(slots.values(), s: s, participants: n, keepOutcomes: keepOutcomes)
    }

    static func summarise(_ all: [Slot], s: PowerSettings, participants n: Int, keepOutcomes: Bool) -> PowerEstimate {
        var significant = 0, failed = 0, singular = 0, extremes = 0, answers = 0
        var firstFailure: String? = nil
        var sum = 0.0, fitted = 0
        for slot in all {
            let o = slot.outcome
            if o.significant { significant += 1 }
            if !o.fitted { failed += 1; if firstFailure == nil { firstFailure = o.failure } }
            if o.singular { singular += 1 }
            if let e = o.estimate, o.fitted { sum += e; fitted += 1 }
            extremes += slot.extremes; answers += slot.answers
        }
        let ci = ClopperPearson.interval(successes: significant, trials: all.count) ?? StatInterval(lower: 0, upper: 1)
        return PowerEstimate(participants: n, effect: s.effect, sims: all.count, significant: significant, failed: failed,
                             singular: singular, interval: ci, firstFailure: firstFailure,
                             meanEstimate: fitted > 0 ? sum / Double(fitted) : nil,
                             extremeShare: s.items != nil && answers > 0 ? Double(extremes) / Double(answers) : nil,
                             outcomes: keepOutcomes ? all.map(\.outcome) : nil)
    }

    struct Slot: Sendable {
        var outcome: PowerOutcome
        var extremes: Int
        var answers: Int
    }

    /// One slot per simulation; each is written by exactly one worker, then read after all finish.
    final class Slots: @unchecked Sendable {
        private let buffer: UnsafeMutablePointer<Slot?>
        private let count: Int
        init(count: Int) {
            self.count = count
            buffer = .allocate(capacity: count)
            buffer.initialize(repeating: nil, count: count)
        }
        deinit { buffer.deinitialize(count: count); buffer.deallocate() }
        func set(_ i: Int, _ s: Slot) { buffer[i] = s }
        func values() -> [Slot] { (0..<count).map { buffer[$0]! } }
    }

    /// The next simulation index to start.
    final class Counter: @unchecked Sendable {
        private var value = 0
        private let lock = NSLock()
        func take(below limit: Int) -> Int? {
            lock.lock(); defer { lock.unlock() }
            guard value < limit else { return nil }
            value += 1
            return value - 1
        }
    }
}
