import XCTest
@testable import WavesReport
import WavesCore

final class SVGTests: XCTestCase {
    func testEveryFigureHasTitleAndDescriptionAndEscapesText() {
        let hostile = "<script>alert(1)</script> & \"x\""
        let figs = [
            LineCharts.means(id: "m", title: hostile, desc: hostile, categories: ["w1", hostile],
                             series: [MeanSeries(name: hostile, points: [MeanPoint(mean: 3, lower: 2.5, upper: 3.5, n: 10), nil])], yTitle: hostile),
            LineCharts.spaghetti(id: "s", title: "t", desc: "d", categories: ["a", "b"], seriesNames: [hostile],
                                 trajectories: [Trajectory(series: 0, values: [1, 2]), Trajectory(series: 0, values: [nil, 3])],
                                 means: [MeanSeries(name: hostile, points: [MeanPoint(mean: 1, lower: nil, upper: nil, n: 1), MeanPoint(mean: 2.5, lower: nil, upper: nil, n: 2)])],
                                 yTitle: "y", yRange: (1, 5)),
            HeatMap.render(id: "h", title: "t", desc: "d", columns: ["w1", "w2"], rows: [HeatRow(label: hostile, group: hostile, values: [1, nil])]),
            BarChart.render(id: "b", title: "t", desc: "d", bars: [BarChart.Bar(label: hostile, value: 3, color: Palette.blue)], valueTitle: "n"),
        ]
        for svg in figs {
            XCTAssertTrue(svg.hasPrefix("<svg class=\"chart\""))
            XCTAssertTrue(svg.contains("role=\"img\""))
            XCTAssertNotNil(svg.range(of: "<title id=\"[a-z]-title\">", options: .regularExpression))
            XCTAssertNotNil(svg.range(of: "<desc id=\"[a-z]-desc\">", options: .regularExpression))
            XCTAssertFalse(svg.contains("<script"), svg)
            XCTAssertFalse(svg.contains("\"x\""))
            XCTAssertFalse(svg.contains("http"))
        }
        XCTAssertTrue(figs[0].contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;"))
    }

    func testOkabeItoPaletteAndRamp() {
        XCTAssertEqual(Set(Palette.series), Set(["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]))
        XCTAssertEqual(Palette.ramp(0), "#F2F2F2")
        XCTAssertEqual(Palette.ramp(1), "#0072B2")
        XCTAssertEqual(Palette.ramp(7), "#0072B2")
        XCTAssertEqual(Palette.color(7), Palette.color(0))
    }

    func testMeanChartPlacesPointsOnTheAxis() {
        // With ticks 3.0 ... 5.0 a mean of 4.0 sits halfway down the plot area.
        let axes = CategoryAxes(plotWidth: 400, plotHeight: 200, categories: ["a", "b"], yMin: 3.02, yMax: 4.94)
        XCTAssertEqual(axes.y(4.0), axes.top + 100, accuracy: 1e-9)
        XCTAssertEqual(axes.x(0), axes.left + 100, accuracy: 1e-9)
        XCTAssertEqual(axes.x(1), axes.left + 300, accuracy: 1e-9)
    }

    /// Every chart takes any value (huge, non-finite, one point, all equal) without trapping,
    /// and writes only finite coordinates within the clamp.
    func testChartsTakeAnyValue() throws {
        let values: [Double] = [1e308, -1e308, .greatestFiniteMagnitude, .nan, .infinity, -.infinity, 1e20, 0, -0.0, 5e-324]
        var figs: [String] = []
        for v in values {
            let pts = [MeanPoint(mean: v, lower: v - 1, upper: v * 2, n: 3), MeanPoint(mean: 3, lower: .nan, upper: .infinity, n: 1)]
            figs.append(LineCharts.means(id: "m", title: "t", desc: "d", categories: ["w1", "w2"],
                                         series: [MeanSeries(name: "a", points: pts), MeanSeries(name: "b", points: [nil, pts[0]])], yTitle: "y"))
            figs.append(LineCharts.spaghetti(id: "s", title: "t", desc: "d", categories: ["w1", "w2"], seriesNames: ["a"],
                                             trajectories: [Trajectory(series: 0, values: [v, 1]), Trajectory(series: 0, values: [v, nil])],
                                             means: [MeanSeries(name: "a", points: pts)], yTitle: "y"))
            figs.append(LineCharts.spaghetti(id: "r", title: "t", desc: "d", categories: ["w1"], seriesNames: ["a"],
                                             trajectories: [Trajectory(series: 0, values: [v])], means: [], yTitle: "y", yRange: (1, 5)))
            figs.append(HeatMap.render(id: "h", title: "t", desc: "d", columns: ["w1"], rows: [HeatRow(label: "p", group: nil, values: [v])]))
        }
        // One point, all equal, nothing at all.
        figs.append(LineCharts.means(id: "o", title: "t", desc: "d", categories: ["w1"], series: [MeanSeries(name: "a", points: [MeanPoint(mean: 4, lower: nil, upper: nil, n: 1)])], yTitle: "y"))
        figs.append(LineCharts.spaghetti(id: "e", title: "t", desc: "d", categories: ["w1", "w2"], seriesNames: ["a"],
                                         trajectories: [Trajectory(series: 0, values: [2, 2]), Trajectory(series: 0, values: [2, 2])], means: [], yTitle: "y"))
        figs.append(LineCharts.means(id: "z", title: "t", desc: "d", categories: [], series: [], yTitle: "y"))
        for svg in figs {
            let words = Set(svg.split { !$0.isLetter }.map { $0.lowercased() })
            XCTAssertTrue(words.isDisjoint(with: ["nan", "inf", "infinity"]), svg)
            let numbers = svg.matches(of: /(?:x|y|x1|y1|x2|y2|cx|cy|r|width|height)="(-?[0-9.e+]+)"/).map { Double($0.1)! }
            XCTAssertFalse(numbers.isEmpty)
            XCTAssertTrue(numbers.allSatisfy { abs($0) <= SVGDocument.coordinateLimit }, svg)
            XCTAssertNil(svg.firstMatch(of: /[0-9]{16,}/), "a number with 16 or more digits")
        }
    }

    /// Coordinates are written without printf, exactly as `NumberText.fixed(_, 1)` wrote them
    /// before (kept here as the reference), on random values of every size, halves, values that
    /// round to zero from below, and values past the clamp.
    func testCoordinatesMatchThePrintfForm() {
        func reference(_ v: Double) -> String {
            guard v.isFinite else { return "0" }
            let r = (min(max(v, -SVGDocument.coordinateLimit), SVGDocument.coordinateLimit) * 10).rounded() / 10
            let s = NumberText.fixed(r, 1)
            return s.hasSuffix(".0") ? String(s.dropLast(2)) : s
        }
        var rng = SplitMix64(seed: 79)
        var values: [Double] = [0, -0.0, 0.04, -0.04, 0.05, -0.05, 0.95, -0.95, 1e6, -1e6, 2e6, -3e9, .infinity, -.infinity, .nan,
                                .leastNonzeroMagnitude, -.leastNonzeroMagnitude, 999_999.95, -999_999.95, 12.25, -12.25]
        for _ in 0..<100_000 {
            let scale = [1.0, 10, 340, 1e4, 1e6, 1e7][Int.random(in: 0..<6, using: &rng)]
            values.append(Double.random(in: -scale...scale, using: &rng))
            values.append(Double(Int.random(in: -20_000...20_000, using: &rng)) / 20)   // exact halves of tenths
        }
        for v in values { XCTAssertEqual(SVGDocument.c(v), reference(v), "\(v)") }
    }
}
