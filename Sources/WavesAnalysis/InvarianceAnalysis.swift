import Foundation
import WavesCore
import WavesStats

/// `waves invariance --json` (spec/cli.md, "Factor structure and invariance").
public struct InvarianceReport: Encodable, Sendable {
    public struct Model: Encodable, Sendable {
        public var model: String
        @NullCodable public var chisq: Double?
        @NullCodable public var df: Int?
        @NullCodable public var p: Double?
        @NullCodable public var cfi: Double?
        @NullCodable public var tli: Double?
        @NullCodable public var rmsea: Double?
        @NullCodable public var srmr: Double?
        @NullCodable public var aic: Double?
        @NullCodable public var bic: Double?
        public var converged: Bool
        @NullCodable public var error: String?
    }
    public struct Comparison: Encodable, Sendable {
        public var from: String
        public var to: String
        @NullCodable public var deltaChisq: Double?
        public var deltaDf: Int
        @NullCodable public var p: Double?
        @NullCodable public var deltaCFI: Double?
        @NullCodable public var deltaRMSEA: Double?
        /// Chen (2007): ΔCFI >= -.010 and ΔRMSEA <= .015.
        @NullCodable public var held: Bool?
        enum CodingKeys: String, CodingKey {
            case from, to, p, held
            case deltaChisq = "delta_chisq", deltaDf = "delta_df", deltaCFI = "delta_cfi", deltaRMSEA = "delta_rmsea"
        }
    }
    public struct LatentMean: Encodable, Sendable {
        /// "wave" or "group".
        public var key: String
        public var occasion: String
        public var estimate: Double
        public var se: Double?
        enum CodingKeys: String, CodingKey { case wave, group, estimate, se }
        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(occasion, forKey: key == "group" ? .group : .wave)
            if estimate.isFinite { try c.encode(estimate, forKey: .estimate) } else { try c.encodeNil(forKey: .estimate) }
            if let se, se.isFinite { try c.encode(se, forKey: .se) } else { try c.encodeNil(forKey: .se) }
        }
    }
    public struct Partial: Encodable, Sendable {
        public var constraint: String
        @NullCodable public var scoreChisq: Double?
        @NullCodable public var p: Double?
        enum CodingKeys: String, CodingKey { case constraint, p, scoreChisq = "score_chisq" }
    }

    public var scale: String
    public var instrument: String
    /// `waves` or `role`.
    public var across: String
    /// The waves compared (across waves) or the wave used (across role).
    public var waves: [String]
    /// The roles compared (across role), in study order.
    public var groups: [String]
    public var missing: String
    public var n: Int
    public var nByGroup: [Int]
    public var excluded: Int
    public var models: [Model]
    public var comparisons: [Comparison]
    public var latentMeans: [LatentMean]
    public var partial: [Partial]
    /// The most constrained level that held by Chen's (2007) rules (`none` when configural failed).
    public var highestLevel: String
    public var decisionRule: String
    /// One or two sentences: what held, what did not, and what that licenses.
    public var summary: String
    public var notes: [String]

    enum CodingKeys: String, CodingKey {
        case scale, instrument, across, waves, groups, missing, n, excluded, models, comparisons, partial, summary, notes
        case nByGroup = "n_by_group", latentMeans = "latent_means", highestLevel = "highest_level", decisionRule = "decision_rule"
    }
}

/// Measurement invariance of a scale across waves (one factor per wave, same-item
/// residuals correlated) or across roles (multi-group), through `InvarianceLadder`.
public enum InvarianceAnalysis {
    public enum Across: String, Sendable, CaseIterable { case waves, role }

    public static let decisionRule = "Chen (2007): a level holds when, against the level before, CFI drops by no more than .010 (ΔCFI ≥ −.010) and RMSEA rises by no more than .015 (ΔRMSEA ≤ .015)."

    public static func run(bundle: StudyBundle, scale name: String, across: Across, waves ids: [String]?, wave: String?,
                           missing: CFAAnalysis.Missing = .listwise) throws -> InvarianceReport {
        let (inst, scale) = try bundle.resolveScale(name)
        // Held in an optional, not a constant, so that it can be let go before the fit.
        var loaded: InstrumentData? = try InstrumentData.load(bundle, instrument: inst)
        let given = bundle.waves(of: inst)
        switch across {
        case .waves:
            let waves = try (ids?.isEmpty == false ? bundle.resolveWaves(ids) : given)
            let model = try wavesModel(data: loaded!, scale: scale, waves: waves, missing: missing)
            // The answers are let go before the model is fitted (issue 14: the 40-item scale's
            // 160-variable model across 4 waves ran for seconds beside the whole answer matrix
            // it no longer reads; inside `InstrumentData.sharingLoads` the share keeps them).
            loaded = nil
            return try model.fit()
        case .role:
            let w: Wave
            if let id = wave {
                guard let hit = bundle.study.wave(id) else { throw AnalysisError.unknownWave(id, available: bundle.study.waves.map(\.id)) }
                w = hit
            } else {
                guard let first = given.first else { throw AnalysisError.notEnoughData("instrument '\(inst.id)' is given at no wave") }
                w = first
            }
            return try acrossRoles(data: loaded!, scale: scale, wave: w, roles: bundle.study.roles, missing: missing)
        }
    }

    static func itemColumns(_ data: InstrumentData, _ scale: Scale) -> [(id: String, column: Int)] {
        scale.items.compactMap { id in data.items.firstIndex { $0.id == id }.map { (id, $0) } }
    }

    public static func acrossWaves(data: InstrumentData, scale: Scale, waves: [Wave], missing: CFAAnalysis.Missing) throws -> InvarianceReport {
        try wavesModel(data: data, scale: scale, waves: waves, missing: missing).fit()
    }

    /// Everything an invariance model across waves takes from the instrument's columns (the wide
    /// sample, the instrument's id and duplicate count), so that the columns can be let go
    /// before the model is fitted (`run`).
    struct WavesModel {
        let instrument: String, duplicateCount: Int
        let scale: Scale, design: InvarianceDesign, missing: CFAAnalysis.Missing
        let sample: (rows: Matrix, incomplete: Int, hint: String?)

        func fit() throws -> InvarianceReport {
            try report(instrument: instrument, duplicateCount: duplicateCount, scale: scale, design: design, groups: [sample.rows],
                       missing: missing, extraNotes: [], setAside: sample.incomplete, hint: sample.hint)
        }
    }

    static func wavesModel(data: InstrumentData, scale: Scale, waves: [Wave], missing: CFAAnalysis.Missing) throws -> WavesModel {
        guard waves.count >= 2 else { throw AnalysisError.invalidArgument("invariance across waves needs at least two waves (--waves w1,w2,..)") }
        let cols = itemColumns(data, scale)
        let wi = try waves.map { w -> Int in
            guard let i = data.waveIndex(w.id) else { throw AnalysisError.unknownWave(w.id, available: data.waves.map(\.id)) }
            return i
        }
        let design = InvarianceDesign(across: .waves, items: cols.map(\.id), occasions: waves.map(\.id))
        let sample = wideSample(data: data, columns: cols.map(\.column), waves: wi, listwise: missing == .listwise)
        return WavesModel(instrument: data.instrument.id, duplicateCount: data.duplicateCount, scale: scale, design: design,
                          missing: missing, sample: sample)
    }

    /// The wide rows (one per participant present at any of `waves`: every item at every wave,
    /// NaN where not answered) of an invariance model across waves.
    ///
    /// Under listwise deletion only the complete rows are kept (issue 14: the whole wide matrix of
    /// a 40-item scale over 4 waves is as large as the answer matrix it is built from, which
    /// doubled the peak); `incomplete` counts the rows left out, and `hint` is
    /// `CFAAnalysis.fimlHint` of the whole matrix, counted on the way. A row with an infinite
    /// value falls back to the whole matrix, so `FactorData` rejects it as before.
    static func wideSample(data: InstrumentData, columns: [Int], waves wi: [Int], listwise: Bool)
        -> (rows: Matrix, incomplete: Int, hint: String?) {
        let W = data.waves.count, K = data.items.count, width = columns.count * wi.count
        var values: [Double] = [], rows = 0, incomplete = 0, answered = 0
        var row = [Double](repeating: .nan, count: width)
        for p in 0..<data.participants.count where wi.contains(where: { data.present[p * W + $0] }) {
            var k = 0, missing = false, any = false
            for w in wi { for c in columns {
                let v = data.present[p * W + w] ? data.values[(p * W + w) * K + c] : .nan
                if v.isNaN { missing = true } else { any = true }
                if listwise && v.isInfinite { return wideSample(data: data, columns: columns, waves: wi, listwise: false) }
                row[k] = v; k += 1
            } }
            if any { answered += 1 }
            if listwise && missing { incomplete += 1; continue }
            values.append(contentsOf: row)
            rows += 1
        }
        let m = Matrix(rows: rows, cols: width, values: values)
        guard listwise else { return (m, 0, nil) }
        return (m, incomplete, CFAAnalysis.fimlHint(complete: rows, answered: answered))
    }

    public static func acrossRoles(data: InstrumentData, scale: Scale, wave: Wave, roles: [String], missing: CFAAnalysis.Missing) throws -> InvarianceReport {
        guard let wi = data.waveIndex(wave.id) else { throw AnalysisError.unknownWave(wave.id, available: data.waves.map(\.id)) }
        let cols = itemColumns(data, scale)
        let items = Scale(id: scale.id, label: scale.label, items: cols.map(\.id))
        var notes: [String] = []
        let W = data.waves.count
        let unknown = (0..<data.participants.count).filter { data.present[$0 * W + wi] && data.roles[$0] == nil }.count
        if unknown > 0 { notes.append("\(unknown) participant(s) without a role are left out.") }
        // Each role's rows are copied straight out of the columns (issue 14: a whole wave's
        // matrix beside the groups' copies held the 40-item scale twice over).
        var groups: [String] = [], mats: [Matrix] = []
        for role in roles {
            let m = data.itemMatrix(scale: items, wave: wi, including: { data.roles[$0] == role }).matrix
            if m.rows == 0 { notes.append("no \(role) answered at \(wave.id); that role is left out."); continue }
            groups.append(role)
            mats.append(m)
        }
        guard groups.count >= 2 else {
            throw AnalysisError.notEnoughData("invariance across roles needs at least two roles with answers at \(wave.id) (found \(groups.joined(separator: ", ")))")
        }
        let design = InvarianceDesign(across: .groups, items: cols.map(\.id), occasions: groups)
        return try report(instrument: data.instrument.id, duplicateCount: data.duplicateCount, scale: scale, design: design, groups: mats,
                          missing: missing, extraNotes: notes, wave: wave.id)
    }

    /// `setAside` rows were left out as incomplete before `groups` was built, and `hint` is the
    /// listwise hint already counted over them (`wideSample`); otherwise both come from `groups`.
    static func report(data: InstrumentData, scale: Scale, design: InvarianceDesign, groups: [Matrix], missing: CFAAnalysis.Missing,
                       extraNotes: [String], wave: String? = nil, setAside: Int = 0, hint: String? = nil) throws -> InvarianceReport {
        try report(instrument: data.instrument.id, duplicateCount: data.duplicateCount, scale: scale, design: design, groups: groups,
                   missing: missing, extraNotes: extraNotes, wave: wave, setAside: setAside, hint: hint)
    }

    /// `report(data:...)` with what it reads of the columns (their instrument's id and duplicate count) given instead.
    static func report(instrument: String, duplicateCount: Int, scale: Scale, design: InvarianceDesign, groups: [Matrix], missing: CFAAnalysis.Missing,
                       extraNotes: [String], wave: String? = nil, setAside: Int = 0, hint: String? = nil) throws -> InvarianceReport {
        let fdata: FactorData, result: InvarianceResult
        let where_ = design.across == .waves ? "across \(design.occasions.joined(separator: ", "))" : "across \(design.occasions.joined(separator: ", ")) at \(wave ?? "")"
        do {
            fdata = try FactorData(groups: groups, missing: missing == .fiml ? .fiml : .listwise)
            result = try InvarianceLadder.fit(design, data: fdata)
        } catch let e as StatsError {
            throw AnalysisError.notEnoughData("\(scale.id) \(where_): \(e.errorDescription ?? "cannot be fitted")"
                                              + (missing == .listwise ? hint ?? CFAAnalysis.fimlHint(groups) : ""))
        }
        var notes = extraNotes + result.notes
        let excluded = setAside + fdata.dropped.reduce(0, +)
        if excluded > 0 {
            notes.append(missing == .fiml ? "\(excluded) participant(s) answered none of the items and are left out."
                         : "\(excluded) participant(s) \(design.across == .waves ? "without every item at every wave" : "with at least one item missing") are left out (listwise); --missing fiml uses every answer.")
        }
        if duplicateCount > 0 { notes.append("\(duplicateCount) earlier duplicate submission(s) set aside; the latest is used.") }
        let models = result.levels.map { l -> InvarianceReport.Model in
            let f = l.fit?.measures
            return .init(model: l.level.rawValue, chisq: f?.chisq, df: f?.df, p: f?.p, cfi: f?.cfi, tli: f?.tli, rmsea: f?.rmsea,
                         srmr: f?.srmr, aic: f?.aic, bic: f?.bic, converged: l.fit?.converged ?? false, error: l.error)
        }
        let comparisons = result.comparisons.map { c -> InvarianceReport.Comparison in
            let held = c.deltaCFI.map { $0 >= -0.010 && c.deltaRMSEA <= 0.015 }
            return .init(from: c.from.rawValue, to: c.to.rawValue, deltaChisq: c.lrt.deltaChisq, deltaDf: c.lrt.deltaDf,
                         p: c.lrt.p, deltaCFI: c.deltaCFI, deltaRMSEA: c.deltaRMSEA, held: held)
        }
        let key = design.across == .waves ? "wave" : "group"
        let means = result.latentMeans.map { InvarianceReport.LatentMean(key: key, occasion: $0.occasion, estimate: $0.estimate, se: $0.se) }
        let partial = result.scoreTests.map { InvarianceReport.Partial(constraint: $0.name, scoreChisq: $0.chisq, p: $0.p) }
        let (highest, summary) = InvarianceSummary.sentence(result, comparisons: comparisons)
        return InvarianceReport(scale: scale.id, instrument: instrument, across: design.across == .waves ? "waves" : "role",
                                waves: design.across == .waves ? design.occasions : [wave ?? ""],
                                groups: design.across == .groups ? design.occasions : [],
                                missing: missing.rawValue, n: fdata.total, nByGroup: fdata.n, excluded: excluded,
                                models: models, comparisons: comparisons, latentMeans: means, partial: partial,
                                highestLevel: highest, decisionRule: decisionRule, summary: summary, notes: notes)
    }
}
