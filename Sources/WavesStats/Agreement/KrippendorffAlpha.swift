import Foundation

/// Krippendorff's alpha for nominal data, any number of coders, missing judgements allowed.
///
/// Krippendorff (2011), "Computing Krippendorff's alpha-reliability", section C (nominal
/// data, any number of observers, missing data): units with fewer than two values are
/// unpairable and dropped; each remaining unit u with m_u values and n_uc values of
/// category c adds n_uc (n_uk - [c = k]) / (m_u - 1) to the coincidence o_ck; with
/// n_c = sum_k o_ck and n = sum_c n_c,
///
///     alpha = 1 - (n - 1) * sum_{c != k} o_ck / sum_{c != k} n_c n_k.
///
/// Alpha is undefined (nil) when fewer than two values are pairable or every pairable value
/// is the same category (no expected disagreement). The paper's worked example (4 coders,
/// 12 units, missing data) gives 0.743; the tests check it and the Python package
/// `krippendorff` on crafted and random data.
public enum KrippendorffAlpha {
    /// The coincidence summary of one unit: its off-diagonal coincidences and its values per category.
    struct UnitContribution {
        var disagreement: Double
        var counts: [Int: Double]
    }

    static func contribution(_ row: [Int?]) -> UnitContribution? {
        var counts: [Int: Double] = [:]
        var m = 0.0
        for v in row { if let v { counts[v, default: 0] += 1; m += 1 } }
        guard m >= 2 else { return nil }
        // sum_{c != k} n_uc n_uk / (m - 1) = (m^2 - sum_c n_uc^2) / (m - 1)
        let same = counts.values.reduce(0) { $0 + $1 * $1 }
        return UnitContribution(disagreement: (m * m - same) / (m - 1), counts: counts)
    }

    static func alpha(disagreement: Double, counts: [Int: Double]) -> Double? {
        let n = counts.values.reduce(0, +)
        guard n > 1 else { return nil }
        let squares = counts.values.reduce(0) { $0 + $1 * $1 }
        let expected = n * n - squares      // sum_{c != k} n_c n_k
        guard expected > 0 else { return nil }
        return 1 - (n - 1) * disagreement / expected
    }

    /// Alpha for nominal ratings (nil when undefined, see the type's comment).
    public static func nominal(_ ratings: NominalRatings) -> Double? {
        var disagreement = 0.0
        var counts: [Int: Double] = [:]
        for row in ratings.values {
            guard let c = contribution(row) else { continue }
            disagreement += c.disagreement
            for (k, v) in c.counts { counts[k, default: 0] += v }
        }
        return alpha(disagreement: disagreement, counts: counts)
    }

    /// A percentile bootstrap interval for nominal alpha, resampling units.
    ///
    /// Each of `replicates` resamples draws the pairable units with replacement (as many as
    /// there are) from a Mersenne Twister seeded with `seed`, recomputes alpha, and the
    /// interval is the (1 - level)/2 and (1 + level)/2 quantiles of the defined replicates
    /// (R's default quantile, type 7). Resampling units rather than Krippendorff's own
    /// (Hayes & Krippendorff 2007) scheme of resampling pairable values keeps the dependence
    /// of the judgements within a unit, needs no normal approximation, and is what
    /// cluster-bootstrap practice recommends for raters nested in units; it is documented in
    /// docs/coding.md. Replicates where alpha is undefined (every value the same) are left
    /// out; when fewer than half are defined the interval is nil. The same seed gives the same
    /// interval.
    public static func bootstrapInterval(_ ratings: NominalRatings, replicates: Int, seed: UInt64,
                                         level: Double = 0.95) -> (lower: Double, upper: Double)? {
        let units = ratings.values.compactMap(contribution)
        guard replicates > 0, units.count >= 2, level > 0, level < 1 else { return nil }
        let rng = RandomSource(seed: seed)
        var alphas: [Double] = []
        alphas.reserveCapacity(replicates)
        for _ in 0..<replicates {
            var disagreement = 0.0
            var counts: [Int: Double] = [:]
            for _ in 0..<units.count {
                let u = units[rng.int(units.count)]
                disagreement += u.disagreement
                for (k, v) in u.counts { counts[k, default: 0] += v }
            }
            if let a = alpha(disagreement: disagreement, counts: counts) { alphas.append(a) }
        }
        guard alphas.count * 2 >= replicates else { return nil }
        alphas.sort()
        return (quantile7(alphas, (1 - level) / 2), quantile7(alphas, (1 + level) / 2))
    }

    /// Quantile of sorted values, R type 7: h = (n - 1) p, linear between neighbours.
    static func quantile7(_ sorted: [Double], _ p: Double) -> Double {
        let h = Double(sorted.count - 1) * p
        let lo = Int(h.rounded(.down)), hi = min(lo + 1, sorted.count - 1)
        return sorted[lo] + (h - Double(lo)) * (sorted[hi] - sorted[lo])
    }
}
