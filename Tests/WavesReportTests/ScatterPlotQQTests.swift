import XCTest
import WavesCore
import WavesAnalysis
@testable import WavesReport

/// The Q-Q plot drawn from the sorted sample (theoretical quantiles computed only where used)
/// and the residual plot drawn from two columns are byte for byte the plots drawn from every
/// point, as before.
final class ScatterPlotQQTests: XCTestCase {
    func testQQPlotIsThePlotOfEveryPoint() {
        var rng = SplitMix64(seed: 71)
        for n in [0, 1, 2, 5, 10, 11, 2999, 3000, 3001, 20_000] {
            let kinds: [[Double]] = [
                (0..<n).map { _ in Double.random(in: -2...2, using: &rng) },
                (0..<n).map { _ in Double(Int.random(in: -2...2, using: &rng)) * 0.5 },      // ties
                (0..<n).map { _ in Int.random(in: 0..<5, using: &rng) == 0 ? [.nan, .infinity, -0.0, 0][Int.random(in: 0..<4, using: &rng)] : 0 },  // zeros, with non-finite values
                (0..<n).map { _ in 7 },                                                      // no spread
            ]
            for values in kinds {
                let old = ScatterPlot.svg(id: "q", title: "t", desc: "d", points: LMMDiagnostics.qq(values).map { ($0.theoretical, $0.sample) },
                                          xTitle: "x", yTitle: "y", reference: .quartiles)
                let new = ScatterPlot.qq(id: "q", title: "t", desc: "d", sorted: LMMDiagnostics.qqSample(values), xTitle: "x", yTitle: "y")
                XCTAssertEqual(new, old, "n = \(n)")
            }
        }
    }

    func testColumnPlotIsThePlotOfThePairs() {
        var rng = SplitMix64(seed: 73)
        for n in [0, 1, 3000, 3001, 20_000] {
            let x = (0..<n).map { _ in Double.random(in: 1...5, using: &rng) }
            var y = (0..<n).map { _ in Double.random(in: -3...3, using: &rng) }
            for reference in [ScatterPlot.Reference.horizontal(0), .quartiles] {
                XCTAssertEqual(ScatterPlot.svg(id: "r", title: "t", desc: "d", x: x, y: y, xTitle: "x", yTitle: "y", reference: reference),
                               ScatterPlot.svg(id: "r", title: "t", desc: "d", points: Array(zip(x, y)), xTitle: "x", yTitle: "y", reference: reference))
            }
            if n > 0 { y[n / 2] = .nan }
            XCTAssertEqual(ScatterPlot.svg(id: "r", title: "t", desc: "d", x: x, y: y, xTitle: "x", yTitle: "y", reference: .horizontal(0)),
                           ScatterPlot.svg(id: "r", title: "t", desc: "d", points: Array(zip(x, y)), xTitle: "x", yTitle: "y", reference: .horizontal(0)))
        }
    }
}
