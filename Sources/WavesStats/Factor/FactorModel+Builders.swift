import Foundation

/// The levels of measurement invariance (Meredith 1993; Vandenberg & Lance 2000), each
/// adding equality constraints to the one before.
public enum InvarianceLevel: String, Sendable, CaseIterable, Equatable {
    /// Same pattern of loadings, everything free.
    case configural
    /// Loadings equal (weak invariance).
    case metric
    /// Loadings and intercepts equal (strong invariance); latent means free after the first.
    case scalar
    /// Loadings, intercepts and residual variances equal.
    case strict

    var loadingsEqual: Bool { self != .configural }
    var interceptsEqual: Bool { self == .scalar || self == .strict }
    var residualsEqual: Bool { self == .strict }
}

extension FactorModel {
    /// lavaan's `cfa()` model: each factor measured by its items, the first item's loading
    /// fixed to 1 (the marker), residual variances, factor variances and covariances free;
    /// with a mean structure, intercepts free and factor means fixed at 0. Across groups,
    /// `level` adds lavaan's `group.equal` constraints (metric: "loadings"; scalar: and
    /// "intercepts", which frees the factor means of every group after the first; strict:
    /// and "residuals"), each later group's parameter labelled as the first group's.
    public static func correlatedFactors(observed: [String], factors: [(name: String, items: [Int])],
                                         groups: [String] = ["all"], meanStructure: Bool = false,
                                         level: InvarianceLevel = .configural) -> FactorModel {
        let ms = meanStructure || level.interceptsEqual
        var ps: [Parameter] = []
        for g in groups.indices {
            for (a, f) in factors.enumerated() {
                for (j, i) in f.items.enumerated() {
                    if j == 0 { ps.append(.fixed(.loading, group: g, row: i, col: a, 1)) } else {
                        ps.append(Parameter(.loading, group: g, row: i, col: a, label: level.loadingsEqual ? "L\(i).\(a)" : nil))
                    }
                }
            }
            if ms {
                for i in observed.indices {
                    ps.append(Parameter(.intercept, group: g, row: i, label: level.interceptsEqual ? "N\(i)" : nil))
                }
                for a in factors.indices {
                    if g > 0 && level.interceptsEqual { ps.append(Parameter(.factorMean, group: g, row: a)) } else {
                        ps.append(.fixed(.factorMean, group: g, row: a, 0))
                    }
                }
            }
            for i in observed.indices {
                ps.append(Parameter(.residual, group: g, row: i, col: i, label: level.residualsEqual ? "T\(i)" : nil))
            }
            for a in factors.indices { for b in a..<factors.count {
                ps.append(Parameter(.factorCovariance, group: g, row: a, col: b))
            } }
        }
        return FactorModel(observed: observed, factors: factors.map(\.name), groups: groups, meanStructure: ms, parameters: ps)
    }

    /// One factor per wave over the same items (observed variables wave-major: item i at
    /// wave t is `t * items.count + i`): marker (first item) loading 1 at every wave, factor
    /// variances and covariances free, each item's residuals covarying across all waves,
    /// intercepts free and latent means 0 (configural, metric); from scalar on, intercepts
    /// equal and the latent means after the first wave free. Metric adds equal loadings,
    /// strict equal residual variances. Equal parameters are labelled by item, the first
    /// wave's parameter first (semTools `measEq.syntax(ID.fac = "marker", longFacNames=...)`
    /// with `auto = "all"` builds the same model).
    public static func longitudinal(items: [String], waves: [String], level: InvarianceLevel) -> FactorModel {
        let k = items.count, t = waves.count
        var observed: [String] = []
        for w in waves { for it in items { observed.append("\(it) at \(w)") } }
        var ps: [Parameter] = []
        for w in 0..<t {
            for i in 0..<k {
                let o = w * k + i
                if i == 0 { ps.append(.fixed(.loading, row: o, col: w, 1)) } else {
                    ps.append(Parameter(.loading, row: o, col: w, label: level.loadingsEqual ? "L\(i)" : nil))
                }
            }
            for i in 0..<k { ps.append(Parameter(.intercept, row: w * k + i, label: level.interceptsEqual ? "N\(i)" : nil)) }
            for i in 0..<k { ps.append(Parameter(.residual, row: w * k + i, col: w * k + i, label: level.residualsEqual ? "T\(i)" : nil)) }
            if w > 0 && level.interceptsEqual { ps.append(Parameter(.factorMean, row: w)) } else {
                ps.append(.fixed(.factorMean, row: w, 0))
            }
        }
        for i in 0..<k { for a in 0..<t { for b in (a + 1)..<max(t, a + 1) {
            ps.append(Parameter(.residual, row: a * k + i, col: b * k + i))
        } } }
        for a in 0..<t { for b in a..<t { ps.append(Parameter(.factorCovariance, row: a, col: b)) } }
        return FactorModel(observed: observed, factors: waves, groups: ["all"], meanStructure: true, parameters: ps)
    }
}
