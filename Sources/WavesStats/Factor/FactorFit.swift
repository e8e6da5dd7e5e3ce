import Foundation

/// A fitted confirmatory factor model: estimates, standard errors, the standardized
/// solution, lavaan's fit measures, and what went wrong in words.
public struct FactorFit: Sendable {
    /// One model parameter after fitting.
    public struct Estimate: Sendable, Equatable {
        /// Index into `model.parameters`.
        public var parameter: Int
        public var free: Bool
        public var estimate: Double
        /// Null for fixed parameters, or when the information matrix gives none.
        public var se: Double?
        /// lavaan's std.all (null when a variance it divides by is not positive).
        public var std: Double?
    }

    public let model: FactorModel
    public let estimates: [Estimate]
    public let measures: FactorFitMeasures
    public let converged: Bool
    public let iterations: Int
    /// Participants per group.
    public let n: [Int]
    /// Heywood cases, non-convergence and other warnings, each a sentence.
    public let notes: [String]
    /// `expected` (complete data) or `observed` (the Hessian, under FIML), as lavaan's defaults.
    public let information: String
    /// A warning when there are fewer participants than free parameters (lavaan fits such
    /// models; their estimates are unstable). Not repeated in `notes`.
    public let sampleSizeNote: String?

    // For score tests: the full-space gradient of -2 log L and expected information.
    let layout: FactorLayout
    let fullGradient: [Double]
    let fullInformation: [Double]

    /// The estimate of model parameter `i`.
    public func estimate(_ i: Int) -> Estimate { estimates[i] }
}

/// Maximum-likelihood confirmatory factor analysis, as R lavaan 0.6-14 `cfa()`/`sem()`.
///
/// ML with `likelihood = "normal"` (sample covariances with divisor N), Fisher scoring
/// (`FactorOptimizer`), expected-information standard errors with complete data and
/// observed-information (numerical Hessian of the analytic gradient) ones under
/// full-information ML, as lavaan's defaults for `missing = "listwise"` and `"ml"`.
public enum ConfirmatoryFactorAnalysis {
    public static func fit(_ model: FactorModel, to data: FactorData, maxIterations: Int = 1000) throws -> FactorFit {
        try model.validate()
        let layout = FactorLayout(model)
        try FactorDiagnostics.checkInput(layout, data)
        let objective = FactorObjective(layout: layout, data: data)
        let start = FactorStarts.reduced(layout, data)
        var optimizer = FactorOptimizer(objective: objective)
        optimizer.maxIterations = maxIterations
        let outcome = try optimizer.minimise(from: start)
        var notes = outcome.notes
        if !outcome.converged {
            notes.insert("The model did not converge: \(outcome.notes.first ?? "the optimiser stopped early"); the estimates below are not a maximum-likelihood solution and should not be interpreted.", at: 0)
        }
        let mats = outcome.evaluation.mats
        guard let infoFull = outcome.information ?? objective.information(mats) else {
            throw StatsError.numerical("the fitted covariance matrix is not positive definite")
        }
        let infoReduced = layout.reduce(matrix: infoFull)
        try FactorDiagnostics.checkIdentified(layout, infoReduced)

        // Covariance of the estimates: (sum n I)^-1, or (Hessian of -log L)^-1 under FIML.
        let fiml = data.missing == .fiml
        var curvature = infoReduced
        if fiml, let hessian = observedInformation(objective, outcome.theta) { curvature = hessian }
        let r = layout.reducedCount
        var ses = [Double?](repeating: nil, count: r)
        if let inv = LinearAlgebra.inverseAndLogDeterminantSPD(curvature, dim: r)?.inverse {
            for k in 0..<r where inv[k * r + k] > 0 { ses[k] = inv[k * r + k].squareRoot() }
        } else if let inv = try? LinearAlgebra.pseudoInverse(curvature, dim: r) {
            for k in 0..<r where inv[k * r + k] > 0 { ses[k] = inv[k * r + k].squareRoot() }
            notes.append("The information matrix is singular; standard errors come from its pseudo-inverse and may be unreliable.")
        }
        let values = layout.values(outcome.theta)
        let std = standardized(layout, values, mats)
        let estimates = model.parameters.indices.map { i -> FactorFit.Estimate in
            let e = layout.fullIndex[i]
            return FactorFit.Estimate(parameter: i, free: e != nil, estimate: values[i],
                                      se: e.flatMap { ses[layout.reduced[$0]] }, std: std[i])
        }
        notes += FactorDiagnostics.heywood(layout, values, std, mats)
        for (g, grp) in data.groups.enumerated() where !grp.h1Converged {
            notes.append("The EM estimate of the unrestricted model\(model.groups.count > 1 ? " in group \(model.groups[g])" : "") did not converge in \(grp.h1Iterations) iterations; chi-square and SRMR are approximate.")
        }
        let measures = FactorFitMeasures.compute(layout, data, value: outcome.evaluation.value, mats: mats)
        return FactorFit(model: model, estimates: estimates, measures: measures, converged: outcome.converged,
                         iterations: outcome.iterations, n: data.n, notes: notes,
                         information: fiml ? "observed" : "expected",
                         sampleSizeNote: FactorDiagnostics.sampleSizeNote(layout, data), layout: layout,
                         fullGradient: outcome.evaluation.gradient, fullInformation: infoFull)
    }

    /// Half the Hessian of `-2 log L` in the reduced space by central differences of the
    /// analytic gradient (step 1e-5 relative), symmetrised; lavaan's observed information.
    static func observedInformation(_ objective: FactorObjective, _ theta: [Double]) -> [Double]? {
        let layout = objective.layout, r = layout.reducedCount
        var h = [Double](repeating: 0, count: r * r)
        for j in 0..<r {
            let step = 1e-5 * max(1, abs(theta[j]))
            var up = theta, down = theta
            up[j] += step; down[j] -= step
            guard let fu = objective.evaluate(up), let fd = objective.evaluate(down) else { return nil }
            let gu = layout.reduce(fu.gradient), gd = layout.reduce(fd.gradient)
            for i in 0..<r { h[i * r + j] = (gu[i] - gd[i]) / (2 * step) / 2 }
        }
        for i in 0..<r { for j in (i + 1)..<max(r, i + 1) {
            let s = (h[i * r + j] + h[j * r + i]) / 2
            h[i * r + j] = s; h[j * r + i] = s
        } }
        return h
    }

    /// lavaan's std.all: loadings `lambda sqrt(psi_aa) / sigma_i`, residual variances
    /// `theta_ii / sigma_ii` (sigma implied), residual covariances
    /// `theta_ij / sqrt(theta_ii theta_jj)`, factor covariances as correlations,
    /// intercepts divided by sigma_i, factor means by sqrt(psi_aa).
    static func standardized(_ layout: FactorLayout, _ values: [Double], _ mats: [GroupMatrices]) -> [Double?] {
        let p = layout.p, m = layout.m
        return layout.model.parameters.enumerated().map { i, q -> Double? in
            let g = mats[q.group]
            func sdObs(_ k: Int) -> Double? { g.sigma[k * p + k] > 0 ? g.sigma[k * p + k].squareRoot() : nil }
            func sdLat(_ a: Int) -> Double? { g.psi[a * m + a] > 0 ? g.psi[a * m + a].squareRoot() : nil }
            let v = values[i]
            switch q.block {
            case .loading:
                guard let so = sdObs(q.row), let sl = sdLat(q.col) else { return nil }
                return v * sl / so
            case .intercept: return sdObs(q.row).map { v / $0 }
            case .factorMean: return sdLat(q.row).map { v / $0 }
            case .residual where q.row == q.col:
                return sdObs(q.row).map { v / ($0 * $0) }
            case .residual:
                // A residual covariance becomes a residual correlation (lavaan: the
                // indicators are endogenous, so their residual variances are the scale).
                let a = g.theta[q.row * p + q.row], b = g.theta[q.col * p + q.col]
                guard a > 0, b > 0 else { return nil }
                return v / (a * b).squareRoot()
            case .factorCovariance:
                guard let a = sdLat(q.row), let b = sdLat(q.col) else { return nil }
                return v / (a * b)
            }
        }
    }
}
