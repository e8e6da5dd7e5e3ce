import Foundation

/// A confirmatory factor model in LISREL "all-y" form, for one or more groups.
///
/// In group g, with p observed variables and m factors:
/// `Sigma_g = Lambda_g Psi_g Lambda_g' + Theta_g` and `mu_g = nu_g + Lambda_g alpha_g`
/// (Joreskog 1971; lavaan's `representation = "LISREL"`). Every matrix element the model
/// mentions is a `Parameter`: fixed at `value`, or free. Free parameters that share a
/// `label` are one estimate (a simple equality constraint, as lavaan's labels); the first
/// one in `parameters` order is the reference, and for score tests each later one is
/// constrained to it (`.pA. == .pB.` in lavaan's `lavTestScore`). Elements the model does
/// not mention are fixed at zero. Without a mean structure the means are saturated
/// (`mu` is the sample mean), as lavaan's default for complete data.
public struct FactorModel: Sendable, Equatable {
    /// Which matrix a parameter lives in.
    public enum Block: String, Sendable, Equatable, CaseIterable {
        /// `Lambda[row = observed, col = factor]`.
        case loading
        /// `nu[row = observed]`.
        case intercept
        /// `Theta[row, col]`, observed residual (co)variance; symmetric.
        case residual
        /// `Psi[row, col]`, factor (co)variance; symmetric.
        case factorCovariance
        /// `alpha[row = factor]`.
        case factorMean
    }

    /// One element of one model matrix in one group.
    public struct Parameter: Sendable, Equatable {
        public var block: Block
        public var group: Int
        public var row: Int
        public var col: Int
        public var free: Bool
        /// The fixed value; for a free parameter an optional start (`start` true).
        public var value: Double
        /// Equal labels (among free parameters) mean one estimate.
        public var label: String?
        /// Use `value` as the start of a free parameter instead of the computed start.
        public var start: Bool

        public init(_ block: Block, group: Int = 0, row: Int, col: Int = 0, free: Bool = true,
                    value: Double = 0, label: String? = nil, start: Bool = false) {
            self.block = block; self.group = group; self.row = row; self.col = col
            self.free = free; self.value = value; self.label = label; self.start = start
        }

        /// A fixed parameter.
        public static func fixed(_ block: Block, group: Int = 0, row: Int, col: Int = 0, _ value: Double) -> Parameter {
            Parameter(block, group: group, row: row, col: col, free: false, value: value)
        }
    }

    /// Names of the observed variables (for messages and results), p of them.
    public var observed: [String]
    /// Names of the factors, m of them.
    public var factors: [String]
    /// Names of the groups (at least one).
    public var groups: [String]
    /// Whether intercepts and factor means are modelled (otherwise means are saturated).
    public var meanStructure: Bool
    public var parameters: [Parameter]

    public init(observed: [String], factors: [String], groups: [String] = ["all"], meanStructure: Bool,
                parameters: [Parameter]) {
        self.observed = observed; self.factors = factors; self.groups = groups
        self.meanStructure = meanStructure; self.parameters = parameters
    }

    public var p: Int { observed.count }
    public var m: Int { factors.count }

    /// A readable name of parameter `i`, lavaan style: `f =~ x1`, `x1 ~~ x2`, `x1 ~1`.
    public func describe(_ i: Int) -> String {
        let q = parameters[i]
        let name: String
        switch q.block {
        case .loading: name = "\(factors[q.col]) =~ \(observed[q.row])"
        case .intercept: name = "\(observed[q.row]) ~1"
        case .residual: name = "\(observed[q.row]) ~~ \(observed[q.col])"
        case .factorCovariance: name = "\(factors[q.row]) ~~ \(factors[q.col])"
        case .factorMean: name = "\(factors[q.row]) ~1"
        }
        return groups.count > 1 ? "\(name) (\(groups[q.group]))" : name
    }

    /// Checks indices, duplicates and labels; throws a sentence naming the problem.
    func validate() throws {
        guard p > 0, m > 0, !groups.isEmpty else {
            throw StatsError.dimension("a factor model needs at least one observed variable, one factor and one group")
        }
        var seen = Set<String>()
        for (i, q) in parameters.enumerated() {
            guard q.group >= 0 && q.group < groups.count else {
                throw StatsError.dimension("parameter \(i) names group \(q.group), but the model has \(groups.count)")
            }
            let rows = (q.block == .factorCovariance || q.block == .factorMean) ? m : p
            let cols: Int
            switch q.block {
            case .loading: cols = m
            case .intercept, .factorMean: cols = 1
            case .residual: cols = p
            case .factorCovariance: cols = m
            }
            guard q.row >= 0 && q.row < rows && q.col >= 0 && q.col < cols else {
                throw StatsError.dimension("parameter \(i) (\(q.block.rawValue) [\(q.row), \(q.col)]) lies outside its matrix")
            }
            if !meanStructure && (q.block == .intercept || q.block == .factorMean) {
                throw StatsError.dimension("the model has no mean structure but parameter \(i) is a \(q.block.rawValue)")
            }
            guard q.value.isFinite else { throw StatsError.dimension("parameter \(describe(i)) has a value that is not finite") }
            let symmetric = q.block == .residual || q.block == .factorCovariance
            let (r, c) = symmetric ? (min(q.row, q.col), max(q.row, q.col)) : (q.row, q.col)
            let key = "\(q.block.rawValue):\(q.group):\(r):\(c)"
            guard seen.insert(key).inserted else { throw StatsError.dimension("parameter \(describe(i)) is listed twice") }
        }
    }
}
