import Foundation

/// Fisher's exact test of independence for an r x 2 (or 2 x c) contingency table.
///
/// Fisher (1935); the two-sided p-value of R `fisher.test`: with both margins fixed, a
/// table with first-column counts x_i has probability
/// `P(x) = prod_i C(r_i, x_i) / C(N, c_1)` (multivariate hypergeometric), and p is the
/// sum of P over every table with `P <= P(observed) (1 + 1e-7)` (R's relative tolerance).
/// The tables are enumerated row by row with the pruning of Mehta & Patel's network
/// algorithm (1983, JASA 78, 427-434): when even the most probable completion of a partial
/// table is at or below the threshold, all its completions count and their total,
/// `C(sum of the remaining r_i, remaining c_1)` by Vandermonde's identity, is added at
/// once; when even the least probable one is above it, none counts. The bounds come from
/// an exact dynamic programme over the remaining rows. Written here because GSL has no
/// exact contingency test.
public enum FisherExact {
    /// Two-sided p-value; nil (with the reason) unless the table has 2 columns and at
    /// least 2 rows (or 2 rows and at least 2 columns), with no negative count.
    public static func pValue(_ table: [[Int]]) -> (p: Double?, reason: String?) {
        guard let first = table.first, table.allSatisfy({ $0.count == first.count }) else {
            return (nil, "Fisher's test needs a rectangular table")
        }
        if table.contains(where: { $0.contains { $0 < 0 } }) { return (nil, "Fisher's test: a count is negative") }
        var rows = table
        if first.count != 2 && table.count == 2 {
            rows = (0..<first.count).map { j in [table[0][j], table[1][j]] }
        }
        guard rows.first?.count == 2, rows.count >= 2 else {
            return (nil, "Fisher's test here needs an r x 2 table with at least 2 rows (has \(table.count) x \(first.count))")
        }
        let x = rows.map { $0[0] }, r = rows.map { $0[0] + $0[1] }
        if rows.count > 2 {
            // The bounds' dynamic programme costs about k x c1 x max(r_i) steps: beyond
            // `maxWork` (a 3 x 2 table of some 10,000 participants) it would run for minutes.
            let work = Double(rows.count) * Double(x.reduce(0, +) + 1) * Double((r.max() ?? 0) + 1)
            if work > maxWork {
                return (nil, "not computed for a \(rows.count) x 2 table of \(r.reduce(0, +)) participants (the exact enumeration is too large; with counts this large a chi-square test of the same table is accurate)")
            }
        }
        return (pValue(firstColumn: x, rowTotals: r), nil)
    }

    /// The most steps of the r x 2 enumeration's bounds before the test is declined.
    static let maxWork = 2e8

    /// The 2 x 2 table directly: the first cell x ranges over max(0, c1 - r2)...min(r1, c1)
    /// with hypergeometric probability C(r1, x) C(r2, c1 - x) / C(N, c1); p sums those at or
    /// below the observed one (the same rule and tolerance as the general case), in O(N).
    static func pValue2x2(x1: Int, r1: Int, r2: Int, c1: Int) -> Double {
        let n = r1 + r2
        let logTotal = Distributions.logChoose(n, c1)
        func logP(_ x: Int) -> Double { Distributions.logChoose(r1, x) + Distributions.logChoose(r2, c1 - x) - logTotal }
        let threshold = logP(x1) + log1p(1e-7)
        var p = 0.0
        for x in max(0, c1 - r2)...min(r1, c1) {
            let l = logP(x)
            if l <= threshold { p += exp(l) }
        }
        return min(1, p)
    }

    /// The p-value from the first-column counts and the row totals.
    static func pValue(firstColumn x: [Int], rowTotals r: [Int]) -> Double {
        let k = r.count
        let c1 = x.reduce(0, +), n = r.reduce(0, +)
        if c1 == 0 || c1 == n { return 1 }
        if k == 2 { return pValue2x2(x1: x[0], r1: r[0], r2: r[1], c1: c1) }
        let logTotal = Distributions.logChoose(n, c1)
        let observed = zip(r, x).reduce(0.0) { $0 + Distributions.logChoose($1.0, $1.1) }
        let threshold = observed + log1p(1e-7)
        // suffix[i]: sum of r_j for j >= i; best/worst[i][s]: max/min over completions of rows
        // i..<k with sum s of sum_j log C(r_j, x_j) (-inf/+inf when impossible).
        var suffix = [Int](repeating: 0, count: k + 1)
        for i in stride(from: k - 1, through: 0, by: -1) { suffix[i] = suffix[i + 1] + r[i] }
        var best = [[Double]](repeating: [Double](repeating: -.infinity, count: c1 + 1), count: k + 1)
        var worst = [[Double]](repeating: [Double](repeating: .infinity, count: c1 + 1), count: k + 1)
        best[k][0] = 0; worst[k][0] = 0
        for i in stride(from: k - 1, through: 0, by: -1) {
            for s in 0...min(c1, suffix[i]) {
                for xi in 0...min(r[i], s) where best[i + 1][s - xi] > -.infinity {
                    let w = Distributions.logChoose(r[i], xi)
                    best[i][s] = max(best[i][s], w + best[i + 1][s - xi])
                    worst[i][s] = min(worst[i][s], w + worst[i + 1][s - xi])
                }
            }
        }
        var p = 0.0
        func visit(_ i: Int, _ remaining: Int, _ logWeight: Double) {
            if logWeight + best[i][remaining] <= threshold {
                p += exp(logWeight + Distributions.logChoose(suffix[i], remaining) - logTotal)
                return
            }
            if logWeight + worst[i][remaining] > threshold || i == k { return }
            let low = max(0, remaining - suffix[i + 1]), high = min(r[i], remaining)
            guard low <= high else { return }
            for xi in low...high {
                visit(i + 1, remaining - xi, logWeight + Distributions.logChoose(r[i], xi))
            }
        }
        visit(0, c1, 0)
        return min(1, p)
    }
}
