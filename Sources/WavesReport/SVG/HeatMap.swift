import Foundation
import WavesCore

/// One row of a heat map: a label, an optional group heading, a value in 0...1 (or nil: not applicable) per column.
public struct HeatRow: Sendable, Equatable {
    public var label: String
    public var group: String?
    public var values: [Double?]
    public init(label: String, group: String?, values: [Double?]) { self.label = label; self.group = group; self.values = values }
}

/// A rows x columns heat map on a light-to-blue ramp, with a colour key.
public enum HeatMap {
    /// Each cell shows its value as a colour; cells with nil are hatched grey ("not applicable").
    /// `cellText` (when given) prints a short text in each cell, e.g. "3/5".
    public static func render(id: String, title: String, desc: String, columns: [String], rows: [HeatRow],
                              cellText: ((Int, Int) -> String?)? = nil, keyLabels: (String, String) = ("none", "all")) -> String {
        let labelWidth = 120.0, top = 34.0, keyWidth = 150.0
        let cellW = min(90, max(40, (560 - labelWidth) / Double(max(1, columns.count))))
        let cellH = rows.count <= 60 ? 14.0 : (rows.count <= 120 ? 10.0 : 7.0)
        let groupBreaks = zip(rows.indices, rows).filter { i, r in r.group != nil && (i == 0 || rows[i - 1].group != r.group) }.count
        let gridH = Double(rows.count) * cellH + Double(groupBreaks) * 18
        let width = labelWidth + cellW * Double(columns.count) + 24 + keyWidth
        let height = max(top + gridH + 12, 120)
        var svg = SVGDocument(id: id, width: width, height: height, title: title, desc: desc)
        for (j, c) in columns.enumerated() {
            svg.text(labelWidth + cellW * (Double(j) + 0.5), top - 10, SVGDocument.clip(c, Int(cellW / 7)), anchor: .middle, size: 11, weight: "600")
        }
        var y = top
        let showLabels = cellH >= 10
        for (i, r) in rows.enumerated() {
            if let g = r.group, i == 0 || rows[i - 1].group != g {
                svg.text(4, y + 13, SVGDocument.clip(g, 40), size: 11, weight: "600", fill: "#333333")
                y += 18
            }
            if showLabels { svg.text(labelWidth - 6, y + cellH - 3, SVGDocument.clip(r.label, 16), anchor: .end, size: min(11, cellH - 2), fill: "#333333") }
            for (j, v) in r.values.enumerated() {
                let x = labelWidth + cellW * Double(j)
                if let v {
                    svg.rect(x + 0.5, y + 0.5, cellW - 1, cellH - 1, fill: Palette.ramp(v), tooltip: "\(r.label), \(columns[j]): \(NumberText.percent(v))")
                } else {
                    svg.rect(x + 0.5, y + 0.5, cellW - 1, cellH - 1, fill: "#FFFFFF", stroke: "#CCCCCC", width: 0.5)
                }
                if let t = cellText?(i, j), cellH >= 10 {
                    svg.text(x + cellW / 2, y + cellH - 3, t, anchor: .middle, size: min(10, cellH - 3), fill: (v ?? 0) > 0.55 ? "#FFFFFF" : "#222222")
                }
            }
            y += cellH
        }
        // Colour key.
        let kx = labelWidth + cellW * Double(columns.count) + 24
        svg.text(kx, top - 10, "Colour key", size: 11, weight: "600")
        let steps = [0.0, 0.25, 0.5, 0.75, 1.0]
        for (k, s) in steps.enumerated() {
            let ky = top + Double(k) * 18
            svg.rect(kx, ky, 16, 14, fill: Palette.ramp(s), stroke: "#999999", width: 0.5)
            let label = s == 0 ? "0% (\(keyLabels.0))" : (s == 1 ? "100% (\(keyLabels.1))" : NumberText.percent(s))
            svg.text(kx + 22, ky + 11, label, size: 11)
        }
        let ky = top + Double(steps.count) * 18
        svg.rect(kx, ky, 16, 14, fill: "#FFFFFF", stroke: "#CCCCCC", width: 0.5)
        svg.text(kx + 22, ky + 11, "not scheduled", size: 11)
        return svg.markup
    }
}

/// Horizontal bars with their counts (e.g. reliable change categories).
public enum BarChart {
    public struct Bar: Sendable, Equatable {
        public var label: String
        public var value: Int
        public var color: String
        public init(label: String, value: Int, color: String) { self.label = label; self.value = value; self.color = color }
    }

    public static func render(id: String, title: String, desc: String, bars: [Bar], valueTitle: String) -> String {
        let labelWidth = 130.0, barH = 26.0, gap = 10.0, top = 12.0, plotW = 380.0
        let width = labelWidth + plotW + 90
        let height = top + Double(bars.count) * (barH + gap) + 40
        let total = bars.reduce(0) { $0 + $1.value }
        let ticks = NiceTicks(min: 0, max: Double(max(1, bars.map(\.value).max() ?? 1)), target: 4)
        var svg = SVGDocument(id: id, width: width, height: height, title: title, desc: desc)
        let axisY = top + Double(bars.count) * (barH + gap)
        func x(_ v: Double) -> Double { labelWidth + plotW * v / (ticks.upper == 0 ? 1 : ticks.upper) }
        for t in ticks.values {
            svg.line(x(t), top - 4, x(t), axisY, stroke: "#E0E0E0", width: 1)
            svg.text(x(t), axisY + 15, ticks.label(t), anchor: .middle, size: 11, fill: "#444444")
        }
        svg.line(labelWidth, top - 4, labelWidth, axisY, stroke: "#666666", width: 1)
        for (i, b) in bars.enumerated() {
            let y = top + Double(i) * (barH + gap)
            svg.text(labelWidth - 8, y + barH / 2 + 4, b.label, anchor: .end, size: 12)
            svg.rect(labelWidth, y, x(Double(b.value)) - labelWidth, barH, fill: b.color)
            let share = total > 0 ? " (\(NumberText.percent(Double(b.value) / Double(total))))" : ""
            svg.text(x(Double(b.value)) + 6, y + barH / 2 + 4, "\(b.value)\(share)", size: 12, weight: "600")
        }
        svg.text(labelWidth + plotW / 2, axisY + 32, valueTitle, anchor: .middle, size: 12, fill: "#333333")
        return svg.markup
    }
}
