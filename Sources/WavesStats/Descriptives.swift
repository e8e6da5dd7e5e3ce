import Foundation

/// Mean, standard deviation (n - 1), standard error and t interval of one sample.
///
/// spec/cli.md, shared definitions: `sd = sqrt(sum (x - mean)^2 / (n - 1))`,
/// `se = sd / sqrt(n)`, and the 95% interval of a mean is
/// `mean ± t(0.975; n - 1) sd / sqrt(n)` (R `t.test(x)$conf.int`, `mean`, `sd`).
/// With n = 0 every value is nil; with n = 1 only the mean exists. The one home of
/// these formulas in Waves (repeated measures, reliable change, retest, attrition).
public struct Descriptives: Sendable, Equatable {
    public let n: Int
    public let mean: Double?
    /// Standard deviation with n - 1; nil when n < 2.
    public let sd: Double?
    /// sd / sqrt(n); nil when n < 2.
    public let se: Double?
    /// mean ± t((1 + level) / 2; n - 1) se; nil when n < 2.
    public let ci: StatInterval?

    /// From the values themselves; non-finite values (missing) are left out.
    public init(_ values: [Double], level: Double = 0.95) {
        let x = values.filter(\.isFinite)
        guard !x.isEmpty else { self.init(n: 0, mean: .nan, sumOfSquares: 0, level: level); return }
        let m = Descriptives.mean(x)
        self.init(n: x.count, mean: m, sumOfSquares: Descriptives.sumOfSquares(x, about: m), level: level)
    }

    /// From the moments: n, mean and the sum of squared deviations about the mean.
    public init(n: Int, mean: Double, sumOfSquares ss: Double, level: Double = 0.95) {
        self.n = n
        guard n > 0 else { self.mean = nil; sd = nil; se = nil; ci = nil; return }
        self.mean = mean
        guard n > 1 else { sd = nil; se = nil; ci = nil; return }
        let sd = (ss / Double(n - 1)).squareRoot()
        self.sd = sd
        se = sd / Double(n).squareRoot()
        let half = Distributions.tQuantile(0.5 + level / 2, df: Double(n - 1)) * sd / Double(n).squareRoot()
        ci = StatInterval.finite(mean - half, mean + half)
    }

    /// The arithmetic mean (NaN for no values).
    public static func mean(_ x: [Double]) -> Double {
        x.reduce(0, +) / Double(x.count)
    }

    /// sum (x - m)^2, in two passes for accuracy.
    public static func sumOfSquares(_ x: [Double], about m: Double) -> Double {
        x.reduce(0) { $0 + ($1 - m) * ($1 - m) }
    }

    /// Standard deviation with n - 1; nil with fewer than two values.
    public static func sd(_ x: [Double]) -> Double? {
        guard x.count > 1 else { return nil }
        return (sumOfSquares(x, about: mean(x)) / Double(x.count - 1)).squareRoot()
    }
}
