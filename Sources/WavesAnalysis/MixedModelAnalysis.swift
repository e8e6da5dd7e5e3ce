import Foundation
import WavesCore
import WavesStats

/// `waves lmm --json` (spec/cli.md).
public struct LMMReport: Encodable, Sendable {
    public struct Fixed: Encodable, Sendable {
        public var term: String
        public var estimate: Double
        public var se: Double
        @NullCodable public var df: Double?
        public var t: Double
        @NullCodable public var p: Double?
    }
    public struct Random: Encodable, Sendable {
        public var participantVar: Double
        public var residualVar: Double
        public var slopeVar: NullCodable<Double>?
        public var interceptSlopeCor: NullCodable<Double>?
        enum CodingKeys: String, CodingKey {
            case participantVar = "participant_var", residualVar = "residual_var", slopeVar = "slope_var", interceptSlopeCor = "intercept_slope_cor"
        }
    }
    /// An estimated marginal mean: the model's prediction at one wave (at its `time` for
    /// linear time) and role, as R `emmeans(fit, ~ wave | role)` with the same df method.
    public struct EMMean: Encodable, Sendable {
        public var wave: String
        /// The wave's `time:` value.
        public var time: Double
        @NullCodable public var group: String?
        public var emmean: Double
        public var se: Double
        @NullCodable public var df: Double?
        @NullCodable public var ci: [Double]?
    }
    public var scale: String
    public var instrument: String
    /// Encoded "categorical" or "linear".
    public var time: MixedModelAnalysis.TimeCoding
    @NullCodable public var between: String?
    public var slopes: Bool
    public var formula: String
    public var nObs: Int
    public var nParticipants: Int
    public var fixed: [Fixed]
    public var random: Random
    public var loglik: Double
    public var aic: Double
    public var converged: Bool
    public var singular: Bool
    public var warnings: [String]
    /// Answers to the scale's items set aside as missing (`"set_aside": N`).
    public var setAside = SetAsideAnswers()
    /// How `fixed` and `emmeans` get their df (and, for KR, se); encoded "satterthwaite" or "kenward-roger".
    public var dfMethod: MixedModelAnalysis.DFMethod
    /// Per role (the reference role first), then per wave.
    public var emmeans: [EMMean]
    /// Residuals, fitted values and random-effect modes for the report's diagnostic plots (not in `--json`).
    public var diagnostics: LMMDiagnostics?
    /// Set when Kenward-Roger df are advisable (fewer than `MixedModelAnalysis.smallSample` participants under Satterthwaite).
    @NullCodable public var dfRecommendation: String?
    enum CodingKeys: String, CodingKey {
        case scale, instrument, time, between, slopes, formula, fixed, random, loglik, aic, converged, singular, warnings, emmeans
        case setAside = "set_aside"
        case nObs = "n_obs", nParticipants = "n_participants", dfMethod = "df_method", dfRecommendation = "df_recommendation"
    }
}

/// Builds and fits `score ~ time [* role] + (1 [+ time] | participant)` by REML on every observed score.
public enum MixedModelAnalysis {
    public enum TimeCoding: String, Sendable, CaseIterable, Encodable { case categorical, linear }
    /// Satterthwaite (default) or Kenward-Roger df; `rawValue` is the `--df` argument and `df_method`.
    public typealias DFMethod = MixedModel.DFMethod
    /// Below this many participants the output recommends Kenward-Roger df (small-sample
    /// tests of fixed effects; Kenward & Roger 1997; McNeish 2017, Multivariate Behav. Res. 52(5), 661-670).
    public static let smallSample = 40

    public static func run(bundle: StudyBundle, scale name: String, time: TimeCoding, betweenRole: Bool, slopes: Bool,
                           df: DFMethod = .satterthwaite, diagnostics: Bool = true) throws -> LMMReport {
        let (inst, _) = try bundle.resolveScale(name)
        return try run(data: try InstrumentData.load(bundle, instrument: inst), bundle: bundle, scale: name, time: time, betweenRole: betweenRole,
                       slopes: slopes, df: df, diagnostics: diagnostics)
    }

    /// The same from already loaded instrument data (the report loads each instrument once).
    /// `diagnostics: false` leaves out the residuals and modes (`LMMReport.diagnostics`), for
    /// callers that use only the estimates (the results paragraphs, `waves lmm`, power from a study).
    public static func run(data: InstrumentData, bundle: StudyBundle, scale name: String, time: TimeCoding, betweenRole: Bool, slopes: Bool,
                           df dfMethod: DFMethod = .satterthwaite, diagnostics: Bool = true) throws -> LMMReport {
        let (inst, scale) = try bundle.resolveScale(name)
        guard data.instrument.id == inst.id else { throw AnalysisError.invalidArgument("scale '\(name)' is not on instrument '\(data.instrument.id)'") }
        let scores = data.scores(scale: scale)
        let waves = data.waves
        var warnings: [String] = []
        // Roles present among participants with any score (an empty role cannot be estimated).
        // Wave and role numbers as Int32: at a million participants each column is 4 million long.
        var y: [Double] = [], subject: [Int] = [], waveOf: [Int32] = [], roleOf: [Int32] = []
        var noRole = 0
        let most = scores.rows * scores.cols
        y.reserveCapacity(most); subject.reserveCapacity(most); waveOf.reserveCapacity(most); roleOf.reserveCapacity(most)
        for p in 0..<scores.rows {
            var role = 0
            if betweenRole {
                guard let r = data.roles[p], let g = bundle.study.roles.firstIndex(of: r) else {
                    if (0..<scores.cols).contains(where: { !scores[p, $0].isNaN }) { noRole += 1 }
                    continue
                }
                role = g
            }
            for w in 0..<scores.cols where !scores[p, w].isNaN {
                y.append(scores[p, w]); subject.append(p); waveOf.append(Int32(w)); roleOf.append(Int32(role))
            }
        }
        if noRole > 0 { warnings.append("\(noRole) participant(s) without a known role are left out.") }
        guard !y.isEmpty else { throw AnalysisError.notEnoughData("no '\(scale.id)' scores in the store") }
        func used(_ numbers: [Int32], below bound: Int) -> [Int] {
            var seen = [Bool](repeating: false, count: bound)
            for k in numbers { seen[Int(k)] = true }
            return seen.indices.filter { seen[$0] }
        }
        let usedWaves = used(waveOf, below: scores.cols)
        let usedRoles = betweenRole ? used(roleOf, below: bundle.study.roles.count) : [0]
        if betweenRole && usedRoles.count < bundle.study.roles.count {
            let missing = bundle.study.roles.enumerated().filter { !usedRoles.contains($0.offset) }.map(\.element)
            warnings.append("role(s) \(missing.joined(separator: ", ")) have no scores and are left out of the model.")
        }
        guard usedWaves.count >= 2 else { throw AnalysisError.notEnoughData("'\(scale.id)' has scores at only one wave; a model of change needs two or more") }
        // Design columns with treatment contrasts: the first wave and the first role are the reference.
        // Each column is a function of (wave, role), so the same functions give the design rows of
        // the estimated marginal means.
        var terms = ["(Intercept)"]
        var columns: [(_ wave: Int, _ role: Int) -> Double] = [{ _, _ in 1 }]
        var timeTerms: [String] = []
        var timeCols: [(Int, Int) -> Double] = []
        switch time {
        case .categorical:
            for w in usedWaves.dropFirst() {
                timeTerms.append("wave[\(waves[w].id)]")
                timeCols.append { wave, _ in wave == w ? 1 : 0 }
            }
        case .linear:
            timeTerms.append("time")
            timeCols.append { wave, _ in waves[wave].time }
        }
        terms += timeTerms; columns += timeCols
        if betweenRole {
            for g in usedRoles.dropFirst() {
                let rname = "role[\(bundle.study.roles[g])]"
                terms.append(rname); columns.append { _, role in role == g ? 1 : 0 }
            }
            for g in usedRoles.dropFirst() {
                let rname = "role[\(bundle.study.roles[g])]"
                for (tn, tc) in zip(timeTerms, timeCols) {
                    terms.append("\(tn):\(rname)"); columns.append { wave, role in role == g ? tc(wave, role) : 0 }
                }
            }
        }
        // A row depends only on (wave, role): each distinct row is made once, and each
        // observation gets its row's number (`FixedDesign`: no observations x p matrix).
        let p = terms.count, roleCount = max(1, bundle.study.roles.count), waveCount = scores.cols
        var rowOf = [Double](repeating: 0, count: waveCount * roleCount * p)
        for w in 0..<waveCount { for r in 0..<roleCount { for (c, f) in columns.enumerated() { rowOf[(w * roleCount + r) * p + c] = f(w, r) } } }
        let pairs = Int32(roleCount)
        let x = FixedDesign(distinct: Matrix(rows: waveCount * roleCount, cols: p, values: rowOf),
                            rowOf: zip(waveOf, roleOf).map { w, r in w * pairs + r })
        roleOf = []
        let slopeCov: [Double]? = slopes ? waveOf.map { waves[Int($0)].time } : nil
        let fit = try MixedModel.fit(y: y, subject: subject, design: x, terms: terms, randomSlope: slopeCov,
                                     degreesOfFreedom: dfMethod)
        warnings += fit.warnings
        // Estimated marginal means: per role (reference first), then per wave, as emmeans(~ wave | role).
        var emmeans: [LMMReport.EMMean] = []
        for g in usedRoles {
            for w in usedWaves {
                let label = "\(waves[w].id)\(betweenRole ? " (\(bundle.study.roles[g]))" : "")"
                let c: MixedModelResult.Contrast
                do { c = try fit.contrast(columns.map { $0(w, g) }) } catch {
                    warnings.append("the estimated marginal mean at \(label) could not be computed: \(error.localizedDescription)")
                    continue
                }
                emmeans.append(.init(wave: waves[w].id, time: waves[w].time, group: betweenRole ? bundle.study.roles[g] : nil,
                                     emmean: c.estimate, se: c.se, df: c.df, ci: c.interval()?.values))
            }
        }
        var recommendation: String? = nil
        if dfMethod == .satterthwaite && fit.nSubjects < smallSample {
            recommendation = "With \(fit.nSubjects) participants (fewer than \(smallSample)), Kenward-Roger degrees of freedom and standard errors (--df kenward-roger) are recommended for the tests of fixed effects."
        }
        let timePart = time == .categorical ? "wave" : "time"
        let formula = "\(scale.id) ~ \(timePart)\(betweenRole ? " * role" : "") + (1\(slopes ? " + time" : "") | participant)"
        let rnd = LMMReport.Random(participantVar: fit.random.participantVar, residualVar: fit.random.residualVar,
                                   slopeVar: fit.hasRandomSlope ? NullCodable(wrappedValue: fit.random.slopeVar) : nil,
                                   interceptSlopeCor: fit.hasRandomSlope ? NullCodable(wrappedValue: fit.random.interceptSlopeCor) : nil)
        var report = LMMReport(scale: scale.id, instrument: inst.id, time: time, between: betweenRole ? "role" : nil, slopes: slopes,
                         formula: formula, nObs: fit.nObs, nParticipants: fit.nSubjects,
                         fixed: fit.fixed.map { LMMReport.Fixed(term: $0.term, estimate: $0.estimate, se: $0.se, df: $0.df, t: $0.t, p: $0.p) },
                         random: rnd, loglik: fit.logLik, aic: fit.aic, converged: fit.converged, singular: fit.singular, warnings: warnings,
                         setAside: SetAsideAnswers(data.setAside(scale: scale)),
                         dfMethod: dfMethod, emmeans: emmeans, dfRecommendation: recommendation)
        if diagnostics {
            report.diagnostics = LMMDiagnostics(fit.diagnostics(y: y, subject: subject, design: x, randomSlope: slopeCov),
                                                subject: subject, waveOf: waveOf, participants: data.participants, waves: waves.map(\.id))
        }
        return report
    }
}
