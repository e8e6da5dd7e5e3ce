import Foundation
import WavesCore
import WavesAnalysis

extension CorrectedEffect {
    /// "F(1.86, 70.70) = 12.30, p < .001 (GG)".
    var sentence: String {
        let dfs = isCorrected ? "\(NumberText.fixed(df1)), \(NumberText.fixed(df2))" : "\(NumberText.fixed(df1, 0)), \(NumberText.fixed(df2, 0))"
        return "F(\(dfs)) = \(NumberText.fixed(F)), p \(NumberText.pEquals(p))" + (correction.map { " (\($0.rawValue))" } ?? "")
    }
}

extension ChangeReport {
    /// Mean at each wave over the participants used (groups pooled, weighted by n).
    var pooledMeans: [Double?] {
        waves.map { w in
            // With groups the contract also lists the pooled row (group null): use it when present.
            let pooled = descriptives.filter { $0.wave == w && $0.group == nil && $0.mean != nil }
            let ds = pooled.isEmpty ? descriptives.filter { $0.wave == w && $0.mean != nil } : pooled
            let n = ds.reduce(0) { $0 + $1.n }
            return n == 0 ? nil : ds.reduce(0.0) { $0 + $1.mean! * Double($1.n) } / Double(n)
        }
    }
}
