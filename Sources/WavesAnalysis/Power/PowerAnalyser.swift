import Foundation
import WavesStats

/// What the analysis of one simulated data set gave.
public struct PowerOutcome: Sendable, Equatable {
    /// The analysis ran and gave a p-value.
    public var fitted: Bool
    /// p < alpha (false when the fit failed: a failed fit counts as a miss).
    public var significant: Bool
    /// A variance estimated at zero or a correlation at +-1 (mixed models, lme4's isSingular rule).
    public var singular: Bool
    public var p: Double?
    /// The estimate of the tested effect (mean difference, F, slope or slope difference).
    public var estimate: Double?
    /// Mixed models: all fixed effects and (intercept variance, residual variance, slope variance,
    /// intercept-slope covariance), for checks of the generator and the fit.
    public var fixed: [Double]
    public var components: [Double]
    /// Why the analysis failed, when it did.
    public var failure: String?

    static func failed(_ why: String) -> PowerOutcome {
        PowerOutcome(fitted: false, significant: false, singular: false, p: nil, estimate: nil, fixed: [], components: [], failure: why)
    }
}

/// Analyses a simulated data set with the code of `waves change` and `waves lmm`.
///
/// - paired: participants with the first and the last wave, `RepeatedMeasures.analyze` on those
///   two columns, the post hoc paired t-test's p (as R `t.test(paired = TRUE)`).
/// - change: participants with every wave (as `waves change`), `RepeatedMeasures.analyze`, the
///   wave effect's p with the correction `waves change` reads (GG when its epsilon < 0.75, else
///   HF; none with two waves) or uncorrected (`PowerCorrection.none`).
/// - lmm-slope / lmm-role-slope: every observed score, `MixedModel.fit` of
///   `score ~ time [* role] + (1 + time | participant)` by REML with the columns
///   `waves lmm --time linear [--between role] --slopes` builds, Satterthwaite t-test of `time`
///   (or `time:role`).
public enum PowerAnalyser {
    public static func analyse(_ d: PowerDataSet, _ s: PowerSettings) -> PowerOutcome {
        do {
            switch s.design {
            case .paired: return try paired(d, s)
            case .change: return try change(d, s)
            case .lmmSlope, .lmmRoleSlope: return try mixed(d, s)
            }
        } catch {
            return .failed((error as? LocalizedError)?.errorDescription ?? "\(error)")
        }
    }

    static func paired(_ d: PowerDataSet, _ s: PowerSettings) throws -> PowerOutcome {
        var rows: [Double] = []
        for p in 0..<d.participants {
            let a = d.score(p, 0), b = d.score(p, d.waves - 1)
            if a.isFinite && b.isFinite { rows += [a, b] }
        }
        guard rows.count >= 4 else { return .failed("fewer than 2 participants have the first and the last wave") }
        let r = try RepeatedMeasures.analyze(Matrix(rows: rows.count / 2, cols: 2, values: rows))
        guard let pair = r.posthoc.first, let p = pair.p else {
            return .failed(r.posthoc.first?.note ?? "the paired t-test could not be computed")
        }
        return PowerOutcome(fitted: true, significant: p < s.alpha, singular: false, p: p, estimate: pair.meanDiff,
                            fixed: [], components: [], failure: nil)
    }

    static func change(_ d: PowerDataSet, _ s: PowerSettings) throws -> PowerOutcome {
        var rows: [Double] = []
        var n = 0
        for p in 0..<d.participants {
            let v = (0..<d.waves).map { d.score(p, $0) }
            if v.allSatisfy(\.isFinite) { rows += v; n += 1 }
        }
        guard n >= 2 else { return .failed("fewer than 2 participants have every wave") }
        let r = try RepeatedMeasures.analyze(Matrix(rows: n, cols: d.waves, values: rows))
        guard let e = r.effect(.wave) else { return .failed("the wave effect could not be tested") }
        let p: Double?
        switch s.correction {
        case .none: p = e.p
        case .recommended:
            switch r.recommendedCorrection {
            case .some(.greenhouseGeisser): p = e.pGG ?? e.p
            case .some(.huynhFeldt): p = e.pHF ?? e.p
            case .some(.none), nil: p = e.p
            }
        }
        guard let p else { return .failed(e.note ?? "the wave effect has no p-value") }
        return PowerOutcome(fitted: true, significant: p < s.alpha, singular: false, p: p, estimate: e.f,
                            fixed: [], components: [], failure: nil)
    }

    static func mixed(_ d: PowerDataSet, _ s: PowerSettings) throws -> PowerOutcome {
        let roles = s.design == .lmmRoleSlope
        var y: [Double] = [], subject: [Int] = [], t: [Double] = [], g: [Double] = []
        y.reserveCapacity(d.scores.count); subject.reserveCapacity(d.scores.count); t.reserveCapacity(d.scores.count)
        for p in 0..<d.participants {
            for w in 0..<d.waves where d.score(p, w).isFinite {
                y.append(d.score(p, w)); subject.append(p); t.append(s.times[w]); g.append(Double(d.roles[p]))
            }
        }
        guard Set(t).count >= 2 else { return .failed("scores at fewer than two waves remain") }
        if roles && Set(g).count < 2 { return .failed("only one role has scores left") }
        // The columns of MixedModelAnalysis (treatment contrasts, first role the reference).
        let terms = roles ? ["(Intercept)", "time", "role[2]", "time:role[2]"] : ["(Intercept)", "time"]
        let p = terms.count
        var x = Matrix(rows: y.count, cols: p)
        for i in 0..<y.count {
            x[i, 0] = 1; x[i, 1] = t[i]
            if roles { x[i, 2] = g[i]; x[i, 3] = g[i] * t[i] }
        }
        let fit = try MixedModel.fit(y: y, subject: subject, fixed: x, terms: terms, randomSlope: t)
        let tested = fit.fixed[roles ? 3 : 1]
        guard let pv = tested.p else {
            return .failed("the Satterthwaite df of '\(tested.term)' could not be computed")
        }
        let r = fit.random
        let slopeVar = r.slopeVar ?? 0
        let cov = (r.interceptSlopeCor ?? 0) * (r.participantVar * slopeVar).squareRoot()
        return PowerOutcome(fitted: true, significant: pv < s.alpha, singular: fit.singular, p: pv, estimate: tested.estimate,
                            fixed: fit.fixed.map(\.estimate), components: [r.participantVar, r.residualVar, slopeVar, cov],
                            failure: nil)
    }
}
