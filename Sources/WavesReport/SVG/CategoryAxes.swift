import Foundation

/// A plot frame with categories (waves) along x and a numeric y axis with nice ticks.
public struct CategoryAxes: Sendable {
    public var left: Double
    public var top: Double
    public var plotWidth: Double
    public var plotHeight: Double
    public var categories: [String]
    public var ticks: NiceTicks

    public init(left: Double = 64, top: Double = 16, plotWidth: Double, plotHeight: Double, categories: [String], yMin: Double, yMax: Double) {
        self.left = left; self.top = top; self.plotWidth = plotWidth; self.plotHeight = plotHeight
        self.categories = categories
        self.ticks = NiceTicks(min: yMin, max: yMax, target: 5)
    }

    /// Centre of category `i`.
    public func x(_ i: Double) -> Double {
        let n = Double(max(1, categories.count))
        return left + plotWidth * (i + 0.5) / n
    }

    /// The vertical position of `v`, kept inside the plot area (a value beyond the axis, such as
    /// an out-of-range answer on a fixed score range, sits on its edge); the bottom when not finite.
    public func y(_ v: Double) -> Double {
        guard v.isFinite else { return top + plotHeight }
        let span = ticks.upper - ticks.lower
        let t = (Swift.min(Swift.max(v, ticks.lower), ticks.upper) - ticks.lower) / (span > 0 && span.isFinite ? span : 1)
        return top + plotHeight * (1 - t)
    }

    /// Grid lines, tick labels, category labels and axis titles.
    public func draw(into svg: inout SVGDocument, yTitle: String, xTitle: String = "Wave") {
        for v in ticks.values {
            let yy = y(v)
            svg.line(left, yy, left + plotWidth, yy, stroke: "#DDDDDD", width: 1)
            svg.text(left - 6, yy + 4, ticks.label(v), anchor: .end, size: 11, fill: "#444444")
        }
        svg.line(left, top, left, top + plotHeight, stroke: "#666666", width: 1)
        svg.line(left, top + plotHeight, left + plotWidth, top + plotHeight, stroke: "#666666", width: 1)
        let perCategory = plotWidth / Double(max(1, categories.count)) / 6.5
        let maxChars = perCategory.isFinite ? max(6, Int(min(perCategory, 1000))) : 6
        for (i, c) in categories.enumerated() {
            let xx = x(Double(i))
            svg.line(xx, top + plotHeight, xx, top + plotHeight + 4, stroke: "#666666", width: 1)
            svg.text(xx, top + plotHeight + 17, SVGDocument.clip(c, maxChars), anchor: .middle, size: 11, fill: "#333333")
        }
        svg.text(left + plotWidth / 2, top + plotHeight + 36, xTitle, anchor: .middle, size: 12, fill: "#333333")
        let cy = top + plotHeight / 2
        svg.text(16, cy, yTitle, anchor: .middle, size: 12, fill: "#333333", rotate: -90)
    }
}

/// A legend: one row per series with its line, marker and label.
public struct Legend: Sendable {
    public struct Entry: Sendable {
        public var label: String
        public var color: String
        public var dash: String
        public var marker: Palette.Marker?
        public var lineWidth: Double
        public init(label: String, color: String, dash: String = "", marker: Palette.Marker? = nil, lineWidth: Double = 2) {
            self.label = label; self.color = color; self.dash = dash; self.marker = marker; self.lineWidth = lineWidth
        }
    }
    public var entries: [Entry]
    public init(_ entries: [Entry]) { self.entries = entries }

    /// Height needed for the legend.
    public var height: Double { Double(entries.count) * 18 + 8 }

    /// Draws the legend with its top-left corner at (x, y).
    public func draw(into svg: inout SVGDocument, x: Double, y: Double) {
        for (i, e) in entries.enumerated() {
            let yy = y + 10 + Double(i) * 18
            svg.line(x, yy, x + 26, yy, stroke: e.color, width: e.lineWidth, dash: e.dash)
            if let m = e.marker { svg.marker(m, x + 13, yy, size: 8, fill: e.color) }
            svg.text(x + 32, yy + 4, SVGDocument.clip(e.label, 26), size: 11.5, fill: "#222222")
        }
    }
}
