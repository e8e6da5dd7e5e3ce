import Foundation

/// Friedman's rank test over the waves of a complete participants x waves matrix.
extension RepeatedMeasures {
    /// Friedman chi-square with the tie correction of R friedman.test, and Kendall's W.
    ///
    /// Scores are ranked within each participant (average ranks for exact ties);
    /// with n participants, k waves and rank sums R_j:
    /// chisq = 12 sum_j (R_j - n(k+1)/2)^2 / (n k (k+1) - sum_ties (t^3 - t) / (k - 1)),
    /// df = k - 1, p the chi-square upper tail; kendall_w = chisq / (n (k - 1)).
    /// nil (with a note) when every participant has the same score at every wave.
    /// Cost O(n k log k) (insertion sort within a row for k <= 16).
    public static func friedman(_ y: Matrix) -> RepeatedMeasuresResult.Friedman {
        let n = y.rows, k = y.cols
        guard n >= 1, k >= 2 else {
            return .init(chisq: nil, df: max(k - 1, 0), p: nil, kendallW: nil,
                         note: "Friedman's test needs at least one participant and two waves")
        }
        guard y.values.allSatisfy(\.isFinite) else {
            return .init(chisq: nil, df: k - 1, p: nil, kendallW: nil,
                         note: "Friedman's test needs complete rows (a score is NaN or infinite)")
        }
        var rankSums = [Double](repeating: 0, count: k)
        var order = [Int](repeating: 0, count: k)
        let tieTerm = y.values.withUnsafeBufferPointer { v in
            order.withUnsafeMutableBufferPointer { o in
                rankSums.withUnsafeMutableBufferPointer { sums in
                    accumulateRanks(v, rows: n, cols: k, order: o, rankSums: sums)
                }
            }
        }
        let nd = Double(n), kd = Double(k)
        let centre = nd * (kd + 1) / 2
        let numerator = 12 * rankSums.reduce(0) { $0 + ($1 - centre) * ($1 - centre) }
        let denominator = nd * kd * (kd + 1) - tieTerm / (kd - 1)
        guard denominator > 0 else {
            return .init(chisq: nil, df: k - 1, p: nil, kendallW: nil,
                         note: "every participant has the same score at every wave: Friedman's test is undefined")
        }
        let chisq = numerator / denominator
        return .init(chisq: chisq, df: k - 1, p: Distributions.chiSquareUpper(chisq, df: kd - 1),
                     kendallW: chisq / (nd * (kd - 1)), note: nil)
    }

    /// Adds each row's average ranks to `rankSums`; returns sum over tie groups of t^3 - t.
    private static func accumulateRanks(_ v: UnsafeBufferPointer<Double>, rows n: Int, cols k: Int,
                                        order initialOrder: UnsafeMutableBufferPointer<Int>,
                                        rankSums: UnsafeMutableBufferPointer<Double>) -> Double {
        var tieTerm = 0.0
        var order = initialOrder
        for i in 0..<n {
            let row = UnsafeBufferPointer(rebasing: v[(i * k)..<((i + 1) * k)])
            for j in 0..<k { order[j] = j }
            if k <= 16 {
                // Insertion sort: fastest for the few waves of a study.
                for j in 1..<k {
                    let item = order[j], x = row[item]
                    var h = j
                    while h > 0 && row[order[h - 1]] > x { order[h] = order[h - 1]; h -= 1 }
                    order[h] = item
                }
            } else {
                order.sort { row[$0] < row[$1] }
            }
            var start = 0
            while start < k {
                var end = start + 1
                while end < k && row[order[end]] == row[order[start]] { end += 1 }
                let t = Double(end - start)
                let averageRank = Double(start + end + 1) / 2
                for r in start..<end { rankSums[order[r]] += averageRank }
                if t > 1 { tieTerm += t * t * t - t }
                start = end
            }
        }
        return tieTerm
    }
}
