import Foundation

/// A dense row-major matrix of Doubles: the shape WavesStats works on.
///
/// Rows are observations (participants), columns are variables (items, waves).
/// Missing values are `Double.nan`; each statistic documents how it treats them.
public struct Matrix: Equatable, Sendable {
    public let rows: Int
    public let cols: Int
    public var values: [Double]

    public init(rows: Int, cols: Int, values: [Double]) {
        precondition(values.count == rows * cols, "Matrix: values.count must be rows*cols")
        self.rows = rows
        self.cols = cols
        self.values = values
    }

    public init(rows: Int, cols: Int, repeating value: Double = 0) {
        self.init(rows: rows, cols: cols, values: Array(repeating: value, count: rows * cols))
    }

    /// Builds a matrix from an array of equal-length rows.
    public init(_ rowArrays: [[Double]]) {
        let c = rowArrays.first?.count ?? 0
        self.init(rows: rowArrays.count, cols: c, values: rowArrays.flatMap { $0 })
    }

    @inline(__always)
    public subscript(r: Int, c: Int) -> Double {
        get { values[r * cols + c] }
        set { values[r * cols + c] = newValue }
    }

    public func row(_ r: Int) -> ArraySlice<Double> {
        values[(r * cols)..<((r + 1) * cols)]
    }

    public func column(_ c: Int) -> [Double] {
        (0..<rows).map { values[$0 * cols + c] }
    }

    /// The rows with no missing value (listwise deletion).
    public func completeRows() -> Matrix {
        var out: [Double] = []
        out.reserveCapacity(values.count)
        var n = 0
        for r in 0..<rows {
            let slice = row(r)
            if !slice.contains(where: { $0.isNaN }) {
                out.append(contentsOf: slice)
                n += 1
            }
        }
        return Matrix(rows: n, cols: cols, values: out)
    }

    /// Keeps the given columns, in the given order.
    public func selectingColumns(_ idx: [Int]) -> Matrix {
        var out: [Double] = []
        out.reserveCapacity(rows * idx.count)
        for r in 0..<rows { for c in idx { out.append(self[r, c]) } }
        return Matrix(rows: rows, cols: idx.count, values: out)
    }
}
