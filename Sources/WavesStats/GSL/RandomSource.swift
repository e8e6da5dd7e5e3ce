internal import CGSL
import Foundation

/// A seeded random number generator (GSL's Mersenne Twister, mt19937).
///
/// The same seed gives the same sequence on every machine, which makes
/// simulations and bootstrap intervals reproducible byte for byte.
public final class RandomSource: @unchecked Sendable {
    private let rng: UnsafeMutablePointer<gsl_rng>

    public init(seed: UInt64) {
        GSL.ready()
        rng = gsl_rng_alloc(waves_rng_mt19937())!   // fails only when out of memory
        gsl_rng_set(rng, UInt(truncatingIfNeeded: seed))
    }

    deinit { gsl_rng_free(rng) }

    /// Uniform on [0, 1).
    public func uniform() -> Double { gsl_rng_uniform(rng) }

    /// Uniform integer in 0..<n.
    public func int(_ n: Int) -> Int { n <= 1 ? 0 : Int(gsl_rng_uniform_int(rng, UInt(n))) }

    /// Normal with mean `mean` and standard deviation `sd`.
    public func normal(mean: Double = 0, sd: Double = 1) -> Double { mean + gsl_ran_gaussian_ziggurat(rng, sd) }

    /// True with probability p.
    public func bernoulli(_ p: Double) -> Bool { uniform() < p }

    /// A version-4-shaped UUID string drawn from this generator (deterministic for a seed).
    public func uuid() -> String {
        var bytes = (0..<16).map { _ in UInt8(truncatingIfNeeded: int(256)) }
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(36)
        for (i, b) in bytes.enumerated() {
            if i == 4 || i == 6 || i == 8 || i == 10 { out.append(UInt8(ascii: "-")) }
            out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
