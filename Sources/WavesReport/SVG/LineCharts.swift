import Foundation

/// A point of a mean line: the mean and its 95% interval.
public struct MeanPoint: Sendable, Equatable {
    public var mean: Double
    public var lower: Double?
    public var upper: Double?
    public var n: Int
    public init(mean: Double, lower: Double?, upper: Double?, n: Int) { self.mean = mean; self.lower = lower; self.upper = upper; self.n = n }
}

/// One series of a line chart: a value (or nothing) per category.
public struct MeanSeries: Sendable, Equatable {
    public var name: String
    public var points: [MeanPoint?]
    public init(name: String, points: [MeanPoint?]) { self.name = name; self.points = points }
}

/// One individual trajectory: the series (role) it belongs to and a value per category.
public struct Trajectory: Sendable, Equatable {
    public var series: Int
    public var values: [Double?]
    public init(series: Int, values: [Double?]) { self.series = series; self.values = values }
}

/// Line charts over waves: means with 95% intervals, and individual trajectories.
public enum LineCharts {
    static let width = 700.0, height = 330.0, legendWidth = 190.0

    /// Means per category and series with 95% interval bars; series are dodged sideways so bars do not overlap.
    public static func means(id: String, title: String, desc: String, categories: [String], series: [MeanSeries], yTitle: String) -> String {
        // The axis covers every finite mean and interval end; a non-finite mean is not drawn.
        let all = series.flatMap { $0.points.compactMap { $0 } }.filter { $0.mean.isFinite }
        let lo = all.map { $0.lower.flatMap { $0.isFinite ? $0 : nil } ?? $0.mean }.min() ?? 0
        let hi = all.map { $0.upper.flatMap { $0.isFinite ? $0 : nil } ?? $0.mean }.max() ?? 1
        let axes = CategoryAxes(plotWidth: width - 64 - legendWidth - 12, plotHeight: height - 16 - 48, categories: categories, yMin: lo, yMax: hi)
        var svg = SVGDocument(id: id, width: width, height: height, title: title, desc: desc)
        axes.draw(into: &svg, yTitle: yTitle)
        let slot = axes.plotWidth / Double(max(1, categories.count))
        let dodgeStep = min(10, slot / Double(max(2, series.count + 1)))
        for (s, ser) in series.enumerated() {
            let color = Palette.color(s), dash = Palette.dash(s)
            let off = (Double(s) - Double(series.count - 1) / 2) * dodgeStep
            for run in runs(ser.points.map { $0?.mean }) {
                svg.polyline(run.map { (axes.x(Double($0.0)) + off, axes.y($0.1)) }, stroke: color, width: 2, dash: dash)
            }
            for (i, p) in ser.points.enumerated() {
                guard let p, p.mean.isFinite else { continue }
                let x = axes.x(Double(i)) + off
                if let l = p.lower, let u = p.upper, l.isFinite, u.isFinite {
                    svg.line(x, axes.y(l), x, axes.y(u), stroke: color, width: 1.5)
                    svg.line(x - 4, axes.y(l), x + 4, axes.y(l), stroke: color, width: 1.5)
                    svg.line(x - 4, axes.y(u), x + 4, axes.y(u), stroke: color, width: 1.5)
                }
                svg.marker(Palette.marker(s), x, axes.y(p.mean), size: 9, fill: color)
            }
        }
        let legend = Legend(series.enumerated().map { s, ser in
            Legend.Entry(label: ser.name, color: Palette.color(s), dash: Palette.dash(s), marker: Palette.marker(s))
        })
        legend.draw(into: &svg, x: width - legendWidth, y: 16)
        svg.text(width - legendWidth, 16 + legend.height + 14, "bars: 95% CI of the mean", size: 11, fill: "#555555")
        return svg.markup
    }

    /// Thin individual trajectories coloured by series, and each series' mean drawn bold on top.
    public static func spaghetti(id: String, title: String, desc: String, categories: [String], seriesNames: [String],
                                 trajectories: [Trajectory], means: [MeanSeries], yTitle: String, yRange: (Double, Double)? = nil) -> String {
        let vals = (trajectories.flatMap { $0.values.compactMap { $0 } } + means.flatMap { $0.points.compactMap { $0?.mean } }).filter(\.isFinite)
        let lo = yRange?.0 ?? vals.min() ?? 0, hi = yRange?.1 ?? vals.max() ?? 1
        let axes = CategoryAxes(plotWidth: width - 64 - legendWidth - 12, plotHeight: height - 16 - 48, categories: categories, yMin: lo, yMax: hi)
        var svg = SVGDocument(id: id, width: width, height: height, title: title, desc: desc)
        axes.draw(into: &svg, yTitle: yTitle)
        // Tiny deterministic jitter so identical trajectories stay visible as a thicker band.
        let opacity = trajectories.count > 100 ? 0.18 : 0.32
        for (t, tr) in trajectories.enumerated() {
            let color = Palette.color(tr.series)
            let jitter = (Double((t * 7919) % 11) - 5) * 0.5
            let runs = runs(tr.values)
            for run in runs {
                svg.polyline(run.map { (axes.x(Double($0.0)) + jitter, axes.y($0.1)) }, stroke: color, width: 1, opacity: opacity)
            }
            // A participant seen once: a small dot.
            for run in runs where run.count == 1 {
                svg.circle(axes.x(Double(run[0].0)) + jitter, axes.y(run[0].1), 1.8, fill: color, opacity: opacity)
            }
        }
        for (s, ser) in means.enumerated() {
            let color = Palette.color(s)
            for run in runs(ser.points.map { $0?.mean }) {
                let pts = run.map { (axes.x(Double($0.0)), axes.y($0.1)) }
                svg.polyline(pts, stroke: "#FFFFFF", width: 6)
                svg.polyline(pts, stroke: color, width: 3.5, dash: Palette.dash(s))
            }
            for (i, p) in ser.points.enumerated() {
                if let p, p.mean.isFinite { svg.marker(Palette.marker(s), axes.x(Double(i)), axes.y(p.mean), size: 10, fill: color) }
            }
        }
        var entries = means.enumerated().map { s, ser in
            Legend.Entry(label: "\(ser.name): mean", color: Palette.color(s), dash: Palette.dash(s), marker: Palette.marker(s), lineWidth: 3.5)
        }
        entries += seriesNames.enumerated().map { s, n in Legend.Entry(label: "\(n): each person", color: Palette.color(s), lineWidth: 1) }
        Legend(entries).draw(into: &svg, x: width - legendWidth, y: 16)
        return svg.markup
    }

    /// Consecutive non-missing values as runs of (category index, value).
    static func runs(_ values: [Double?]) -> [[(Int, Double)]] {
        var out: [[(Int, Double)]] = []
        var cur: [(Int, Double)] = []
        for (i, v) in values.enumerated() {
            if let v, v.isFinite { cur.append((i, v)) } else if !cur.isEmpty { out.append(cur); cur = [] }
        }
        if !cur.isEmpty { out.append(cur) }
        return out
    }
}
