import Foundation

/// Mauchly's test and the Greenhouse-Geisser / Huynh-Feldt epsilons.
extension RepeatedMeasures {
    /// Epsilons shared by every effect with a within part, and Mauchly's test.
    struct WithinCorrection {
        var test: RepeatedMeasuresResult.Sphericity?
        /// Why `test` (and possibly the epsilons) is missing.
        var note: String?
        var gg: Double?
        /// Huynh-Feldt epsilon as computed (may exceed 1).
        var hf: Double?
        /// min(1, hf): the factor applied to the dfs for p_hf.
        var hfFactor: Double?
        var hfNote: String?
    }

    /// Sphericity of the within-participant error SSP matrix U = P'EP (P orthonormal).
    ///
    /// As R car 3.1 (summary.Anova.mlm) with p = waves - 1, n = N - g (error df) and the
    /// eigenvalues l of U: GG = (sum l / p)^2 / (sum l^2 / p);
    /// HF = ((n + 1) p GG - 2) / (p (n - p GG)) (Lecoutre);
    /// W = det(U) / (tr(U) / p)^p, rho = 1 - (2p^2 + p + 2) / (6pn), chisq = -n rho log W,
    /// df = p(p+1)/2 - 1, w2 = (p+2)(p-1)(p-2)(2p^3 + 6p^2 + 3(p+1) + 2) / (288 (n p rho)^2),
    /// p-value = P1 + w2 (P2 - P1) with P1, P2 the chi-square upper tails at df and df + 4.
    /// car declares U singular when it has an eigenvalue below sqrt(machine epsilon); here
    /// the bound is relative, l_min < sqrt(eps) l_max, so that it does not depend on the
    /// unit of the scores. Singular U (always when n < p): no test, no epsilons.
    static func sphericity(_ m: RepeatedMeasuresMoments, errorDF n: Int, withinErrorSS: Double) throws -> WithinCorrection {
        let p = m.waves - 1
        if p == 1 {
            return WithinCorrection(test: nil, note: "two waves: sphericity holds trivially, epsilons are 1",
                                    gg: 1, hf: 1, hfFactor: 1, hfNote: nil)
        }
        if withinErrorSS <= 1e-12 * m.totalCellSS {
            return WithinCorrection(
                test: nil,
                note: "no within-participant error variance: Mauchly's test and the epsilons are undefined",
                gg: nil, hf: nil, hfFactor: nil, hfNote: nil)
        }
        let u = m.withinErrorSSP
        let lambda = try LinearAlgebra.symmetricEigenvalues(u, dim: p, "eigenvalues of the error SSP matrix")
        let largest = lambda.first ?? 0, smallest = lambda.last ?? 0
        if n < p || !(largest > 0) || smallest < Double.ulpOfOne.squareRoot() * largest {
            let why = n < p
                ? "N - groups = \(n) is less than waves - 1 = \(p)"
                : "the scores' changes between waves are linearly dependent"
            return WithinCorrection(
                test: nil,
                note: "the within-participant error matrix is singular (\(why)): Mauchly's test and the GG/HF epsilons are not available",
                gg: nil, hf: nil, hfFactor: nil, hfNote: nil)
        }
        let pd = Double(p), nd = Double(n)
        let sum = lambda.reduce(0, +)
        let sumSquares = lambda.reduce(0) { $0 + $1 * $1 }
        let gg = (sum / pd) * (sum / pd) / (sumSquares / pd)
        var hf: Double?, hfFactor: Double?, hfNote: String?
        let hfDenominator = pd * (nd - pd * gg)
        if hfDenominator > 0 {
            let value = ((nd + 1) * pd * gg - 2) / hfDenominator
            hf = value
            hfFactor = min(1, value)
        } else {
            hfFactor = 1
            hfNote = "the Huynh-Feldt epsilon is unbounded (N - groups = waves - 1 and GG = 1); p_hf is uncorrected"
        }

        var trace = 0.0
        for i in 0..<p { trace += u[i * p + i] }
        guard let logDet = try LinearAlgebra.logDeterminantSPD(u, dim: p) else {
            return WithinCorrection(
                test: nil, note: "the within-participant error matrix is not positive definite: no Mauchly test",
                gg: gg, hf: hf, hfFactor: hfFactor, hfNote: hfNote)
        }
        let logW = logDet - pd * log(trace / pd)
        let rho = 1 - (2 * pd * pd + pd + 2) / (6 * pd * nd)
        let chisq = -nd * rho * logW
        let df = p * (p + 1) / 2 - 1
        let npr = nd * pd * rho
        let w2 = (pd + 2) * (pd - 1) * (pd - 2) * (2 * pd * pd * pd + 6 * pd * pd + 3 * (pd + 1) + 2) / (288 * npr * npr)
        let p1 = Distributions.chiSquareUpper(chisq, df: Double(df))
        let p2 = Distributions.chiSquareUpper(chisq, df: Double(df + 4))
        let test = RepeatedMeasuresResult.Sphericity(w: exp(logW), chisq: chisq, df: df, p: p1 + w2 * (p2 - p1))
        return WithinCorrection(test: test, note: nil, gg: gg, hf: hf, hfFactor: hfFactor, hfNote: hfNote)
    }
}
