import Foundation
import WavesCore

/// A scatter plot with numeric axes, for residual diagnostics: residuals against fitted
/// values (with a zero line) and normal Q-Q plots (with the line through the quartiles, as
/// R `qqline`).
public enum ScatterPlot {
    static let width = 340.0, height = 280.0, left = 56.0, top = 16.0, right = 14.0, bottom = 46.0

    public enum Reference: Sendable {
        case horizontal(Double)
        /// The line through the first and third quartiles of the points (R `qqline`).
        case quartiles
    }

    /// At most this many points are drawn; the axes and the reference line still come from
    /// every point. Beyond it the drawn points are an evenly spread subset (for a Q-Q plot,
    /// whose points come sorted, that keeps both tails and the shape), and the description
    /// says so. A page with 363,000 circles per plot is too large to open.
    public static let maxDrawn = 3000

    public static func svg(id: String, title: String, desc: String, points: [(Double, Double)], xTitle: String, yTitle: String,
                           reference: Reference?) -> String {
        let pts = points.filter { $0.0.isFinite && $0.1.isFinite }
        var desc = desc
        if pts.count > maxDrawn { desc += " (\(maxDrawn) of the \(pts.count) points drawn, evenly spread)" }
        let xt = NiceTicks(min: pts.map(\.0).min() ?? 0, max: pts.map(\.0).max() ?? 1)
        let yt = NiceTicks(min: pts.map(\.1).min() ?? 0, max: pts.map(\.1).max() ?? 1)
        let pw = width - left - right, ph = height - top - bottom
        func x(_ v: Double) -> Double { left + (v - xt.lower) / max(xt.upper - xt.lower, 1e-300) * pw }
        func y(_ v: Double) -> Double { top + ph - (v - yt.lower) / max(yt.upper - yt.lower, 1e-300) * ph }
        var doc = SVGDocument(id: id, width: width, height: height, title: title, desc: desc)
        for v in yt.values {
            doc.line(left, y(v), left + pw, y(v), stroke: "#E5E5E5")
            doc.text(left - 6, y(v) + 4, yt.label(v), anchor: .end, size: 10)
        }
        for v in xt.values { doc.text(x(v), top + ph + 14, xt.label(v), anchor: .middle, size: 10) }
        doc.line(left, top + ph, left + pw, top + ph, stroke: "#555555")
        doc.line(left, top, left, top + ph, stroke: "#555555")
        doc.text(left + pw / 2, height - 8, xTitle, anchor: .middle, size: 11)
        doc.text(14, top + ph / 2, yTitle, anchor: .middle, size: 11, rotate: -90)
        switch reference {
        case .horizontal(let v)?:
            if v >= yt.lower && v <= yt.upper { doc.line(left, y(v), left + pw, y(v), stroke: Palette.vermillion, dash: "6 3") }
        case .quartiles?:
            if let (a, b) = quartileLine(pts) {
                let x0 = xt.lower, x1 = xt.upper
                let y0 = min(max(a + b * x0, yt.lower), yt.upper), y1 = min(max(a + b * x1, yt.lower), yt.upper)
                let xs0 = b != 0 ? (y0 - a) / b : x0, xs1 = b != 0 ? (y1 - a) / b : x1
                doc.line(x(xs0), y(y0), x(xs1), y(y1), stroke: Palette.vermillion, dash: "6 3")
            }
        case nil: break
        }
        if pts.count > maxDrawn {
            let step = Double(pts.count - 1) / Double(maxDrawn - 1)
            for j in 0..<maxDrawn {
                let p = pts[min(pts.count - 1, Int((Double(j) * step).rounded()))]
                doc.circle(x(p.0), y(p.1), 2.6, fill: Palette.blue, opacity: 0.75)
            }
        } else {
            for p in pts { doc.circle(x(p.0), y(p.1), 2.6, fill: Palette.blue, opacity: 0.75) }
        }
        return doc.markup
    }

    /// Intercept and slope of the line through the first and third quartiles of x and of y
    /// (quantile type 7, as R `qqline`).
    static func quartileLine(_ pts: [(Double, Double)]) -> (Double, Double)? {
        guard pts.count >= 2 else { return nil }
        let xs = pts.map(\.0).sorted(), ys = pts.map(\.1).sorted()
        func q(_ v: [Double], _ p: Double) -> Double {
            let h = Double(v.count - 1) * p, lo = Int(h.rounded(.down)), hi = min(lo + 1, v.count - 1)
            return v[lo] + (h - Double(lo)) * (v[hi] - v[lo])
        }
        let dx = q(xs, 0.75) - q(xs, 0.25)
        guard dx != 0 else { return nil }
        let b = (q(ys, 0.75) - q(ys, 0.25)) / dx
        return (q(ys, 0.25) - b * q(xs, 0.25), b)
    }
}
