import Foundation

/// Adjusted p-values for a family of tests: Holm, Bonferroni, Benjamini-Hochberg.
///
/// As R `p.adjust` (methods "holm", "bonferroni", "BH") and pingouin's `multicomp`.
/// Entries that are nil (a test that could not be done) are skipped: they stay nil and
/// are not counted in m, the size of the family (as p.adjust with `NA`s, `n = sum(!is.na(p))`).
public enum MultipleComparisons {
    /// The adjustment; `rawValue` is the name R's `p.adjust` uses.
    public enum Method: String, Sendable, Equatable, CaseIterable {
        /// Holm (1979) step-down, controls the family-wise error rate.
        case holm
        /// Bonferroni, controls the family-wise error rate.
        case bonferroni
        /// Benjamini & Hochberg (1995) step-up, controls the false discovery rate.
        case benjaminiHochberg = "BH"
    }

    /// Adjusts the present p-values by `method`.
    public static func adjust(_ p: [Double?], method: Method) -> [Double?] {
        switch method {
        case .holm: return holm(p)
        case .bonferroni: return bonferroni(p)
        case .benjaminiHochberg: return benjaminiHochberg(p)
        }
    }

    /// Holm's step-down adjustment: with the m present p-values in ascending order,
    /// adjusted p_(i) = min(1, max_{j <= i} (m - j + 1) p_(j)).
    public static func holm(_ p: [Double?]) -> [Double?] {
        let (order, m) = ascending(p)
        var out = [Double?](repeating: nil, count: p.count)
        var running = 0.0
        for (i, index) in order.enumerated() {
            running = max(running, Double(m - i) * p[index]!)
            out[index] = min(1, running)
        }
        return out
    }

    /// Bonferroni: min(1, m p) over the m present p-values.
    public static func bonferroni(_ p: [Double?]) -> [Double?] {
        let m = Double(p.compactMap { $0 }.count)
        return p.map { $0.map { min(1, m * $0) } }
    }

    /// Benjamini-Hochberg step-up: with the m present p-values in ascending order,
    /// adjusted p_(i) = min(1, min_{j >= i} m p_(j) / j).
    public static func benjaminiHochberg(_ p: [Double?]) -> [Double?] {
        let (order, m) = ascending(p)
        var out = [Double?](repeating: nil, count: p.count)
        var running = Double.infinity
        for (i, index) in order.enumerated().reversed() {
            running = min(running, Double(m) / Double(i + 1) * p[index]!)
            out[index] = min(1, running)
        }
        return out
    }

    /// Indices of the present p-values in ascending order (ties by position), and their count.
    private static func ascending(_ p: [Double?]) -> ([Int], Int) {
        let present = p.indices.filter { p[$0] != nil }
        let order = present.sorted { p[$0]! < p[$1]! || (p[$0]! == p[$1]! && $0 < $1) }
        return (order, present.count)
    }
}
