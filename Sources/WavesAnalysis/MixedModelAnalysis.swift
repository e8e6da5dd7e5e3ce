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
    public var scale: String
    public var instrument: String
    public var time: String
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
    enum CodingKeys: String, CodingKey {
        case scale, instrument, time, between, slopes, formula, fixed, random, loglik, aic, converged, singular, warnings
        case setAside = "set_aside"
        case nObs = "n_obs", nParticipants = "n_participants"
    }
}

/// Builds and fits `score ~ time [* role] + (1 [+ time] | participant)` by REML on every observed score.
public enum MixedModelAnalysis {
    public enum TimeCoding: String, Sendable { case categorical, linear }

    public static func run(bundle: StudyBundle, scale name: String, time: TimeCoding, betweenRole: Bool, slopes: Bool) throws -> LMMReport {
        let (inst, _) = try bundle.resolveScale(name)
        return try run(data: try InstrumentData.load(bundle, instrument: inst), bundle: bundle, scale: name, time: time, betweenRole: betweenRole, slopes: slopes)
    }

    /// The same from already loaded instrument data (the report loads each instrument once).
    public static func run(data: InstrumentData, bundle: StudyBundle, scale name: String, time: TimeCoding, betweenRole: Bool, slopes: Bool) throws -> LMMReport {
        let (inst, scale) = try bundle.resolveScale(name)
        guard data.instrument.id == inst.id else { throw AnalysisError.invalidArgument("scale '\(name)' is not on instrument '\(data.instrument.id)'") }
        let scores = data.scores(scale: scale)
        let waves = data.waves
        var warnings: [String] = []
        // Roles present among participants with any score (an empty role cannot be estimated).
        var y: [Double] = [], subject: [Int] = [], waveOf: [Int] = [], roleOf: [Int] = []
        var noRole = 0
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
                y.append(scores[p, w]); subject.append(p); waveOf.append(w); roleOf.append(role)
            }
        }
        if noRole > 0 { warnings.append("\(noRole) participant(s) without a known role are left out.") }
        guard !y.isEmpty else { throw AnalysisError.notEnoughData("no '\(scale.id)' scores in the store") }
        let usedWaves = Array(Set(waveOf)).sorted()
        let usedRoles = betweenRole ? Array(Set(roleOf)).sorted() : [0]
        if betweenRole && usedRoles.count < bundle.study.roles.count {
            let missing = bundle.study.roles.enumerated().filter { !usedRoles.contains($0.offset) }.map(\.element)
            warnings.append("role(s) \(missing.joined(separator: ", ")) have no scores and are left out of the model.")
        }
        guard usedWaves.count >= 2 else { throw AnalysisError.notEnoughData("'\(scale.id)' has scores at only one wave; a model of change needs two or more") }
        // Design columns with treatment contrasts: the first wave and the first role are the reference.
        var terms = ["(Intercept)"]
        var columns: [(Int) -> Double] = [{ _ in 1 }]
        var timeTerms: [String] = []
        var timeCols: [(Int) -> Double] = []
        switch time {
        case .categorical:
            for w in usedWaves.dropFirst() {
                timeTerms.append("wave[\(waves[w].id)]")
                timeCols.append { i in waveOf[i] == w ? 1 : 0 }
            }
        case .linear:
            timeTerms.append("time")
            timeCols.append { i in waves[waveOf[i]].time }
        }
        terms += timeTerms; columns += timeCols
        if betweenRole {
            for g in usedRoles.dropFirst() {
                let rname = "role[\(bundle.study.roles[g])]"
                terms.append(rname); columns.append { i in roleOf[i] == g ? 1 : 0 }
            }
            for g in usedRoles.dropFirst() {
                let rname = "role[\(bundle.study.roles[g])]"
                for (tn, tc) in zip(timeTerms, timeCols) {
                    terms.append("\(tn):\(rname)"); columns.append { i in roleOf[i] == g ? tc(i) : 0 }
                }
            }
        }
        var x = Matrix(rows: y.count, cols: terms.count)
        for i in 0..<y.count { for (c, f) in columns.enumerated() { x[i, c] = f(i) } }
        let slopeCov: [Double]? = slopes ? waveOf.map { waves[$0].time } : nil
        let fit = try MixedModel.fit(y: y, subject: subject, fixed: x, terms: terms, randomSlope: slopeCov)
        warnings += fit.warnings
        let timePart = time == .categorical ? "wave" : "time"
        let formula = "\(scale.id) ~ \(timePart)\(betweenRole ? " * role" : "") + (1\(slopes ? " + time" : "") | participant)"
        let rnd = LMMReport.Random(participantVar: fit.random.participantVar, residualVar: fit.random.residualVar,
                                   slopeVar: fit.hasRandomSlope ? NullCodable(wrappedValue: fit.random.slopeVar) : nil,
                                   interceptSlopeCor: fit.hasRandomSlope ? NullCodable(wrappedValue: fit.random.interceptSlopeCor) : nil)
        return LMMReport(scale: scale.id, instrument: inst.id, time: time.rawValue, between: betweenRole ? "role" : nil, slopes: slopes,
                         formula: formula, nObs: fit.nObs, nParticipants: fit.nSubjects,
                         fixed: fit.fixed.map { LMMReport.Fixed(term: $0.term, estimate: $0.estimate, se: $0.se, df: $0.df, t: $0.t, p: $0.p) },
                         random: rnd, loglik: fit.logLik, aic: fit.aic, converged: fit.converged, singular: fit.singular, warnings: warnings,
                         setAside: SetAsideAnswers(data.setAside(scale: scale)))
    }
}
