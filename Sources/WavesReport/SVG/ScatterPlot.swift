import Foundation
import WavesCore
import WavesAnalysis

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
        return draw(id: id, title: title, desc: desc, count: pts.count, x: { pts[$0].0 }, y: { pts[$0].1 }, ascending: false,
                    xTitle: xTitle, yTitle: yTitle, reference: reference)
    }

    /// The same plot of the points (`x[i]`, `y[i]`) of two columns, without building the pairs.
    public static func svg(id: String, title: String, desc: String, x xs: [Double], y ys: [Double], xTitle: String, yTitle: String,
                           reference: Reference?) -> String {
        render(id: id, title: title, desc: desc, points(x: xs, y: ys, reference: reference), xTitle: xTitle, yTitle: yTitle)
    }

    /// A normal Q-Q plot (with the quartile line) of `sorted`, the finite sample values in
    /// ascending order (`LMMDiagnostics.qqSample`): the same plot as `svg` of `LMMDiagnostics.qq`,
    /// but the theoretical quantiles are computed only for the points the plot uses (the drawn
    /// ones, the ends and the quartiles), and nothing is sorted again.
    public static func qq(id: String, title: String, desc: String, sorted: [Double], xTitle: String, yTitle: String) -> String {
        render(id: id, title: title, desc: desc, qqPoints(sorted: sorted), xTitle: xTitle, yTitle: yTitle)
    }

    /// The `Points` of `svg(x:y:)`: the finite pairs of the two columns.
    static func points(x xs: [Double], y ys: [Double], reference: Reference?) -> Points {
        if zip(xs, ys).allSatisfy({ $0.isFinite && $1.isFinite }) {
            return points(count: min(xs.count, ys.count), x: { xs[$0] }, y: { ys[$0] }, ascending: false, reference: reference)
        }
        let pts = zip(xs, ys).filter { $0.0.isFinite && $0.1.isFinite }
        return points(count: pts.count, x: { pts[$0].0 }, y: { pts[$0].1 }, ascending: false, reference: reference)
    }

    /// The `Points` of `qq`.
    static func qqPoints(sorted: [Double]) -> Points {
        let n = sorted.count
        return points(count: n, x: { LMMDiagnostics.theoretical($0, of: n) }, y: { sorted[$0] }, ascending: true, reference: .quartiles)
    }

    /// What a scatter plot draws, reduced from all its points: their number, the bounds of each
    /// coordinate, the reference line, and at most `maxDrawn` points to draw. The report keeps
    /// this instead of the 400,000 residuals of each scale's model (`ScaleDiagnostics`).
    public struct Points: Sendable {
        /// The number of finite points the plot was made from.
        public let count: Int
        /// As `min()` and `max()` of each coordinate (nil without points).
        let bounds: (x: (Double, Double), y: (Double, Double))?
        let reference: Reference?
        /// Intercept and slope of the quartile line (`Reference.quartiles`).
        let line: (Double, Double)?
        /// The points drawn, evenly spread over all of them beyond `maxDrawn`.
        let drawn: [(Double, Double)]
    }

    /// Draws `n` finite points given by index (`points`, then `render`).
    static func draw(id: String, title: String, desc: String, count n: Int, x px: (Int) -> Double, y py: (Int) -> Double, ascending: Bool,
                     xTitle: String, yTitle: String, reference: Reference?) -> String {
        render(id: id, title: title, desc: desc, points(count: n, x: px, y: py, ascending: ascending, reference: reference),
               xTitle: xTitle, yTitle: yTitle)
    }

    /// The `Points` of `n` finite points given by index. `ascending`: both coordinates are
    /// nondecreasing in the index, so the ends and the quartiles are read in place (the result
    /// is the same as for the points in any order, which the general path finds by scanning and sorting).
    static func points(count n: Int, x px: (Int) -> Double, y py: (Int) -> Double, ascending: Bool, reference: Reference?) -> Points {
        // As `min()` and `max()` of each coordinate: the first least and the first greatest value.
        var bounds: (x: (Double, Double), y: (Double, Double))? = nil
        if n > 0 {
            if ascending {
                func firstGreatest(_ v: (Int) -> Double) -> Double {
                    var i = n - 1
                    while i > 0 && v(i - 1) == v(n - 1) { i -= 1 }
                    return v(i)
                }
                bounds = ((px(0), firstGreatest(px)), (py(0), firstGreatest(py)))
            } else {
                var b = ((px(0), px(0)), (py(0), py(0)))
                for i in 1..<n {
                    let x = px(i), y = py(i)
                    if x < b.0.0 { b.0.0 = x }
                    if b.0.1 < x { b.0.1 = x }
                    if y < b.1.0 { b.1.0 = y }
                    if b.1.1 < y { b.1.1 = y }
                }
                bounds = b
            }
        }
        var line: (Double, Double)? = nil
        if case .quartiles? = reference {
            line = ascending ? quartileLine(count: n, sortedX: px, sortedY: py) : quartileLine((0..<n).map { (px($0), py($0)) })
        }
        var drawn: [(Double, Double)] = []
        if n > maxDrawn {
            let step = Double(n - 1) / Double(maxDrawn - 1)
            drawn.reserveCapacity(maxDrawn)
            for j in 0..<maxDrawn {
                let i = min(n - 1, Int((Double(j) * step).rounded()))
                drawn.append((px(i), py(i)))
            }
        } else {
            drawn = (0..<n).map { (px($0), py($0)) }
        }
        return Points(count: n, bounds: bounds, reference: reference, line: line, drawn: drawn)
    }

    /// The SVG of a plot's `Points`.
    static func render(id: String, title: String, desc: String, _ p: Points, xTitle: String, yTitle: String) -> String {
        var desc = desc
        if p.count > maxDrawn { desc += " (\(maxDrawn) of the \(p.count) points drawn, evenly spread)" }
        let bounds = p.bounds
        let xt = NiceTicks(min: bounds?.x.0 ?? 0, max: bounds?.x.1 ?? 1)
        let yt = NiceTicks(min: bounds?.y.0 ?? 0, max: bounds?.y.1 ?? 1)
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
        switch p.reference {
        case .horizontal(let v)?:
            if v >= yt.lower && v <= yt.upper { doc.line(left, y(v), left + pw, y(v), stroke: Palette.vermillion, dash: "6 3") }
        case .quartiles?:
            if let (a, b) = p.line {
                let x0 = xt.lower, x1 = xt.upper
                let y0 = min(max(a + b * x0, yt.lower), yt.upper), y1 = min(max(a + b * x1, yt.lower), yt.upper)
                let xs0 = b != 0 ? (y0 - a) / b : x0, xs1 = b != 0 ? (y1 - a) / b : x1
                doc.line(x(xs0), y(y0), x(xs1), y(y1), stroke: Palette.vermillion, dash: "6 3")
            }
        case nil: break
        }
        for (px, py) in p.drawn { doc.circle(x(px), y(py), 2.6, fill: Palette.blue, opacity: 0.75) }
        return doc.markup
    }

    /// Intercept and slope of the line through the first and third quartiles of x and of y
    /// (quantile type 7, as R `qqline`).
    static func quartileLine(_ pts: [(Double, Double)]) -> (Double, Double)? {
        let xs = pts.map(\.0).sorted(), ys = pts.map(\.1).sorted()
        return quartileLine(count: pts.count, sortedX: { xs[$0] }, sortedY: { ys[$0] })
    }

    /// The same line from each coordinate's values in ascending order, read by index.
    static func quartileLine(count n: Int, sortedX xs: (Int) -> Double, sortedY ys: (Int) -> Double) -> (Double, Double)? {
        guard n >= 2 else { return nil }
        func q(_ v: (Int) -> Double, _ p: Double) -> Double {
            let h = Double(n - 1) * p, lo = Int(h.rounded(.down)), hi = min(lo + 1, n - 1)
            return v(lo) + (h - Double(lo)) * (v(hi) - v(lo))
        }
        let dx = q(xs, 0.75) - q(xs, 0.25)
        guard dx != 0 else { return nil }
        let b = (q(ys, 0.75) - q(ys, 0.25)) / dx
        return (q(ys, 0.25) - b * q(xs, 0.25), b)
    }
}
