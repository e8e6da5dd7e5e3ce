import Foundation

/// The fixed-effect design X of a mixed model (observations x p).
///
/// Stored either densely, one row per observation, or, when the observations share few distinct
/// rows (a design made only of wave and role, as `waves lmm` builds it), as those rows once and
/// each observation's row number: at 363,213 observations and 8 columns that is 1.5 MB instead
/// of 23 MB. Every computation reads a row's values through `RowStarts`, so both forms give the
/// same numbers to the bit (the same values, read in the same order).
public struct FixedDesign: Sendable {
    /// Observations.
    public let rows: Int
    /// Fixed effects (columns).
    public let cols: Int
    /// Dense: rows x cols, row-major; shared: the distinct rows, row-major.
    let table: [Double]
    /// Shared: each observation's row in `table`; empty when dense.
    let rowOf: [Int32]
    let dense: Bool

    /// One row per observation.
    public init(_ x: Matrix) {
        rows = x.rows; cols = x.cols; table = x.values; rowOf = []; dense = true
    }

    /// Observation i has the row `rowOf[i]` of `distinct`; every number must be a row of `distinct`.
    public init(distinct: Matrix, rowOf: [Int32]) {
        precondition(rowOf.allSatisfy { $0 >= 0 && Int($0) < distinct.rows }, "FixedDesign: a row number outside the table")
        rows = rowOf.count; cols = distinct.cols; table = distinct.values; self.rowOf = rowOf; dense = false
    }

    private init(rows: Int, cols: Int, table: [Double], rowOf: [Int32], dense: Bool) {
        self.rows = rows; self.cols = cols; self.table = table; self.rowOf = rowOf; self.dense = dense
    }

    /// Where each observation's row starts in the values given to `withRows`.
    struct RowStarts {
        let rowOf: UnsafeBufferPointer<Int32>
        let dense: Bool
        let cols: Int
        @inline(__always) subscript(r: Int) -> Int { (dense ? r : Int(rowOf[r])) * cols }
    }

    /// Calls `body` with the stored values and the start of each observation's row in them.
    func withRows<R>(_ body: (UnsafeBufferPointer<Double>, RowStarts) throws -> R) rethrows -> R {
        try table.withUnsafeBufferPointer { values in
            try rowOf.withUnsafeBufferPointer { ro in
                try body(values, RowStarts(rowOf: ro, dense: dense, cols: cols))
            }
        }
    }

    /// The value of observation r in column c.
    subscript(r: Int, c: Int) -> Double { table[(dense ? r : Int(rowOf[r])) * cols + c] }

    /// Observation r's row.
    func row(_ r: Int) -> ArraySlice<Double> {
        let start = (dense ? r : Int(rowOf[r])) * cols
        return table[start..<(start + cols)]
    }

    /// Whether observation r's row has only finite values.
    func rowIsFinite(_ r: Int) -> Bool { row(r).allSatisfy(\.isFinite) }

    /// The design of the observations `keep` (in that order).
    func selecting(_ keep: [Int]) -> FixedDesign {
        if dense {
            var xv: [Double] = []
            xv.reserveCapacity(keep.count * cols)
            for r in keep { xv.append(contentsOf: table[(r * cols)..<((r + 1) * cols)]) }
            return FixedDesign(rows: keep.count, cols: cols, table: xv, rowOf: [], dense: true)
        }
        return FixedDesign(rows: keep.count, cols: cols, table: table, rowOf: keep.map { rowOf[$0] }, dense: false)
    }

    /// The dense matrix (for tests and small designs).
    public var matrix: Matrix {
        if dense { return Matrix(rows: rows, cols: cols, values: table) }
        var xv: [Double] = []
        xv.reserveCapacity(rows * cols)
        for r in 0..<rows { xv.append(contentsOf: row(r)) }
        return Matrix(rows: rows, cols: cols, values: xv)
    }
}
