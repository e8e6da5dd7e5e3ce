import Foundation

/// One simulated study: a participants x waves score matrix (NaN after dropout or when too few
/// items are answered) and each participant's role (0 or 1).
public struct PowerDataSet: Sendable, Equatable {
    public var participants: Int
    public var waves: Int
    /// scores[p * waves + w].
    public var scores: [Double]
    public var roles: [Int]
    /// Item answers at the lowest or highest option, and all item answers (item-level data only).
    public var extremeAnswers = 0
    public var itemAnswers = 0

    public func score(_ p: Int, _ w: Int) -> Double { scores[p * waves + w] }
}

/// Draws data sets from the generating model of `PowerSettings`.
///
/// Per participant, in this order and always the same number of draws whatever the effect, the
/// attrition or the sample size (so that common random numbers stay common): z0, z1 for the
/// random intercept and slope, then per wave one uniform for dropout and one normal for the
/// residual (with items: 1 + 2k draws, see `PowerItemModel`). Participants are drawn one after
/// the other, so the first n participants of a data set of n + 1 are the data set of n.
///
/// - paired: compound symmetry with var b0 = rho s^2, var e = (1 - rho) s^2 (s = `scoreSD`); the
///   mean rises linearly from the first to the last wave by d_z * s * sqrt(2 (1 - rho)), so the
///   first-to-last differences have mean d_z * SD.
/// - change: the same covariance; means f * s * c_w with c the linear contrast scaled to
///   population SD 1 (Cohen's f = SD of the means / SD within a wave). The noncentrality of the
///   RM-ANOVA depends only on sum (mu_w - mu)^2, not on the pattern.
/// - lmm-slope: mu_t = intercept + effect * time_t; b1 = slopeSD (cor z0 + sqrt(1 - cor^2) z1).
/// - lmm-role-slope: mu_t(g) = intercept + g * roleDifference + (baseSlope + g * effect) * time_t.
/// Dropout is monotone: at each wave after the first, a participant still in leaves with
/// probability `attrition` and is absent from then on.
public struct PowerDataGenerator: Sendable {
    public let settings: PowerSettings
    /// Fixed means per role and wave (score units).
    let means: [[Double]]
    let sd0: Double, sd1: Double, cor: Double, residual: Double
    let items: ItemLayer?
    let unitsPerItem: Double
    /// Notes about the model (e.g. measurement error larger than the residual).
    public private(set) var notes: [String] = []

    public init(_ s: PowerSettings) throws {
        try s.validate()
        try s.items?.validate()
        settings = s
        let k = s.waves
        switch s.design {
        case .paired:
            let delta = s.effect * s.scoreSD * (2 * (1 - s.rho)).squareRoot()
            means = [(0..<k).map { s.intercept + delta * Double($0) / Double(k - 1) }]
            sd0 = s.rho.squareRoot() * s.scoreSD; sd1 = 0; cor = 0
            residual = (1 - s.rho).squareRoot() * s.scoreSD
        case .change:
            let centred = (0..<k).map { Double($0) - Double(k - 1) / 2 }
            let sd = (centred.reduce(0) { $0 + $1 * $1 } / Double(k)).squareRoot()
            means = [centred.map { s.intercept + s.effect * s.scoreSD * $0 / sd }]
            sd0 = s.rho.squareRoot() * s.scoreSD; sd1 = 0; cor = 0
            residual = (1 - s.rho).squareRoot() * s.scoreSD
        case .lmmSlope:
            means = [s.times.map { s.intercept + s.effect * $0 }]
            sd0 = s.interceptSD; sd1 = s.slopeSD; cor = s.cor; residual = s.residualSD
        case .lmmRoleSlope:
            means = [0, 1].map { g in
                s.times.map { s.intercept + Double(g) * s.roleDifference + (s.baseSlope + Double(g) * s.effect) * $0 }
            }
            sd0 = s.interceptSD; sd1 = s.slopeSD; cor = s.cor; residual = s.residualSD
        }
        if let model = s.items {
            let u = model.scoreUnitsPerItemUnit
            unitsPerItem = u
            let v0 = (sd0 / u) * (sd0 / u), ve = (residual / u) * (residual / u)
            let occ = model.occasionVariance(residual: ve, intercept: v0)
            if occ == 0 {
                notes.append("the instrument's measurement error (from its loadings) is as large as or larger than the residual variance of the design, so the simulated scores vary more from wave to wave than the design says; lower the loadings' error (--alpha) or raise --residual-sd")
            }
            items = ItemLayer(model: model, centre: means[0][0] / u, v: v0 + occ, occasionSD: occ.squareRoot())
        } else {
            items = nil
            unitsPerItem = 1
        }
    }

    /// The role of participant p: 1 when floor((p + 1) share) > floor(p share), which spreads the
    /// second role evenly and gives floor(n share) of n participants to it, for every n.
    public static func role(of p: Int, share: Double) -> Int {
        Int((Double(p + 1) * share).rounded(.down)) > Int((Double(p) * share).rounded(.down)) ? 1 : 0
    }

    /// One data set of `n` participants from `stream`.
    public func generate(participants n: Int, stream: inout PowerStream) -> PowerDataSet {
        let k = settings.waves
        var data = PowerDataSet(participants: n, waves: k, scores: Array(repeating: .nan, count: n * k),
                                roles: Array(repeating: 0, count: n))
        let twoRoles = settings.design == .lmmRoleSlope
        let slopeMix = (1 - cor * cor).squareRoot()
        for p in 0..<n {
            let g = twoRoles ? Self.role(of: p, share: settings.secondRoleShare) : 0
            data.roles[p] = g
            let z0 = stream.normal(), z1 = stream.normal()
            let b0 = sd0 * z0, b1 = sd1 * (cor * z0 + slopeMix * z1)
            var present = true
            for w in 0..<k {
                let leave = stream.uniform()
                if w > 0 && present && leave < settings.attrition { present = false }
                let t = settings.times[w]
                let truePart = means[g][w] + b0 + b1 * t
                if let items {
                    var extremes = 0, answers = 0
                    let s = items.score(truePart: truePart / unitsPerItem, stream: &stream, extremes: &extremes, answers: &answers)
                    if present {
                        data.scores[p * k + w] = s ?? .nan
                        data.extremeAnswers += extremes
                        data.itemAnswers += answers
                    }
                } else {
                    let e = residual * stream.normal()
                    if present { data.scores[p * k + w] = truePart + e }
                }
            }
        }
        return data
    }
}
