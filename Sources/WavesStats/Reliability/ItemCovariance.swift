import Foundation

/// The rows of a participants x items table as `ItemCovariance` reads them: a `Matrix`, or a
/// table read in place (a scale's items at one wave of an instrument's columns,
/// `InstrumentData.itemRows`), so that the covariance needs no copy of the items.
public protocol ItemRows {
    /// Rows (participants).
    var rowCount: Int { get }
    /// Items (columns).
    var itemCount: Int { get }
    /// Row `r`'s `itemCount` values: a pointer into the table, or `scratch` (room for
    /// `itemCount` values) filled with them; valid until the next call.
    func row(_ r: Int, scratch: UnsafeMutablePointer<Double>) -> UnsafePointer<Double>
}

/// A `Matrix`'s rows in place (within `Matrix.withItemRows`).
struct MatrixRows: ItemRows {
    let values: UnsafeBufferPointer<Double>
    let rowCount: Int, itemCount: Int

    @inline(__always)
    func row(_ r: Int, scratch: UnsafeMutablePointer<Double>) -> UnsafePointer<Double> {
        guard itemCount > 0, let base = values.baseAddress else { return UnsafePointer(scratch) }
        return base + r * itemCount
    }
}

extension Matrix {
    /// The matrix as `ItemRows` (its values read in place) for the duration of `body`.
    func withItemRows<R>(_ body: (MatrixRows) throws -> R) rethrows -> R {
        try values.withUnsafeBufferPointer { try body(MatrixRows(values: $0, rowCount: rows, itemCount: cols)) }
    }
}

/// Means and covariance matrix (n - 1) of the listwise complete rows of an item matrix.
///
/// Two sweeps over the rows: one for the means, one that adds the outer
/// product of each centred row to the upper triangle, four rows at a time
/// (O(n k^2) multiply-adds in total, no k^2 passes over the data).
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
        let (rows, sums) = items.withItemRows { completeRowsAndSums($0) }
        return compute(items, rows: rows, counts: nil, sums: sums)
    }

    /// The complete rows (`completeRowIndices`) and each item's sum over them, added in row
    /// order as the means pass of `compute` adds them (weight 1): that pass and the search for
    /// complete rows in one read of the rows. Reading a scale's rows in place is memory-bound
    /// (the report's reliability section), so each pass saved is a third of its reads.
    public static func completeRowsAndSums<T: ItemRows>(_ items: T) -> (rows: [Int], sums: [Double]) {
        let k = items.itemCount
        var out: [Int] = []
        out.reserveCapacity(items.rowCount)
        var sums = [Double](repeating: 0, count: k)
        let scratch = UnsafeMutablePointer<Double>.allocate(capacity: max(1, k))
        defer { scratch.deallocate() }
        sums.withUnsafeMutableBufferPointer { m in
            for r in 0..<items.rowCount {
                let v = items.row(r, scratch: scratch)
                var ok = true
                for j in 0..<k where !v[j].isFinite { ok = false; break }
                guard ok else { continue }
                out.append(r)
                for j in 0..<k { m[j] += v[j] }
            }
        }
        return (out, sums)
    }

    /// Indices of the rows whose values are all finite.
    public static func completeRowIndices(_ items: Matrix) -> [Int] {
        items.withItemRows { completeRowIndices($0) }
    }

    /// Indices of the rows whose values are all finite, read in place.
    public static func completeRowIndices<T: ItemRows>(_ items: T) -> [Int] {
        let k = items.itemCount
        var out: [Int] = []
        out.reserveCapacity(items.rowCount)
        let scratch = UnsafeMutablePointer<Double>.allocate(capacity: max(1, k))
        defer { scratch.deallocate() }
        for r in 0..<items.rowCount {
            let v = items.row(r, scratch: scratch)
            var ok = true
            for j in 0..<k where !v[j].isFinite { ok = false; break }
            if ok { out.append(r) }
        }
        return out
    }

    /// Covariance of the complete rows of a table read in place (`ItemRows`): the same
    /// numbers as `compute(_:)` of the same values as a `Matrix`, without the matrix.
    public static func compute<T: ItemRows>(rows items: T) -> ItemCovariance {
        let (rows, sums) = completeRowsAndSums(items)
        return compute(items, rows: rows, counts: nil, sums: sums)
    }

    /// Covariance over the given rows; `counts[i]` (if given) repeats `rows[i]`
    /// that many times (a bootstrap resample), so n = sum of counts.
    static func compute(_ items: Matrix, rows: [Int], counts: [Int32]?, sums: [Double]? = nil) -> ItemCovariance {
        items.withItemRows { compute($0, rows: rows, counts: counts, sums: sums) }
    }

    /// `sums`, when given, are `completeRowsAndSums`'s for `rows` (no counts): the means pass
    /// is then not read again.
    static func compute<T: ItemRows>(_ items: T, rows: [Int], counts: [Int32]?, sums: [Double]? = nil) -> ItemCovariance {
        let k = items.itemCount
        let n = counts.map { $0.reduce(0) { $0 + Int($1) } } ?? rows.count
        let summed = counts == nil && sums?.count == k
        var means = summed ? sums! : [Double](repeating: 0, count: k)
        var acc = [Double](repeating: 0, count: k * k)
        guard n > 0, k > 0 else {
            return ItemCovariance(n: n, k: k, means: means, covariance: acc)
        }
        let scratch = UnsafeMutablePointer<Double>.allocate(capacity: k)
        defer { scratch.deallocate() }
        means.withUnsafeMutableBufferPointer { m in
            for (i, r) in rows.enumerated() where !summed {
                let w = counts.map { Double($0[i]) } ?? 1
                if w == 0 { continue }
                let v = items.row(r, scratch: scratch)
                for j in 0..<k { m[j] += w * v[j] }
            }
            let inv = 1 / Double(n)
            for j in 0..<k { m[j] *= inv }
        }
        means.withUnsafeBufferPointer { m in
            acc.withUnsafeMutableBufferPointer { a in
                accumulate(items, k: k, rows: rows, counts: counts, means: m, scratch: scratch, into: a)
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

    /// Adds w * d d^T over the rows to the upper triangle of `a`, d the centred
    /// row, four rows at a time (four multiply-adds per load and store of `a`).
    private static func accumulate<T: ItemRows>(_ items: T, k: Int, rows: [Int], counts: [Int32]?, means m: UnsafeBufferPointer<Double>,
                                                scratch: UnsafeMutablePointer<Double>, into a: UnsafeMutableBufferPointer<Double>) {
        let block = UnsafeMutableBufferPointer<Double>.allocate(capacity: 4 * k)
        defer { block.deallocate() }
        block.initialize(repeating: 0)
        var w = (0.0, 0.0, 0.0, 0.0)
        var filled = 0
        func flush() {
            let d0 = block.baseAddress!, d1 = d0 + k, d2 = d1 + k, d3 = d2 + k
            let acc = a.baseAddress!
            for p in 0..<k {
                let a0 = w.0 * d0[p], a1 = w.1 * d1[p], a2 = w.2 * d2[p], a3 = w.3 * d3[p]
                let row = acc + p * k
                for q in p..<k { row[q] += a0 * d0[q] + a1 * d1[q] + a2 * d2[q] + a3 * d3[q] }
            }
            w = (0, 0, 0, 0)
            filled = 0
        }
        for (i, r) in rows.enumerated() {
            let weight = counts.map { Double($0[i]) } ?? 1
            if weight == 0 { continue }
            let v = items.row(r, scratch: scratch), slot = block.baseAddress! + filled * k
            for j in 0..<k { slot[j] = v[j] - m[j] }
            switch filled {
            case 0: w.0 = weight
            case 1: w.1 = weight
            case 2: w.2 = weight
            default: w.3 = weight
            }
            filled += 1
            if filled == 4 { flush() }
        }
        if filled > 0 { flush() }
    }

    @inline(__always)
    public subscript(i: Int, j: Int) -> Double { covariance[i * k + j] }
}
