import Foundation

/// Jacobson-Truax reliable change index.
///
/// Jacobson & Truax (1991): `s_diff = sqrt(2) * sd_baseline * sqrt(1 - r_xx)`,
/// `rc = (x2 - x1) / s_diff`, increase when rc > 1.96, decrease when
/// rc < -1.96, otherwise no change (spec/cli.md, `waves rci`).
public enum ReliableChange {
    /// Classification of one participant's change.
    public enum Category: String, Equatable, Sendable, Codable {
        case increase
        case decrease
        case noChange = "no_change"
    }

    /// The critical value |rc| must exceed (two-sided 5%).
    public static let criticalValue = 1.96

    /// Reliable change from `x1` (first wave) to `x2` (second wave), paired by index.
    ///
    /// Pairs where either value is missing (NaN or not finite) are left out;
    /// `sdBaseline` is the SD (n - 1) of x1 over the remaining pairs. The
    /// reliability must lie in [0, 1). Arrays of different lengths are paired
    /// up to the shorter one, and a reason says so.
    public static func compute(x1: [Double], x2: [Double], reliability: Double) -> RCIResult {
        var reasons: [String] = []
        if x1.count != x2.count {
            reasons.append("pairs: \(x1.count) first-wave and \(x2.count) second-wave values; only the first \(min(x1.count, x2.count)) are paired")
        }
        var pairs: [RCIResult.Pair] = []
        for i in 0..<min(x1.count, x2.count) where x1[i].isFinite && x2[i].isFinite {
            pairs.append(RCIResult.Pair(index: i, x1: x1[i], x2: x2[i], rc: nil, category: nil))
        }
        let n = pairs.count
        let sd = Descriptives.sd(pairs.map(\.x1))
        if sd == nil {
            reasons.append("sd_baseline: needs at least 2 participants with both scores (has \(n))")
        }
        var sDiff: Double?
        if !(reliability.isFinite && reliability >= 0 && reliability < 1) {
            reasons.append("s_diff: the reliability must be at least 0 and below 1 (is \(reliability))")
        } else if let s = sd {
            if s > 0 {
                sDiff = 2.0.squareRoot() * s * (1 - reliability).squareRoot()
            } else {
                reasons.append("s_diff: the first-wave scores have no variance")
            }
        }
        var summary = RCIResult.Summary(increase: 0, decrease: 0, noChange: 0)
        if let sDiff {
            for i in pairs.indices {
                let rc = (pairs[i].x2 - pairs[i].x1) / sDiff
                let category = classify(rc)
                pairs[i].rc = rc
                pairs[i].category = category
                switch category {
                case .increase: summary.increase += 1
                case .decrease: summary.decrease += 1
                case .noChange: summary.noChange += 1
                }
            }
        } else if n > 0 {
            reasons.append("rc: not computed because s_diff is not available")
        }
        return RCIResult(n: n, reliability: reliability, sdBaseline: sd, sDiff: sDiff, pairs: pairs,
                         summary: summary, reasons: reasons)
    }

    /// Category of one reliable change index.
    public static func classify(_ rc: Double) -> Category {
        if rc > criticalValue { return .increase }
        if rc < -criticalValue { return .decrease }
        return .noChange
    }
}
