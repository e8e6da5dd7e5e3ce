internal import CGSL
import Foundation

/// A GSL matrix that frees itself: allocated in `init`, released in `deinit`.
///
/// The linear algebra of WavesStats runs on this type (Cholesky, symmetric eigen, LU
/// solve, inverse and determinant, in `GSLMatrix+LinearAlgebra.swift`); callers fill it
/// from row-major `[Double]` and read results back, so no `gsl_*` type leaves the folder.
/// Element access is bounds-checked in Swift.
final class GSLMatrix {
    let rows: Int
    let cols: Int
    let raw: UnsafeMutablePointer<gsl_matrix>

    /// A zero matrix (both sizes at least 1).
    init(rows: Int, cols: Int) throws {
        GSL.ready()
        guard rows > 0, cols > 0 else { throw StatsError.dimension("a GSL matrix needs at least one row and column (got \(rows) x \(cols))") }
        guard let m = gsl_matrix_calloc(rows, cols) else { throw StatsError.numerical("out of memory for a \(rows) x \(cols) matrix") }
        self.rows = rows
        self.cols = cols
        raw = m
    }

    /// A matrix filled from row-major values.
    convenience init(rowMajor values: [Double], rows: Int, cols: Int) throws {
        try self.init(rows: rows, cols: cols)
        set(rowMajor: values)
    }

    /// A square matrix from an array of rows.
    convenience init(_ rowArrays: [[Double]]) throws {
        let n = rowArrays.count
        try self.init(rowMajor: rowArrays.flatMap { $0 }, rows: n, cols: rowArrays.first?.count ?? 0)
    }

    deinit { gsl_matrix_free(raw) }

    subscript(i: Int, j: Int) -> Double {
        get {
            precondition(i >= 0 && i < rows && j >= 0 && j < cols, "GSLMatrix index (\(i), \(j)) out of range")
            return raw.pointee.data[i * raw.pointee.tda + j]
        }
        set {
            precondition(i >= 0 && i < rows && j >= 0 && j < cols, "GSLMatrix index (\(i), \(j)) out of range")
            raw.pointee.data[i * raw.pointee.tda + j] = newValue
        }
    }

    /// Overwrites every element from row-major values.
    func set(rowMajor values: [Double]) {
        precondition(values.count == rows * cols, "GSLMatrix.set: \(values.count) values for \(rows) x \(cols)")
        let tda = raw.pointee.tda, data = raw.pointee.data!
        values.withUnsafeBufferPointer { v in
            for i in 0..<rows { for j in 0..<cols { data[i * tda + j] = v[i * cols + j] } }
        }
    }

    /// The elements, row-major.
    var rowMajor: [Double] {
        let tda = raw.pointee.tda, data = raw.pointee.data!
        var out = [Double](repeating: 0, count: rows * cols)
        for i in 0..<rows { for j in 0..<cols { out[i * cols + j] = data[i * tda + j] } }
        return out
    }

    /// Direct access to the storage for hot loops: `body(data, tda)` with element (i, j) at
    /// `data[i * tda + j]`; the caller stays inside `rows` x `cols`.
    func withUnsafeStorage<R>(_ body: (UnsafeMutablePointer<Double>, Int) throws -> R) rethrows -> R {
        try body(raw.pointee.data, raw.pointee.tda)
    }
}
