import Foundation

/// Everything `RepeatedMeasures.analyze` computes for one scale over waves.
///
/// The shape follows the `waves change --json` contract (spec/cli.md): descriptives,
/// Type III mixed ANOVA (as R `afex::aov_ez`), Mauchly's test and the GG/HF epsilons
/// (as R `car` 3.1), paired post hoc tests (as R `t.test(paired = TRUE)` with
/// `p.adjust`) and Friedman's test (as R `friedman.test`). Waves and groups are
/// 0-based indices; the caller maps them to names. A value that cannot be computed
/// is `nil`, and a `note` says why; no field is ever NaN or infinite.
public struct RepeatedMeasuresResult: Sendable, Equatable {
    /// A closed interval `[lower, upper]`: the one interval type of WavesStats.
    public typealias Interval = StatInterval

    /// Mean, SD and 95% interval of one wave, overall (`group == nil`) or within one group.
    ///
    /// `ci` = mean ± t(0.975; n-1) sd / sqrt(n); `sd`, `ci` are nil when n < 2,
    /// and `mean` is nil when n = 0.
    public struct Descriptive: Sendable, Equatable {
        public let wave: Int
        public let group: Int?
        public let n: Int
        public let mean: Double?
        public let sd: Double?
        public let ci: Interval?
    }

    /// The ANOVA terms; `rawValue` is the effect name of the JSON contract.
    public enum Term: String, Sendable, Equatable, CaseIterable {
        case role
        case wave
        case roleByWave = "role:wave"
    }

    /// One row of the ANOVA table.
    ///
    /// F = (SS/df1) / (errorSS/df2). `ges` = SS / (SS + between-participant error SS +
    /// within-participant error SS) (generalized eta squared as afex, all factors
    /// manipulated); `pes` = SS / (SS + errorSS). The epsilon fields are set only for
    /// terms with a within part (`hasWithinPart`); `pGG`, `pHF` are the p-values with
    /// both dfs multiplied by the GG epsilon and by min(1, HF epsilon).
    public struct Effect: Sendable, Equatable {
        public let term: Term
        public let df1: Int
        public let df2: Int
        public let sumOfSquares: Double
        public let errorSumOfSquares: Double
        public let f: Double?
        public let p: Double?
        public let ges: Double?
        public let pes: Double?
        /// 90% interval of `pes` from the uncorrected F by noncentral-F inversion, floored at 0
        /// (`EffectSizes.partialEtaSquaredInterval`; effectsize::F_to_eta2, two-sided); nil without F.
        public let pesCI: StatInterval?
        public let hasWithinPart: Bool
        public let ggEpsilon: Double?
        public let hfEpsilon: Double?
        public let pGG: Double?
        public let pHF: Double?
        /// Why a value is nil, when one is.
        public let note: String?

        /// The effect name of the JSON contract: "wave", "role" or "role:wave".
        public var name: String { term.rawValue }
    }

    /// Mauchly's test of sphericity, as R car 3.1 (see spec/cli.md for the formulas).
    public struct Sphericity: Sendable, Equatable {
        public let w: Double
        public let chisq: Double
        public let df: Int
        public let p: Double
    }

    /// Paired t-test of wave `b` against wave `a` (a < b) on all participants.
    ///
    /// `meanDiff` = mean(b) - mean(a); `dz` = meanDiff / sd of the differences with its interval `dzCI`;
    /// `pHolm`, `pBonferroni` adjust over the pairs whose p exists (as R p.adjust).
    public struct PairedComparison: Sendable, Equatable {
        public let a: Int
        public let b: Int
        public let n: Int
        public let meanDiff: Double
        public let sdDiff: Double?
        public let t: Double?
        public let df: Int
        public let p: Double?
        public let pHolm: Double?
        public let pBonferroni: Double?
        public let dz: Double?
        /// 95% interval of `dz` by noncentral-t inversion (`EffectSizes.dzInterval`;
        /// effectsize::cohens_d(b, a, paired = TRUE)); nil when `dz` is nil.
        public let dzCI: StatInterval?
        public let note: String?
    }

    /// Friedman's rank test over waves (groups ignored), with Kendall's W.
    ///
    /// As R friedman.test (average ranks within a participant, tie-corrected);
    /// `kendallW` = chisq / (n (waves - 1)).
    public struct Friedman: Sendable, Equatable {
        public let chisq: Double?
        public let df: Int
        public let p: Double?
        public let kendallW: Double?
        public let note: String?
    }

    /// Which correction to read for within effects.
    public enum Correction: String, Sendable, Equatable {
        /// Two waves: sphericity holds trivially, no correction is needed.
        case none
        /// Greenhouse-Geisser (chosen when its epsilon is below 0.75).
        case greenhouseGeisser = "GG"
        /// Huynh-Feldt (chosen when the GG epsilon is 0.75 or more).
        case huynhFeldt = "HF"
    }

    /// Participants analysed (rows of the score matrix).
    public let n: Int
    public let waveCount: Int
    /// Group slots (0 without groups); `groupsUsed` counts those with participants.
    public let groupCount: Int
    public let groupsUsed: Int
    /// Error df of the multivariate model, N - groupsUsed.
    public let errorDF: Int
    /// Per wave (group nil), then per group and wave when groups were given.
    public let descriptives: [Descriptive]
    /// Effects in afex order: role, wave, role:wave (role terms only with groups).
    public let anova: [Effect]
    /// nil with two waves or when the error matrix is singular; `sphericityNote` says why.
    public let sphericity: Sphericity?
    public let sphericityNote: String?
    public let posthoc: [PairedComparison]
    public let friedman: Friedman
    /// GG when gg_epsilon < 0.75, else HF; `.none` with two waves; nil when no epsilon exists.
    public let recommendedCorrection: Correction?
    /// Plain-language remarks about the data (empty groups, singular matrices).
    public let notes: [String]

    /// The effect for a term, if present.
    public func effect(_ term: Term) -> Effect? {
        anova.first { $0.term == term }
    }
}
