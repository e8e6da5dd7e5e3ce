import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest
import WavesReport

/// The power curve chart: well-formed stand-alone SVG, one marker and interval bar per point,
/// the target and alpha lines, every text escaped.
final class PowerCurveTests: XCTestCase {
    func testStandaloneChart() throws {
        let series = [
            PowerCurveSeries(name: "20 <b>participants</b>", points: [
                PowerCurvePoint(x: 0, power: 0.05, lower: 0.04, upper: 0.06),
                PowerCurvePoint(x: 0.25, power: 0.5, lower: 0.45, upper: 0.55),
                PowerCurvePoint(x: 0.5, power: 0.9, lower: 0.87, upper: 0.93),
            ]),
            PowerCurveSeries(name: "40", points: [PowerCurvePoint(x: 0.1, power: 0.3, lower: 0.25, upper: 0.35),
                                                  PowerCurvePoint(x: 0.2, power: .nan, lower: .nan, upper: .nan)]),
        ]
        let svg = PowerCurve.standalone(id: "p", title: "Power & effect", desc: "d", xTitle: "Effect", series: series, target: 0.8, alpha: 0.05)
        XCTAssertTrue(svg.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" "))
        XCTAssertTrue(svg.contains("Power &amp; effect"))
        XCTAssertTrue(svg.contains("20 &lt;b&gt;participants&lt;/b&gt;"))
        XCTAssertFalse(svg.contains("<b>"))
        XCTAssertTrue(svg.contains("target 0.80"))
        XCTAssertTrue(svg.contains("alpha 0.05"))
        XCTAssertFalse(svg.lowercased().contains("nan"))
        // Well-formed XML.
        let parser = XMLParser(data: Data(svg.utf8))
        XCTAssertTrue(parser.parse(), parser.parserError.map { "\($0)" } ?? "")
        // Four points with a value: four markers (first series circles, second squares) besides the legend's.
        let circles = svg.components(separatedBy: "<circle").count - 1
        XCTAssertEqual(circles, 3 + 1, "three points and the legend's marker")
    }
}
