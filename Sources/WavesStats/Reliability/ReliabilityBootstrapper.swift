import Foundation

/// Bootstrap percentile intervals for alpha and omega total.
///
/// Each of B resamples draws n of the complete rows with replacement
/// (`RandomSource.int`, GSL's `gsl_rng_uniform_int` on MT19937 seeded with `seed`, n draws per
/// resample in order), recomputes the covariance matrix with the rows weighted
/// by their counts, and alpha and omega as `Reliability.analyze`. Intervals are
/// the 2.5% and 97.5% quantiles of the successful resamples, R `quantile(type = 7)`.
enum ReliabilityBootstrapper {
    static func run(_ items: Matrix, rows: [Int], replicates: Int, seed: UInt64) throws -> ReliabilityBootstrap {
        let n = rows.count, k = items.cols
        var out = ReliabilityBootstrap(replicates: replicates, seed: seed, alphaCI: nil, omegaCI: nil,
                                       alphaFailures: 0, omegaFailures: 0, reasons: [])
        guard k >= 2, n >= 3 else {
            out.reasons = ["bootstrap: needs at least 2 items and 3 complete rows"]
            out.alphaFailures = replicates
            out.omegaFailures = replicates
            return out
        }
        let rng = RandomSource(seed: seed)
        var alphas: [Double] = [], omegas: [Double] = []
        alphas.reserveCapacity(replicates); omegas.reserveCapacity(replicates)
        var counts = [Int32](repeating: 0, count: n)
        for _ in 0..<replicates {
            for i in 0..<n { counts[i] = 0 }
            for _ in 0..<n { counts[rng.int(n)] += 1 }
            let c = ItemCovariance.compute(items, rows: rows, counts: counts)
            if let a = Reliability.rawAlpha(CovarianceSums(c), k: k) { alphas.append(a) }
            let constant = (0..<k).contains { !(c[$0, $0] > 0) }
            if !constant, case .success(let (w, _)) = Reliability.omegaTotal(correlation: Reliability.correlation(c), k: k) {
                omegas.append(w)
            }
        }
        out.alphaFailures = replicates - alphas.count
        out.omegaFailures = replicates - omegas.count
        out.alphaCI = percentileInterval(alphas)
        out.omegaCI = percentileInterval(omegas)
        if out.alphaCI == nil { out.reasons.append("bootstrap alpha: fewer than 2 resamples gave a value") }
        if out.omegaCI == nil { out.reasons.append("bootstrap omega: fewer than 2 resamples gave a value") }
        if out.omegaFailures > 0, out.omegaCI != nil {
            out.reasons.append("bootstrap omega: \(out.omegaFailures) of \(replicates) resamples gave no omega (Heywood case, singular or no convergence) and are left out")
        }
        if out.alphaFailures > 0, out.alphaCI != nil {
            out.reasons.append("bootstrap alpha: \(out.alphaFailures) of \(replicates) resamples gave no alpha and are left out")
        }
        return out
    }

    /// 2.5% and 97.5% quantiles (R type 7), nil with fewer than 2 values.
    static func percentileInterval(_ values: [Double]) -> StatInterval? {
        guard values.count >= 2 else { return nil }
        let s = values.sorted()
        return StatInterval(lower: quantile7(s, 0.025), upper: quantile7(s, 0.975))
    }

    /// R `quantile(x, p, type = 7)` of sorted values.
    static func quantile7(_ sorted: [Double], _ p: Double) -> Double {
        let h = Double(sorted.count - 1) * p
        let lo = Int(h.rounded(.down))
        let hi = min(lo + 1, sorted.count - 1)
        return sorted[lo] + (h - Double(lo)) * (sorted[hi] - sorted[lo])
    }
}
