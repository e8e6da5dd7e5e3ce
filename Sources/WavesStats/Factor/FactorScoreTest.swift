import Foundation

/// The score (Lagrange multiplier) test of one equality constraint, as lavaan's
/// `lavTestScore(fit)$uni`.
public struct FactorScoreTest: Sendable, Equatable {
    /// Model parameter indices: `other` was constrained equal to `first`.
    public var first: Int
    public var other: Int
    public var chisq: Double
    public var df: Int
    public var p: Double
}

/// The chi-square difference test of two nested models, as `lavTestLRT` (standard test).
public struct FactorLRT: Sendable, Equatable {
    public var deltaChisq: Double
    public var deltaDf: Int
    /// Null when the models have the same df.
    public var p: Double?
}

extension FactorFit {
    /// Univariate score tests of every equality constraint (labels shared by free parameters).
    ///
    /// lavaan (`lavTestScore`, Bentler 1990's univariate test): with s the score of
    /// log L / N and J the unit expected information, both in the unconstrained (full)
    /// space, and R the constraint Jacobian (+1 at the first parameter, -1 at the other),
    /// releasing constraint r gives `T_r = N s' P_r s` where `P_r` is the top-left block of
    /// the (pseudo-)inverse of `[[J, R_{-r}'], [R_{-r}, 0]]`. Computed here from one
    /// inverse K of the bordered matrix with all constraints: removing row r of a
    /// nonsingular bordered matrix changes the block by `- k_r k_r' / K_rr`, so
    /// `T_r = N (s' K_11 s - (s' k_r)^2 / K_rr)`. When the bordered matrix is singular,
    /// each reduced matrix is pseudo-inverted as lavaan does (`MASS::ginv`).
    public func scoreTests() throws -> [FactorScoreTest] {
        let cons = layout.constraints
        guard !cons.isEmpty else { return [] }
        let q = layout.fullCount, c = cons.count, size = q + c
        let nTotal = Double(n.reduce(0, +))
        // Score of log L / N: the gradient of -2 log L is -2 N s.
        let s = fullGradient.map { -$0 / (2 * nTotal) }
        var z = [Double](repeating: 0, count: size * size)
        for i in 0..<q { for j in 0..<q { z[i * size + j] = fullInformation[i * q + j] / nTotal } }
        for (r, con) in cons.enumerated() {
            z[(q + r) * size + con.first] = 1; z[con.first * size + q + r] = 1
            z[(q + r) * size + con.other] = -1; z[con.other * size + q + r] = -1
        }
        func quadratic(_ k: [Double], _ dim: Int) -> Double {
            var total = 0.0
            for i in 0..<q {
                var row = 0.0
                for j in 0..<q { row += k[i * dim + j] * s[j] }
                total += s[i] * row
            }
            return total
        }
        let k = try LinearAlgebra.pseudoInverse(z, dim: size)
        let full = quadratic(k, size)
        // Whether K is a true inverse (Z K = I): then the rank-one removal formula holds.
        let exact = FactorScoreTestSupport.isInverse(z, k, n: size)
        var out: [FactorScoreTest] = []
        for (r, con) in cons.enumerated() {
            var t: Double
            let krr = k[(q + r) * size + q + r]
            if exact && abs(krr) > 1e-12 {
                var sk = 0.0
                for i in 0..<q { sk += s[i] * k[i * size + q + r] }
                t = nTotal * (full - sk * sk / krr)
            } else {
                let keep = (0..<size).filter { $0 != q + r }
                var z1 = [Double](repeating: 0, count: keep.count * keep.count)
                for (a, i) in keep.enumerated() { for (b, j) in keep.enumerated() { z1[a * keep.count + b] = z[i * size + j] } }
                let k1 = try LinearAlgebra.pseudoInverse(z1, dim: keep.count)
                t = nTotal * quadratic(k1, keep.count)
            }
            t = max(t, 0)
            out.append(FactorScoreTest(first: layout.free[con.first], other: layout.free[con.other], chisq: t, df: 1,
                                       p: Distributions.chiSquareUpper(t, df: 1)))
        }
        return out
    }

    /// `lavTestLRT(less, more)`: the more constrained model's chi-square minus the other's.
    public static func compare(_ less: FactorFit, _ more: FactorFit) -> FactorLRT {
        let d = more.measures.chisq - less.measures.chisq
        let ddf = more.measures.df - less.measures.df
        return FactorLRT(deltaChisq: d, deltaDf: ddf,
                         p: ddf > 0 ? Distributions.chiSquareUpper(max(d, 0), df: Double(ddf)) : nil)
    }
}

enum FactorScoreTestSupport {
    /// Whether `k` inverts `z` to 1e-8 (max abs entry of Z K - I, relative).
    static func isInverse(_ z: [Double], _ k: [Double], n: Int) -> Bool {
        let prod = LinearAlgebra.multiply(z, n, n, k, n, n)
        var worst = 0.0
        for i in 0..<n { for j in 0..<n { worst = max(worst, abs(prod[i * n + j] - (i == j ? 1 : 0))) } }
        return worst < 1e-8
    }
}
