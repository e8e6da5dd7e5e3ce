import Foundation

/// Means and covariance matrix (n - 1) of the listwise complete rows of an item matrix.
///
/// Two sweeps over the rows: one for completeness and the means, one that adds
/// the outer product of each centred row to the upper triangle (O(n k^2)
/// multiply-adds in total, cache-friendly, no k^2 passes over the data).
/// A value that is not finite counts as missing. Matches R `cov(na.omit(x))`.
public struct ItemCovariance: Equatable, Sendable {
    /// Complete rows used.
    public let n: Int
    /// Items (columns).
    public let k: Int
    /// Item means over the complete rows.
    public let means: [Double]
    /// k x k covariance matrix, row-major, denominator n - 1 (zeros when n < 2).
    public let covariance: [Double]

    /// Covariance of the complete rows of `items`.
    public static func compute(_ items: Matrix) -> ItemCovariance {
        let rows = completeRowIndices(items)
        return compute(items, rows: rows, counts: nil)
    }

    /// Indices of the rows whose values are all finite.
    public static func completeRowIndices(_ items: Matrix) -> [Int] {
        let k = items.cols
        var out: [Int] = []
        out.reserveCapacity(items.rows)
        items.values.withUnsafeBufferPointer { v in
            for r in 0..<items.rows {
                var ok = true
                let base = r * k
                for j in 0..<k where !v[base + j].isFinite { ok = false; break }
                if ok { out.append(r) }
            }
        }
        return out
    }

    /// Covariance over the given rows; `counts[i]` (if given) repeats `rows[i]`
    /// that many times (a bootstrap resample), so n = sum of counts.
    static func compute(_ items: Matrix, rows: [Int], counts: [Int32]?) -> ItemCovariance {
        let k = items.cols
        let n = counts.map { $0.reduce(0) { $0 + Int($1) } } ?? rows.count
        var means = [Double](repeating: 0, count: k)
        var acc = [Double](repeating: 0, count: k * k)
        guard n > 0, k > 0 else {
            return ItemCovariance(n: n, k: k, means: n > 0 ? means : [Double](repeating: 0, count: k),
                                  covariance: acc)
        }
        items.values.withUnsafeBufferPointer { v in
            means.withUnsafeMutableBufferPointer { m in
                for (i, r) in rows.enumerated() {
                    let w = counts.map { Double($0[i]) } ?? 1
                    if w == 0 { continue }
                    let base = r * k
                    for j in 0..<k { m[j] += w * v[base + j] }
                }
                let inv = 1 / Double(n)
                for j in 0..<k { m[j] *= inv }
            }
            var d = [Double](repeating: 0, count: k)
            means.withUnsafeBufferPointer { m in
                d.withUnsafeMutableBufferPointer { d in
                    acc.withUnsafeMutableBufferPointer { a in
                        for (i, r) in rows.enumerated() {
                            let w = counts.map { Double($0[i]) } ?? 1
                            if w == 0 { continue }
                            let base = r * k
                            for j in 0..<k { d[j] = v[base + j] - m[j] }
                            for p in 0..<k {
                                let dp = w * d[p]
                                let rowBase = p * k
                                for q in p..<k { a[rowBase + q] += dp * d[q] }
                            }
                        }
                    }
                }
            }
        }
        let denom = n > 1 ? 1 / Double(n - 1) : 0
        for p in 0..<k {
            for q in p..<k {
                let c = acc[p * k + q] * denom
                acc[p * k + q] = c
                acc[q * k + p] = c
            }
        }
        return ItemCovariance(n: n, k: k, means: means, covariance: acc)
    }

    @inline(__always)
    public subscript(i: Int, j: Int) -> Double { covariance[i * k + j] }
}
