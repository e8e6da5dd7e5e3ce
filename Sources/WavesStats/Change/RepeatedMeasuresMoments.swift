import Foundation

/// Group means and error cross-products of a participants x waves matrix, in two passes.
///
/// Pass 1 sums each group's scores per wave. Pass 2 centres every row on its group's
/// mean vector, r = y - m_k, and rotates it into the orthonormal basis
/// T = [1/sqrt(w), P] (P: normalised Helmert contrasts, orthogonal to the constant),
/// z = T'r, accumulating Z = sum z z'. Z[0,0] is the between-participant error SS
/// (1'E1/w) and Z[1..,1..] is U = P'EP, the within-participant error SSP matrix of
/// car::Anova on the mlm, accumulated without the cancellation of tr(E) - 1'E1/w.
/// Cost O(n w^2), memory O(g w + w^2): never n x n.
struct RepeatedMeasuresMoments {
    let n: Int
    let waves: Int
    let groupSlots: Int
    /// Participants per group slot.
    var counts: [Int]
    /// Group means, groupSlots x waves row-major (0 for empty groups).
    var groupMeans: [Double]
    /// Weighted grand mean per wave.
    var grandMeans: [Double]
    /// Within-group sum of squared deviations, groupSlots x waves.
    var groupSS: [Double]
    /// Sum of squared deviations from the grand mean per wave.
    var totalSS: [Double]
    /// SSP of rotated residuals, waves x waves (full symmetric).
    var rotatedSSP: [Double]
    /// Sum of squares of the raw scores about the grand mean, all cells: a scale for "zero".
    var totalCellSS: Double

    init(_ y: Matrix, groups: [Int], groupSlots: Int) {
        let n = y.rows, w = y.cols
        self.n = n
        self.waves = w
        self.groupSlots = groupSlots
        var counts = [Int](repeating: 0, count: groupSlots)
        var sums = [Double](repeating: 0, count: groupSlots * w)
        var grand = [Double](repeating: 0, count: w)
        y.values.withUnsafeBufferPointer { v in
            for i in 0..<n {
                let k = groups[i]
                counts[k] += 1
                let base = i * w, gbase = k * w
                for j in 0..<w {
                    sums[gbase + j] += v[base + j]
                    grand[j] += v[base + j]
                }
            }
        }
        var means = [Double](repeating: 0, count: groupSlots * w)
        for k in 0..<groupSlots where counts[k] > 0 {
            for j in 0..<w { means[k * w + j] = sums[k * w + j] / Double(counts[k]) }
        }
        for j in 0..<w { grand[j] /= Double(max(n, 1)) }

        var groupSS = [Double](repeating: 0, count: groupSlots * w)
        var totalSS = [Double](repeating: 0, count: w)
        var ssp = [Double](repeating: 0, count: w * w)
        var r = [Double](repeating: 0, count: w)
        var z = [Double](repeating: 0, count: w)
        let helmert = HelmertBasis(waves: w)
        y.values.withUnsafeBufferPointer { v in
            for i in 0..<n {
                let k = groups[i]
                let base = i * w, gbase = k * w
                for j in 0..<w {
                    let x = v[base + j]
                    let d = x - means[gbase + j]
                    r[j] = d
                    groupSS[gbase + j] += d * d
                    let t = x - grand[j]
                    totalSS[j] += t * t
                }
                helmert.rotate(r, into: &z)
                for a in 0..<w {
                    let za = z[a]
                    for b in a..<w { ssp[a * w + b] += za * z[b] }
                }
            }
        }
        for a in 0..<w { for b in 0..<a { ssp[a * w + b] = ssp[b * w + a] } }

        self.counts = counts
        self.groupMeans = means
        self.grandMeans = grand
        self.groupSS = groupSS
        self.totalSS = totalSS
        self.rotatedSSP = ssp
        self.totalCellSS = totalSS.reduce(0, +)
    }

    /// Between-participant error SS, 1'E1/w.
    var betweenErrorSS: Double { rotatedSSP[0] }

    /// Within-participant error SSP matrix U = P'EP, (w-1) x (w-1) row-major.
    var withinErrorSSP: [Double] {
        let p = waves - 1
        var u = [Double](repeating: 0, count: p * p)
        for a in 0..<p { for b in 0..<p { u[a * p + b] = rotatedSSP[(a + 1) * waves + b + 1] } }
        return u
    }

    /// Within-participant error SS, tr(U).
    var withinErrorSS: Double {
        var s = 0.0
        for a in 1..<waves { s += rotatedSSP[a * waves + a] }
        return s
    }
}

/// The orthonormal basis T = [1/sqrt(w), normalised Helmert contrasts] of R^w.
///
/// Column j (1-based, j < w) contrasts the first j waves with wave j+1:
/// (1, ..., 1, -j, 0, ...) / sqrt(j (j + 1)). Rotation costs O(w) per row.
struct HelmertBasis {
    let waves: Int
    private let scale: [Double]

    init(waves: Int) {
        self.waves = waves
        var scale = [1 / Double(waves).squareRoot()]
        for j in 1..<max(waves, 1) {
            let jd = Double(j)
            scale.append(1 / (jd * (jd + 1)).squareRoot())
        }
        self.scale = scale
    }

    /// z = T'x: z[0] = sum(x)/sqrt(w), z[j] = (x[0] + ... + x[j-1] - j x[j]) / sqrt(j(j+1)).
    func rotate(_ x: [Double], into z: inout [Double]) {
        var cumulative = 0.0
        for j in 0..<waves {
            if j > 0 { z[j] = (cumulative - Double(j) * x[j]) * scale[j] }
            cumulative += x[j]
        }
        z[0] = cumulative * scale[0]
    }
}
