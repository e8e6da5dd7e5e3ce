import Foundation

/// Numerical derivatives by Richardson extrapolation, step for step as R numDeriv.
///
/// numDeriv 2016.8-1 `hessian()` (via `genD`, defaults d = 0.1, eps = 1e-4,
/// zero.tol = sqrt(.Machine$double.eps / 7e-7), r = 4, v = 2) and `jacobian()`
/// (method "Richardson", d = 1e-4). lmerTest computes its Satterthwaite quantities with
/// these two calls, so reproducing the same steps reproduces its degrees of freedom.
enum RichardsonDerivatives {
    static let zeroTol = (Double.ulpOfOne / 7e-7).squareRoot()

    /// Initial steps: |d x| + eps where |x| < zero.tol.
    static func steps(_ x: [Double], d: Double, eps: Double = 1e-4) -> [Double] {
        x.map { abs(d * $0) + (abs($0) < zeroTol ? eps : 0) }
    }

    /// Richardson extrapolation of r successively halved-step approximations (numDeriv's loop).
    static func extrapolate(_ a: [Double]) -> Double {
        var a = a
        let r = a.count
        for m in 1..<r {
            let f = pow(4.0, Double(m))
            for k in 0..<(r - m) { a[k] = (a[k + 1] * f - a[k]) / (f - 1) }
        }
        return a[0]
    }

    private static func shifted(_ x: [Double], _ i: Int, _ h: Double, _ j: Int? = nil, _ hj: Double = 0) -> [Double] {
        var y = x
        y[i] += h
        if let j { y[j] += hj }
        return y
    }

    /// Hessian of a scalar function, as numDeriv::hessian(func, x) with its default arguments.
    static func hessian(_ f: ([Double]) throws -> Double, at x: [Double], r: Int = 4) throws -> [[Double]] {
        let n = x.count
        let f0 = try f(x)
        let h0 = steps(x, d: 0.1)
        var hdiag = [Double](repeating: 0, count: n)
        var out = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
        for i in 0..<n {
            var h = h0
            var approx = [Double](repeating: 0, count: r)
            for k in 0..<r {
                let f1 = try f(shifted(x, i, h[i]))
                let f2 = try f(shifted(x, i, -h[i]))
                approx[k] = (f1 - 2 * f0 + f2) / (h[i] * h[i])
                h = h.map { $0 / 2 }
            }
            hdiag[i] = extrapolate(approx)
            out[i][i] = hdiag[i]
        }
        for i in 0..<n {
            for j in 0..<i {
                var h = h0
                var approx = [Double](repeating: 0, count: r)
                for k in 0..<r {
                    let f1 = try f(shifted(x, i, h[i], j, h[j]))
                    let f2 = try f(shifted(x, i, -h[i], j, -h[j]))
                    approx[k] = (f1 - 2 * f0 + f2 - hdiag[i] * h[i] * h[i] - hdiag[j] * h[j] * h[j])
                        / (2 * h[i] * h[j])
                    h = h.map { $0 / 2 }
                }
                let v = extrapolate(approx)
                out[i][j] = v
                out[j][i] = v
            }
        }
        return out
    }

    /// Jacobian of a vector function (m outputs), as numDeriv::jacobian(func, x): result[output][input].
    static func jacobian(_ f: ([Double]) throws -> [Double], at x: [Double], r: Int = 4) throws -> [[Double]] {
        let n = x.count
        var h = steps(x, d: 1e-4)
        var approx: [[[Double]]] = []   // [k][input][output]
        for _ in 0..<r {
            var level: [[Double]] = []
            for i in 0..<n {
                let f1 = try f(shifted(x, i, h[i]))
                let f2 = try f(shifted(x, i, -h[i]))
                level.append(zip(f1, f2).map { ($0 - $1) / (2 * h[i]) })
            }
            approx.append(level)
            h = h.map { $0 / 2 }
        }
        let m = approx[0][0].count
        var out = [[Double]](repeating: [Double](repeating: 0, count: n), count: m)
        for i in 0..<n {
            for o in 0..<m {
                out[o][i] = extrapolate((0..<r).map { approx[$0][i][o] })
            }
        }
        return out
    }
}
