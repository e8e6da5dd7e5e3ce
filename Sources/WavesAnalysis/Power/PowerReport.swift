import Foundation

/// `waves power --json` (spec/cli.md, "Planning"): the contract's keys
/// `{"design","sims","seed","alpha","results":[{"participants","power","ci","failed_fits"}]}`
/// and more. Shares (`power`, `failed_fits`, `singular_fits`) are fractions between 0 and 1.
public struct PowerReport: Encodable, Sendable {
    public struct Row: Encodable, Sendable {
        public var participants: Int
        public var power: Double
        /// Clopper-Pearson 95% interval of the power.
        public var ci: [Double]
        /// Share of simulations whose analysis failed (counted as not significant).
        public var failedFits: Double
        /// Share of simulations with a singular mixed-model fit (counted by their p-value).
        public var singularFits: Double
        public var effect: Double
        public var significant: Int
        public var failed: Int
        public var singular: Int
        /// Mean estimate of the tested effect over the fitted simulations.
        public var meanEstimate: Double?
        /// With `--target-power` (effect search): the minimum detectable effect, the largest effect
        /// shown to fall short, and the half-width of the final bracket.
        public var mde: Double?
        public var mdeBelow: Double?
        public var mdePrecision: Double?
        /// The first failure's reason, when fits failed.
        public var failure: String?
        public var sentence: String
        enum CodingKeys: String, CodingKey {
            case participants, power, ci, effect, significant, failed, singular, mde, failure, sentence
            case failedFits = "failed_fits", singularFits = "singular_fits", meanEstimate = "mean_estimate"
            case mdeBelow = "mde_below", mdePrecision = "mde_precision"
        }
    }

    /// The simulated design, as used (after `--from-study`).
    public struct Settings: Encodable, Sendable {
        public struct Items: Encodable, Sendable {
            public var instrument: String
            public var scale: String
            public var items: [String]
            public var loadings: [Double]
            public var missingRate: Double
            public var loadingSource: String
            /// Share of simulated item answers at the lowest or highest option (all results pooled).
            public var extremeShare: Double?
            enum CodingKeys: String, CodingKey {
                case instrument, scale, items, loadings
                case missingRate = "missing_rate", loadingSource = "loading_source", extremeShare = "extreme_share"
            }
        }
        public var waves: Int
        public var times: [Double]
        public var timeUnit: String
        /// The simulated effect; absent when `--target-power` searches the effect (see `results[].mde`).
        public var effect: Double?
        public var attrition: Double
        public var rho: Double?
        public var scoreSD: Double?
        public var interceptSD: Double?
        public var slopeSD: Double?
        public var cor: Double?
        public var residualSD: Double?
        public var intercept: Double
        public var baseSlope: Double?
        public var roleDifference: Double?
        public var secondRoleShare: Double?
        public var correction: String?
        public var items: Items?
        enum CodingKeys: String, CodingKey {
            case waves, times, effect, attrition, rho, cor, intercept, correction, items
            case timeUnit = "time_unit", scoreSD = "score_sd", interceptSD = "intercept_sd", slopeSD = "slope_sd"
            case residualSD = "residual_sd", baseSlope = "base_slope", roleDifference = "role_difference"
            case secondRoleShare = "second_role_share"
        }
    }

    /// The `--target-power` search.
    public struct Search: Encodable, Sendable {
        public struct Step: Encodable, Sendable {
            public var participants: Int
            public var effect: Double
            public var power: Double
        }
        public var parameter: String
        public var target: Double
        public var method: String
        public var steps: [[Step]]
    }

    /// Points of the power curve (`--svg`): x is `participants` or `effect`; one series per line.
    public struct Curve: Encodable, Sendable {
        public struct Point: Encodable, Sendable {
            public var x: Double
            public var power: Double
            public var ci: [Double]
        }
        public struct Series: Encodable, Sendable {
            public var label: String
            public var points: [Point]
        }
        public var x: String
        public var series: [Series]
    }

    public var design: String
    public var sims: Int
    public var seed: UInt64
    public var alpha: Double
    public var results: [Row]
    public var settings: Settings
    /// Values estimated from the study (`--from-study`, `--items`), with how.
    public var fromStudy: [PowerTakenValue]?
    public var search: Search?
    public var curve: Curve?
    public var notes: [String]

    enum CodingKeys: String, CodingKey {
        case design, sims, seed, alpha, results, settings, search, curve, notes
        case fromStudy = "from_study"
    }
}
