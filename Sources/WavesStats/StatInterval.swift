import Foundation

/// A two-sided interval `[lower, upper]` (95% unless documented otherwise).
///
/// The one interval type of WavesStats: descriptive t intervals, reliability, retest,
/// bootstrap and effect-size intervals. `values` is the `[lower, upper]` array shape of
/// the `--json` output (spec/cli.md).
public struct StatInterval: Equatable, Sendable, Codable {
    public var lower: Double
    public var upper: Double

    public init(lower: Double, upper: Double) {
        self.lower = lower
        self.upper = upper
    }

    /// `[lower, upper]`.
    public var values: [Double] { [lower, upper] }

    /// The interval when both ends are finite, else nil (nothing NaN reaches the output).
    public static func finite(_ lower: Double, _ upper: Double) -> StatInterval? {
        lower.isFinite && upper.isFinite ? StatInterval(lower: lower, upper: upper) : nil
    }
}
