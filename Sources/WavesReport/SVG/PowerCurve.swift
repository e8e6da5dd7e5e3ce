import Foundation
import WavesCore

/// One point of a power curve: the power at `x` (participants or effect) and its 95% interval.
public struct PowerCurvePoint: Sendable, Equatable {
    public var x: Double
    public var power: Double
    public var lower: Double
    public var upper: Double
    public init(x: Double, power: Double, lower: Double, upper: Double) {
        self.x = x; self.power = power; self.lower = lower; self.upper = upper
    }
}

/// One line of a power curve.
public struct PowerCurveSeries: Sendable, Equatable {
    public var name: String
    public var points: [PowerCurvePoint]
    public init(name: String, points: [PowerCurvePoint]) { self.name = name; self.points = points }
}

/// The power curve of `waves power --svg`: power (0 to 1) against a numeric x (participants or
/// effect), each point with its 95% Clopper-Pearson interval as a bar, a dashed line at the target
/// power and a dotted one at alpha. Okabe-Ito colours, markers and dashes per series (`Palette`),
/// nice ticks on both axes (`NiceTicks`), every text escaped (`SVGDocument`).
public enum PowerCurve {
    static let width = 700.0, height = 360.0, legendWidth = 190.0
    static let left = 64.0, top = 20.0

    /// The chart as an inline `<svg>` element (for an HTML page).
    public static func svg(id: String, title: String, desc: String, xTitle: String, series: [PowerCurveSeries],
                           target: Double?, alpha: Double) -> String {
        let plotW = width - left - legendWidth - 20, plotH = height - top - 58
        let xs = series.flatMap { $0.points.map(\.x) }.filter(\.isFinite)
        let xTicks = NiceTicks(min: xs.min() ?? 0, max: xs.max() ?? 1, target: 6)
        let yTicks = NiceTicks(min: 0, max: 1, target: 5)
        func px(_ v: Double) -> Double {
            // 12 units of inner margin so that end points and their bars stay off the axes.
            let span = xTicks.upper - xTicks.lower
            return left + 12 + (plotW - 24) * (v - xTicks.lower) / (span == 0 ? 1 : span)
        }
        func py(_ v: Double) -> Double { top + plotH * (1 - min(1, max(0, v.isFinite ? v : 0))) }
        var doc = SVGDocument(id: id, width: width, height: height, title: title, desc: desc)
        for v in yTicks.values {
            doc.line(left, py(v), left + plotW, py(v), stroke: "#DDDDDD")
            doc.text(left - 6, py(v) + 4, yTicks.label(v), anchor: .end, size: 11, fill: "#444444")
        }
        for v in xTicks.values {
            doc.line(px(v), top + plotH, px(v), top + plotH + 4, stroke: "#666666")
            doc.text(px(v), top + plotH + 17, xTicks.label(v), anchor: .middle, size: 11, fill: "#333333")
        }
        doc.line(left, top, left, top + plotH, stroke: "#666666")
        doc.line(left, top + plotH, left + plotW, top + plotH, stroke: "#666666")
        doc.text(left + plotW / 2, top + plotH + 38, xTitle, anchor: .middle, size: 12, fill: "#333333")
        doc.text(16, top + plotH / 2, "Power", anchor: .middle, size: 12, fill: "#333333", rotate: -90)
        if let target, target.isFinite {
            doc.line(left, py(target), left + plotW, py(target), stroke: "#555555", width: 1.2, dash: "6 4")
            // Labelled on the left, where power curves are usually still below the target.
            doc.text(left + 4, py(target) - 5, "target \(String(format: "%.2f", target))", size: 11, fill: "#444444")
        }
        // Labelled on the right, where power curves are usually well above alpha.
        doc.line(left, py(alpha), left + plotW, py(alpha), stroke: "#888888", width: 1, dash: "2 3")
        doc.text(left + plotW - 4, py(alpha) - 5, "alpha \(NumberText.fixed(alpha, alpha < 0.01 ? 3 : 2))", anchor: .end, size: 11, fill: "#666666")
        for (s, ser) in series.enumerated() {
            let color = Palette.color(s)
            let pts = ser.points.filter { $0.x.isFinite && $0.power.isFinite }
            for p in pts where p.lower.isFinite && p.upper.isFinite {
                let x = px(p.x)
                doc.line(x, py(p.lower), x, py(p.upper), stroke: color, width: 1.5)
                doc.line(x - 4, py(p.lower), x + 4, py(p.lower), stroke: color, width: 1.5)
                doc.line(x - 4, py(p.upper), x + 4, py(p.upper), stroke: color, width: 1.5)
            }
            doc.polyline(pts.map { (px($0.x), py($0.power)) }, stroke: color, width: 2, dash: Palette.dash(s))
            for p in pts { doc.marker(Palette.marker(s), px(p.x), py(p.power), size: 8, fill: color) }
        }
        let legend = Legend(series.enumerated().map { s, ser in
            Legend.Entry(label: ser.name, color: Palette.color(s), dash: Palette.dash(s), marker: Palette.marker(s))
        })
        legend.draw(into: &doc, x: width - legendWidth, y: top)
        doc.text(width - legendWidth, top + legend.height + 14, "bars: 95% Clopper-Pearson", size: 11, fill: "#555555")
        return doc.markup
    }

    /// The chart as a stand-alone SVG file (XML declaration and the SVG namespace).
    public static func standalone(id: String, title: String, desc: String, xTitle: String, series: [PowerCurveSeries],
                                  target: Double?, alpha: Double) -> String {
        var markup = svg(id: id, title: title, desc: desc, xTitle: xTitle, series: series, target: target, alpha: alpha)
        if markup.hasPrefix("<svg ") { markup.insert(contentsOf: "xmlns=\"http://www.w3.org/2000/svg\" ", at: markup.index(markup.startIndex, offsetBy: 5)) }
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + markup + "\n"
    }
}
