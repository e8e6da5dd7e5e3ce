import Foundation
import WavesCore

/// What the user asked `waves power` for; nil means "not given" (a study value or the default applies).
public struct PowerRequest: Sendable {
    public var design: PowerDesign
    public var participants: [Int] = []
    public var waves: Int?
    public var times: [Double]?
    public var timeUnit: String?
    public var sims = 1000
    public var seed: UInt64 = 1
    public var alpha: Double?
    public var attrition: Double?
    public var effect: Double?
    public var rho: Double?
    public var scoreSD: Double?
    public var interceptSD: Double?
    public var slopeSD: Double?
    public var cor: Double?
    public var residualSD: Double?
    public var intercept: Double?
    public var baseSlope: Double?
    public var roleDifference: Double?
    public var secondRoleShare: Double?
    public var correction = PowerCorrection.recommended
    public var fromStudy = false
    public var items = false
    public var scale: String?
    /// The scale's reliability for equal item loadings (`--item-alpha`).
    public var itemAlpha: Double?
    public var itemMissing: Double?
    public var targetPower: Double?
    public var search = PowerSearchResult.Parameter.effect
    /// Bisection tolerance of the effect search.
    public var precision: Double?
    /// Workers (threads); the output does not depend on it.
    public var workers = PowerSimulation.defaultWorkers
    /// Compute the points of a power curve (for `--svg`), with extra simulations when needed.
    public var curve = false

    public init(design: PowerDesign) { self.design = design }

    /// Defaults of the contract: intercept SD 1, slope SD 0.1, correlation 0, residual SD 1; rho 0.5.
    public static let defaultInterceptSD = 1.0, defaultSlopeSD = 0.1, defaultCor = 0.0, defaultResidualSD = 1.0, defaultRho = 0.5
}

/// The settings a request resolves to, and what was taken from the study to get them.
public struct PowerResolved: Sendable {
    public var settings: PowerSettings
    public var timeUnit: String
    public var taken: [PowerTakenValue]
    public var notes: [String]
}

extension PowerRequest {
    /// Resolves every value: given options first, then the study's (`--from-study`, `--items`),
    /// then the defaults. `bundle` is needed only with `fromStudy` or `items`.
    public func resolve(bundle: StudyBundle?) throws -> PowerResolved {
        var notes: [String] = []
        var study: PowerStudyValues? = nil
        var itemSource: PowerItemSource? = nil
        if fromStudy || items {
            guard let scale else {
                throw AnalysisError.invalidArgument("--\(fromStudy ? "from-study" : "items") needs --scale S (the scale whose data or items to use)")
            }
            guard let bundle else { throw AnalysisError.invalidArgument("--from-study and --items need a study folder (--study DIR)") }
            if fromStudy { study = try PowerFromStudy.estimate(bundle: bundle, scale: scale, design: design) }
            if items { itemSource = try PowerFromStudy.itemModel(bundle: bundle, scale: scale, alpha: itemAlpha, itemMissing: itemMissing) }
        }
        let times = try resolveTimes(study, &notes)
        let searchingEffect = targetPower != nil && search == .effect
        guard let chosenEffect = effect ?? study?.effect ?? (searchingEffect ? defaultStart : nil) else {
            throw AnalysisError.invalidArgument("give --effect (\(effectMeaning)), or --from-study to take it from the study, or --target-power to search it")
        }
        var s = PowerSettings(design: design, times: times, effect: chosenEffect)
        s.alpha = alpha ?? 0.05
        s.attrition = attrition ?? study?.attrition ?? 0
        s.rho = rho ?? study?.rho ?? Self.defaultRho
        s.interceptSD = interceptSD ?? study?.interceptSD ?? Self.defaultInterceptSD
        s.slopeSD = slopeSD ?? study?.slopeSD ?? Self.defaultSlopeSD
        s.cor = cor ?? study?.cor ?? Self.defaultCor
        s.residualSD = residualSD ?? study?.residualSD ?? Self.defaultResidualSD
        s.baseSlope = baseSlope ?? study?.baseSlope ?? 0
        s.roleDifference = roleDifference ?? study?.roleDifference ?? 0
        s.secondRoleShare = secondRoleShare ?? study?.secondRoleShare ?? 0.5
        s.correction = correction
        let midpoint = itemSource.map { PowerFromStudy.midpoint($0.model) }
        if design.isMixedModel {
            s.intercept = intercept ?? study?.intercept ?? itemSource?.baselineMean ?? midpoint ?? 0
        } else {
            s.intercept = intercept ?? study?.scoreMean ?? itemSource?.baselineMean ?? midpoint ?? 0
        }
        var taken: [PowerTakenValue] = []
        if let itemSource {
            s.items = itemSource.model
            notes += itemSource.notes
            taken += itemSource.taken
            if intercept == nil && study == nil {
                if let m = itemSource.baselineMean {
                    taken.append(.init(name: "intercept", value: m, from: "mean score of \(itemSource.model.instrument).\(itemSource.model.scale.id) where the loadings came from"))
                } else if let m = midpoint {
                    notes.append("the mean at the first wave is the middle of the response options (\(PowerText.number(m))); give --intercept to change it")
                }
            }
            if !design.isMixedModel {
                guard let sd = scoreSD ?? study?.scoreSD ?? itemSource.baselineSD else {
                    throw AnalysisError.invalidArgument("--items with the \(design.rawValue) design needs the score's SD in score units: the study has no responses yet; give --score-sd")
                }
                s.scoreSD = sd
                if scoreSD == nil && study?.scoreSD == nil {
                    taken.append(.init(name: "score_sd", value: sd, from: "SD of \(itemSource.model.instrument).\(itemSource.model.scale.id) where the loadings came from"))
                }
            }
        } else if let sd = scoreSD ?? study?.scoreSD {
            s.scoreSD = sd
        }
        if let study {
            let given: [String: Bool] = [
                "effect": effect != nil || searchingEffect, "attrition": attrition != nil, "rho": rho != nil,
                "intercept": intercept != nil, "intercept_sd": interceptSD != nil, "slope_sd": slopeSD != nil,
                "cor": cor != nil, "residual_sd": residualSD != nil, "base_slope": baseSlope != nil,
                "role_difference": roleDifference != nil, "second_role_share": secondRoleShare != nil,
            ]
            taken = study.taken.filter { !(given[$0.name] ?? false) } + taken
            notes += study.notes
            if let t = study.timeNote { notes.append(t) }
            if !design.isMixedModel, let sd = study.scoreSD, scoreSD == nil, items {
                taken.append(.init(name: "score_sd", value: sd, from: "root mean within-wave variance (waves change)"))
            }
        }
        try s.validate()
        let unit = timeUnit ?? (times == (0..<times.count).map(Double.init) && !fromStudy ? "wave" : "unit of time")
        return PowerResolved(settings: s, timeUnit: unit, taken: taken, notes: notes)
    }

    /// --times, else --waves K (time 0..K-1), else the study's waves' times (equally spaced at the
    /// study's mean step when --waves asks for another number of waves).
    private func resolveTimes(_ study: PowerStudyValues?, _ notes: inout [String]) throws -> [Double] {
        if let times {
            if let waves, waves != times.count {
                throw AnalysisError.invalidArgument("--waves \(waves) and --times with \(times.count) values disagree; give one of them")
            }
            return times
        }
        if let st = study?.times, st.count >= 2 {
            guard let waves, waves != st.count else { return st }
            guard waves >= 1 else { return [] }
            let step = (st.last! - st.first!) / Double(st.count - 1)
            notes.append("the study has \(st.count) waves with scores; the \(waves) simulated waves are spaced by the study's mean step, \(PowerText.number(step))")
            return (0..<waves).map { st[0] + step * Double($0) }
        }
        guard let waves else { throw AnalysisError.invalidArgument("give --waves K (the number of waves), or --times, or --from-study") }
        return (0..<max(0, waves)).map(Double.init)
    }

    private var effectMeaning: String {
        switch design {
        case .paired: return "d_z of the first-to-last change"
        case .change: return "Cohen's f of the wave means"
        case .lmmSlope: return "the slope per unit of time, in score units"
        case .lmmRoleSlope: return "the slope difference between the roles, per unit of time"
        }
    }

    /// Where an effect search starts when no effect is given.
    var defaultStart: Double {
        switch design {
        case .paired: return 0.5
        case .change: return 0.25
        case .lmmSlope, .lmmRoleSlope: return 0.25 * (residualSD ?? Self.defaultResidualSD)
        }
    }
}
