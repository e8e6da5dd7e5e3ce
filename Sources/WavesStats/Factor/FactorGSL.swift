internal import CGSL
import Foundation

/// The factor engine's dense linear algebra and distributions, all through GSL.
///
/// Every GSL call of `Factor/` lives in this file, on row-major `[Double]` arrays viewed
/// in place (`gsl_matrix_view_array`), so nothing GSL-typed leaves it: Cholesky
/// (`gsl_linalg_cholesky_decomp1`, `_invert`, `_solve`), products (`gsl_blas_dgemm`),
/// symmetric eigen-decomposition (`gsl_eigen_symmv`), the SVD pseudo-inverse
/// (`gsl_linalg_SV_decomp`, as R `MASS::ginv`), and chi-square tails (`gsl_cdf_chisq_*`).
enum FactorGSL {
    /// The inverse and log-determinant of a symmetric positive definite matrix; nil when
    /// the Cholesky factorisation fails (the matrix is not positive definite).
    static func inverseSPD(_ a: [Double], n: Int) -> (inverse: [Double], logDet: Double)? {
        GSLRuntime.setUp()
        guard n > 0 else { return ([], 0) }
        var m = a
        let ok: Bool = m.withUnsafeMutableBufferPointer { buf in
            var v = gsl_matrix_view_array(buf.baseAddress, n, n)
            guard gsl_linalg_cholesky_decomp1(&v.matrix) == Int32(GSL_SUCCESS) else { return false }
            return true
        }
        guard ok else { return nil }
        var logDet = 0.0
        for i in 0..<n {
            let d = m[i * n + i]
            guard d > 0, d.isFinite else { return nil }
            logDet += 2 * log(d)
        }
        let inverted: Bool = m.withUnsafeMutableBufferPointer { buf in
            var v = gsl_matrix_view_array(buf.baseAddress, n, n)
            return gsl_linalg_cholesky_invert(&v.matrix) == Int32(GSL_SUCCESS)
        }
        guard inverted, m.allSatisfy({ $0.isFinite }) else { return nil }
        return (m, logDet)
    }

    /// Solves `A x = b` for a symmetric positive definite A; nil when A is not positive definite.
    static func solveSPD(_ a: [Double], _ b: [Double], n: Int) -> [Double]? {
        GSLRuntime.setUp()
        guard n > 0 else { return [] }
        var m = a, rhs = b, x = [Double](repeating: 0, count: n)
        let ok: Bool = m.withUnsafeMutableBufferPointer { mb in
            rhs.withUnsafeMutableBufferPointer { bb in
                x.withUnsafeMutableBufferPointer { xb in
                    var mv = gsl_matrix_view_array(mb.baseAddress, n, n)
                    var bv = gsl_vector_view_array(bb.baseAddress, n)
                    var xv = gsl_vector_view_array(xb.baseAddress, n)
                    guard gsl_linalg_cholesky_decomp1(&mv.matrix) == Int32(GSL_SUCCESS) else { return false }
                    return gsl_linalg_cholesky_solve(&mv.matrix, &bv.vector, &xv.vector) == Int32(GSL_SUCCESS)
                }
            }
        }
        return ok && x.allSatisfy({ $0.isFinite }) ? x : nil
    }

    /// `op(A) op(B)` with `A` (ar x ac) and `B` (br x bc), row-major; `op` transposes when asked.
    static func multiply(_ a: [Double], _ ar: Int, _ ac: Int, transposeA: Bool = false,
                         _ b: [Double], _ br: Int, _ bc: Int, transposeB: Bool = false) -> [Double] {
        GSLRuntime.setUp()
        let rows = transposeA ? ac : ar, inner = transposeA ? ar : ac
        let cols = transposeB ? br : bc
        precondition(inner == (transposeB ? bc : br), "FactorGSL.multiply: inner dimensions differ")
        var c = [Double](repeating: 0, count: rows * cols)
        guard rows > 0, cols > 0, inner > 0 else { return c }
        var a = a, b = b
        a.withUnsafeMutableBufferPointer { pa in
            b.withUnsafeMutableBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    var va = gsl_matrix_view_array(pa.baseAddress, ar, ac)
                    var vb = gsl_matrix_view_array(pb.baseAddress, br, bc)
                    var vc = gsl_matrix_view_array(pc.baseAddress, rows, cols)
                    _ = gsl_blas_dgemm(transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                                       1.0, &va.matrix, &vb.matrix, 0.0, &vc.matrix)
                }
            }
        }
        return c
    }

    /// Eigenvalues (descending) and eigenvectors (column j of the row-major result belongs
    /// to value j) of a symmetric matrix.
    static func symmetricEigen(_ a: [Double], n: Int) throws -> (values: [Double], vectors: [Double]) {
        GSLRuntime.setUp()
        guard n > 0 else { return ([], []) }
        var m = a
        var values = [Double](repeating: 0, count: n), vectors = [Double](repeating: 0, count: n * n)
        let status: Int32 = m.withUnsafeMutableBufferPointer { pm in
            values.withUnsafeMutableBufferPointer { pv in
                vectors.withUnsafeMutableBufferPointer { pe in
                    var mv = gsl_matrix_view_array(pm.baseAddress, n, n)
                    var vv = gsl_vector_view_array(pv.baseAddress, n)
                    var ev = gsl_matrix_view_array(pe.baseAddress, n, n)
                    guard let work = gsl_eigen_symmv_alloc(n) else { return Int32(GSL_ENOMEM) }
                    defer { gsl_eigen_symmv_free(work) }
                    let s = gsl_eigen_symmv(&mv.matrix, &vv.vector, &ev.matrix, work)
                    if s == Int32(GSL_SUCCESS) {
                        _ = gsl_eigen_symmv_sort(&vv.vector, &ev.matrix, GSL_EIGEN_SORT_VAL_DESC)
                    }
                    return s
                }
            }
        }
        try GSLRuntime.check(status, "eigen-decomposition of the information matrix")
        return (values, vectors)
    }

    /// The Moore-Penrose inverse of a square matrix by the SVD, singular values below
    /// `sqrt(eps) * max` treated as zero (as R `MASS::ginv`).
    static func pseudoInverse(_ a: [Double], n: Int) throws -> [Double] {
        GSLRuntime.setUp()
        guard n > 0 else { return [] }
        var u = a
        var v = [Double](repeating: 0, count: n * n), s = [Double](repeating: 0, count: n)
        var work = [Double](repeating: 0, count: n)
        let status: Int32 = u.withUnsafeMutableBufferPointer { pu in
            v.withUnsafeMutableBufferPointer { pv in
                s.withUnsafeMutableBufferPointer { ps in
                    work.withUnsafeMutableBufferPointer { pw in
                        var uv = gsl_matrix_view_array(pu.baseAddress, n, n)
                        var vv = gsl_matrix_view_array(pv.baseAddress, n, n)
                        var sv = gsl_vector_view_array(ps.baseAddress, n)
                        var wv = gsl_vector_view_array(pw.baseAddress, n)
                        return gsl_linalg_SV_decomp(&uv.matrix, &vv.matrix, &sv.vector, &wv.vector)
                    }
                }
            }
        }
        try GSLRuntime.check(status, "singular value decomposition")
        let tolerance = (s.max() ?? 0) * Double.ulpOfOne.squareRoot()
        // A+ = V diag(1/s) U'
        var out = [Double](repeating: 0, count: n * n)
        for k in 0..<n where s[k] > tolerance {
            let inv = 1 / s[k]
            for i in 0..<n {
                let vik = v[i * n + k] * inv
                if vik == 0 { continue }
                for j in 0..<n { out[i * n + j] += vik * u[j * n + k] }
            }
        }
        return out
    }

    /// P(X > x) for the central chi-square.
    static func chiSquareUpper(_ x: Double, df: Double) -> Double {
        GSLRuntime.setUp()
        return gsl_cdf_chisq_Q(x, df)
    }

    /// P(X <= x) for the noncentral chi-square with `df` degrees of freedom and
    /// noncentrality `ncp`, as R `pchisq(x, df, ncp)`.
    ///
    /// GSL has no noncentral chi-square, so it is written here as the Poisson mixture of
    /// central ones (Johnson, Kotz & Balakrishnan 1995, eq. 29.2):
    /// `sum_j exp(-ncp/2) (ncp/2)^j / j! * P(chi2_{df + 2j} <= x)`, summed outward from the
    /// Poisson mode until the remaining weight is below 1e-15.
    static func noncentralChiSquareCDF(_ x: Double, df: Double, ncp: Double) -> Double {
        GSLRuntime.setUp()
        guard x > 0 else { return 0 }
        guard ncp > 0 else { return gsl_cdf_chisq_P(x, df) }
        let half = ncp / 2
        func weight(_ j: Int) -> Double { exp(-half + Double(j) * log(half) - gsl_sf_lngamma(Double(j) + 1)) }
        let mode = Int(half.rounded(.down))
        var total = 0.0, mass = 0.0
        var j = mode
        while j >= 0 {
            let w = weight(j)
            total += w * gsl_cdf_chisq_P(x, df + 2 * Double(j)); mass += w
            if w < 1e-17 && j < mode { break }
            j -= 1
        }
        j = mode + 1
        while true {
            let w = weight(j)
            total += w * gsl_cdf_chisq_P(x, df + 2 * Double(j)); mass += w
            if w < 1e-17 || 1 - mass < 1e-15 { break }
            j += 1
        }
        return min(max(total, 0), 1)
    }
}
