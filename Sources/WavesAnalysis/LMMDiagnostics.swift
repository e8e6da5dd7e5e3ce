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
    public var observations: [Observation]
    /// One per participant in the model, in study order.
    public var modes: [Mode]

    init(_ d: MixedModelResult.Diagnostics, subject: [Int], waveOf: [Int], participants: [String], waves: [String]) {
        observations = subject.indices.map { i in
            Observation(participant: participants[subject[i]], wave: waves[waveOf[i]], fitted: d.fitted[i], residual: d.residuals[i])
        }
        modes = IntKeys.sortedDistinct(subject).map { g in
            Mode(participant: participants[g], intercept: d.interceptModes[g], slope: d.slopeModes?[g])
        }
    }

    /// Normal Q-Q points of `values`: (theoretical quantile, sorted value), with the plotting
    /// positions (i - a) / (n + 1 - 2a), a = 3/8 for n <= 10 and 1/2 above, as R `qqnorm` (`ppoints`).
    public static func qq(_ values: [Double]) -> [(theoretical: Double, sample: Double)] {
        let v = values.filter(\.isFinite).sorted()
        let n = v.count
        guard n > 0 else { return [] }
        let a = n <= 10 ? 3.0 / 8.0 : 0.5
        return v.enumerated().map { i, x in
            (Distributions.normalQuantile((Double(i + 1) - a) / (Double(n) + 1 - 2 * a)), x)
        }
    }
}
