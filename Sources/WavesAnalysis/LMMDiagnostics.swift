import Foundation
import WavesStats

/// What the report's residual diagnostics of a mixed model plot: conditional residuals
/// against fitted values, and normal Q-Q plots of the residuals and of the random
/// intercepts (and slopes), from `MixedModelResult.diagnostics` (R `residuals`, `fitted`, `ranef`).
public struct LMMDiagnostics: Sendable {
    public struct Observation: Sendable, Equatable {
        public var participant: String
        public var wave: String
        public var fitted: Double
        public var residual: Double
    }
    public struct Mode: Sendable, Equatable {
        public var participant: String
        public var intercept: Double
        public var slope: Double?
    }
    /// Fitted values and conditional residuals, one per observation in model order.
    public let fitted: [Double]
    public let residuals: [Double]
    /// Each observation's participant (in `participants`) and wave (in `waves`): numbers, not
    /// names, so a report holding five scales' diagnostics of 400,000 observations stays small.
    private let subjects: [Int32]
    private let waveNumbers: [Int32]
    private let participants: [String]
    private let waves: [String]
    /// One per participant in the model, in study order.
    public var modes: [Mode]

    /// Every observation with its participant and wave by name (made on demand).
    public var observations: [Observation] {
        fitted.indices.map { i in
            Observation(participant: participants[Int(subjects[i])], wave: waves[Int(waveNumbers[i])], fitted: fitted[i], residual: residuals[i])
        }
    }

    init(_ d: MixedModelResult.Diagnostics, subject: [Int], waveOf: [Int32], participants: [String], waves: [String]) {
        fitted = d.fitted
        residuals = d.residuals
        subjects = subject.map { Int32(truncatingIfNeeded: $0) }
        waveNumbers = waveOf
        self.participants = participants
        self.waves = waves
        modes = IntKeys.sortedDistinct(subject).map { g in
            Mode(participant: participants[g], intercept: d.interceptModes[g], slope: d.slopeModes?[g])
        }
    }

    /// Normal Q-Q points of `values`: (theoretical quantile, sorted value), with the plotting
    /// positions (i - a) / (n + 1 - 2a), a = 3/8 for n <= 10 and 1/2 above, as R `qqnorm` (`ppoints`).
    public static func qq(_ values: [Double]) -> [(theoretical: Double, sample: Double)] {
        let v = qqSample(values)
        return v.enumerated().map { i, x in (theoretical(i, of: v.count), x) }
    }

    /// The sample side of `qq`: the finite values, sorted.
    public static func qqSample(_ values: [Double]) -> [Double] {
        FloatSort.ascending(values.allSatisfy(\.isFinite) ? values : values.filter(\.isFinite))
    }

    /// The theoretical side of `qq`: the normal quantile of the `i`-th (from 0) of `n` plotting
    /// positions, so a plot can compute only the points it uses.
    public static func theoretical(_ i: Int, of n: Int) -> Double {
        let a = n <= 10 ? 3.0 / 8.0 : 0.5
        return Distributions.normalQuantile((Double(i + 1) - a) / (Double(n) + 1 - 2 * a))
    }
}
