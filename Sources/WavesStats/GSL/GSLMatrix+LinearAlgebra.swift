internal import CGSL
import Foundation

/// In-place factorisations of a `GSLMatrix` (GSL `gsl_linalg_*`).
extension GSLMatrix {
    /// Replaces a symmetric positive definite matrix by its Cholesky factor (`gsl_linalg_cholesky_decomp1`).
    func factorCholesky(_ what: @autoclosure () -> String) throws {
        try GSL.check(what()) { gsl_linalg_cholesky_decomp1(raw) }
    }

    /// As `factorCholesky`, answering false (matrix undefined) when it is not positive definite.
    func factorCholeskyIfPositiveDefinite() -> Bool {
        GSL.succeeds { gsl_linalg_cholesky_decomp1(raw) }
    }

    /// Solves A x = b with this matrix holding A's Cholesky factor.
    func choleskySolve(_ b: GSLVector, into x: GSLVector, _ what: @autoclosure () -> String) throws {
        try GSL.check(what()) { gsl_linalg_cholesky_solve(raw, b.raw, x.raw) }
    }

    /// Replaces A's Cholesky factor (held here) by A^-1.
    func invertFromCholesky(_ what: @autoclosure () -> String) throws {
        try GSL.check(what()) { gsl_linalg_cholesky_invert(raw) }
    }

    /// log det A = 2 sum log L_ii with this matrix holding A's Cholesky factor; nil unless every L_ii > 0.
    var choleskyLogDeterminant: Double? {
        var s = 0.0
        for i in 0..<rows {
            let l = self[i, i]
            guard l > 0 else { return nil }
            s += 2 * Foundation.log(l)
        }
        return s
    }
}

/// A reusable work space for eigen-decompositions of symmetric n x n matrices (`gsl_eigen_symmv`).
///
/// After `decompose`, eigenvalues are in descending order (`value(j)`) and the j-th
/// eigenvector is column j of `vectors`.
final class SymmetricEigenWorkspace {
    let dim: Int
    let vectors: GSLMatrix
    private let values: GSLVector
    private let work: UnsafeMutablePointer<gsl_eigen_symmv_workspace>

    init(dim: Int) throws {
        GSL.ready()
        vectors = try GSLMatrix(rows: dim, cols: dim)
        values = try GSLVector(count: dim)
        guard let w = gsl_eigen_symmv_alloc(dim) else { throw StatsError.numerical("out of memory for an eigen work space") }
        self.dim = dim
        work = w
    }

    deinit { gsl_eigen_symmv_free(work) }

    /// Decomposes `m` (its lower triangle and diagonal are destroyed); false when GSL fails.
    func decompose(_ m: GSLMatrix) -> Bool {
        precondition(m.rows == dim && m.cols == dim, "SymmetricEigenWorkspace: matrix is not \(dim) x \(dim)")
        guard GSL.succeeds({ gsl_eigen_symmv(m.raw, values.raw, vectors.raw, work) }) else { return false }
        return GSL.succeeds { gsl_eigen_symmv_sort(values.raw, vectors.raw, GSL_EIGEN_SORT_VAL_DESC) }
    }

    /// The j-th largest eigenvalue of the last decomposition.
    func value(_ j: Int) -> Double { values[j] }
}

/// Dense linear algebra on row-major `[Double]`, through `GSLMatrix`.
///
/// Each function copies its input into a GSL matrix, so inputs are never modified.
enum LinearAlgebra {
    /// Eigenvalues (descending) and eigenvectors of a symmetric matrix; `vectors` is row-major
    /// with eigenvector e in column e (`gsl_eigen_symmv`, sorted by `gsl_eigen_symmv_sort`).
    static func symmetricEigen(_ a: [Double], dim: Int, _ what: @autoclosure () -> String = "eigen-decomposition")
        throws -> (values: [Double], vectors: [Double]) {
        guard dim > 0 else { return ([], []) }
        let m = try GSLMatrix(rowMajor: a, rows: dim, cols: dim)
        let ws = try SymmetricEigenWorkspace(dim: dim)
        guard ws.decompose(m) else { throw StatsError.numerical("\(what()): GSL's symmetric eigen solver failed") }
        return ((0..<dim).map { ws.value($0) }, ws.vectors.rowMajor)
    }

    /// Eigenvalues of a symmetric matrix, descending (`gsl_eigen_symm`, no vectors).
    static func symmetricEigenvalues(_ a: [Double], dim: Int, _ what: @autoclosure () -> String = "eigenvalues") throws -> [Double] {
        guard dim > 0 else { return [] }
        let m = try GSLMatrix(rowMajor: a, rows: dim, cols: dim)
        let values = try GSLVector(count: dim)
        guard let work = gsl_eigen_symm_alloc(dim) else { throw StatsError.numerical("out of memory for an eigen work space") }
        defer { gsl_eigen_symm_free(work) }
        try GSL.check(what()) { gsl_eigen_symm(m.raw, values.raw, work) }
        return values.array.sorted(by: >)
    }

    /// log det A for a symmetric positive definite A (Cholesky); nil when A is not positive definite.
    static func logDeterminantSPD(_ a: [Double], dim: Int) throws -> Double? {
        guard dim > 0 else { return 0 }
        let m = try GSLMatrix(rowMajor: a, rows: dim, cols: dim)
        guard m.factorCholeskyIfPositiveDefinite() else { return nil }
        return m.choleskyLogDeterminant
    }

    /// Solves A x = b for a symmetric positive definite A by Cholesky.
    static func choleskySolve(_ a: [Double], _ b: [Double], _ what: @autoclosure () -> String) throws -> [Double] {
        let n = b.count
        let m = try GSLMatrix(rowMajor: a, rows: n, cols: n)
        try m.factorCholesky(what())
        let rhs = try GSLVector(b), x = try GSLVector(count: n)
        try m.choleskySolve(rhs, into: x, what())
        return x.array
    }

    /// A^-1 for a symmetric positive definite A by Cholesky; nil when A is not positive definite.
    static func choleskyInverse(_ a: [Double], dim: Int) throws -> [Double]? {
        let m = try GSLMatrix(rowMajor: a, rows: dim, cols: dim)
        guard m.factorCholeskyIfPositiveDefinite() else { return nil }
        try m.invertFromCholesky("inverse from the Cholesky factor")
        return m.rowMajor
    }

    /// Solves A x = b for a square A by LU with partial pivoting (`gsl_linalg_LU_solve`).
    static func solve(_ a: [Double], _ b: [Double], _ what: @autoclosure () -> String) throws -> [Double] {
        let n = b.count
        let lu = try LUFactor(a, dim: n, what())
        let rhs = try GSLVector(b), x = try GSLVector(count: n)
        try GSL.check(what()) { gsl_linalg_LU_solve(lu.matrix.raw, lu.permutation, rhs.raw, x.raw) }
        return x.array
    }

    /// A^-1 for a square A by LU (`gsl_linalg_LU_invert`); throws when A is singular.
    static func inverse(_ a: [Double], dim: Int, _ what: @autoclosure () -> String) throws -> [Double] {
        let lu = try LUFactor(a, dim: dim, what())
        let inv = try GSLMatrix(rows: dim, cols: dim)
        try GSL.check(what()) { gsl_linalg_LU_invert(lu.matrix.raw, lu.permutation, inv.raw) }
        let out = inv.rowMajor
        guard out.allSatisfy(\.isFinite) else { throw StatsError.numerical("\(what()): the matrix is singular") }
        return out
    }

    /// det A by LU (`gsl_linalg_LU_det`).
    static func determinant(_ a: [Double], dim: Int) throws -> Double {
        guard dim > 0 else { return 1 }
        let m = try GSLMatrix(rowMajor: a, rows: dim, cols: dim)
        let perm = try Permutation(dim)
        var sign: Int32 = 0
        try GSL.check("LU factorisation") { gsl_linalg_LU_decomp(m.raw, perm.raw, &sign) }
        return GSL.call { gsl_linalg_LU_det(m.raw, sign) }
    }

    /// Moore-Penrose inverse of a symmetric matrix over the eigenvalues with |e| > tol * max|e|.
    static func symmetricPseudoInverse(_ a: [Double], dim: Int, relativeTolerance tol: Double = 1e-10) throws -> [Double] {
        let (values, vectors) = try symmetricEigen(a, dim: dim, "pseudo-inverse")
        let largest = values.map(abs).max() ?? 0
        var out = [Double](repeating: 0, count: dim * dim)
        for (e, v) in values.enumerated() where abs(v) > tol * largest && v != 0 {
            for i in 0..<dim { for j in 0..<dim { out[i * dim + j] += vectors[i * dim + e] * vectors[j * dim + e] / v } }
        }
        return out
    }

    /// An LU factorisation with its permutation, freed together.
    private final class LUFactor {
        let matrix: GSLMatrix
        private let perm: Permutation
        var permutation: UnsafeMutablePointer<gsl_permutation> { perm.raw }
        init(_ a: [Double], dim: Int, _ what: @autoclosure () -> String) throws {
            matrix = try GSLMatrix(rowMajor: a, rows: dim, cols: dim)
            perm = try Permutation(dim)
            var sign: Int32 = 0
            try GSL.check(what()) { gsl_linalg_LU_decomp(matrix.raw, perm.raw, &sign) }
            // A zero pivot means A is singular; GSL's solve would divide by it.
            for i in 0..<dim where matrix[i, i] == 0 {
                throw StatsError.numerical("\(what()): the matrix is singular")
            }
        }
    }

    /// A GSL permutation that frees itself.
    private final class Permutation {
        let raw: UnsafeMutablePointer<gsl_permutation>
        init(_ n: Int) throws {
            GSL.ready()
            guard n > 0, let p = gsl_permutation_alloc(n) else { throw StatsError.numerical("out of memory for a permutation") }
            raw = p
        }
        deinit { gsl_permutation_free(raw) }
    }
}
