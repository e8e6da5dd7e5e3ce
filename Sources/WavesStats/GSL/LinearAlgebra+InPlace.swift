internal import CGSL
import Foundation

/// Dense linear algebra for hot loops (the factor-analysis likelihood and its EM), on
/// row-major `[Double]` viewed in place by GSL (`gsl_matrix_view_array`), so no GSL matrix
/// is allocated per call: products (`gsl_blas_dgemm`), Cholesky inverse with the
/// log-determinant and Cholesky solve answering nil when the matrix is not positive
/// definite, and the SVD pseudo-inverse (`gsl_linalg_SV_decomp`, as R `MASS::ginv`).
/// Inputs are never modified (each function works on a copy).
extension LinearAlgebra {
    /// `op(A) op(B)` with `A` (ar x ac) and `B` (br x bc), row-major; `op` transposes when asked.
    static func multiply(_ a: [Double], _ ar: Int, _ ac: Int, transposeA: Bool = false,
                         _ b: [Double], _ br: Int, _ bc: Int, transposeB: Bool = false) -> [Double] {
        GSL.ready()
        let rows = transposeA ? ac : ar, inner = transposeA ? ar : ac
        let cols = transposeB ? br : bc
        precondition(inner == (transposeB ? bc : br), "LinearAlgebra.multiply: inner dimensions differ")
        precondition(a.count == ar * ac && b.count == br * bc, "LinearAlgebra.multiply: array sizes differ from the dimensions")
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

    /// A^-1 and log det A of a symmetric positive definite A (Cholesky,
    /// `gsl_linalg_cholesky_decomp1` and `_invert`); nil when A is not positive definite.
    static func inverseAndLogDeterminantSPD(_ a: [Double], dim n: Int) -> (inverse: [Double], logDet: Double)? {
        guard n > 0 else { return ([], 0) }
        precondition(a.count == n * n, "LinearAlgebra.inverseAndLogDeterminantSPD: \(a.count) values for \(n) x \(n)")
        var m = a
        let factored = m.withUnsafeMutableBufferPointer { buf in
            GSL.succeeds {
                var v = gsl_matrix_view_array(buf.baseAddress, n, n)
                return gsl_linalg_cholesky_decomp1(&v.matrix)
            }
        }
        guard factored else { return nil }
        var logDet = 0.0
        for i in 0..<n {
            let d = m[i * n + i]
            guard d > 0, d.isFinite else { return nil }
            logDet += 2 * Foundation.log(d)
        }
        let inverted = m.withUnsafeMutableBufferPointer { buf in
            GSL.succeeds {
                var v = gsl_matrix_view_array(buf.baseAddress, n, n)
                return gsl_linalg_cholesky_invert(&v.matrix)
            }
        }
        guard inverted, m.allSatisfy(\.isFinite) else { return nil }
        return (m, logDet)
    }

    /// Solves A x = b for a symmetric positive definite A by Cholesky; nil when A is not
    /// positive definite or the solution is not finite.
    static func solveSPD(_ a: [Double], _ b: [Double], dim n: Int) -> [Double]? {
        guard n > 0 else { return [] }
        precondition(a.count == n * n && b.count == n, "LinearAlgebra.solveSPD: sizes differ from \(n)")
        var m = a, rhs = b, x = [Double](repeating: 0, count: n)
        let ok: Bool = m.withUnsafeMutableBufferPointer { mb in
            rhs.withUnsafeMutableBufferPointer { bb in
                x.withUnsafeMutableBufferPointer { xb in
                    var mv = gsl_matrix_view_array(mb.baseAddress, n, n)
                    var bv = gsl_vector_view_array(bb.baseAddress, n)
                    var xv = gsl_vector_view_array(xb.baseAddress, n)
                    guard GSL.succeeds({ gsl_linalg_cholesky_decomp1(&mv.matrix) }) else { return false }
                    return GSL.succeeds { gsl_linalg_cholesky_solve(&mv.matrix, &bv.vector, &xv.vector) }
                }
            }
        }
        return ok && x.allSatisfy(\.isFinite) ? x : nil
    }

    /// The Moore-Penrose inverse of a square matrix by the SVD, singular values below
    /// `sqrt(eps) * max` treated as zero (the tolerance of R `MASS::ginv`):
    /// `A+ = V diag(1/s) U'`.
    ///
    /// A symmetric matrix's singular values are its eigenvalues' sizes, which are much cheaper
    /// to find (`gsl_eigen_symm`, no vectors: 0.1 s against GSL's SVD's 1.7-4.5 s for the
    /// 734 x 734 bordered information matrix of the score tests of a 160-variable invariance
    /// model). When none falls below the tolerance, no singular value is dropped, so the
    /// pseudo-inverse is the inverse, and it is taken by LU. Otherwise (and for matrices that
    /// are not symmetric) the SVD decides, as `MASS::ginv` does.
    static func pseudoInverse(_ a: [Double], dim n: Int, _ what: @autoclosure () -> String = "singular value decomposition") throws -> [Double] {
        guard n > 0 else { return [] }
        precondition(a.count == n * n, "LinearAlgebra.pseudoInverse: \(a.count) values for \(n) x \(n)")
        if let symmetric = symmetrized(a, n), let values = try? symmetricEigenvalues(symmetric, dim: n, what()),
           let largest = values.map(abs).max(), largest.isFinite, largest > 0,
           values.allSatisfy({ abs($0) > largest * Double.ulpOfOne.squareRoot() }),
           let inv = try? inverse(a, dim: n, what()) {
            return inv
        }
        var u = a
        var v = [Double](repeating: 0, count: n * n), s = [Double](repeating: 0, count: n)
        var work = [Double](repeating: 0, count: n)
        try u.withUnsafeMutableBufferPointer { pu in
            try v.withUnsafeMutableBufferPointer { pv in
                try s.withUnsafeMutableBufferPointer { ps in
                    try work.withUnsafeMutableBufferPointer { pw in
                        var uv = gsl_matrix_view_array(pu.baseAddress, n, n)
                        var vv = gsl_matrix_view_array(pv.baseAddress, n, n)
                        var sv = gsl_vector_view_array(ps.baseAddress, n)
                        var wv = gsl_vector_view_array(pw.baseAddress, n)
                        try GSL.check(what()) { gsl_linalg_SV_decomp(&uv.matrix, &vv.matrix, &sv.vector, &wv.vector) }
                    }
                }
            }
        }
        let tolerance = (s.max() ?? 0) * Double.ulpOfOne.squareRoot()
        // V diag(1/s) (the dropped columns zero), then times U' in one product.
        for k in 0..<n {
            let inv = s[k] > tolerance ? 1 / s[k] : 0
            for i in 0..<n { v[i * n + k] *= inv }
        }
        return multiply(v, n, n, u, n, n, transposeB: true)
    }

    /// `(A + A') / 2` when the n x n row-major `a` is symmetric up to rounding (no pair apart by
    /// more than 1e-12 of its largest entry: information matrices summed in different orders),
    /// else nil. Its eigenvalues' sizes are `a`'s singular values to within that difference (Weyl).
    static func symmetrized(_ a: [Double], _ n: Int) -> [Double]? {
        let scale = a.reduce(0) { max($0, abs($1)) }
        guard scale.isFinite else { return nil }
        var out = a
        for i in 0..<n {
            for j in 0..<i {
                let x = a[i * n + j], y = a[j * n + i]
                guard abs(x - y) <= 1e-12 * scale else { return nil }
                out[i * n + j] = (x + y) / 2; out[j * n + i] = out[i * n + j]
            }
        }
        return out
    }
}
