import Foundation
import WavesCore
import WavesAnalysis

/// Everything the report shows for one scale.
public struct ScaleSection: Sendable {
    public var instrument: String
    public var instrumentTitle: String
    public var scale: String
    public var label: String
    /// `INSTRUMENT.SCALE`, as accepted by `--scale`.
    public var qualifiedName: String
    public var items: [String]
    public var scoreRule: String
    /// Waves at which the instrument is given, in study order, and their labels.
    public var waves: [String]
    public var waveLabels: [String]
    /// Possible range of the score (from the response sets), for the trajectory plot's axis.
    public var scoreRange: ClosedRange<Double>?
    /// Per role (series) and wave: n, mean and 95% CI of every available score.
    public var means: [MeanSeries]
    /// Standard deviations matching `means` (same shape).
    public var sds: [[Double?]]
    /// Series names of `means` and of the trajectories' `series` index.
    public var seriesNames: [String]
    /// A deterministic sample of individual trajectories, and how many there are in all.
    public var trajectories: [Trajectory]
    public var trajectoriesTotal: Int
    public var reliability: Outcome<[ReliabilityReport]>
    public var retest: Outcome<[RetestReport]>
    public var change: Outcome<ChangeReport>
    public var lmm: Outcome<LMMReport>
    public var rci: Outcome<RCIReport>

    /// An id for anchors: `scale-INSTRUMENT-SCALE`.
    public var anchor: String { SafeText.anchor("scale-\(instrument)-\(scale)") }
}
