import Foundation
import WavesCore
import WavesStats

/// `waves change --json` (spec/cli.md): repeated-measures ANOVA, sphericity, post hoc, Friedman.
public struct ChangeReport: Encodable, Sendable {
    public struct Descriptive: Encodable, Sendable {
        public var wave: String
        @NullCodable public var group: String?
        public var n: Int
        @NullCodable public var mean: Double?
        @NullCodable public var sd: Double?
        @NullCodable public var ci: [Double]?
    }
    public struct Effect: Encodable, Sendable {
        public var effect: String
        public var df1: Int
        public var df2: Int
        @NullCodable public var F: Double?
        @NullCodable public var p: Double?
        @NullCodable public var ges: Double?
        @NullCodable public var pes: Double?
        /// 90% noncentral-F interval of `pes` (spec/cli.md `pes_ci`).
        @NullCodable public var pesCI: [Double]?
        public var ggEpsilon: NullCodable<Double>?
        public var hfEpsilon: NullCodable<Double>?
        public var pGG: NullCodable<Double>?
        public var pHF: NullCodable<Double>?
        @NullCodable public var note: String?
        enum CodingKeys: String, CodingKey {
            case effect, df1, df2, F, p, ges, pes, note
            case pesCI = "pes_ci"
            case ggEpsilon = "gg_epsilon", hfEpsilon = "hf_epsilon", pGG = "p_gg", pHF = "p_hf"
        }
    }
    public struct Sphericity: Encodable, Sendable {
        public var W: Double
        public var chisq: Double
        public var df: Int
        public var p: Double
    }
    public struct PostHoc: Encodable, Sendable {
        public var a: String
        public var b: String
        public var n: Int
        public var meanDiff: Double
        @NullCodable public var t: Double?
        public var df: Int
        @NullCodable public var p: Double?
        @NullCodable public var pHolm: Double?
        @NullCodable public var pBonferroni: Double?
        @NullCodable public var dz: Double?
        /// 95% noncentral-t interval of `dz` (spec/cli.md `dz_ci`).
        @NullCodable public var dzCI: [Double]?
        enum CodingKeys: String, CodingKey {
            case a, b, n, t, df, p, dz
            case dzCI = "dz_ci"
            case meanDiff = "mean_diff", pHolm = "p_holm", pBonferroni = "p_bonferroni"
        }
    }
    public struct Friedman: Encodable, Sendable {
        @NullCodable public var chisq: Double?
        public var df: Int
        @NullCodable public var p: Double?
        @NullCodable public var kendallW: Double?
        enum CodingKeys: String, CodingKey { case chisq, df, p, kendallW = "kendall_w" }
    }

    public var scale: String
    public var instrument: String
    public var waves: [String]
    @NullCodable public var between: String?
    public var n: Int
    /// Participants with a score at some but not every selected wave (left out).
    public var excluded: Int
    public var descriptives: [Descriptive]
    public var anova: [Effect]
    @NullCodable public var sphericity: Sphericity?
    public var posthoc: [PostHoc]
    public var friedman: Friedman
    /// Encoded "GG", "HF" or null (two waves: no correction needed).
    @NullCodable public var correction: SphericityCorrection?
    public var notes: [String]
    public var duplicatesSetAside: Int
    /// Answers to the scale's items at the selected waves set aside as missing (`"set_aside": N`).
    public var setAside = SetAsideAnswers()

    enum CodingKeys: String, CodingKey {
        case scale, instrument, waves, between, n, excluded, descriptives, anova, sphericity, posthoc, friedman, correction, notes
        case duplicatesSetAside = "duplicates_set_aside", setAside = "set_aside"
    }
}

/// Builds the change analysis of one scale from the store.
public enum ChangeAnalysis {
    public static func run(bundle: StudyBundle, scale scaleName: String, waves waveIDs: [String]?, betweenRole: Bool) throws -> ChangeReport {
        let (inst, _) = try bundle.resolveScale(scaleName)
        let waves = try bundle.resolveWaves(waveIDs)
        guard waves.count >= 2 else { throw AnalysisError.invalidArgument("change needs at least two waves (got \(waves.map(\.id).joined(separator: ",")))") }
        return try run(data: try InstrumentData.load(bundle, instrument: inst), bundle: bundle, scale: scaleName, waves: waveIDs, betweenRole: betweenRole)
    }

    /// The same from already loaded instrument data (the report loads each instrument once).
    public static func run(data: InstrumentData, bundle: StudyBundle, scale scaleName: String, waves waveIDs: [String]?, betweenRole: Bool) throws -> ChangeReport {
        let (inst, scale) = try bundle.resolveScale(scaleName)
        let waves = try bundle.resolveWaves(waveIDs)
        guard waves.count >= 2 else { throw AnalysisError.invalidArgument("change needs at least two waves (got \(waves.map(\.id).joined(separator: ",")))") }
        guard data.instrument.id == inst.id else { throw AnalysisError.invalidArgument("scale '\(scaleName)' is not on instrument '\(data.instrument.id)'") }
        let scores = data.scores(scale: scale)
        let cols = waves.map { w in data.waveIndex(w.id)! }
        var rows: [Double] = []
        var groups: [Int] = []
        var n = 0, excluded = 0, noRole = 0
        rows.reserveCapacity(data.participants.count * cols.count)
        var v = [Double](repeating: 0, count: cols.count)   // one participant's scores, reused
        for p in 0..<data.participants.count {
            var have = 0
            for (j, c) in cols.enumerated() { v[j] = scores[p, c]; if !v[j].isNaN { have += 1 } }
            if have == 0 { continue }
            if have < v.count { excluded += 1; continue }
            if betweenRole {
                guard let role = data.roles[p], let g = bundle.study.roles.firstIndex(of: role) else { noRole += 1; continue }
                groups.append(g)
            }
            rows.append(contentsOf: v)
            n += 1
        }
        var notes: [String] = []
        if excluded > 0 { notes.append("\(excluded) participant(s) without a score at every selected wave are left out (use `waves lmm` to keep them).") }
        if noRole > 0 { notes.append("\(noRole) participant(s) without a known role are left out.") }
        if data.duplicateCount > 0 { notes.append("\(data.duplicateCount) earlier duplicate submission(s) set aside; the latest is used.") }
        guard n >= 2 else { throw AnalysisError.notEnoughData("only \(n) participant(s) have a '\(scale.id)' score at every one of \(waves.map(\.id).joined(separator: ", ")); change needs at least 2") }
        let m = Matrix(rows: n, cols: waves.count, values: rows)
        let r = try RepeatedMeasures.analyze(m, groups: betweenRole ? groups : nil, groupCount: betweenRole ? bundle.study.roles.count : 0)
        notes += r.notes
        if let s = r.sphericityNote { notes.append(s) }
        let wname = { (i: Int) in waves[i].id }
        let gname = { (g: Int?) in g.map { bundle.study.roles[$0] } }
        // Contract order: wave first, then role and role:wave.
        let order: [RepeatedMeasuresResult.Term] = [.wave, .role, .roleByWave]
        let effects = order.compactMap { r.effect($0) }.map { e in
            ChangeReport.Effect(effect: e.name, df1: e.df1, df2: e.df2, F: e.f, p: e.p, ges: e.ges, pes: e.pes, pesCI: e.pesCI?.values,
                                ggEpsilon: e.hasWithinPart ? NullCodable(wrappedValue: e.ggEpsilon) : nil,
                                hfEpsilon: e.hasWithinPart ? NullCodable(wrappedValue: e.hfEpsilon) : nil,
                                pGG: e.hasWithinPart ? NullCodable(wrappedValue: e.pGG) : nil,
                                pHF: e.hasWithinPart ? NullCodable(wrappedValue: e.pHF) : nil, note: e.note)
        }
        let correction = r.recommendedCorrection.flatMap(SphericityCorrection.init)
        return ChangeReport(
            scale: scale.id, instrument: inst.id, waves: waves.map(\.id), between: betweenRole ? "role" : nil, n: n, excluded: excluded,
            descriptives: r.descriptives.map { d in
                ChangeReport.Descriptive(wave: wname(d.wave), group: gname(d.group), n: d.n, mean: d.mean, sd: d.sd, ci: d.ci.map { [$0.lower, $0.upper] })
            },
            anova: effects,
            sphericity: r.sphericity.map { ChangeReport.Sphericity(W: $0.w, chisq: $0.chisq, df: $0.df, p: $0.p) },
            posthoc: r.posthoc.map { ph in
                ChangeReport.PostHoc(a: wname(ph.a), b: wname(ph.b), n: ph.n, meanDiff: ph.meanDiff, t: ph.t, df: ph.df, p: ph.p,
                                     pHolm: ph.pHolm, pBonferroni: ph.pBonferroni, dz: ph.dz, dzCI: ph.dzCI?.values)
            },
            friedman: ChangeReport.Friedman(chisq: r.friedman.chisq, df: r.friedman.df, p: r.friedman.p, kendallW: r.friedman.kendallW),
            correction: correction, notes: notes, duplicatesSetAside: data.duplicateCount,
            setAside: SetAsideAnswers(data.setAside(scale: scale, waves: waves.map(\.id))))
    }
}
