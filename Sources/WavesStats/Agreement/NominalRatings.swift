import Foundation

/// Nominal judgements of units by coders: `values[unit][coder]`, nil where a coder did not judge the unit.
///
/// Categories are plain integers (for a code: 1 present, 0 absent); nothing here knows
/// about studies, coders' names or codes.
public struct NominalRatings: Sendable, Equatable {
    /// One row per unit, one column per coder.
    public var values: [[Int?]]

    public init(_ values: [[Int?]]) { self.values = values }

    public var unitCount: Int { values.count }

    /// The units judged by at least two coders (the pairable units of Krippendorff 2011).
    public var pairable: NominalRatings { NominalRatings(values.filter { $0.compactMap { $0 }.count >= 2 }) }
}

/// Simple agreement statistics on nominal ratings.
public enum Agreement {
    /// Pairwise percent agreement: for each unit judged by at least two coders, the share of
    /// agreeing pairs among the m(m-1)/2 pairs of its m coders, averaged over those units.
    ///
    /// Returns nil when no unit has two judgements. With two coders this is the plain share
    /// of units on which they agree.
    public static func percentAgreement(_ ratings: NominalRatings) -> Double? {
        var sum = 0.0, n = 0
        for row in ratings.values {
            let v = row.compactMap { $0 }
            guard v.count >= 2 else { continue }
            var agree = 0, pairs = 0
            for i in 0..<v.count { for j in (i + 1)..<v.count { pairs += 1; if v[i] == v[j] { agree += 1 } } }
            sum += Double(agree) / Double(pairs)
            n += 1
        }
        return n == 0 ? nil : sum / Double(n)
    }

    /// Cohen's (1960) kappa for two coders on the units both judged.
    ///
    /// kappa = (p_o - p_e) / (1 - p_e), p_o the observed share of agreement, p_e = sum_c p_1c p_2c
    /// from each coder's own marginal shares (as scikit-learn `cohen_kappa_score` and
    /// R `irr::kappa2`). Returns nil with no shared unit or when p_e = 1 (both coders used
    /// one and the same category throughout: kappa is undefined).
    public static func cohenKappa(_ a: [Int?], _ b: [Int?]) -> Double? {
        precondition(a.count == b.count, "kappa needs paired judgements")
        var pairs: [(Int, Int)] = []
        for i in a.indices { if let x = a[i], let y = b[i] { pairs.append((x, y)) } }
        guard !pairs.isEmpty else { return nil }
        let n = Double(pairs.count)
        var ca: [Int: Double] = [:], cb: [Int: Double] = [:]
        var agree = 0.0
        for (x, y) in pairs { ca[x, default: 0] += 1; cb[y, default: 0] += 1; if x == y { agree += 1 } }
        let po = agree / n
        var pe = 0.0
        // Summed in category order: a Dictionary's order changes from one process to the next,
        // and so would the last bits of kappa.
        for c in ca.keys.sorted() { pe += (ca[c]! / n) * ((cb[c] ?? 0) / n) }
        guard pe < 1 - 1e-12 else { return nil }
        return (po - pe) / (1 - pe)
    }
}
