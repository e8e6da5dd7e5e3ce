import Foundation

/// Statistics of one item within the listwise complete rows of a scale.
///
/// `rDrop` is the corrected item-total correlation (R psych::alpha r.drop);
/// `alphaIfDeleted` the raw alpha of the other items (psych alpha.drop raw_alpha).
public struct ReliabilityItem: Equatable, Sendable {
    /// Column of the item in the analysed matrix (0-based).
    public var index: Int
    /// Rows used (the listwise complete rows, as for alpha).
    public var n: Int
    public var mean: Double?
    /// Standard deviation with n - 1.
    public var sd: Double?
    public var rDrop: Double?
    public var alphaIfDeleted: Double?
    /// Why a value above is nil, one sentence each, prefixed by the JSON key.
    public var reasons: [String]

    public init(index: Int, n: Int, mean: Double?, sd: Double?, rDrop: Double?,
                alphaIfDeleted: Double?, reasons: [String]) {
        self.index = index
        self.n = n
        self.mean = mean
        self.sd = sd
        self.rDrop = rDrop
        self.alphaIfDeleted = alphaIfDeleted
        self.reasons = reasons
    }
}

/// The one-factor maximum-likelihood fit behind omega (as R factanal(factors = 1)).
public struct OneFactorSolution: Equatable, Sendable {
    /// Standardised loadings, signed so that their sum is not negative.
    public var loadings: [Double]
    /// Fitted uniquenesses in [0.005, 1].
    public var uniquenesses: [Double]
    /// Value of the ML discrepancy at the solution (factanal `criteria["objective"]`).
    public var objective: Double
    /// Iterations of the optimiser.
    public var iterations: Int
    public var converged: Bool
    /// Indices (0-based) of items whose uniqueness sits at the lower bound 0.005.
    public var heywoodItems: [Int]

    public init(loadings: [Double], uniquenesses: [Double], objective: Double,
                iterations: Int, converged: Bool, heywoodItems: [Int]) {
        self.loadings = loadings
        self.uniquenesses = uniquenesses
        self.objective = objective
        self.iterations = iterations
        self.converged = converged
        self.heywoodItems = heywoodItems
    }
}

/// Bootstrap percentile intervals for alpha and omega.
///
/// Rows are resampled with replacement with GSL's MT19937 seeded by `seed`;
/// the 2.5% and 97.5% percentiles follow R `quantile(type = 7)`.
public struct ReliabilityBootstrap: Equatable, Sendable {
    public var replicates: Int
    public var seed: UInt64
    public var alphaCI: StatInterval?
    public var omegaCI: StatInterval?
    /// Resamples in which alpha could not be computed (left out of its interval).
    public var alphaFailures: Int
    /// Resamples in which omega could not be computed (Heywood case,
    /// non-convergence, singular matrix; left out of its interval).
    public var omegaFailures: Int
    public var reasons: [String]

    public init(replicates: Int, seed: UInt64, alphaCI: StatInterval?, omegaCI: StatInterval?,
                alphaFailures: Int, omegaFailures: Int, reasons: [String]) {
        self.replicates = replicates
        self.seed = seed
        self.alphaCI = alphaCI
        self.omegaCI = omegaCI
        self.alphaFailures = alphaFailures
        self.omegaFailures = omegaFailures
        self.reasons = reasons
    }
}

/// Internal consistency of one scale (the numbers of `waves reliability`).
///
/// Definitions in spec/cli.md; each value matches R psych::alpha, factanal or
/// the stated formula. A value that cannot be computed is nil and `reasons`
/// says why (one sentence each, prefixed by the JSON key).
public struct ReliabilityResult: Equatable, Sendable {
    /// Listwise complete rows used.
    public var n: Int
    /// Items (columns).
    public var k: Int
    public var alpha: Double?
    public var alphaCI: StatInterval?
    public var stdAlpha: Double?
    public var averageR: Double?
    public var omegaTotal: Double?
    /// The factor solution behind omega when the fit could be attempted.
    public var omegaFit: OneFactorSolution?
    public var splitHalf: Double?
    public var items: [ReliabilityItem]
    public var bootstrap: ReliabilityBootstrap?
    public var reasons: [String]

    public init(n: Int, k: Int, alpha: Double?, alphaCI: StatInterval?, stdAlpha: Double?,
                averageR: Double?, omegaTotal: Double?, omegaFit: OneFactorSolution?,
                splitHalf: Double?, items: [ReliabilityItem], bootstrap: ReliabilityBootstrap?,
                reasons: [String]) {
        self.n = n
        self.k = k
        self.alpha = alpha
        self.alphaCI = alphaCI
        self.stdAlpha = stdAlpha
        self.averageR = averageR
        self.omegaTotal = omegaTotal
        self.omegaFit = omegaFit
        self.splitHalf = splitHalf
        self.items = items
        self.bootstrap = bootstrap
        self.reasons = reasons
    }
}
