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
    /// The mixed model's residual diagnostics as drawn (nil when the model has none); the
    /// model in `lmm` is kept without them (`ScaleDiagnostics`).
    public var diagnostics: ScaleDiagnostics?

    /// An id for anchors: `scale-INSTRUMENT-SCALE`.
    public var anchor: String { SafeText.anchor("scale-\(instrument)-\(scale)") }
}

/// A scale's mixed-model diagnostics as the report draws them (`HTMLRenderer.diagnostics`):
/// residuals against fitted values, and normal Q-Q plots of the residuals and of the random
/// intercepts, each reduced to `ScatterPlot.Points` when the section is built. The report so
/// does not hold every scale's residuals (400,000 per scale at the benchmark study, 4 million
/// at a million participants) until it is written.
public struct ScaleDiagnostics: Sendable {
    /// The numbers of observations (fitted values), residuals and participants (random intercepts).
    public let observations: Int
    public let residuals: Int
    public let participants: Int
    let residualsAgainstFitted: ScatterPlot.Points
    let residualsQQ: ScatterPlot.Points
    let interceptsQQ: ScatterPlot.Points

    /// Nil when the model has no observation to plot.
    init?(_ d: LMMDiagnostics) {
        guard !d.fitted.isEmpty else { return nil }
        observations = d.fitted.count
        residuals = d.residuals.count
        participants = d.modes.count
        residualsAgainstFitted = ScatterPlot.points(x: d.fitted, y: d.residuals, reference: .horizontal(0))
        residualsQQ = ScatterPlot.qqPoints(sorted: LMMDiagnostics.qqSample(d.residuals))
        interceptsQQ = ScatterPlot.qqPoints(sorted: LMMDiagnostics.qqSample(d.modes.map(\.intercept)))
    }
}
