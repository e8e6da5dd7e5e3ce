import Foundation

/// Checks before and after a factor fit, each failure a sentence: data that cannot carry
/// the model (too few participants, a variable without variance, a singular sample
/// covariance matrix), models that are not identified, and Heywood cases (Heywood 1931;
/// Kolenikov & Bollen 2012): variances at or below zero and correlations beyond 1.
enum FactorDiagnostics {
    static func checkInput(_ layout: FactorLayout, _ data: FactorData) throws {
        let model = layout.model, p = layout.p
        guard data.p == p else {
            throw StatsError.dimension("the model has \(p) observed variables but the data have \(data.p)")
        }
        guard data.groups.count == layout.groups else {
            throw StatsError.dimension("the model has \(layout.groups) groups but the data have \(data.groups.count)")
        }
        if data.missing == .fiml && !model.meanStructure {
            throw StatsError.dimension("full-information ML needs a model with a mean structure (intercepts and factor means)")
        }
        let inGroup: (Int) -> String = { g in layout.groups > 1 ? " in group \(model.groups[g])" : "" }
        for (g, grp) in data.groups.enumerated() {
            guard grp.n >= 2 else {
                throw StatsError.insufficientData("there \(grp.n == 1 ? "is 1 participant" : "are \(grp.n) participants") with usable answers\(inGroup(g)); a factor analysis needs many more")
            }
            let (mean, variance) = FactorFitMeasures.availableCase(grp, p: p)
            for i in 0..<p {
                let answered = grp.patterns.filter { $0.observed.contains(i) }.reduce(0) { $0 + $1.n }
                guard answered >= 2 else {
                    throw StatsError.insufficientData("\(model.observed[i]) has \(answered) answer\(answered == 1 ? "" : "s")\(inGroup(g)); it cannot be analysed")
                }
                guard variance[i] > 1e-12 * max(1, mean[i] * mean[i]) else {
                    throw StatsError.insufficientData("\(model.observed[i]) has no variance\(inGroup(g)): every participant gave the same answer, so it cannot serve as an indicator")
                }
            }
            if LinearAlgebra.inverseAndLogDeterminantSPD(grp.h1Cov, dim: p) == nil {
                if grp.n <= p {
                    throw StatsError.insufficientData("there are \(grp.n) participants\(inGroup(g)) for \(p) observed variables, so their covariance matrix is singular; at least \(p + 1) are needed, and many more for a trustworthy fit")
                }
                var pair = ""
                outer: for i in 0..<p { for j in (i + 1)..<p {
                    let r = grp.h1Cov[i * p + j] / (grp.h1Cov[i * p + i] * grp.h1Cov[j * p + j]).squareRoot()
                    if abs(r) > 0.99999 { pair = " (\(model.observed[i]) and \(model.observed[j]) are perfectly correlated)"; break outer }
                } }
                throw StatsError.numerical("the sample covariance matrix\(inGroup(g)) is not positive definite: some observed variable is a linear combination of others\(pair)")
            }
        }
        let moments = layout.groups * (p * (p + 1) / 2 + (model.meanStructure ? p : 0))
        let npar = layout.reducedCount
        if npar > moments {
            var hint = ""
            for a in 0..<layout.m {
                let items = Set(model.parameters.filter { $0.block == .loading && $0.col == a && ($0.free || $0.value != 0) }.map(\.row))
                if items.count < 3 {
                    hint = "; factor \(model.factors[a]) has \(items.count) indicator\(items.count == 1 ? "" : "s"), and a factor on its own needs at least three"
                    break
                }
            }
            throw StatsError.insufficientData("the model is not identified: it has \(npar) free parameters but the data give only \(moments) variances, covariances\(model.meanStructure ? " and means" : "") (df = \(moments - npar))\(hint)")
        }
    }

    /// A warning when there are fewer participants than free parameters: lavaan fits such
    /// models (the sample covariance matrix only needs more rows than variables), but the
    /// estimates are unstable.
    static func sampleSizeNote(_ layout: FactorLayout, _ data: FactorData) -> String? {
        let npar = layout.reducedCount
        guard data.total < npar else { return nil }
        return "There are \(data.total) participants for \(npar) free parameters: far too few for trustworthy estimates (several participants per parameter are usually needed); treat these results as illustrative."
    }

    /// Throws when the information matrix is singular: the model (or these data) cannot
    /// tell some parameters apart. Names the parameters in the offending direction.
    static func checkIdentified(_ layout: FactorLayout, _ info: [Double]) throws {
        let r = layout.reducedCount
        guard r > 0 else { return }
        let d = (0..<r).map { info[$0 * r + $0] }
        let nameOf: (Int) -> String = { k in
            let e = layout.reduced.firstIndex(of: k)!
            return layout.model.describe(layout.free[e])
        }
        if let k = d.firstIndex(where: { !($0 > 0) }) {
            throw StatsError.numerical("the model is not identified: the data carry no information about \(nameOf(k))")
        }
        var scaled = info
        for i in 0..<r { for j in 0..<r { scaled[i * r + j] /= (d[i] * d[j]).squareRoot() } }
        // Eigenvalues alone first: the vectors (four times the work at a few hundred
        // parameters) are needed only to name the parameters of a singular direction.
        let eigenvalues = try LinearAlgebra.symmetricEigenvalues(scaled, dim: r, "eigenvalues of the information matrix")
        guard let least = eigenvalues.last, let most = eigenvalues.first, least < 1e-10 * most else { return }
        let (values, vectors) = try LinearAlgebra.symmetricEigen(scaled, dim: r, "eigen-decomposition of the information matrix")
        guard let smallest = values.last, let largest = values.first else { return }
        if smallest < 1e-10 * largest {
            let v = (0..<r).map { vectors[$0 * r + (r - 1)] }
            let top = (0..<r).sorted { abs(v[$0]) > abs(v[$1]) }.prefix(while: { abs(v[$0]) > 0.2 }).prefix(4)
            let names = top.map(nameOf).joined(separator: ", ")
            throw StatsError.numerical("the model is not identified: the data cannot tell apart \(names.isEmpty ? "some parameters" : names) (the information matrix is singular). Fix a loading or a variance, or add items; with few participants this can also happen for a model that is identified in principle")
        }
    }

    /// Sentences for variances at or below zero and standardized values beyond 1.
    static func heywood(_ layout: FactorLayout, _ values: [Double], _ std: [Double?], _ mats: [GroupMatrices]) -> [String] {
        let model = layout.model
        var notes: [String] = []
        let inGroup: (Int) -> String = { g in layout.groups > 1 ? " in group \(model.groups[g])" : "" }
        func f(_ v: Double) -> String { String(format: "%.4g", v) }
        for (i, q) in model.parameters.enumerated() {
            let v = values[i], at = inGroup(q.group)
            switch q.block {
            case .residual where q.row == q.col && v <= 0:
                notes.append("Heywood case: the residual variance of \(model.observed[q.row])\(at) is \(v < 0 ? "negative" : "zero") (\(f(v))): the factor would explain all of its variance or more. The model is misspecified for this item or the sample is too small; do not interpret its loading.")
            case .factorCovariance where q.row == q.col && v <= 0:
                notes.append("Heywood case: the variance of factor \(model.factors[q.row])\(at) is \(v < 0 ? "negative" : "zero") (\(f(v))); the factor is not measured by these items.")
            case .factorCovariance where q.row != q.col:
                if let s = std[i], abs(s) > 1 {
                    notes.append("Heywood case: the correlation between factors \(model.factors[q.row]) and \(model.factors[q.col])\(at) is \(f(s)), beyond 1 in size; the factors cannot be told apart.")
                }
            case .residual where q.row != q.col:
                if let s = std[i], abs(s) > 1 {
                    notes.append("Heywood case: the residual covariance of \(model.observed[q.row]) and \(model.observed[q.col])\(at) implies a correlation beyond 1 in size (\(f(s))).")
                }
            case .loading:
                if let s = std[i], abs(s) > 1 {
                    notes.append("Heywood case: the standardized loading of \(model.observed[q.row]) on \(model.factors[q.col])\(at) is \(f(s)), beyond 1 in size.")
                }
            default: break
            }
        }
        return notes
    }
}
