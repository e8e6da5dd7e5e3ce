import Foundation
import WavesStats

/// Issue 16: the longitudinal invariance ladder (configural, metric, scalar, strict, the
/// LRTs and the scalar model's score tests) for a 10-item scale over 4 waves on 10,000
/// simulated participants, and its lavaan twin (scripts/bench/cfa.R) on the same CSV.
enum FactorBench {
    static let participants = 10_000, items = 10, waves = 4

    static var csv: URL {
        BenchStudy.rInputs.appendingPathComponent("cfa-long.csv")
    }

    /// One factor per wave (latent means 0, .2, .35, .5; correlations about .6), loadings
    /// .6-1.0, a persistent item-specific part (residuals correlated across waves), item 7's
    /// intercept higher at the last wave; seeded, answers rounded to 3 decimals.
    static func simulate() -> Matrix {
        let rng = RandomSource(seed: 16)
        var values: [Double] = []
        values.reserveCapacity(participants * items * waves)
        let means = [0, 0.2, 0.35, 0.5]
        for _ in 0..<participants {
            let stable = rng.normal()
            let specific = (0..<items).map { _ in rng.normal(sd: 0.35) }
            for w in 0..<waves {
                let eta = means[w] + 0.75 * stable + 0.65 * rng.normal()
                for i in 0..<items {
                    let loading = 0.6 + 0.4 * Double(i) / Double(items - 1)
                    let shift = (i == 6 && w == waves - 1) ? 0.3 : 0
                    let y = 3 + shift + loading * eta + specific[i] + rng.normal(sd: 0.55)
                    values.append((y * 1000).rounded() / 1000)
                }
            }
        }
        return Matrix(rows: participants, cols: items * waves, values: values)
    }

    static func run() throws {
        let m = simulate()
        let itemNames = (1...items).map { "y\($0)" }, waveNames = (1...waves).map { "w\($0)" }
        try FileManager.default.createDirectory(at: csv.deletingLastPathComponent(), withIntermediateDirectories: true)
        var text = waveNames.flatMap { w in itemNames.map { "\($0)_\(w)" } }.joined(separator: ",") + "\n"
        for r in 0..<m.rows { text += m.row(r).map { String($0) }.joined(separator: ",") + "\n" }
        try text.write(to: csv, atomically: true, encoding: .utf8)
        let design = InvarianceDesign(across: .waves, items: itemNames, occasions: waveNames)
        let (result, secs) = try Measure.time { try InvarianceLadder.fit(design, data: try FactorData(groups: [m])) }
        let chisq = result.levels.map { $0.fit.map { Report.f($0.measures.chisq, 3) } ?? "failed" }.joined(separator: ", ")
        Report.line("invariance ladder, \(items) items x \(waves) waves x \(participants) participants: \(Report.f(secs, 3)) s (chi-square \(chisq); top score test \(result.scoreTests.first?.name ?? "none"))")
    }
}
