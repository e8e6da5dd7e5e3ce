import Foundation

/// Linear mixed model y = X beta + Z b + e with per-subject random intercept (and slope), fitted by REML.
///
/// Bates et al. (2015), lme4: profiled REML criterion over theta, fixed effects and sigma^2
/// profiled out, one small block per subject. Satterthwaite df as lmerTest 3.1
/// (Kuznetsova et al. 2017), or Kenward-Roger's adjusted covariance and df (`KenwardRoger`).
/// Matches R `lmerTest::lmer(y ~ X - 1 + (1 | subject))` or `(1 + t | subject)` with
/// `REML = TRUE`, and `summary(fit, ddf = "Kenward-Roger")`.
public enum MixedModel {
    /// How the fixed-effect tests get their denominator degrees of freedom (and standard errors).
    public enum DFMethod: String, Sendable, Equatable, CaseIterable, Encodable {
        /// Satterthwaite's df with the REML covariance of the estimates (lmerTest's default).
        case satterthwaite
        /// Kenward-Roger's df with their adjusted covariance (lmerTest `ddf = "Kenward-Roger"`).
        case kenwardRoger = "kenward-roger"
    }

    /// Fits the model by REML.
    ///
    /// - Parameters:
    ///   - y: the response, one value per observation.
    ///   - subject: the subject (participant) of each observation; any integers, any order.
    ///   - fixed: the fixed-effect design X (observations x p), columns built by the caller.
    ///   - terms: one name per column of `fixed` (e.g. "(Intercept)", "wave[w2]").
    ///   - randomSlope: the covariate of a correlated random slope (linear time), nil for a random intercept only.
    ///   - degreesOfFreedom: Satterthwaite (default) or Kenward-Roger; with Kenward-Roger the standard
    ///     errors, t and p of `fixed` and of `contrast` use the adjusted covariance.
    /// Rows with a non-finite response, design value or slope covariate are left out (and reported in `warnings`).
    public static func fit(y: [Double], subject: [Int], fixed: Matrix, terms: [String],
                           randomSlope: [Double]? = nil,
                           degreesOfFreedom method: DFMethod = .satterthwaite) throws -> MixedModelResult {
        try fit(y: y, subject: subject, design: FixedDesign(fixed), terms: terms, randomSlope: randomSlope,
                degreesOfFreedom: method)
    }

    /// The same with the design given as `FixedDesign` (its distinct rows and each observation's
    /// row number, when many observations share a row): the same numbers to the bit.
    public static func fit(y: [Double], subject: [Int], design fixed: FixedDesign, terms: [String],
                           randomSlope: [Double]? = nil,
                           degreesOfFreedom method: DFMethod = .satterthwaite) throws -> MixedModelResult {
        guard y.count == subject.count, y.count == fixed.rows else {
            throw StatsError.dimension("y has \(y.count) values, subject \(subject.count), design \(fixed.rows) rows")
        }
        guard terms.count == fixed.cols, fixed.cols > 0 else {
            throw StatsError.dimension("the design has \(fixed.cols) columns and \(terms.count) term names")
        }
        if let randomSlope, randomSlope.count != y.count {
            throw StatsError.dimension("the slope covariate has \(randomSlope.count) values for \(y.count) observations")
        }
        var warnings: [String] = []
        let data = complete(y: y, subject: subject, design: fixed, slope: randomSlope)
        if data.dropped > 0 {
            warnings.append("\(data.dropped) observation\(data.dropped == 1 ? " was" : "s were") left out for a missing value")
        }
        let n = data.y.count, p = fixed.cols, q = randomSlope == nil ? 1 : 2
        guard n > p else {
            throw StatsError.insufficientData("\(n) observations for \(p) fixed effects")
        }
        guard data.nSubjects >= 2, data.nSubjects < n else {
            throw StatsError.insufficientData("\(data.nSubjects) participants for \(n) observations: the number of participants must be at least 2 and below the number of observations")
        }
        if q == 2 && n <= 2 * data.nSubjects {
            throw StatsError.insufficientData("\(n) observations for \(2 * data.nSubjects) random effects (intercept and slope per participant): the random slope variance cannot be separated from the residual variance")
        }
        let ols = try leastSquaresStart(y: data.y, x: data.x, terms: terms)
        let problem = ProfiledREML(y: data.y, subjectIndex: data.subjectIndex, nSubjects: data.nSubjects,
                                   x: data.x, slope: data.slope, ols: ols)
        let outcome = try ThetaOptimizer(problem: problem).minimise()
        warnings += outcome.notes
        let theta = outcome.theta
        let final = try problem.evaluate(theta: theta, inverse: true)
        let sigma2 = final.pwrss / Double(n - p)
        let vcovValues = final.xtxInverse!.map { $0 * sigma2 }

        var satt: Satterthwaite? = nil
        var dfNotes: [String] = []
        do {
            let s = try Satterthwaite.compute(problem: problem, theta: theta, sigma: sigma2.squareRoot(),
                                              vcovBeta: vcovValues)
            satt = s
            let neg = s.hessianEigenvalues.filter { $0 < -1e-8 }
            let zero = s.hessianEigenvalues.filter { abs($0) <= 1e-8 }
            if !neg.isEmpty {
                dfNotes.append("the Hessian of the REML deviance has \(neg.count) negative eigenvalue\(neg.count == 1 ? "" : "s") (\(list(neg))): the fit may not be at a minimum and the Satterthwaite df are doubtful")
            }
            if !zero.isEmpty {
                dfNotes.append("the Hessian of the REML deviance has \(zero.count) eigenvalue\(zero.count == 1 ? "" : "s") close to zero (\(list(zero))): the Satterthwaite df use its generalised inverse")
            }
        } catch {
            dfNotes.append("Satterthwaite degrees of freedom could not be computed: \(error.localizedDescription)")
        }
        var kr: KenwardRoger? = nil
        if method == .kenwardRoger {
            dfNotes = []
            do {
                kr = try KenwardRoger.compute(x: data.x, slope: data.slope, subjectIndex: data.subjectIndex,
                                              nSubjects: data.nSubjects, d: randomCovariance(theta: theta, sigma2: sigma2),
                                              sigma2: sigma2, phi: vcovValues)
                if let c = kr?.informationCondition, c <= 1e-10 {
                    dfNotes.append("the information matrix of the variance parameters is nearly singular: the Kenward-Roger adjustment uses its generalised inverse")
                }
            } catch {
                dfNotes.append("Kenward-Roger degrees of freedom could not be computed: \(error.localizedDescription)")
            }
        }
        warnings += dfNotes

        var fixedEffects: [MixedModelResult.FixedEffect] = []
        var noDF: [String] = []
        for j in 0..<p {
            var l = [Double](repeating: 0, count: p)
            l[j] = 1
            var variance = vcovValues[j * p + j]
            var df: Double? = nil
            switch method {
            case .satterthwaite:
                if let satt { df = satt.varianceAndDF(l).df; if df == nil { noDF.append(terms[j]) } }
            case .kenwardRoger:
                if let kr {
                    let r = kr.varianceAndDF(l)
                    if r.variance > 0 && r.variance.isFinite {
                        variance = r.variance; df = r.df
                        if df == nil { noDF.append(terms[j]) }
                    } else {
                        warnings.append("the Kenward-Roger adjusted variance of \(terms[j]) is not positive: its unadjusted standard error is shown, without df")
                    }
                }
            }
            let se = variance.squareRoot()
            let est = final.beta[j]
            let t = est / se
            fixedEffects.append(.init(term: terms[j], estimate: est, se: se, df: df, t: t,
                                      p: df.map { Distributions.tTwoSided(t, df: $0) }))
        }
        if (method == .satterthwaite ? satt != nil : kr != nil) && !noDF.isEmpty {
            let name = method == .satterthwaite ? "Satterthwaite" : "Kenward-Roger"
            warnings.append("\(name) df are undefined for \(noDF.joined(separator: ", ")) (the variance of the estimate does not depend on the variance parameters)")
        }

        let (random, singularNotes) = components(theta: theta, sigma2: sigma2)
        let singular = !singularNotes.isEmpty
        warnings = singularNotes + warnings
        let nPar = p + theta.count + 1
        return MixedModelResult(
            fixed: fixedEffects, random: random, hasRandomSlope: q == 2, theta: theta,
            sigma: sigma2.squareRoot(), logLik: -final.deviance / 2, aic: final.deviance + 2 * Double(nPar),
            parameterCount: nPar, converged: outcome.converged, singular: singular, warnings: warnings,
            nObs: n, nSubjects: data.nSubjects, iterations: outcome.iterations,
            vcov: Matrix(rows: p, cols: p, values: vcovValues), dfMethod: method, satterthwaite: satt,
            kenwardRoger: kr)
    }

    private static func list(_ v: [Double]) -> String {
        v.map { String(format: "%.1e", $0) }.joined(separator: ", ")
    }

    /// The random-effect covariance D = sigma^2 Lambda Lambda' (q x q, row-major).
    static func randomCovariance(theta: [Double], sigma2: Double) -> [Double] {
        if theta.count == 1 { return [sigma2 * theta[0] * theta[0]] }
        let a = theta[0], b = theta[1], c = theta[2]
        return [sigma2 * a * a, sigma2 * a * b, sigma2 * a * b, sigma2 * (b * b + c * c)]
    }

    /// VarCorr from theta and sigma^2, with lme4's isSingular rule (a diagonal theta below 1e-4).
    static func components(theta: [Double], sigma2: Double) -> (MixedModelResult.VarianceComponents, [String]) {
        let tol = 1e-4
        var notes: [String] = []
        if theta.count == 1 {
            if theta[0] < tol {
                notes.append("singular fit: the participant variance is estimated at zero (boundary of the parameter space)")
            }
            return (.init(participantVar: sigma2 * theta[0] * theta[0], residualVar: sigma2,
                          slopeVar: nil, interceptSlopeCor: nil), notes)
        }
        let a = theta[0], b = theta[1], c = theta[2]
        let v0 = a * a, v1 = b * b + c * c
        if a < tol {
            notes.append("singular fit: the participant intercept variance is estimated at zero (boundary of the parameter space)")
        }
        if c < tol {
            if v1 < tol * tol {
                notes.append("singular fit: the slope variance is estimated at zero (boundary of the parameter space)")
            } else if a >= tol {
                notes.append("singular fit: the intercept-slope correlation is estimated at \(b < 0 ? "-1" : "+1") (boundary of the parameter space)")
            }
        }
        let cor: Double? = v0 > 0 && v1 > 0 ? a * b / (v0 * v1).squareRoot() : nil
        return (.init(participantVar: sigma2 * v0, residualVar: sigma2, slopeVar: sigma2 * v1,
                      interceptSlopeCor: cor), notes)
    }
}
