import Foundation
import WavesCore
import WavesStats

/// The item model of a scale for `--items`, and the score's mean and SD at the wave it came from.
public struct PowerItemSource: Sendable {
    public var model: PowerItemModel
    /// Mean and SD of the scale score at the wave the loadings came from (nil without responses).
    public var baselineMean: Double?
    public var baselineSD: Double?
    public var taken: [PowerTakenValue]
    public var notes: [String]
}

extension PowerFromStudy {
    /// The one-factor item model of `scaleName`.
    ///
    /// Loadings: with `alpha`, equal loadings giving that (standardised) alpha; otherwise the
    /// standardised loadings of `waves reliability`'s one-factor ML fit (omega's, as R
    /// `factanal(factors = 1)`) at the first wave with at least 10 participants answering every
    /// item, kept within [0.05, 0.95]. The missing rate is the share of unanswered items in the
    /// submissions of that instrument (`itemMissing` overrides it).
    public static func itemModel(bundle: StudyBundle, scale scaleName: String, alpha: Double?, itemMissing: Double?) throws -> PowerItemSource {
        let (inst, scale) = try bundle.resolveScale(scaleName)
        let items = scale.items.compactMap { inst.item($0) }
        if let bad = items.first(where: { $0.type != .likert && $0.type != .choice }) {
            throw AnalysisError.invalidArgument("scale '\(scale.id)' has the \(bad.type.rawValue) item '\(bad.id)'; --items simulates answers to likert and choice items only")
        }
        guard items.count >= 2 else { throw AnalysisError.invalidArgument("scale '\(scale.id)' has \(items.count) item; --items needs a scale of two items or more") }
        var taken: [PowerTakenValue] = [], notes: [String] = []
        let label = "\(inst.id).\(scale.id)"
        let data = try InstrumentData.load(bundle, instrument: inst)
        let scores = data.scores(scale: scale)
        // The first wave with enough complete answers gives the loadings, the mean and the SD.
        var source: (wave: Int, reliability: ReliabilityResult)? = nil
        for w in 0..<data.waves.count {
            let (_, m) = data.itemMatrix(scale: scale, wave: w)
            let complete = m.completeRows()
            if complete.rows >= 10, let r = try? Reliability.analyze(m) { source = (w, r); break }
        }
        var loadings: [Double]
        let loadingSource: String
        if let alpha {
            guard alpha > 0, alpha < 1 else { throw AnalysisError.invalidArgument("--alpha (the scale's reliability) must be between 0 and 1 (got \(PowerText.number(alpha)))") }
            loadings = PowerItemModel.loadings(alpha: alpha, k: items.count)
            loadingSource = "equal loadings \(PowerText.number(loadings[0], 3)) giving alpha \(PowerText.number(alpha)) (--alpha)"
        } else if let source, let fit = source.reliability.omegaFit, fit.loadings.count == items.count {
            loadings = fit.loadings.map { min(0.95, max(0.05, abs($0))) }
            if loadings != fit.loadings { notes.append("loadings outside 0.05 to 0.95 were kept within that range") }
            let wave = data.waves[source.wave].id
            loadingSource = "one-factor ML loadings of \(label) at \(wave), n = \(source.reliability.n) (waves reliability)"
            if let a = source.reliability.alpha { taken.append(.init(name: "scale_alpha", value: a, from: "\(label) at \(wave)")) }
        } else {
            throw AnalysisError.notEnoughData("--items needs the loadings of '\(scale.id)': the study has no wave where 10 or more participants answered all its items; give --alpha (the reliability you expect)")
        }
        var missing = itemMissing ?? 0
        if itemMissing == nil {
            var answered = 0, total = 0
            for w in 0..<data.waves.count {
                let (_, m) = data.itemMatrix(scale: scale, wave: w)
                total += m.values.count; answered += m.values.filter { !$0.isNaN }.count
            }
            if total > 0 {
                missing = Double(total - answered) / Double(total)
                taken.append(.init(name: "item_missing", value: missing, from: "unanswered items of \(label) in the study's submissions"))
            }
        }
        var mean: Double? = nil, sd: Double? = nil
        let w = source?.wave ?? 0
        let col = (0..<scores.rows).map { scores[$0, w] }.filter { !$0.isNaN }
        if col.count >= 2 {
            let m = col.reduce(0, +) / Double(col.count)
            mean = m
            sd = (col.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(col.count - 1)).squareRoot()
        }
        let model = PowerItemModel(instrument: inst.id, scale: scale, items: items, loadings: loadings,
                                   missingRate: missing, loadingSource: loadingSource)
        try model.validate()
        return PowerItemSource(model: model, baselineMean: mean, baselineSD: sd, taken: taken, notes: notes)
    }

    /// The middle of the scale's response options, in score units (the default mean at time 0
    /// when the study has no responses).
    public static func midpoint(_ model: PowerItemModel) -> Double {
        let mids = model.items.map { it -> Double in
            let v = it.responseSet?.options.map(\.value) ?? [0]
            return ((v.min() ?? 0) + (v.max() ?? 0)) / 2
        }
        return mids.reduce(0, +) / Double(mids.count) * model.scoreUnitsPerItemUnit
    }
}
