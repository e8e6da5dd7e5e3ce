import Foundation
import WavesCore
import WavesStats

/// `waves attrition --json` (spec/cli.md, "What reviewers require"): completers against
/// dropouts at the first wave, and Little's MCAR test on the wave-by-wave scale scores.
public struct AttritionReport: Encodable, Sendable {
    public struct Group: Encodable, Sendable {
        public var n: Int
        @NullCodable public var mean: Double?
        @NullCodable public var sd: Double?
    }
    public struct Welch: Encodable, Sendable {
        public var t: Double
        public var df: Double
        public var p: Double
    }
    public struct RoleRow: Encodable, Sendable {
        public var role: String
        public var completers: Int
        public var dropouts: Int
    }
    public struct Little: Encodable, Sendable {
        public var chisq: Double
        public var df: Int
        @NullCodable public var p: Double?
        public var patterns: Int
        /// Participants with at least one score (the rows of the test); additive to the contract.
        public var n: Int
        /// The waves whose scores are the test's variables; additive.
        public var waves: [String]
    }

    public var scale: String
    public var instrument: String
    public var baselineWave: String
    public var toWave: String
    public var completers: Group
    public var dropouts: Group
    @NullCodable public var welch: Welch?
    @NullCodable public var hedgesG: Double?
    @NullCodable public var gCI: [Double]?
    public var roles: [RoleRow]
    @NullCodable public var fisherP: Double?
    @NullCodable public var littleMCAR: Little?
    /// The sentence a paper can use (additive to the contract).
    public var sentence: String
    /// Why a value is null (additive).
    public var notes: [String]

    enum CodingKeys: String, CodingKey {
        case scale, instrument, completers, dropouts, welch, roles, sentence, notes
        case baselineWave = "baseline_wave", toWave = "to_wave", hedgesG = "hedges_g", gCI = "g_ci"
        case fisherP = "fisher_p", littleMCAR = "little_mcar"
    }
}

/// Builds the attrition analysis of one scale.
///
/// A completer has a scale score at the first wave the instrument is given and at `to`
/// (default: its last wave); a dropout has a baseline score and no scale score at `to`
/// (a record at `to` whose score is missing counts as a dropout). Participants without a
/// baseline score are in neither group. Welch's t is `t.test(completers, dropouts)`, Hedges'
/// g `effectsize::hedges_g(completers, dropouts)` 0.8.3, the role table's p `fisher.test`,
/// and Little's (1988) test runs on the participants x waves matrix of scale scores (waves
/// at which the instrument has at least one score; participants with at least one score).
public enum AttritionAnalysis {
    public static func run(bundle: StudyBundle, scale scaleName: String, to toWave: String?) throws -> AttritionReport {
        let (inst, _) = try bundle.resolveScale(scaleName)
        return try run(data: try InstrumentData.load(bundle, instrument: inst), bundle: bundle, scale: scaleName, to: toWave)
    }

    /// The same from already loaded instrument data (the report loads each instrument once).
    public static func run(data: InstrumentData, bundle: StudyBundle, scale scaleName: String, to toWave: String?) throws -> AttritionReport {
        let (inst, scale) = try bundle.resolveScale(scaleName)
        guard data.instrument.id == inst.id else { throw AnalysisError.invalidArgument("scale '\(scaleName)' is not on instrument '\(data.instrument.id)'") }
        let given = bundle.waves(of: inst)
        guard let first = given.first else { throw AnalysisError.notEnoughData("instrument '\(inst.id)' is given at no wave") }
        let last: Wave
        if let toWave {
            guard let w = bundle.study.wave(toWave) else { throw AnalysisError.unknownWave(toWave, available: bundle.study.waves.map(\.id)) }
            last = w
        } else { last = given.last! }
        guard last.id != first.id else {
            throw AnalysisError.invalidArgument("attrition compares the first wave (\(first.id)) with a later one; --to \(last.id) is the first wave")
        }
        guard let b = data.waveIndex(first.id), let t = data.waveIndex(last.id) else {
            throw AnalysisError.invalidArgument("wave \(last.id) is not a wave of the study")
        }
        let scores = data.scores(scale: scale)
        var comp: [Double] = [], drop: [Double] = []
        var roleCounts: [String: (Int, Int)] = [:]
        var unknownRole = 0
        for p in 0..<data.participants.count {
            let x = scores[p, b]
            guard !x.isNaN else { continue }
            let stayed = !scores[p, t].isNaN
            if stayed { comp.append(x) } else { drop.append(x) }
            if let role = data.roles[p] {
                var c = roleCounts[role] ?? (0, 0)
                if stayed { c.0 += 1 } else { c.1 += 1 }
                roleCounts[role] = c
            } else { unknownRole += 1 }
        }
        var notes: [String] = []
        if comp.isEmpty && drop.isEmpty {
            throw AnalysisError.notEnoughData("nobody has a '\(scale.id)' score at \(first.id)")
        }
        if drop.isEmpty { notes.append("Nobody with a score at \(first.id) is missing at \(last.id): there are no dropouts to compare.") }
        if comp.isEmpty { notes.append("Nobody with a score at \(first.id) has one at \(last.id): there are no completers to compare.") }

        let (welchResult, welchReason) = WelchTest.test(comp, drop)
        if welchResult == nil, !comp.isEmpty, !drop.isEmpty, let welchReason { notes.append("Welch's t-test: \(welchReason).") }
        let g = EffectSizes.hedgesG(comp, drop)
        if g == nil, !comp.isEmpty, !drop.isEmpty { notes.append("Hedges' g needs at least 2 participants in each group, 4 in all, and some spread.") }

        // Roles in study order, then any others alphabetically; rows of zeros are dropped for the test.
        let roleNames = bundle.study.roles.filter { roleCounts[$0] != nil } + roleCounts.keys.filter { !bundle.study.roles.contains($0) }.sorted()
        let roles = roleNames.map { AttritionReport.RoleRow(role: $0, completers: roleCounts[$0]!.0, dropouts: roleCounts[$0]!.1) }
        if unknownRole > 0 { notes.append("\(unknownRole) participant(s) without a known role are left out of the role table.") }
        var fisher: Double?
        let table = roles.map { [$0.completers, $0.dropouts] }
        if table.count >= 2, !drop.isEmpty, !comp.isEmpty {
            let (p, reason) = FisherExact.pValue(table)
            fisher = p
            if p == nil, let reason { notes.append("Fisher's exact test: \(reason).") }
        } else if table.count < 2 {
            notes.append("Fisher's exact test needs at least two roles among the participants at \(first.id).")
        }

        // Little's test over the waves with at least one score.
        let cols = (0..<data.waves.count).filter { w in (0..<data.participants.count).contains { !scores[$0, w].isNaN } }
        var rows: [Double] = []
        var nRows = 0
        for p in 0..<data.participants.count {
            let v = cols.map { scores[p, $0] }
            guard v.contains(where: { !$0.isNaN }) else { continue }
            rows += v; nRows += 1
        }
        var little: AttritionReport.Little?
        if cols.count >= 2 {
            do {
                let r = try LittleMCAR.test(Matrix(rows: nRows, cols: cols.count, values: rows))
                if r.chisq.isFinite {
                    little = .init(chisq: r.chisq, df: r.df, p: r.p, patterns: r.patterns, n: r.n, waves: cols.map { data.waves[$0].id })
                } else { notes.append("Little's test: the statistic is not finite (a covariance block is near singular).") }
                if !r.converged { notes.append("Little's test: EM stopped before converging after \(r.iterations) iterations.") }
            } catch {
                notes.append("Little's test could not be computed: \(error.localizedDescription)")
            }
        } else {
            notes.append("Little's test needs scores at two or more waves.")
        }

        let cd = Descriptives(comp), dd = Descriptives(drop)
        var report = AttritionReport(
            scale: scale.id, instrument: inst.id, baselineWave: first.id, toWave: last.id,
            completers: .init(n: comp.count, mean: cd.mean, sd: cd.sd), dropouts: .init(n: drop.count, mean: dd.mean, sd: dd.sd),
            welch: welchResult.flatMap { $0.t.isFinite && $0.df.isFinite && $0.p.isFinite ? .init(t: $0.t, df: $0.df, p: $0.p) : nil }, hedgesG: g?.g, gCI: g?.ci?.values,
            roles: roles, fisherP: fisher, littleMCAR: little, sentence: "", notes: notes)
        report.sentence = AttritionSentence.make(report, scaleLabel: scale.label)
        return report
    }
}

/// The sentence a paper can use about attrition, from the numbers of one `AttritionReport`.
///
/// APA style (Publication Manual, 7th ed.): M and SD to two decimals, t with its df, p
/// without a leading zero, Hedges' g with its 95% interval, Fisher's exact p, and Little's
/// chi-square with its df.
public enum AttritionSentence {
    public static func make(_ r: AttritionReport, scaleLabel: String) -> String {
        let c = r.completers, d = r.dropouts
        if d.n == 0 {
            return "All \(c.n) participants with a \(scaleLabel) score at \(r.baselineWave) also had one at \(r.toWave); there was no attrition to compare."
        }
        if c.n == 0 {
            return "None of the \(d.n) participants with a \(scaleLabel) score at \(r.baselineWave) had one at \(r.toWave); completers and dropouts cannot be compared."
        }
        var s: String
        if let w = r.welch {
            let differed = w.p < 0.05
            s = "Participants lost by \(r.toWave) (n = \(d.n)) \(differed ? "differed" : "did not differ") at baseline from those who stayed (n = \(c.n)) on \(scaleLabel)"
            s += " (stayed: M = \(NumberText.fixed(c.mean)), SD = \(NumberText.fixed(c.sd)); lost: M = \(NumberText.fixed(d.mean)), SD = \(NumberText.fixed(d.sd));"
            s += " Welch's t(\(NumberText.fixed(w.df))) = \(NumberText.fixed(w.t)), p \(NumberText.pEquals(w.p))"
            if let g = r.hedgesG { s += ", Hedges' g (stayed minus lost) = \(NumberText.fixed(g)), 95% CI \(NumberText.interval(r.gCI?.first, r.gCI?.last))" }
            s += ")"
        } else {
            s = "Participants lost by \(r.toWave) (n = \(d.n)) and those who stayed (n = \(c.n)) could not be compared at baseline on \(scaleLabel) (too few in a group)"
        }
        if let f = r.fisherP { s += "; the roles of those lost and those who stayed \(f < 0.05 ? "differed" : "did not differ") (Fisher's exact p \(NumberText.pEquals(f)))" }
        s += "."
        if let l = r.littleMCAR, let p = l.p {
            s += " Little's MCAR test on the scores at \(l.waves.joined(separator: ", ")) was \(p < 0.05 ? "significant" : "not significant")"
            s += " (χ²(\(l.df)) = \(NumberText.fixed(l.chisq)), p \(NumberText.pEquals(p)))"
            s += p < 0.05 ? ", so the data are not missing completely at random." : ", consistent with data missing completely at random."
        }
        return s
    }
}
