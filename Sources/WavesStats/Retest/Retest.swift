import Foundation

/// Test-retest reliability of a score measured at two waves.
///
/// Pearson r and the intraclass correlations of McGraw & Wong (1996) from the
/// two-way ANOVA of the n complete pairs (subjects x 2 waves), exactly as R
/// psych::ICC (lmer = FALSE): ICC(A,1) = psych ICC2 with its
/// Satterthwaite-type F interval, ICC(C,1) = psych ICC3 with its F interval.
public enum Retest {
    /// Agreement between `x` (first wave) and `y` (second wave), paired by index.
    ///
    /// Pairs where either value is missing (NaN or not finite) are dropped.
    /// Throws `StatsError.dimension` when the arrays differ in length.
    public static func analyze(x: [Double], y: [Double]) throws -> RetestResult {
        guard x.count == y.count else {
            throw StatsError.dimension("retest: \(x.count) first-wave values but \(y.count) second-wave values")
        }
        var a: [Double] = [], b: [Double] = []
        for (u, v) in zip(x, y) where u.isFinite && v.isFinite { a.append(u); b.append(v) }
        let n = a.count
        var result = RetestResult(n: n, pearsonR: nil, iccA1: nil, iccA1CI: nil, iccC1: nil, iccC1CI: nil,
                                  msSubjects: nil, msWaves: nil, msResidual: nil, reasons: [])
        guard n >= 3 else {
            result.reasons = ["pearson_r: needs at least 3 participants with both scores (has \(n))",
                              "icc_a1: needs at least 3 participants with both scores (has \(n))",
                              "icc_c1: needs at least 3 participants with both scores (has \(n))"]
            return result
        }
        var reasons: [String] = []
        result.pearsonR = pearson(a, b)
        if result.pearsonR == nil { reasons.append("pearson_r: a wave has no variance") }

        // Two-way ANOVA, subjects x judges (nj = 2), as psych::ICC's aov().
        let nd = Double(n), nj = 2.0
        let meanA = Descriptives.mean(a), meanB = Descriptives.mean(b)
        let grand = (meanA + meanB) / 2
        var ssB = 0.0, ssE = 0.0
        for i in 0..<n {
            let rowMean = (a[i] + b[i]) / 2
            ssB += (rowMean - grand) * (rowMean - grand)
            let e1 = a[i] - rowMean - meanA + grand
            let e2 = b[i] - rowMean - meanB + grand
            ssE += e1 * e1 + e2 * e2
        }
        ssB *= nj
        let ssJ = nd * ((meanA - grand) * (meanA - grand) + (meanB - grand) * (meanB - grand))
        let msb = ssB / (nd - 1), msj = ssJ / (nj - 1), mse = ssE / ((nd - 1) * (nj - 1))
        result.msSubjects = msb; result.msWaves = msj; result.msResidual = mse

        let icc2 = (msb - mse) / (msb + (nj - 1) * mse + nj * (msj - mse) / nd)
        let icc3 = (msb - mse) / (msb + (nj - 1) * mse)
        result.iccA1 = icc2.isFinite ? icc2 : nil
        result.iccC1 = icc3.isFinite ? icc3 : nil
        if result.iccA1 == nil { reasons.append("icc_a1: the scores have no variance") }
        if result.iccC1 == nil { reasons.append("icc_c1: the scores have no variance") }
        guard mse > 0 else {
            if result.iccA1 != nil { reasons.append("icc_a1_ci: no residual variance (the waves agree perfectly)") }
            if result.iccC1 != nil { reasons.append("icc_c1_ci: no residual variance (the waves agree perfectly)") }
            result.reasons = reasons
            return result
        }
        let df1 = nd - 1, df2 = (nd - 1) * (nj - 1)
        let f = msb / mse
        // ICC3 (consistency) interval.
        if result.iccC1 != nil {
            if let q1 = Distributions.fQuantileByInversion(0.975, df1: df1, df2: df2),
               let q2 = Distributions.fQuantileByInversion(0.975, df1: df2, df2: df1) {
                let fL = f / q1, fU = f * q2
                result.iccC1CI = interval((fL - 1) / (fL + nj - 1), (fU - 1) / (fU + nj - 1))
            }
            if result.iccC1CI == nil { reasons.append("icc_c1_ci: the F quantiles could not be computed") }
        }
        // ICC2 (absolute agreement) interval with psych's approximate df v.
        if result.iccA1 != nil {
            let fj = msj / mse
            let base = nd * (1 + (nj - 1) * icc2) - nj * icc2
            let vn = (nj - 1) * (nd - 1) * pow(nj * icc2 * fj + base, 2)
            let vd = (nd - 1) * nj * nj * icc2 * icc2 * fj * fj + base * base
            let v = vn / vd
            if v.isFinite, v > 0,
               let fU = Distributions.fQuantileByInversion(0.975, df1: nd - 1, df2: v),
               let fL = Distributions.fQuantileByInversion(0.975, df1: v, df2: nd - 1) {
                let common = nj * msj + (nj * nd - nj - nd) * mse
                let lower = nd * (msb - fU * mse) / (fU * common + nd * msb)
                let upper = nd * (fL * msb - mse) / (common + nd * fL * msb)
                result.iccA1CI = interval(lower, upper)
            }
            if result.iccA1CI == nil { reasons.append("icc_a1_ci: the F quantiles could not be computed") }
        }
        result.reasons = reasons
        return result
    }

    /// Pearson correlation, nil when either variable is constant.
    static func pearson(_ a: [Double], _ b: [Double]) -> Double? {
        let ma = Descriptives.mean(a), mb = Descriptives.mean(b)
        var sab = 0.0, saa = 0.0, sbb = 0.0
        for i in 0..<a.count {
            let da = a[i] - ma, db = b[i] - mb
            sab += da * db; saa += da * da; sbb += db * db
        }
        guard saa > 0, sbb > 0 else { return nil }
        return sab / (saa * sbb).squareRoot()
    }

    private static func interval(_ lower: Double, _ upper: Double) -> StatInterval? {
        StatInterval.finite(lower, upper)
    }
}
