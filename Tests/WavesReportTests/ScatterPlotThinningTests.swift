import Foundation
import XCTest
@testable import WavesReport

/// Issue 14: a diagnostics plot of a large study draws at most `ScatterPlot.maxDrawn` points
/// (evenly spread, both ends kept) and says so; the axes still span every point.
final class ScatterPlotThinningTests: XCTestCase {
    func circles(_ svg: String) -> Int { svg.components(separatedBy: "<circle").count - 1 }

    func testLargePlotsAreThinnedAndSaySo() {
        let n = 10_000
        let pts = (0..<n).map { (Double($0), Double($0 % 97)) }
        let svg = ScatterPlot.svg(id: "t", title: "t", desc: "\(n) observations", points: pts, xTitle: "x", yTitle: "y", reference: .horizontal(0))
        XCTAssertEqual(circles(svg), ScatterPlot.maxDrawn)
        XCTAssertTrue(svg.contains("\(ScatterPlot.maxDrawn) of the \(n) points drawn"), "the description says the plot is thinned")
        // The axis runs to the last point (10,000 on a nice scale).
        XCTAssertTrue(svg.contains(">10000<") || svg.contains(">10,000<") || svg.contains(">10 000<"), "x axis reaches the last point")
    }

    func testSmallPlotsDrawEveryPoint() {
        let pts = (0..<500).map { (Double($0), Double($0)) }
        let svg = ScatterPlot.svg(id: "t", title: "t", desc: "500", points: pts, xTitle: "x", yTitle: "y", reference: nil)
        XCTAssertEqual(circles(svg), 500)
        XCTAssertFalse(svg.contains("points drawn"))
    }
}
