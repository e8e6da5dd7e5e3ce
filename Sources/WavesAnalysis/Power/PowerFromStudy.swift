import Foundation
import WavesCore
import WavesStats

/// One value `waves power --from-study` took from the study, and how.
public struct PowerTakenValue: Sendable, Equatable, Encodable {
    public var name: String
    public var value: Double
    public var from: String
}

/// Values for a power analysis estimated from the study's own data (the "pilot").
///
/// Every field is nil when the study cannot give it; `taken` lists what was estimated and how.
public struct PowerStudyValues: Sendable {
    public var times: [Double] = []
    public var timeNote: String?
    public var effect: Double?
    public var rho: Double?
    public var scoreMean: Double?
    public var scoreSD: Double?
    public var intercept: Double?
    public var interceptSD: Double?
    public var slopeSD: Double?
    public var cor: Double?
    public var residualSD: Double?
    public var baseSlope: Double?
    public var roleDifference: Double?
    public var secondRoleShare: Double?
    public var attrition: Double?
    public var taken: [PowerTakenValue] = []
    public var notes: [String] = []

    mutating func take(_ name: String, _ value: Double, _ from: String) { taken.append(.init(name: name, value: value, from: from)) }
}

/// Estimates the design's effect and variance components from the study (`--from-study`) and the
/// item model of a scale (`--items`), by the same analyses as `waves change` and `waves lmm`.
public enum PowerFromStudy {
    /// The design's values from the scores of `scaleName`.
    ///
    /// - paired: d_z of the first against the last wave with scores (`waves change` post hoc);
    ///   rho: their correlation.
    /// - change: Cohen's f = SD of the wave means (divided by k) / root mean within-wave variance,
    ///   participants with every wave (`waves change` descriptives); rho: the mean correlation
    ///   between waves.
    /// - lmm designs: `waves lmm --time linear [--between role] --slopes` (REML): the time (or
    ///   time x role) estimate, intercept, variance components, the second role's share.
    /// - attrition (all designs): 1 - (n_last / n_first)^(1 / (k - 1)) from the participants with a
    ///   score at the first and last wave with scores, as if all dropout were monotone.
    public static func estimate(bundle: StudyBundle, scale scaleName: String, design: PowerDesign) throws -> PowerStudyValues {
        let (inst, scale) = try bundle.resolveScale(scaleName)
        let data = try InstrumentData.load(bundle, instrument: inst)
        let scores = data.scores(scale: scale)
        let used = (0..<scores.cols).filter { w in (0..<scores.rows).contains { !scores[$0, w].isNaN } }
        guard used.count >= 2 else {
            throw AnalysisError.notEnoughData("--from-study needs '\(scale.id)' scores at two waves or more; the study has them at \(used.count)")
        }
        var v = PowerStudyValues()
        v.times = used.map { data.waves[$0].time }
        let label = "\(inst.id).\(scale.id)"
        let waveIDs = used.map { data.waves[$0].id }
        let counts = used.map { w in (0..<scores.rows).filter { !scores[$0, w].isNaN }.count }
        if let n0 = counts.first, let nk = counts.last, n0 > 0 {
            let r = nk >= n0 ? 0 : 1 - pow(Double(nk) / Double(n0), 1 / Double(used.count - 1))
            v.attrition = r
            v.take("attrition", r, "\(n0) participants scored at \(waveIDs.first!), \(nk) at \(waveIDs.last!) (monotone dropout assumed)")
        }
        switch design {
        case .paired:
            let r = try ChangeAnalysis.run(data: data, bundle: bundle, scale: scaleName, waves: [waveIDs.first!, waveIDs.last!], betweenRole: false)
            guard let dz = r.posthoc.first?.dz else { throw AnalysisError.notEnoughData("the study's first-to-last d_z of '\(scale.id)' cannot be computed (no variance in the differences)") }
            v.effect = dz
            v.take("effect", dz, "d_z of \(waveIDs.last!) against \(waveIDs.first!) in \(label), n = \(r.n) (waves change)")
            let m = complete(scores, [used.first!, used.last!])
            if let rho = meanCorrelation(m) { v.rho = max(0, rho); v.take("rho", max(0, rho), "correlation of \(waveIDs.first!) and \(waveIDs.last!)") }
            standardise(&v, r)
        case .change:
            let r = try ChangeAnalysis.run(data: data, bundle: bundle, scale: scaleName, waves: waveIDs, betweenRole: false)
            let d = r.descriptives.filter { $0.group == nil }
            let means = d.compactMap(\.mean), vars = d.compactMap { $0.sd.map { $0 * $0 } }
            guard means.count == used.count, vars.count == used.count else {
                throw AnalysisError.notEnoughData("the study's wave means and SDs of '\(scale.id)' cannot be computed (n = \(r.n) with every wave)")
            }
            let grand = means.reduce(0, +) / Double(means.count)
            let sdMeans = (means.reduce(0) { $0 + ($1 - grand) * ($1 - grand) } / Double(means.count)).squareRoot()
            let within = (vars.reduce(0, +) / Double(vars.count)).squareRoot()
            guard within > 0 else { throw AnalysisError.notEnoughData("the scores of '\(scale.id)' do not vary within waves") }
            v.effect = sdMeans / within
            v.take("effect", sdMeans / within, "Cohen's f of the \(used.count) wave means of \(label), n = \(r.n) with every wave (waves change)")
            if let rho = meanCorrelation(complete(scores, used)) {
                v.rho = max(0, rho); v.take("rho", max(0, rho), "mean correlation between waves")
            }
            standardise(&v, r)
        case .lmmSlope, .lmmRoleSlope:
            let roles = design == .lmmRoleSlope
            if roles && bundle.study.roles.count < 2 { throw AnalysisError.invalidArgument("the study has one role; lmm-role-slope needs two") }
            let r = try MixedModelAnalysis.run(data: data, bundle: bundle, scale: scaleName, time: .linear, betweenRole: roles, slopes: true,
                                               diagnostics: false)
            func fixed(_ prefix: String) -> Double? { r.fixed.first { $0.term.hasPrefix(prefix) }?.estimate }
            let source = "waves lmm --time linear\(roles ? " --between role" : "") --slopes on \(label) (\(r.nObs) scores of \(r.nParticipants) participants)"
            if roles {
                guard let slope = fixed("time:role[") else { throw AnalysisError.notEnoughData("the study's time x role effect cannot be estimated (one role has no scores)") }
                v.effect = slope; v.take("effect", slope, source)
                if let b = fixed("time") { v.baseSlope = b; v.take("base_slope", b, source) }
                if let d = r.fixed.first(where: { $0.term.hasPrefix("role[") })?.estimate { v.roleDifference = d; v.take("role_difference", d, source) }
                let second = bundle.study.roles[1]
                let withScore = (0..<scores.rows).filter { p in used.contains { !scores[p, $0].isNaN } }
                let share = Double(withScore.filter { data.roles[$0] == second }.count) / Double(max(1, withScore.count))
                v.secondRoleShare = share; v.take("second_role_share", share, "participants with a score in role '\(second)'")
                if bundle.study.roles.count > 2 { v.notes.append("the study has \(bundle.study.roles.count) roles; the design simulates the first two") }
            } else if let slope = fixed("time") {
                v.effect = slope; v.take("effect", slope, source)
            }
            if let i = fixed("(Intercept)") { v.intercept = i; v.take("intercept", i, source) }
            v.interceptSD = r.random.participantVar.squareRoot(); v.take("intercept_sd", v.interceptSD!, source)
            v.residualSD = r.random.residualVar.squareRoot(); v.take("residual_sd", v.residualSD!, source)
            let slopeVar = r.random.slopeVar?.wrappedValue ?? 0
            v.slopeSD = slopeVar.squareRoot(); v.take("slope_sd", v.slopeSD!, source)
            v.cor = r.random.interceptSlopeCor?.wrappedValue ?? 0; v.take("cor", v.cor!, source)
            if r.singular { v.notes.append("the study's model is singular (a variance at zero or a correlation at +-1); its variance components are weak guides") }
            if !r.converged { v.notes.append("the study's model did not converge; check `waves lmm` before relying on its values") }
        }
        v.notes.append("an effect estimated from a small pilot is uncertain; --target-power gives the smallest effect the next cohort can detect")
        return v
    }

    /// Baseline mean and within-wave SD of `waves change`'s descriptives.
    private static func standardise(_ v: inout PowerStudyValues, _ r: ChangeReport) {
        let d = r.descriptives.filter { $0.group == nil }
        if let m = d.first?.mean { v.scoreMean = m }
        let vars = d.compactMap { $0.sd.map { $0 * $0 } }
        if !vars.isEmpty { v.scoreSD = (vars.reduce(0, +) / Double(vars.count)).squareRoot() }
    }

    /// The rows with a score at every one of `cols`.
    static func complete(_ scores: Matrix, _ cols: [Int]) -> Matrix {
        var out: [Double] = []
        var n = 0
        for p in 0..<scores.rows {
            let v = cols.map { scores[p, $0] }
            if !v.contains(where: \.isNaN) { out += v; n += 1 }
        }
        return Matrix(rows: n, cols: cols.count, values: out)
    }

    /// The mean of the Pearson correlations between the columns (psych's average_r of
    /// `Reliability`, R = cov2cor(C)); nil with fewer than 3 rows or a constant column.
    static func meanCorrelation(_ m: Matrix) -> Double? {
        guard m.rows >= 3, m.cols >= 2 else { return nil }
        return (try? Reliability.analyze(m))?.averageR
    }
}
