import Foundation
import WavesStats

/// The designs of `waves power` (spec/cli.md, "Planning").
public enum PowerDesign: String, Sendable, CaseIterable, Equatable {
    /// First against last wave: the paired t-test of `waves change`'s post hoc table; `effect` is d_z.
    case paired
    /// One-way repeated-measures ANOVA over all waves (`waves change`); `effect` is Cohen's f.
    case change
    /// The time effect of `score ~ time + (1 + time | participant)` (`waves lmm --time linear --slopes`).
    case lmmSlope = "lmm-slope"
    /// The time x role interaction of `score ~ time * role + (1 + time | participant)`.
    case lmmRoleSlope = "lmm-role-slope"

    /// True for the mixed-model designs, whose effect is in score units per unit of time.
    public var isMixedModel: Bool { self == .lmmSlope || self == .lmmRoleSlope }
}

/// Which p-value of the RM-ANOVA's wave effect counts for the `change` design.
public enum PowerCorrection: String, Sendable, Equatable {
    /// As `waves change` reads it: Greenhouse-Geisser when its epsilon is below 0.75, else
    /// Huynh-Feldt, none with two waves.
    case recommended = "auto"
    /// The uncorrected F test (what G*Power and Superpower's exact power assume under sphericity).
    case none
}

/// Everything that defines the simulated study, apart from its size and the seed.
///
/// The generating model of every design is a linear mixed model on the score,
///
///     y_it = mu_t(g_i) + b0_i + b1_i * time_t + e_it,
///
/// with (b0, b1) bivariate normal (SDs `interceptSD`, `slopeSD`, correlation `cor`) and
/// e ~ N(0, residualSD^2); `paired` and `change` use compound symmetry instead (b1 = 0,
/// var b0 = rho * scoreSD^2, var e = (1 - rho) * scoreSD^2). See docs/analysis.md,
/// "Planning: power by simulation".
public struct PowerSettings: Sendable, Equatable {
    public var design: PowerDesign
    /// The waves' time values; the number of waves is `times.count`.
    public var times: [Double]
    /// paired: d_z; change: Cohen's f; lmm-slope: the slope per unit of time; lmm-role-slope:
    /// the slope of the second role minus the slope of the first. Score units for the lmm designs.
    public var effect: Double
    /// Two-sided significance level.
    public var alpha = 0.05
    /// Probability that a participant still in the study leaves it at each wave after the first
    /// (monotone dropout: whoever misses a wave misses every later one).
    public var attrition = 0.0
    /// Correlation between any two waves (compound symmetry), for `paired` and `change`.
    public var rho = 0.5
    /// SD of the scores at each wave in score units, for `paired` and `change` (1: the effect's own units).
    public var scoreSD = 1.0
    /// Random intercept SD, random slope SD, their correlation and the residual SD (lmm designs).
    public var interceptSD = 1.0
    public var slopeSD = 0.1
    public var cor = 0.0
    public var residualSD = 1.0
    /// The mean score at time 0 (of the first role); it matters only with item-level data
    /// (floor and ceiling of the response options).
    public var intercept = 0.0
    /// lmm-role-slope: the slope of the first role, and the second role's difference at time 0.
    public var baseSlope = 0.0
    public var roleDifference = 0.0
    /// lmm-role-slope: the share of participants in the second role.
    public var secondRoleShare = 0.5
    /// change: which p-value of the wave effect counts.
    public var correction = PowerCorrection.recommended
    /// Item-level data through the study's instrument, or nil for scores drawn directly.
    public var items: PowerItemModel?

    public init(design: PowerDesign, times: [Double], effect: Double) {
        self.design = design; self.times = times; self.effect = effect
    }

    public var waves: Int { times.count }

    /// The same settings with another effect (the search varies only this).
    public func with(effect e: Double) -> PowerSettings { var s = self; s.effect = e; return s }

    /// The smallest number of participants the design's analysis can use.
    ///
    /// paired and change: 2 (one error df); lmm-slope: 3 (the random-slope model needs more
    /// observations than twice the participants, and more participants than two);
    /// lmm-role-slope: 2 in each role.
    public var minimumParticipants: Int {
        switch design {
        case .paired, .change: return 2
        case .lmmSlope: return 3
        case .lmmRoleSlope:
            var n = 4
            while PowerSettings.roleCounts(participants: n, share: secondRoleShare).min()! < 2 && n < 1_000_000 { n += 1 }
            return n
        }
    }

    /// Participants in role 0 and role 1 under the allocation of `PowerDataGenerator.role`.
    static func roleCounts(participants n: Int, share: Double) -> [Int] {
        let second = Int((Double(n) * share).rounded(.down))
        return [n - second, second]
    }

    /// Checks the settings and says in a sentence what is wrong.
    public func validate() throws {
        func bad(_ s: String) -> AnalysisError { .invalidArgument(s) }
        guard waves >= 2 else {
            throw bad("power needs at least two waves: with \(waves == 1 ? "a single wave" : "no wave") there is no change to detect")
        }
        if design.isMixedModel && waves < 3 {
            throw bad("the \(design.rawValue) design fits a random slope per participant, which needs at least three waves (got \(waves)); use --design paired or change for two waves")
        }
        guard times.allSatisfy(\.isFinite), Set(times).count == times.count else {
            throw bad("the waves' times must be distinct numbers (got \(times.map { PowerText.number($0) }.joined(separator: ", ")))")
        }
        guard effect.isFinite else { throw bad("--effect must be a number") }
        guard alpha > 0, alpha < 1 else { throw bad("--alpha must be between 0 and 1 (got \(PowerText.number(alpha)))") }
        guard attrition >= 0, attrition < 1 else {
            throw bad(attrition == 1
                ? "with --attrition 1 nobody stays past the first wave, so no change can be detected; give a share between 0 and 1"
                : "--attrition is the share leaving at each wave, between 0 and 1 (got \(PowerText.number(attrition)))")
        }
        switch design {
        case .paired, .change:
            guard rho > -1 / Double(waves - 1) + 1e-9, rho < 1 else {
                throw bad("--rho must be below 1 and above -1/(waves - 1) = \(PowerText.number(-1 / Double(waves - 1))) for a valid compound-symmetry correlation (got \(PowerText.number(rho)))")
            }
            guard rho >= 0 else {
                throw bad("--rho below 0 is not supported: the simulated participants' shared part would have a negative variance")
            }
            guard scoreSD > 0, scoreSD.isFinite else { throw bad("the score SD must be above 0") }
            if design == .change && effect < 0 { throw bad("Cohen's f is not negative (got \(PowerText.number(effect)))") }
        case .lmmSlope, .lmmRoleSlope:
            for (name, v) in [("--intercept-sd", interceptSD), ("--slope-sd", slopeSD), ("--residual-sd", residualSD)] {
                guard v >= 0, v.isFinite else { throw bad("\(name) must be 0 or more (got \(PowerText.number(v)))") }
            }
            guard residualSD > 0 else { throw bad("--residual-sd must be above 0: without residual variance the model cannot be fitted") }
            guard cor >= -1, cor <= 1 else { throw bad("--cor is a correlation between -1 and 1 (got \(PowerText.number(cor)))") }
            if design == .lmmRoleSlope {
                guard secondRoleShare > 0, secondRoleShare < 1 else {
                    throw bad("the share of the second role must be between 0 and 1 (got \(PowerText.number(secondRoleShare)))")
                }
            }
        }
        guard intercept.isFinite, baseSlope.isFinite, roleDifference.isFinite else { throw bad("the fixed effects must be numbers") }
    }

    /// Checks a number of participants against the design.
    public func validate(participants n: Int) throws {
        let minimum = minimumParticipants
        guard n >= minimum else {
            let why: String
            switch design {
            case .paired, .change: why = "a paired or repeated-measures test needs at least 2 participants (one error degree of freedom)"
            case .lmmSlope: why = "the random-slope model has 6 parameters and needs at least 3 participants"
            case .lmmRoleSlope: why = "the time x role model needs at least 2 participants in each role (with a second-role share of \(PowerText.number(secondRoleShare)), at least \(minimum) participants)"
            }
            throw AnalysisError.invalidArgument("\(n) participant\(n == 1 ? " is" : "s are") too few: \(why)")
        }
        guard n <= 100_000 else { throw AnalysisError.invalidArgument("at most 100,000 participants per simulated study (got \(n))") }
    }
}
