import Foundation

/// Paired t-tests between every pair of waves, with Holm and Bonferroni adjustment and d_z intervals.
extension RepeatedMeasures {
    /// Paired t-tests of wave b against wave a for every a < b, unadjusted.
    ///
    /// d = y_b - y_a per participant; t = mean(d) / (sd(d) / sqrt n), df = n - 1, two-sided
    /// p (as R t.test(y_b, y_a, paired = TRUE)); dz = mean(d) / sd(d). As in R, the test
    /// is refused when the standard error is below 10 eps |mean(d)| ("data are essentially
    /// constant"), and t, p, dz are nil when sd(d) = 0. Two passes over the rows, O(n w^2).
    /// `dzCI`: the noncentral-t interval of dz (`EffectSizes.dzInterval`).
    static func pairedComparisons(_ y: Matrix) -> [RepeatedMeasuresResult.PairedComparison] {
        let n = y.rows, w = y.cols
        var pairs: [(Int, Int)] = []
        for a in 0..<w { for b in (a + 1)..<w { pairs.append((a, b)) } }
        var sums = [Double](repeating: 0, count: pairs.count)
        var squares = [Double](repeating: 0, count: pairs.count)
        y.values.withUnsafeBufferPointer { v in
            for i in 0..<n {
                let base = i * w
                for (k, (a, b)) in pairs.enumerated() { sums[k] += v[base + b] - v[base + a] }
            }
        }
        let means = sums.map { $0 / Double(max(n, 1)) }
        y.values.withUnsafeBufferPointer { v in
            for i in 0..<n {
                let base = i * w
                for (k, (a, b)) in pairs.enumerated() {
                    let d = v[base + b] - v[base + a] - means[k]
                    squares[k] += d * d
                }
            }
        }
        return pairs.enumerated().map { k, pair in
            let (a, b) = pair
            let mean = means[k]
            guard n > 1 else {
                return .init(a: a, b: b, n: n, meanDiff: mean, sdDiff: nil, t: nil, df: n - 1, p: nil,
                             pHolm: nil, pBonferroni: nil, dz: nil, dzCI: nil, note: "fewer than two participants")
            }
            let sd = (squares[k] / Double(n - 1)).squareRoot()
            let se = sd / Double(n).squareRoot()
            if sd == 0 || se < 10 * Double.ulpOfOne * abs(mean) {
                return .init(a: a, b: b, n: n, meanDiff: mean, sdDiff: sd, t: nil, df: n - 1, p: nil,
                             pHolm: nil, pBonferroni: nil, dz: sd > 0 ? mean / sd : nil,
                             dzCI: sd > 0 ? EffectSizes.dzInterval(dz: mean / sd, n: n) : nil, note: "every participant changes by the same amount: the t-test is undefined")
            }
            let t = mean / se
            return .init(a: a, b: b, n: n, meanDiff: mean, sdDiff: sd, t: t, df: n - 1,
                         p: Distributions.tTwoSided(t, df: Double(n - 1)),
                         pHolm: nil, pBonferroni: nil, dz: mean / sd,
                         dzCI: EffectSizes.dzInterval(dz: mean / sd, n: n), note: nil)
        }
    }

    /// Fills `pHolm` and `pBonferroni` over the comparisons that have a p-value.
    static func adjustPairedComparisons(_ rows: inout [RepeatedMeasuresResult.PairedComparison]) {
        let raw = rows.map(\.p)
        let holm = MultipleComparisons.holm(raw), bonferroni = MultipleComparisons.bonferroni(raw)
        rows = rows.indices.map { i in
            let r = rows[i]
            return .init(a: r.a, b: r.b, n: r.n, meanDiff: r.meanDiff, sdDiff: r.sdDiff, t: r.t, df: r.df, p: r.p,
                         pHolm: holm[i], pBonferroni: bonferroni[i], dz: r.dz, dzCI: r.dzCI, note: r.note)
        }
    }

    /// Holm's adjustment; the rule lives in `MultipleComparisons.holm` (kept here for existing callers).
    public static func adjustHolm(_ p: [Double?]) -> [Double?] { MultipleComparisons.holm(p) }

    /// Bonferroni's adjustment; the rule lives in `MultipleComparisons.bonferroni` (kept here for existing callers).
    public static func adjustBonferroni(_ p: [Double?]) -> [Double?] { MultipleComparisons.bonferroni(p) }
}
