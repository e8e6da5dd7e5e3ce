import Foundation
import WavesCore

/// Horizontal bars grouped by category (the joint display's code frequencies by wave and role).
public enum GroupedBarChart {
    /// `rows`: one label per bar group; `series`: the group's bar values (shares 0...1) per series.
    public static func svg(id: String, title: String, desc: String, rows: [String], seriesNames: [String], values: [[Double?]]) -> String {
        let barH = 9.0, groupGap = 10.0, left = 190.0, plotW = 380.0, legendH = 22.0 + Double(seriesNames.count) * 16
        let groupH = Double(max(1, seriesNames.count)) * barH + groupGap
        let height = 30 + Double(rows.count) * groupH + legendH
        var doc = SVGDocument(id: id, width: left + plotW + 40, height: height, title: title, desc: desc)
        for t in stride(from: 0.0, through: 1.0, by: 0.25) {
            let x = left + t * plotW
            doc.line(x, 16, x, 16 + Double(rows.count) * groupH, stroke: "#E5E5E5")
            doc.text(x, 12, NumberText.percent(t), anchor: .middle, size: 10)
        }
        for (r, label) in rows.enumerated() {
            let y0 = 20 + Double(r) * groupH
            doc.text(left - 8, y0 + Double(seriesNames.count) * barH / 2 + 4, SVGDocument.clip(label, 30), anchor: .end, size: 11)
            for (s, v) in (r < values.count ? values[r] : []).enumerated() {
                guard let v, v.isFinite else { continue }
                let color = Palette.series[s % Palette.series.count]
                doc.rect(left, y0 + Double(s) * barH, max(0, min(1, v)) * plotW, barH - 1, fill: color,
                         tooltip: "\(label), \(s < seriesNames.count ? seriesNames[s] : ""): \(NumberText.percent(v))")
            }
        }
        var ly = 26 + Double(rows.count) * groupH
        for (s, name) in seriesNames.enumerated() {
            doc.rect(left, ly - 9, 12, 10, fill: Palette.series[s % Palette.series.count])
            doc.text(left + 18, ly, name, size: 11)
            ly += 16
        }
        return doc.markup
    }
}
