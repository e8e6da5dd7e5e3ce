import Foundation
import WavesCore
import WavesStats

/// `waves cfa --json` (spec/cli.md, "Factor structure and invariance").
public struct CFAReport: Encodable, Sendable {
    public struct Loading: Encodable, Sendable {
        public var item: String
        /// The factor (the scale) the item loads on.
        public var factor: String
        @NullCodable public var estimate: Double?
        @NullCodable public var se: Double?
        @NullCodable public var std: Double?
    }
    public struct Residual: Encodable, Sendable {
        public var item: String
        @NullCodable public var estimate: Double?
        @NullCodable public var se: Double?
        @NullCodable public var std: Double?
    }
    public struct FactorRow: Encodable, Sendable {
        public var factor: String
        @NullCodable public var variance: Double?
        @NullCodable public var se: Double?
    }
    public struct Correlation: Encodable, Sendable {
        public var factors: [String]
        @NullCodable public var estimate: Double?
    }

    public var scale: String
    public var instrument: String
    public var wave: String
    /// `listwise` or `fiml`.
    public var missing: String
    public var n: Int
    /// Participants with a submission at the wave left out (listwise: at least one item missing).
    public var excluded: Int
    @NullCodable public var chisq: Double?
    public var df: Int
    @NullCodable public var p: Double?
    @NullCodable public var cfi: Double?
    @NullCodable public var tli: Double?
    @NullCodable public var rmsea: Double?
    @NullCodable public var rmseaCI: [Double]?
    @NullCodable public var srmr: Double?
    @NullCodable public var aic: Double?
    @NullCodable public var bic: Double?
    public var loadings: [Loading]
    public var residuals: [Residual]
    public var factors: [FactorRow]
    public var correlations: [Correlation]
    public var converged: Bool
    public var notes: [String]

    enum CodingKeys: String, CodingKey {
        case scale, instrument, wave, missing, n, excluded, chisq, df, p, cfi, tli, rmsea, srmr, aic, bic
        case loadings, residuals, factors, correlations, converged, notes
        case rmseaCI = "rmsea_ci"
    }
}

/// A scale's (or an instrument's) answers turned into the factor engine's input.
public enum CFAAnalysis {
    /// `--missing`: listwise-complete participants (lavaan's default) or full-information ML.
    public enum Missing: String, Sendable, CaseIterable { case listwise, fiml }

    /// One factor per scale at one wave: `--scale S`, or every scale of `--instrument I` as
    /// correlated factors (items of different scales must not overlap).
    public static func run(bundle: StudyBundle, scale name: String?, instrument: String?, wave: String?,
                           missing: Missing = .listwise) throws -> CFAReport {
        let inst: Instrument, scales: [Scale], label: String
        if let name {
            let hit = try bundle.resolveScale(name)
            inst = hit.instrument; scales = [hit.scale]; label = hit.scale.id
        } else if let id = instrument {
            guard let i = bundle.instrument(id) else {
                throw AnalysisError.unknownInstrument(id, available: bundle.instruments.map(\.id))
            }
            inst = i; scales = i.scales; label = i.id
            guard !scales.isEmpty else { throw AnalysisError.notEnoughData("instrument '\(id)' defines no scales") }
            var owner: [String: String] = [:]
            for s in scales { for item in s.items {
                if let other = owner[item] {
                    throw AnalysisError.invalidArgument("item \(item) belongs to scales \(other) and \(s.id); a multi-factor CFA needs scales with separate items (fit one scale with --scale)")
                }
                owner[item] = s.id
            } }
        } else {
            throw AnalysisError.invalidArgument("give --scale S (one factor) or --instrument I (its scales as correlated factors)")
        }
        let waves = bundle.waves(of: inst)
        let w: Wave
        if let id = wave {
            guard let hit = bundle.study.wave(id) else { throw AnalysisError.unknownWave(id, available: bundle.study.waves.map(\.id)) }
            w = hit
        } else {
            guard let first = waves.first else { throw AnalysisError.notEnoughData("instrument '\(inst.id)' is given at no wave") }
            w = first
        }
        let data = try InstrumentData.load(bundle, instrument: inst)
        return try run(data: data, scales: scales, label: label, wave: w, missing: missing)
    }

    /// The fit from already loaded instrument data.
    public static func run(data: InstrumentData, scales: [Scale], label: String, wave: Wave, missing: Missing) throws -> CFAReport {
        guard let wi = data.waveIndex(wave.id) else { throw AnalysisError.unknownWave(wave.id, available: data.waves.map(\.id)) }
        let items = scales.flatMap { s in s.items.filter { id in data.items.contains { $0.id == id } } }
        let combined = Scale(id: label, label: label, items: items)
        let (_, m) = data.itemMatrix(scale: combined, wave: wi)
        guard m.rows > 0 else { throw AnalysisError.notEnoughData("nobody answered \(label) at \(wave.id)") }
        var factors: [(name: String, items: [Int])] = []
        var offset = 0
        for s in scales {
            let k = s.items.filter { id in data.items.contains { $0.id == id } }.count
            if k > 0 { factors.append((s.id, Array(offset..<(offset + k)))) }
            offset += k
        }
        let fiml = missing == .fiml
        let fdata: FactorData
        let fit: FactorFit
        do {
            fdata = try FactorData(groups: [m], missing: fiml ? .fiml : .listwise)
            let model = FactorModel.correlatedFactors(observed: items, factors: factors, meanStructure: fiml)
            fit = try ConfirmatoryFactorAnalysis.fit(model, to: fdata)
        } catch let e as StatsError {
            throw AnalysisError.notEnoughData("\(label) at \(wave.id): \(e.errorDescription ?? "cannot be fitted")"
                                              + (missing == .listwise ? CFAAnalysis.fimlHint([m]) : ""))
        }
        var notes = fit.notes + (fit.sampleSizeNote.map { [$0] } ?? [])
        let excluded = fdata.dropped[0]
        if excluded > 0 {
            notes.append(fiml ? "\(excluded) participant(s) answered none of the items and are left out."
                              : "\(excluded) participant(s) with at least one item missing are left out (listwise); --missing fiml uses every answer.")
        }
        if data.duplicateCount > 0 { notes.append("\(data.duplicateCount) earlier duplicate submission(s) set aside; the latest is used.") }
        let model = fit.model
        var loadings: [CFAReport.Loading] = [], residuals: [CFAReport.Residual] = []
        var factorRows: [CFAReport.FactorRow] = [], correlations: [CFAReport.Correlation] = []
        for e in fit.estimates {
            let q = model.parameters[e.parameter]
            switch q.block {
            case .loading:
                loadings.append(.init(item: items[q.row], factor: model.factors[q.col], estimate: e.estimate, se: e.se, std: e.std))
            case .residual where q.row == q.col:
                residuals.append(.init(item: items[q.row], estimate: e.estimate, se: e.se, std: e.std))
            case .factorCovariance where q.row == q.col:
                factorRows.append(.init(factor: model.factors[q.row], variance: e.estimate, se: e.se))
            case .factorCovariance:
                correlations.append(.init(factors: [model.factors[q.row], model.factors[q.col]], estimate: e.std))
            default: break
            }
        }
        let f = fit.measures
        // Both ends finite, or null (never NaN in --json).
        let ci: [Double]? = f.rmseaLower.flatMap { lo in f.rmseaUpper.map { [lo, $0] } }.flatMap { $0.allSatisfy(\.isFinite) ? $0 : nil }
        return CFAReport(scale: label, instrument: data.instrument.id, wave: wave.id, missing: missing.rawValue, n: f.n,
                         excluded: excluded, chisq: f.chisq, df: f.df, p: f.p, cfi: f.cfi, tli: f.tli, rmsea: f.rmsea,
                         rmseaCI: ci, srmr: f.srmr, aic: f.aic, bic: f.bic, loadings: loadings, residuals: residuals,
                         factors: factorRows, correlations: correlations, converged: fit.converged, notes: notes)
    }

    /// "; --missing fiml uses every answer (N participants answered at least one item)" when
    /// full-information ML would keep more participants than listwise deletion.
    static func fimlHint(_ groups: [Matrix]) -> String {
        var any = 0, complete = 0
        for m in groups { for r in 0..<m.rows {
            let row = m.row(r)
            if row.contains(where: { !$0.isNaN }) { any += 1 }
            if !row.contains(where: { $0.isNaN }) { complete += 1 }
        } }
        return fimlHint(complete: complete, answered: any)
    }

    /// The hint itself, from the counts: participants with every item, and with at least one.
    static func fimlHint(complete: Int, answered: Int) -> String {
        answered > complete ? " (listwise: \(complete) complete participants); --missing fiml uses every answer of the \(answered) participants who answered at least one item" : ""
    }
}
