import Foundation
import WavesCore

/// Item-level data through the study's instrument (`waves power --items`).
///
/// One-factor (congeneric) model in the items' own units: with T the score-model's value of a
/// participant at a wave (true part plus the occasion-specific part of the residual), c the
/// mean at time 0 and lambda_j the standardised loadings (kappa_j = lambda_j / mean lambda),
///
///     x*_j = c + kappa_j (T - c) + psi_j e_j,   psi_j^2 = kappa_j^2 v (1 - lambda_j^2) / lambda_j^2,
///
/// where v is the variance of T at time 0, so that item j's standardised loading is lambda_j.
/// x*_j is rounded to the nearest response option (so the floor and ceiling of the scale act),
/// reverse-keyed items are stored reversed, each answer is missing with probability
/// `missingRate`, and the score is formed by WavesCore's `Scoring` (reverse keys, `min_answered`
/// prorating, mean or sum) exactly as `waves score` does.
///
/// The measurement error of the mean of the items before rounding, v * A with
/// A = sum(kappa_j^2 (1 - lambda_j^2) / lambda_j^2) / k^2, is part of the design's residual
/// variance, not added to it: the occasion part is sigma_occ^2 = (sigma_e^2 - sigma_b0^2 A) / (1 + A),
/// so the same `--residual-sd` means the same thing with and without `--items`
/// (`occasionVariance`, in item units).
public struct PowerItemModel: Sendable, Equatable {
    public var instrument: String
    public var scale: Scale
    /// The scale's numeric items in scale order.
    public var items: [Item]
    /// Standardised loadings, one per item (0 < lambda < 1).
    public var loadings: [Double]
    /// Probability that an item is left unanswered.
    public var missingRate: Double
    /// Where the loadings came from (for the output).
    public var loadingSource: String

    public init(instrument: String, scale: Scale, items: [Item], loadings: [Double], missingRate: Double, loadingSource: String) {
        self.instrument = instrument; self.scale = scale; self.items = items
        self.loadings = loadings; self.missingRate = missingRate; self.loadingSource = loadingSource
    }

    /// Equal loadings that give the standardised alpha `alpha` with k items (Spearman-Brown):
    /// lambda^2 = alpha / (k - (k - 1) alpha).
    public static func loadings(alpha: Double, k: Int) -> [Double] {
        let r = alpha / (Double(k) - Double(k - 1) * alpha)
        return Array(repeating: r.squareRoot(), count: k)
    }

    /// Score units per item unit: k for a prorated sum, 1 for a mean.
    public var scoreUnitsPerItemUnit: Double { scale.score == .sum ? Double(items.count) : 1 }

    /// kappa_j = lambda_j / mean(lambda).
    var kappas: [Double] {
        let m = loadings.reduce(0, +) / Double(loadings.count)
        return loadings.map { $0 / m }
    }

    /// A = sum(kappa_j^2 (1 - lambda_j^2) / lambda_j^2) / k^2: the error variance of the item mean per unit of v.
    public var errorRatio: Double {
        let k = Double(items.count)
        return zip(kappas, loadings).reduce(0) { $0 + $1.0 * $1.0 * (1 - $1.1 * $1.1) / ($1.1 * $1.1) } / (k * k)
    }

    /// The occasion-specific variance (item units) left of the residual variance `residual` once the
    /// items' measurement error is taken out, with `intercept` the variance of the person part at
    /// time 0 (both item units); 0 when the measurement error alone exceeds the residual.
    public func occasionVariance(residual: Double, intercept: Double) -> Double {
        let a = errorRatio
        return max(0, (residual - intercept * a) / (1 + a))
    }

    /// Checks the items: numeric options, loadings strictly between 0 and 1.
    public func validate() throws {
        guard !items.isEmpty, items.count == loadings.count else {
            throw AnalysisError.invalidArgument("scale '\(scale.id)' has no items with response options to simulate")
        }
        for it in items where (it.responseSet?.options.isEmpty ?? true) {
            throw AnalysisError.invalidArgument("item '\(it.id)' of scale '\(scale.id)' has no response options; --items simulates answers to likert and choice items only")
        }
        for (it, l) in zip(items, loadings) where !(l > 0 && l < 1) {
            throw AnalysisError.invalidArgument("item '\(it.id)' has a loading of \(PowerText.number(l)); --items needs loadings between 0 and 1 (give --alpha to use equal loadings)")
        }
        guard missingRate >= 0, missingRate < 1 else { throw AnalysisError.invalidArgument("--item-missing must be between 0 and 1") }
    }
}

/// The per-run constants of the item layer, computed once per settings.
struct ItemLayer: Sendable {
    let model: PowerItemModel
    let kappas: [Double]
    let psi: [Double]
    /// Option values in the scored direction, sorted.
    let options: [[Double]]
    let lows: [Double], highs: [Double]
    let centre: Double
    let occasionSD: Double

    /// - Parameters: all in item units: `centre` the mean at time 0, `v` the variance of T at time 0.
    init(model: PowerItemModel, centre: Double, v: Double, occasionSD: Double) {
        self.model = model
        kappas = model.kappas
        psi = zip(kappas, model.loadings).map { k, l in k * (v * (1 - l * l)).squareRoot() / l }
        options = model.items.map { ($0.responseSet?.options.map(\.value) ?? []).sorted() }
        lows = options.map { $0.first ?? 0 }
        highs = options.map { $0.last ?? 0 }
        self.centre = centre
        self.occasionSD = occasionSD
    }

    /// Draws the items of one participant at one wave around `truePart` (item units) and scores them;
    /// nil when too few items are answered. Uses exactly 1 + 2k draws. Adds the answers at the lowest
    /// or highest option to `extremes` and the answered items to `answers`.
    func score(truePart: Double, stream: inout PowerStream, extremes: inout Int, answers: inout Int) -> Double? {
        let t = truePart + occasionSD * stream.normal()
        var sum = 0.0, answered = 0
        for j in 0..<kappas.count {
            let x = centre + kappas[j] * (t - centre) + psi[j] * stream.normal()
            let missing = stream.uniform() < model.missingRate
            if missing { continue }
            let v = nearest(x, options[j])
            if v == lows[j] || v == highs[j] { extremes += 1 }
            let item = model.items[j]
            // Stored as answered (reverse-keyed items reversed), scored back by the shared rule.
            let raw = item.reverse ? lows[j] + highs[j] - v : v
            guard let scored = Scoring.scoredValue(item, .number(raw)) else { continue }
            sum += scored; answered += 1
        }
        answers += answered
        return Scoring.combine(sum: sum, answered: answered, scale: model.scale)
    }

    /// The option value nearest to x (ties to the lower option).
    private func nearest(_ x: Double, _ opts: [Double]) -> Double {
        var best = opts[0], d = abs(x - opts[0])
        for o in opts.dropFirst() where abs(x - o) < d { best = o; d = abs(x - o) }
        return best
    }
}
