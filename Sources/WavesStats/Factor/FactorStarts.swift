import Foundation

/// Starting values for the free parameters, from the unrestricted (H1) moments.
///
/// In the spirit of lavaan's "simple" starts, but closer to the solution so that Fisher
/// scoring needs fewer steps: a free loading is the marker's value times the ratio of the
/// item's and the marker's covariances with the factor's other items (Hagglund 1982's
/// instrumental idea; the square-root ratio of variances with two items); a factor
/// variance is the mean of `s_ik / (lambda_i lambda_k)` over its item pairs; a factor
/// covariance the same over pairs across factors, its correlation kept within .9;
/// residual variances what the factor leaves of the item's variance (at least 10%);
/// intercepts the means; factor means 0. Free parameters that share a label start at the
/// mean of their starts. If the implied covariance is not positive definite, the
/// residual variances are raised to the sample variances and the covariances shrunk.
enum FactorStarts {
    static func reduced(_ layout: FactorLayout, _ data: FactorData) -> [Double] {
        let model = layout.model, p = layout.p, m = layout.m
        var values = model.parameters.map(\.value)
        for g in 0..<layout.groups {
            let s = data.groups[g].h1Cov, mean = data.groups[g].h1Mean
            func sCov(_ i: Int, _ j: Int) -> Double { s[i * p + j] }
            let mine = model.parameters.indices.filter { model.parameters[$0].group == g }
            func index(_ block: FactorModel.Block, _ r: Int, _ c: Int) -> Int? {
                mine.first { i in
                    let q = model.parameters[i]
                    guard q.block == block else { return false }
                    return (q.row == r && q.col == c) || ((block == .residual || block == .factorCovariance) && q.row == c && q.col == r)
                }
            }
            // Loadings.
            var lambda = [Double](repeating: 0, count: p * m)
            var indicators = [[Int]](repeating: [], count: m)
            for i in mine where model.parameters[i].block == .loading {
                let q = model.parameters[i]
                if q.free || q.value != 0 { indicators[q.col].append(q.row) }
            }
            var psiDiag = [Double](repeating: 1, count: m)
            for a in 0..<m {
                let items = indicators[a]
                let marker = items.first { r in index(.loading, r, a).map { !model.parameters[$0].free } ?? false }
                for r in items {
                    guard let i = index(.loading, r, a) else { continue }
                    let q = model.parameters[i]
                    if !q.free || q.start { lambda[r * m + a] = q.value; continue }
                    var est = 1.0
                    if let mk = marker {
                        let v = model.parameters[index(.loading, mk, a)!].value
                        let others = items.filter { $0 != r && $0 != mk }
                        let num = others.reduce(0) { $0 + sCov(r, $1) }, den = others.reduce(0) { $0 + sCov(mk, $1) }
                        if !others.isEmpty && abs(den) > 1e-12 && (num / den).isFinite {
                            est = v * num / den
                        } else {
                            est = v * (sCov(r, r) / max(sCov(mk, mk), 1e-12)).squareRoot() * (sCov(r, mk) < 0 ? -1 : 1)
                        }
                    } else {
                        let fixedPsi = index(.factorCovariance, a, a).map { model.parameters[$0].value } ?? 1
                        est = (0.5 * sCov(r, r) / max(fixedPsi, 1e-6)).squareRoot()
                    }
                    lambda[r * m + a] = est.isFinite ? est : 1
                }
                // Factor variance.
                var ratios: [Double] = []
                for (u, i) in items.enumerated() { for k in items[(u + 1)...] {
                    let l = lambda[i * m + a] * lambda[k * m + a]
                    if abs(l) > 1e-12 { ratios.append(sCov(i, k) / l) }
                } }
                func share(_ r: Int, _ f: Double) -> Double {
                    let l2: Double = lambda[r * m + a] * lambda[r * m + a]
                    return f * sCov(r, r) / max(l2, 1e-12)
                }
                let least: Double = items.map { share($0, 0.05) }.min() ?? 0.05
                var psi: Double
                if ratios.isEmpty { psi = items.first.map { share($0, 0.5) } ?? 1 } else { psi = ratios.reduce(0, +) / Double(ratios.count) }
                if !psi.isFinite || psi < least { psi = max(least, 0.05) }
                psiDiag[a] = psi
            }
            var psiMat = [Double](repeating: 0, count: m * m)
            for a in 0..<m {
                if let i = index(.factorCovariance, a, a), !model.parameters[i].free || model.parameters[i].start {
                    psiDiag[a] = model.parameters[i].value
                }
                psiMat[a * m + a] = psiDiag[a]
            }
            for a in 0..<m { for b in (a + 1)..<m {
                var ratios: [Double] = []
                for i in indicators[a] { for k in indicators[b] where k != i {
                    let l = lambda[i * m + a] * lambda[k * m + b]
                    if abs(l) > 1e-12 { ratios.append(sCov(i, k) / l) }
                } }
                var c = ratios.isEmpty ? 0 : ratios.reduce(0, +) / Double(ratios.count)
                let bound = 0.9 * (max(psiDiag[a], 0) * max(psiDiag[b], 0)).squareRoot()
                c = min(max(c.isFinite ? c : 0, -bound), bound)
                psiMat[a * m + b] = c; psiMat[b * m + a] = c
            } }
            // Common part Lambda Psi Lambda'.
            let lp = LinearAlgebra.multiply(lambda, p, m, psiMat, m, m)
            let common = LinearAlgebra.multiply(lp, p, m, lambda, p, m, transposeB: true)
            for i in mine where model.parameters[i].free && !model.parameters[i].start {
                let q = model.parameters[i]
                switch q.block {
                case .loading: values[i] = lambda[q.row * m + q.col]
                case .factorCovariance: values[i] = psiMat[q.row * m + q.col]
                case .factorMean: values[i] = 0
                case .intercept: values[i] = mean[q.row]
                case .residual:
                    if q.row == q.col {
                        let v = sCov(q.row, q.row)
                        values[i] = max(v - common[q.row * p + q.row], 0.1 * v, 1e-4)
                    } else {
                        values[i] = 0
                    }
                }
            }
        }
        // Equal labels: the mean of the starts.
        var sums = [Double](repeating: 0, count: layout.reducedCount), counts = sums
        for (e, i) in layout.free.enumerated() { sums[layout.reduced[e]] += values[i]; counts[layout.reduced[e]] += 1 }
        var theta = zip(sums, counts).map { $0 / max($1, 1) }
        // Keep the implied covariance positive definite.
        for _ in 0..<6 {
            let objective = FactorObjective(layout: layout, data: data)
            if objective.evaluate(theta, gradient: false) != nil { break }
            for (e, i) in layout.free.enumerated() {
                let q = model.parameters[i]
                let r = layout.reduced[e]
                switch q.block {
                case .residual:
                    if q.row == q.col { theta[r] = max(theta[r], data.groups[q.group].h1Cov[q.row * p + q.row]) } else { theta[r] *= 0.5 }
                case .factorCovariance where q.row != q.col: theta[r] *= 0.5
                default: break
                }
            }
        }
        return theta
    }
}
