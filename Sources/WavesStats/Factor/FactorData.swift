import Foundation

/// The sample a factor model is fitted to: per group, rows of answers (NaN = missing).
///
/// `listwise` keeps the complete rows; the sample covariance has divisor N (lavaan's
/// `likelihood = "normal"`). `fiml` keeps every row with at least one answer and groups
/// the rows by missing-data pattern, for full-information ML (lavaan `missing = "ml"`);
/// the unrestricted (H1) means and covariances are then estimated by EM
/// (`SaturatedEM`). Complete data is the one-pattern case of the same likelihood.
public struct FactorData: Sendable {
    public enum Missing: String, Sendable { case listwise, fiml }

    /// The rows that share one set of observed variables, summarised.
    struct Pattern: Sendable {
        var observed: [Int]
        var n: Int
        /// Mean of the observed variables over the pattern's rows.
        var mean: [Double]
        /// Covariance (divisor n) of the observed variables about `mean`, row-major.
        var cov: [Double]
    }

    /// One group's summaries.
    struct Group: Sendable {
        var n: Int
        var patterns: [Pattern]
        /// The unrestricted (H1) estimates: sample moments, or EM under FIML.
        var h1Mean: [Double]
        var h1Cov: [Double]
        var h1Iterations: Int
        var h1Converged: Bool
    }

    public let missing: Missing
    public let p: Int
    let groups: [Group]
    /// Rows left out per group (incomplete under listwise, empty under FIML).
    public let dropped: [Int]

    /// Participants used, per group.
    public var n: [Int] { groups.map(\.n) }
    /// Participants used, all groups.
    public var total: Int { groups.reduce(0) { $0 + $1.n } }
    /// Whether any kept row has a missing value.
    public var hasMissing: Bool { groups.contains { $0.patterns.count > 1 || ($0.patterns.first?.observed.count ?? p) < p } }

    /// Builds the summaries from raw rows (participants x observed variables) per group.
    public init(groups raw: [Matrix], missing: Missing = .listwise) throws {
        guard let first = raw.first else { throw StatsError.insufficientData("no group of data was given") }
        let p = first.cols
        guard raw.allSatisfy({ $0.cols == p }) else {
            throw StatsError.dimension("every group needs the same \(p) observed variables")
        }
        guard !raw.contains(where: { $0.values.contains(where: { $0.isInfinite }) }) else {
            throw StatsError.numerical("the data contain an infinite value")
        }
        self.missing = missing
        self.p = p
        var groups: [Group] = []
        var dropped: [Int] = []
        for m in raw {
            // The kept rows stay one row-major matrix (no array per row: 100,000 participants).
            let kept: Matrix
            switch missing {
            case .listwise:
                kept = m.completeRows()
            case .fiml:
                var values: [Double] = [], rows = 0
                values.reserveCapacity(m.values.count)
                for r in 0..<m.rows where m.row(r).contains(where: { !$0.isNaN }) { values.append(contentsOf: m.row(r)); rows += 1 }
                kept = Matrix(rows: rows, cols: p, values: values)
            }
            dropped.append(m.rows - kept.rows)
            let patterns = FactorData.patterns(kept)
            var g = Group(n: kept.rows, patterns: patterns, h1Mean: [], h1Cov: [], h1Iterations: 0, h1Converged: true)
            if patterns.count == 1 && patterns[0].observed.count == p {
                g.h1Mean = patterns[0].mean; g.h1Cov = patterns[0].cov
            } else if kept.rows > 0 {
                let em = SaturatedEM.estimate(patterns, p: p, n: kept.rows)
                g.h1Mean = em.mean; g.h1Cov = em.cov; g.h1Iterations = em.iterations; g.h1Converged = em.converged
            }
            groups.append(g)
        }
        self.groups = groups
        self.dropped = dropped
    }

    /// Builds the summaries from moments: per group the size, the covariance matrix with
    /// divisor N (p x p, row-major) and the mean vector.
    public init(moments: [(n: Int, covariance: [Double], mean: [Double])]) throws {
        guard let first = moments.first else { throw StatsError.insufficientData("no group of data was given") }
        let p = first.mean.count
        var groups: [Group] = []
        for g in moments {
            guard g.mean.count == p, g.covariance.count == p * p else {
                throw StatsError.dimension("each group needs a \(p) x \(p) covariance matrix and \(p) means")
            }
            let pattern = Pattern(observed: Array(0..<p), n: g.n, mean: g.mean, cov: g.covariance)
            groups.append(Group(n: g.n, patterns: [pattern], h1Mean: g.mean, h1Cov: g.covariance, h1Iterations: 0, h1Converged: true))
        }
        self.missing = .listwise
        self.p = p
        self.groups = groups
        self.dropped = Array(repeating: 0, count: moments.count)
    }

    /// Groups rows by which variables they answer; means and covariances (divisor n) per pattern.
    /// The rows are read in place from `m` (row-major), and a row with the same pattern as the
    /// row before joins it without a table lookup (every row, under listwise deletion). Each
    /// sum runs over the rows in their order, term by term as before, so the figures are the
    /// same to the last bit (the golden files of cfa and invariance hold them).
    static func patterns(_ m: Matrix) -> [Pattern] {
        let p = m.cols
        var index: [[Bool]: Int] = [:]
        var members: [[Int]] = []
        var keys: [[Bool]] = []
        var key = [Bool](repeating: false, count: p)
        var last = -1
        m.values.withUnsafeBufferPointer { v in
            for r in 0..<m.rows {
                for j in 0..<p { key[j] = !v[r * p + j].isNaN }
                if last >= 0, keys[last] == key { members[last].append(r); continue }
                if let i = index[key] { members[i].append(r); last = i; continue }
                last = members.count
                index[key] = members.count; members.append([r]); keys.append(key)
            }
        }
        return zip(keys, members).map { key, who in
            let obs = (0..<p).filter { key[$0] }
            let k = obs.count, n = Double(who.count)
            var mean = [Double](repeating: 0, count: k)
            var cov = [Double](repeating: 0, count: k * k)
            var dev = [Double](repeating: 0, count: k)
            m.values.withUnsafeBufferPointer { v in
                mean.withUnsafeMutableBufferPointer { mean in
                    for r in who { for a in 0..<k { mean[a] += v[r * p + obs[a]] } }
                    for a in 0..<k { mean[a] /= n }
                    cov.withUnsafeMutableBufferPointer { cov in
                        dev.withUnsafeMutableBufferPointer { dev in
                            for r in who {
                                for a in 0..<k { dev[a] = v[r * p + obs[a]] - mean[a] }
                                for a in 0..<k {
                                    let da = dev[a]
                                    for b in a..<k { cov[a * k + b] += da * dev[b] }
                                }
                            }
                        }
                    }
                }
            }
            for a in 0..<k { for b in a..<k { cov[a * k + b] /= n; cov[b * k + a] = cov[a * k + b] } }
            return Pattern(observed: obs, n: who.count, mean: mean, cov: cov)
        }
    }
}
