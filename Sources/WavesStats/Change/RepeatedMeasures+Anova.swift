import Foundation

/// Type III sums of squares of the mixed design and the ANOVA table built from them.
extension RepeatedMeasures {
    /// Hypothesis and error sums of squares (univariate traces of car's SSP matrices).
    struct SumsOfSquares {
        var wave: Double
        var role: Double
        var roleByWave: Double
        var betweenError: Double
        var withinError: Double
        /// Below this an error SS is rounding noise, i.e. zero.
        var negligible: Double
    }

    /// Type III SS with sum-to-zero group contrasts, from group means.
    ///
    /// The between model is saturated in the g groups with participants, so the mlm's
    /// fitted values are the group means m_k and its residual SSP is the pooled
    /// within-group SSP E. With X = [1, contr.sum] the intercept coefficient is the
    /// unweighted mean mu of the group means and [(X'X)^-1]_00 = sum_k 1/(g^2 n_k), so
    /// the intercept hypothesis SSP is H_0 = g^2 / (sum_k 1/n_k) mu mu'; the group
    /// hypothesis (all means equal) gives H_role = sum_k n_k (m_k - mbar)(m_k - mbar)'
    /// with mbar the weighted grand mean. As car::Anova(type = 3) with P the within
    /// contrasts: SS(wave) = tr(P'H_0 P), SS(role:wave) = tr(P'H_role P),
    /// SS(role) = 1'H_role 1 / w; error SS tr(P'EP) within and 1'E1 / w between.
    static func sumsOfSquares(_ m: RepeatedMeasuresMoments) -> SumsOfSquares {
        let w = m.waves
        let basis = HelmertBasis(waves: w)
        let active = (0..<m.groupSlots).filter { m.counts[$0] > 0 }
        let g = Double(active.count)
        var rotatedMeans: [[Double]] = []
        var z = [Double](repeating: 0, count: w)
        for k in active {
            basis.rotate(Array(m.groupMeans[(k * w)..<((k + 1) * w)]), into: &z)
            rotatedMeans.append(z)
        }
        // Unweighted mean of the (rotated) group means, and the weighted one.
        var mu = [Double](repeating: 0, count: w)
        var weighted = [Double](repeating: 0, count: w)
        var inverseCounts = 0.0
        for (i, k) in active.enumerated() {
            let nk = Double(m.counts[k])
            inverseCounts += 1 / nk
            for j in 0..<w {
                mu[j] += rotatedMeans[i][j] / g
                weighted[j] += nk * rotatedMeans[i][j] / Double(m.n)
            }
        }
        var wave = 0.0
        for j in 1..<w { wave += mu[j] * mu[j] }
        wave *= g * g / inverseCounts
        var role = 0.0, roleByWave = 0.0
        for (i, k) in active.enumerated() {
            let nk = Double(m.counts[k])
            let d0 = rotatedMeans[i][0] - weighted[0]
            role += nk * d0 * d0
            for j in 1..<w {
                let d = rotatedMeans[i][j] - weighted[j]
                roleByWave += nk * d * d
            }
        }
        return SumsOfSquares(wave: wave, role: role, roleByWave: roleByWave,
                             betweenError: m.betweenErrorSS, withinError: m.withinErrorSS,
                             negligible: 1e-12 * m.totalCellSS)
    }

    /// The ANOVA table in afex order: role, wave, role:wave.
    static func effects(_ s: SumsOfSquares, within: WithinCorrection, groupsGiven: Bool, groupsUsed: Int,
                        waves: Int, errorDF: Int) -> [RepeatedMeasuresResult.Effect] {
        let p = waves - 1
        let errorTotal = s.betweenError + s.withinError
        var out: [RepeatedMeasuresResult.Effect] = []
        if groupsGiven {
            let df1 = groupsUsed - 1
            out.append(effect(.role, ss: s.role, df1: df1, sse: s.betweenError, df2: errorDF,
                              errorTotal: errorTotal, negligible: s.negligible, within: nil,
                              missingFactor: df1 < 1 ? "fewer than two groups have participants" : nil))
        }
        out.append(effect(.wave, ss: s.wave, df1: p, sse: s.withinError, df2: p * errorDF,
                          errorTotal: errorTotal, negligible: s.negligible, within: within, missingFactor: nil))
        if groupsGiven {
            let df1 = p * (groupsUsed - 1)
            out.append(effect(.roleByWave, ss: s.roleByWave, df1: df1, sse: s.withinError, df2: p * errorDF,
                              errorTotal: errorTotal, negligible: s.negligible, within: within,
                              missingFactor: df1 < 1 ? "fewer than two groups have participants" : nil))
        }
        return out
    }

    private static func effect(_ term: RepeatedMeasuresResult.Term, ss: Double, df1: Int, sse: Double, df2: Int,
                               errorTotal: Double, negligible: Double, within: WithinCorrection?,
                               missingFactor: String?) -> RepeatedMeasuresResult.Effect {
        var notes: [String] = []
        var f: Double?, p: Double?
        if let missingFactor {
            notes.append(missingFactor)
        } else if sse <= negligible {
            notes.append(term == .role
                ? "no between-participant error variance: F is undefined"
                : "no within-participant error variance (every participant changes in exactly the same way): F is undefined")
        } else {
            let value = (ss / Double(df1)) / (sse / Double(df2))
            f = value
            p = Distributions.fUpper(value, df1: Double(df1), df2: Double(df2))
        }
        let pes = ss + sse > 0 && missingFactor == nil ? ss / (ss + sse) : nil
        let ges = ss + errorTotal > 0 && missingFactor == nil ? ss / (ss + errorTotal) : nil
        var gg: Double?, hf: Double?, pGG: Double?, pHF: Double?
        if let within {
            gg = within.gg
            hf = within.hf
            if let fv = f {
                if let e = within.gg {
                    pGG = Distributions.fUpper(fv, df1: e * Double(df1), df2: e * Double(df2))
                }
                if let e = within.hfFactor {
                    pHF = Distributions.fUpper(fv, df1: e * Double(df1), df2: e * Double(df2))
                }
            }
            if let note = within.hfNote { notes.append(note) }
        }
        return RepeatedMeasuresResult.Effect(
            term: term, df1: df1, df2: df2, sumOfSquares: ss, errorSumOfSquares: sse, f: f, p: p,
            ges: ges, pes: pes,
            pesCI: pes == nil ? nil : f.flatMap { EffectSizes.partialEtaSquaredInterval(f: $0, df1: Double(df1), df2: Double(df2)) },
            hasWithinPart: within != nil, ggEpsilon: gg, hfEpsilon: hf,
            pGG: pGG, pHF: pHF, note: notes.isEmpty ? nil : notes.joined(separator: "; "))
    }
}
