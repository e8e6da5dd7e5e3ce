import Foundation
import WavesCore
import WavesStats

/// The random stream of one simulated data set: simulation `index` of a run seeded with `seed`.
///
/// Stream i is WavesCore's `SplitMix64` (Steele, Lea & Flood 2014) seeded with the i-th output
/// of `SplitMix64(seed)`, computed directly (the generator's i-th output is its finaliser applied
/// to seed + (i + 1) * 0x9E3779B97F4A7C15), so any simulation can be drawn alone, by any worker,
/// in any order: the same seed gives the same data sets however many cores run them.
/// SplitMix64 rather than `RandomSource` (GSL's mt19937) because mt19937 takes only 32 bits of
/// its seed, so per-simulation seeds would collide after some 10^5 simulations.
///
/// Uniforms are the top 53 bits, (k + 0.5) / 2^53, never 0 or 1; normals are drawn by inversion,
/// z = Phi^-1(u) with GSL's `gsl_cdf_ugaussian_Pinv` (`Distributions.normalQuantile`), which
/// uses exactly one uniform per normal: the number of draws per participant is fixed, which is
/// what keeps common random numbers common across effects and sample sizes.
public struct PowerStream: Sendable {
    private var generator: SplitMix64

    public init(seed: UInt64, index: Int) {
        var master = SplitMix64(seed: seed &+ UInt64(truncatingIfNeeded: index) &* 0x9E37_79B9_7F4A_7C15)
        generator = SplitMix64(seed: master.next())
    }

    /// Uniform on (0, 1).
    public mutating func uniform() -> Double {
        (Double(generator.next() >> 11) + 0.5) * 0x1p-53
    }

    /// Standard normal.
    public mutating func normal() -> Double {
        Distributions.normalQuantile(uniform())
    }
}
