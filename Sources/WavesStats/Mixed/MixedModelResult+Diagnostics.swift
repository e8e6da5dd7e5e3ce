import Foundation

extension MixedModelResult {
    /// Residual diagnostics of a fitted model: conditional modes (BLUPs) of the random
    /// effects, fitted values and conditional residuals.
    public struct Diagnostics: Sendable, Equatable {
        /// Per subject (0..<nSubjects, in subject-index order): the intercept's conditional mode.
        public let interceptModes: [Double]
        /// Per subject: the slope's conditional mode (models with a random slope only).
        public let slopeModes: [Double]?
        /// Per observation: X beta + Z b (as R `fitted(fit)`).
        public let fitted: [Double]
        /// Per observation: y - fitted (as R `residuals(fit)`, type "response").
        public let residuals: [Double]
    }

    /// The conditional modes b_i = D Z_i' V_i^-1 (y_i - X_i beta) of each subject's random
    /// effects (Henderson's BLUP; Pinheiro & Bates 2000, section 2.2), as R `ranef(fit)`,
    /// and the conditional fitted values and residuals, as `fitted(fit)` and `residuals(fit)`.
    ///
    /// Computed as b_i = (I + D Z_i'Z_i / sigma^2)^-1 D Z_i' r_i / sigma^2, which equals the
    /// formula above (multiply out (I + D Z'Z/s2) D Z' = D Z' V / s2) and needs no inverse of D,
    /// so it also holds for a singular fit (a zero variance gives modes of 0).
    /// `y`, `subject`, `fixed` and `randomSlope` are the inputs given to `MixedModel.fit`.
    public func diagnostics(y: [Double], subject: [Int], fixed x: Matrix, randomSlope: [Double]?) -> Diagnostics {
        diagnostics(y: y, subject: subject, design: FixedDesign(x), randomSlope: randomSlope)
    }

    /// The same with the design given as `FixedDesign`, as it was given to `MixedModel.fit`.
    public func diagnostics(y: [Double], subject: [Int], design x: FixedDesign, randomSlope: [Double]?) -> Diagnostics {
        let beta = fixed.map(\.estimate)
        let s2 = random.residualVar
        let d11 = random.participantVar
        let hasSlope = randomSlope != nil && hasRandomSlope
        let d22 = hasSlope ? (random.slopeVar ?? 0) : 0
        let d12 = hasSlope ? (random.interceptSlopeCor ?? 0) * (d11 * d22).squareRoot() : 0
        // X beta, which becomes the fitted values below (one array of n, not two).
        var fitted = [Double](repeating: 0, count: y.count)
        let used = min(x.cols, beta.count)
        x.withRows { xv, start in
            for i in 0..<y.count {
                let row = start[i]
                var s = 0.0
                for c in 0..<used { s += xv[row + c] * beta[c] }
                fitted[i] = s
            }
        }
        let subjects = (subject.max() ?? -1) + 1
        // Per subject: Z'Z (2x2 or 1x1) and Z'r, in flat arrays (one allocation each, not one per subject).
        var zz = [Double](repeating: 0, count: subjects * 3)   // sum 1, sum t, sum t^2
        var zr = [Double](repeating: 0, count: subjects * 2)   // sum r, sum t r
        for i in 0..<y.count {
            let g = subject[i], t = hasSlope ? randomSlope![i] : 0, r = y[i] - fitted[i]
            zz[g * 3] += 1; zz[g * 3 + 1] += t; zz[g * 3 + 2] += t * t
            zr[g * 2] += r; zr[g * 2 + 1] += t * r
        }
        var b0 = [Double](repeating: 0, count: subjects), b1 = [Double](repeating: 0, count: subjects)
        for g in 0..<subjects where s2 > 0 {
            let n = zz[g * 3], st = zz[g * 3 + 1], stt = zz[g * 3 + 2], sr = zr[g * 2], str = zr[g * 2 + 1]
            if hasSlope {
                // A = I + D Z'Z / s2; rhs = D Z'r / s2; b = A^-1 rhs.
                let a11 = 1 + (d11 * n + d12 * st) / s2, a12 = (d11 * st + d12 * stt) / s2
                let a21 = (d12 * n + d22 * st) / s2, a22 = 1 + (d12 * st + d22 * stt) / s2
                let r1 = (d11 * sr + d12 * str) / s2, r2 = (d12 * sr + d22 * str) / s2
                let det = a11 * a22 - a12 * a21
                guard det != 0 else { continue }
                b0[g] = (a22 * r1 - a12 * r2) / det
                b1[g] = (a11 * r2 - a21 * r1) / det
            } else {
                b0[g] = d11 * sr / (s2 + d11 * n)
            }
        }
        for i in 0..<y.count { fitted[i] += b0[subject[i]] + (hasSlope ? b1[subject[i]] * randomSlope![i] : 0) }
        return Diagnostics(interceptModes: b0, slopeModes: hasSlope ? b1 : nil, fitted: fitted,
                           residuals: zip(y, fitted).map { $0 - $1 })
    }
}
