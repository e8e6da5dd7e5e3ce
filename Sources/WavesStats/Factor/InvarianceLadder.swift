import Foundation

/// What an invariance ladder compares: the same items across occasions (waves, one group,
/// one factor per wave) or across groups (one model per group).
public struct InvarianceDesign: Sendable {
    public enum Across: String, Sendable { case waves, groups }
    public var across: Across
    public var items: [String]
    /// Wave labels (across waves) or group labels (across groups).
    public var occasions: [String]
    /// Across groups: the factors and their items (indices into `items`); default one factor.
    public var factors: [(name: String, items: [Int])]

    public init(across: Across, items: [String], occasions: [String], factors: [(name: String, items: [Int])]? = nil) {
        self.across = across; self.items = items; self.occasions = occasions
        self.factors = factors ?? [("f", Array(items.indices))]
    }

    /// The model of one level.
    public func model(_ level: InvarianceLevel) -> FactorModel {
        switch across {
        case .waves: return .longitudinal(items: items, waves: occasions, level: level)
        case .groups: return .correlatedFactors(observed: items, factors: factors, groups: occasions, meanStructure: true, level: level)
        }
    }

    /// The item and occasion of a model parameter (loading, intercept or residual variance).
    func itemAndOccasion(_ q: FactorModel.Parameter) -> (item: Int, occasion: Int) {
        switch across {
        case .waves: return (q.row % items.count, q.row / items.count)
        case .groups: return (q.row, q.group)
        }
    }

    /// `"<loading|intercept|residual> <item> <first>=<other>"`, e.g. `intercept ref07 w1=w3`.
    public func constraintName(_ model: FactorModel, first: Int, other: Int) -> String {
        let c = constraint(model, first: first, other: other)
        return "\(c.kind) \(c.item) \(c.first)=\(c.other)"
    }

    /// The kind, item and the two occasions of an equality constraint.
    func constraint(_ model: FactorModel, first: Int, other: Int) -> (kind: String, item: String, first: String, other: String) {
        let a = model.parameters[first], b = model.parameters[other]
        let kind: String
        switch a.block {
        case .loading: kind = "loading"
        case .intercept: kind = "intercept"
        case .residual: kind = "residual"
        case .factorCovariance: kind = "factor covariance"
        case .factorMean: kind = "factor mean"
        }
        let (item, o1) = itemAndOccasion(a), (_, o2) = itemAndOccasion(b)
        return (kind, items[item], occasions[o1], occasions[o2])
    }
}

/// The invariance ladder configural -> metric -> scalar -> strict (Meredith 1993;
/// Vandenberg & Lance 2000; Putnick & Bornstein 2016), with lavaan's `lavTestLRT` between
/// neighbours, the changes in CFI and RMSEA (the more constrained model minus the less),
/// the latent means of the scalar model, and `lavTestScore`'s univariate score tests of the
/// scalar model's equality constraints, largest first.
public struct InvarianceResult: Sendable {
    public struct Level: Sendable {
        public var level: InvarianceLevel
        /// Nil when the model could not be fitted (`error` says why).
        public var fit: FactorFit?
        public var error: String?
    }
    public struct Comparison: Sendable {
        public var from: InvarianceLevel
        public var to: InvarianceLevel
        public var lrt: FactorLRT
        public var deltaCFI: Double?
        public var deltaRMSEA: Double
        public var deltaSRMR: Double
    }
    public struct LatentMean: Sendable {
        public var occasion: String
        public var estimate: Double
        public var se: Double?
    }
    public struct Constraint: Sendable {
        /// `"<kind> <item> <first>=<other>"`.
        public var name: String
        /// `loading`, `intercept` or `residual`.
        public var kind: String
        public var item: String
        /// The reference occasion and the one constrained to it.
        public var first: String
        public var other: String
        public var chisq: Double
        public var p: Double
    }
    public var design: InvarianceDesign
    public var levels: [Level]
    public var comparisons: [Comparison]
    public var latentMeans: [LatentMean]
    public var scoreTests: [Constraint]
    public var notes: [String]
}

public enum InvarianceLadder {
    /// Fits the four levels to `data` (one group across waves, one group per occasion
    /// across groups). A level that cannot be fitted is reported, not thrown; data that
    /// no level can use throws.
    public static func fit(_ design: InvarianceDesign, data: FactorData) throws -> InvarianceResult {
        var levels: [InvarianceResult.Level] = []
        var notes: [String] = []
        for level in InvarianceLevel.allCases {
            do {
                let fit = try ConfirmatoryFactorAnalysis.fit(design.model(level), to: data)
                levels.append(.init(level: level, fit: fit, error: nil))
                if level == .configural, let n = fit.sampleSizeNote { notes.append(n) }
                for n in fit.notes { notes.append("\(level.rawValue): \(n)") }
            } catch let e as StatsError {
                if level == .configural { throw e }
                levels.append(.init(level: level, fit: nil, error: e.errorDescription))
                notes.append("\(level.rawValue): \(e.errorDescription ?? "could not be fitted")")
            }
        }
        var comparisons: [InvarianceResult.Comparison] = []
        for k in 1..<levels.count {
            guard let less = levels[k - 1].fit, let more = levels[k].fit else { continue }
            let dcfi: Double? = (more.measures.cfi != nil && less.measures.cfi != nil) ? more.measures.cfi! - less.measures.cfi! : nil
            comparisons.append(.init(from: levels[k - 1].level, to: levels[k].level, lrt: FactorFit.compare(less, more),
                                     deltaCFI: dcfi, deltaRMSEA: more.measures.rmsea - less.measures.rmsea,
                                     deltaSRMR: more.measures.srmr - less.measures.srmr))
        }
        var means: [InvarianceResult.LatentMean] = []
        var scores: [InvarianceResult.Constraint] = []
        if let scalar = levels.first(where: { $0.level == .scalar })?.fit {
            for est in scalar.estimates where est.free && scalar.model.parameters[est.parameter].block == .factorMean {
                let q = scalar.model.parameters[est.parameter]
                let occasion = design.across == .waves ? design.occasions[q.row] : design.occasions[q.group]
                let name = design.factors.count > 1 && design.across == .groups ? "\(occasion) \(design.factors[q.row].name)" : occasion
                means.append(.init(occasion: name, estimate: est.estimate, se: est.se))
            }
            if scalar.converged {
                do {
                    scores = try scalar.scoreTests().map { t in
                        let c = design.constraint(scalar.model, first: t.first, other: t.other)
                        return .init(name: "\(c.kind) \(c.item) \(c.first)=\(c.other)", kind: c.kind, item: c.item,
                                     first: c.first, other: c.other, chisq: t.chisq, p: t.p)
                    }
                    scores.sort { $0.chisq > $1.chisq }
                } catch let e as StatsError {
                    notes.append("scalar: the score tests could not be computed (\(e.errorDescription ?? "numerical problem"))")
                }
            } else {
                notes.append("scalar: the model did not converge, so no score tests are given")
            }
        }
        return InvarianceResult(design: design, levels: levels, comparisons: comparisons, latentMeans: means,
                                scoreTests: scores, notes: notes)
    }
}
