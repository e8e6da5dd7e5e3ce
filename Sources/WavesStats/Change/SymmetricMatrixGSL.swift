internal import CGSL
import Foundation

/// Small symmetric-matrix algebra through GSL: eigenvalues and Cholesky log-determinant.
///
/// Inputs are row-major `[Double]` of size `dim * dim`; nothing GSL-typed leaves this file.
/// Eigenvalues by `gsl_eigen_symm`; log det(A) = 2 sum log L_ii from
/// `gsl_linalg_cholesky_decomp1`.
enum SymmetricMatrixGSL {
    /// Eigenvalues of a symmetric matrix, in descending order.
    static func eigenvalues(_ a: [Double], dim: Int) throws -> [Double] {
        GSLRuntime.setUp()
        guard dim > 0 else { return [] }
        guard let m = gsl_matrix_alloc(dim, dim) else { throw StatsError.numerical("gsl_matrix_alloc failed") }
        defer { gsl_matrix_free(m) }
        fill(m, a, dim)
        guard let eval = gsl_vector_alloc(dim) else { throw StatsError.numerical("gsl_vector_alloc failed") }
        defer { gsl_vector_free(eval) }
        guard let work = gsl_eigen_symm_alloc(dim) else { throw StatsError.numerical("gsl_eigen_symm_alloc failed") }
        defer { gsl_eigen_symm_free(work) }
        try GSLRuntime.check(gsl_eigen_symm(m, eval, work), "eigenvalues of the error SSP matrix")
        return (0..<dim).map { gsl_vector_get(eval, $0) }.sorted(by: >)
    }

    /// log det(A) for a symmetric positive definite A; nil when the Cholesky factorisation fails.
    static func logDeterminant(_ a: [Double], dim: Int) throws -> Double? {
        GSLRuntime.setUp()
        guard dim > 0 else { return 0 }
        guard let m = gsl_matrix_alloc(dim, dim) else { throw StatsError.numerical("gsl_matrix_alloc failed") }
        defer { gsl_matrix_free(m) }
        fill(m, a, dim)
        guard gsl_linalg_cholesky_decomp1(m) == Int32(GSL_SUCCESS) else { return nil }
        var s = 0.0
        for i in 0..<dim {
            let l = gsl_matrix_get(m, i, i)
            guard l > 0 else { return nil }
            s += 2 * log(l)
        }
        return s
    }

    private static func fill(_ m: UnsafeMutablePointer<gsl_matrix>, _ a: [Double], _ dim: Int) {
        for i in 0..<dim { for j in 0..<dim { gsl_matrix_set(m, i, j, a[i * dim + j]) } }
    }
}
