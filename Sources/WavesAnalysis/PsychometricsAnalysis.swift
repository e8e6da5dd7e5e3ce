import Foundation
import WavesCore
import WavesStats

/// `waves reliability --json` for one scale at one wave (spec/cli.md).
public struct ReliabilityReport: Encodable, Sendable {
    public struct ItemRow: Encodable, Sendable {
        public var id: String
        public var n: Int
        @NullCodable public var mean: Double?
        @NullCodable public var sd: Double?
        @NullCodable public var rDrop: Double?
        @NullCodable public var alphaIfDeleted: Double?
        public var notes: [String]
        enum CodingKeys: String, CodingKey { case id, n, mean, sd, notes, rDrop = "r_drop", alphaIfDeleted = "alpha_if_deleted" }
    }
    public struct Bootstrap: Encodable, Sendable {
        public var replicates: Int
        public var seed: UInt64
        @NullCodable public var alphaCI: [Double]?
        @NullCodable public var omegaCI: [Double]?
        enum CodingKeys: String, CodingKey { case replicates, seed, alphaCI = "alpha_ci", omegaCI = "omega_ci" }
    }

    public var scale: String
    public var instrument: String
    public var wave: String
    public var n: Int
    public var k: Int
    /// Participants with a submission at the wave but at least one item of the scale missing.
    public var incomplete: Int
    @NullCodable public var alpha: Double?
    @NullCodable public var alphaCI: [Double]?
    @NullCodable public var stdAlpha: Double?
    @NullCodable public var averageR: Double?
    @NullCodable public var omegaTotal: Double?
    @NullCodable public var splitHalf: Double?
    public var items: [ItemRow]
    public var bootstrap: Bootstrap?
    public var notes: [String]
    /// Answers to the scale's items at this wave set aside as missing (`"set_aside": N`).
    public var setAside = SetAsideAnswers()

    enum CodingKeys: String, CodingKey {
        case scale, instrument, wave, n, k, incomplete, alpha, items, bootstrap, notes
        case setAside = "set_aside"
        case alphaCI = "alpha_ci", stdAlpha = "std_alpha", averageR = "average_r", omegaTotal = "omega_total", splitHalf = "split_half"
    }
}

/// `waves retest --json` (spec/cli.md).
public struct RetestReport: Encodable, Sendable {
    public var scale: String
    public var instrument: String
    public var waves: [String]
    public var n: Int
    @NullCodable public var pearsonR: Double?
    @NullCodable public var iccA1: Double?
    @NullCodable public var iccA1CI: [Double]?
    @NullCodable public var iccC1: Double?
    @NullCodable public var iccC1CI: [Double]?
    public var notes: [String]
    /// Answers to the scale's items at the two waves set aside as missing (`"set_aside": N`).
    public var setAside = SetAsideAnswers()
    enum CodingKeys: String, CodingKey {
        case scale, instrument, waves, n, notes
        case setAside = "set_aside"
        case pearsonR = "pearson_r", iccA1 = "icc_a1", iccA1CI = "icc_a1_ci", iccC1 = "icc_c1", iccC1CI = "icc_c1_ci"
    }
}

/// `waves rci --json` (spec/cli.md).
public struct RCIReport: Encodable, Sendable {
    public struct Row: Encodable, Sendable {
        public var participant: String
        @NullCodable public var role: String?
        public var x1: Double
        public var x2: Double
        @NullCodable public var rc: Double?
        @NullCodable public var category: String?
    }
    public struct Summary: Encodable, Sendable {
        public var increase: Int
        public var decrease: Int
        public var noChange: Int
        enum CodingKeys: String, CodingKey { case increase, decrease, noChange = "no_change" }
    }
    public var scale: String
    public var instrument: String
    public var from: String
    public var to: String
    public var n: Int
    @NullCodable public var sdBaseline: Double?
    public var reliability: Double
    public var reliabilitySource: String
    @NullCodable public var sDiff: Double?
    /// One row per participant with a score at both waves; empty when the caller asked for
    /// the summary alone (`reliableChange(participantRows: false)`: the report, which shows
    /// the counts, not 100,000 rows per scale held until it is written).
    public var participants: [Row]
    public var summary: Summary
    public var notes: [String]
    /// Answers to the scale's items at the two waves set aside as missing (`"set_aside": N`).
    public var setAside = SetAsideAnswers()
    enum CodingKeys: String, CodingKey {
        case scale, instrument, from, to, n, reliability, participants, summary, notes
        case setAside = "set_aside"
        case sdBaseline = "sd_baseline", reliabilitySource = "reliability_source", sDiff = "s_diff"
    }
}

/// Reliability, test-retest and reliable change of a scale, from the store.
public enum PsychometricsAnalysis {
    /// Reliability of a scale at one wave, or at every wave where the instrument is given.
    public static func reliability(bundle: StudyBundle, scale name: String, wave: String?, bootstrap: Int = 0, seed: UInt64 = 1) throws -> [ReliabilityReport] {
        let (inst, scale) = try bundle.resolveScale(name)
        let waves = try wave.map { try bundle.resolveWaves([$0]) } ?? bundle.waves(of: inst)
        let data = try InstrumentData.load(bundle, instrument: inst)
        return try waves.map { w in try reliability(data: data, scale: scale, wave: w, bootstrap: bootstrap, seed: seed) }
    }

    /// Reliability of a scale at one wave from already loaded instrument data.
    /// `inPlace`: without a bootstrap, the items are read where they are (`InstrumentData.itemRows`)
    /// instead of copied into a matrix: the same numbers without the copy (32 MB for the 40-item
    /// scale at 100,000 participants, at the report's peak), for more CPU (three strided passes
    /// over the columns instead of one; `waves reliability` took 0.3 s more for its 20 scales and
    /// waves at 100,000 participants), so only the report asks for it.
    public static func reliability(data: InstrumentData, scale: Scale, wave: Wave, bootstrap: Int = 0, seed: UInt64 = 1,
                                   inPlace: Bool = false) throws -> ReliabilityReport {
        guard let wi = data.waveIndex(wave.id) else { throw AnalysisError.unknownWave(wave.id, available: data.waves.map(\.id)) }
        // A bootstrap resamples the rows of a matrix; otherwise, when asked, the items are read in place.
        let table = data.itemRows(scale: scale, wave: wi)
        let r = try bootstrap > 0 || !inPlace ? Reliability.analyze(data.itemMatrix(scale: scale, wave: wi).matrix, bootstrap: bootstrap, seed: seed)
            : Reliability.analyze(rows: table)
        var notes = r.reasons
        let incomplete = table.rowCount - r.n
        if incomplete > 0 { notes.append("\(incomplete) participant(s) with at least one item missing are left out (listwise).") }
        if data.duplicateCount > 0 { notes.append("\(data.duplicateCount) earlier duplicate submission(s) set aside; the latest is used.") }
        let items = r.items.map { it in
            ReliabilityReport.ItemRow(id: scale.items[it.index], n: it.n, mean: it.mean, sd: it.sd, rDrop: it.rDrop,
                                      alphaIfDeleted: it.alphaIfDeleted, notes: it.reasons)
        }
        let boot = r.bootstrap.map { b in
            ReliabilityReport.Bootstrap(replicates: b.replicates, seed: b.seed, alphaCI: b.alphaCI?.values, omegaCI: b.omegaCI?.values)
        }
        if let b = r.bootstrap { notes += b.reasons }
        return ReliabilityReport(scale: scale.id, instrument: data.instrument.id, wave: wave.id, n: r.n, k: r.k, incomplete: incomplete,
                                 alpha: r.alpha, alphaCI: r.alphaCI?.values, stdAlpha: r.stdAlpha, averageR: r.averageR,
                                 omegaTotal: r.omegaTotal, splitHalf: r.splitHalf, items: items, bootstrap: boot, notes: notes,
                                 setAside: SetAsideAnswers(data.setAside(scale: scale, waves: [wave.id])))
    }

    /// Test-retest agreement of the scale score between two waves.
    public static func retest(bundle: StudyBundle, scale name: String, waves ids: [String]) throws -> RetestReport {
        let (inst, scale) = try bundle.resolveScale(name)
        guard ids.count == 2 else { throw AnalysisError.invalidArgument("--waves takes exactly two waves, for example --waves w1,w2") }
        let waves = try bundle.resolveWaves(ids)
        return try retest(data: try InstrumentData.load(bundle, instrument: inst), scale: scale, waves: waves)
    }

    /// Test-retest agreement from already loaded instrument data.
    public static func retest(data: InstrumentData, scale: Scale, waves: [Wave]) throws -> RetestReport {
        guard waves.count == 2 else { throw AnalysisError.invalidArgument("--waves takes exactly two waves, for example --waves w1,w2") }
        let inst = data.instrument
        let s = data.scores(scale: scale)
        guard let a = data.waveIndex(waves[0].id), let b = data.waveIndex(waves[1].id) else {
            throw AnalysisError.unknownWave(waves.map(\.id).joined(separator: ","), available: data.waves.map(\.id))
        }
        let x = (0..<s.rows).map { s[$0, a] }, y = (0..<s.rows).map { s[$0, b] }
        let r = try Retest.analyze(x: x, y: y)
        return RetestReport(scale: scale.id, instrument: inst.id, waves: waves.map(\.id), n: r.n, pearsonR: r.pearsonR,
                            iccA1: r.iccA1, iccA1CI: r.iccA1CI?.values, iccC1: r.iccC1, iccC1CI: r.iccC1CI?.values, notes: r.reasons,
                            setAside: SetAsideAnswers(data.setAside(scale: scale, waves: waves.map(\.id))))
    }

    /// Reliable change (Jacobson & Truax) from one wave to another.
    public static func reliableChange(bundle: StudyBundle, scale name: String, from: String, to: String, reliability given: Double?) throws -> RCIReport {
        let (inst, scale) = try bundle.resolveScale(name)
        let waves = try bundle.resolveWaves([from, to])
        return try reliableChange(data: try InstrumentData.load(bundle, instrument: inst), scale: scale, from: waves[0], to: waves[1], reliability: given)
    }

    /// Reliable change from already loaded instrument data. `fromReliability`, the scale's
    /// reliability at `fromWave` when the caller has already computed it (the report's
    /// reliability section), is used instead of computing it again. `participantRows: false`
    /// leaves `participants` empty (the numbers are the same).
    public static func reliableChange(data: InstrumentData, scale: Scale, from fromWave: Wave, to toWave: Wave, reliability given: Double?,
                                      fromReliability: ReliabilityReport? = nil, participantRows: Bool = true) throws -> RCIReport {
        let inst = data.instrument
        let waves = [fromWave, toWave]
        let from = fromWave.id
        var notes: [String] = []
        let rel: Double
        let source: String
        if let g = given {
            guard g >= 0 && g < 1 else { throw AnalysisError.invalidArgument("--reliability must be at least 0 and below 1 (got \(g))") }
            rel = g; source = "given"
        } else {
            let known = fromReliability.flatMap { $0.wave == fromWave.id && $0.scale == scale.id && $0.instrument == data.instrument.id ? $0 : nil }
            let rr = try known ?? reliability(data: data, scale: scale, wave: waves[0])
            guard let a = rr.alpha else {
                throw AnalysisError.notEnoughData("alpha of '\(scale.id)' at \(from) cannot be computed (\(rr.notes.joined(separator: "; "))); give --reliability VALUE")
            }
            guard a > 0 && a < 1 else { throw AnalysisError.notEnoughData("alpha of '\(scale.id)' at \(from) \(a.isFinite ? "is " + NumberText.fixed(a, 3) : "could not be computed"), which cannot serve as a reliability; give --reliability VALUE") }
            rel = a; source = "alpha"
            notes.append("reliability: Cronbach's alpha at \(from) (n = \(rr.n)).")
        }
        let s = data.scores(scale: scale)
        guard let a = data.waveIndex(waves[0].id), let b = data.waveIndex(waves[1].id) else {
            throw AnalysisError.unknownWave(waves.map(\.id).joined(separator: ","), available: data.waves.map(\.id))
        }
        var who: [Int] = []
        for p in 0..<s.rows where !s[p, a].isNaN && !s[p, b].isNaN { who.append(p) }
        let r = ReliableChange.compute(x1: who.map { s[$0, a] }, x2: who.map { s[$0, b] }, reliability: rel)
        notes += r.reasons
        let rows = !participantRows ? [] : r.pairs.map { pr in
            RCIReport.Row(participant: data.participants[who[pr.index]], role: data.roles[who[pr.index]], x1: pr.x1, x2: pr.x2,
                          rc: pr.rc, category: pr.category?.rawValue)
        }
        return RCIReport(scale: scale.id, instrument: inst.id, from: waves[0].id, to: waves[1].id, n: r.n, sdBaseline: r.sdBaseline,
                         reliability: rel, reliabilitySource: source, sDiff: r.sDiff, participants: rows,
                         summary: .init(increase: r.summary.increase, decrease: r.summary.decrease, noChange: r.summary.noChange),
                         notes: notes, setAside: SetAsideAnswers(data.setAside(scale: scale, waves: waves.map(\.id))))
    }
}
