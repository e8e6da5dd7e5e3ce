import Foundation
import WavesCore

/// A small SVG writer: every text it is given is escaped, every number rounded.
///
/// The document carries an accessible `<title>` and `<desc>` (referenced by
/// `aria-labelledby`), a `viewBox` so it scales with the page, and no scripts,
/// external references or fonts (the page's font stack applies).
public struct SVGDocument: Sendable {
    public let width: Double
    public let height: Double
    public let id: String
    private var body: String = ""

    /// A figure `width` x `height` user units with an accessible title and description.
    public init(id: String, width: Double, height: Double, title: String, desc: String) {
        self.id = SafeText.anchor(id)
        self.width = width
        self.height = height
        body.reserveCapacity(4096)
        body += "<title id=\"\(self.id)-title\">\(SafeText.html(title))</title>"
        body += "<desc id=\"\(self.id)-desc\">\(SafeText.html(desc))</desc>"
    }

    /// The finished `<svg>` element.
    public var markup: String {
        "<svg class=\"chart\" id=\"\(id)\" role=\"img\" aria-labelledby=\"\(id)-title \(id)-desc\" "
            + "viewBox=\"0 0 \(Num.c(width)) \(Num.c(height))\" width=\"\(Num.c(width))\" height=\"\(Num.c(height))\" preserveAspectRatio=\"xMinYMin meet\">"
            + body + "</svg>"
    }

    public mutating func raw(_ s: String) { body += s }

    private static func style(stroke: String?, width: Double?, dash: String?, opacity: Double?, fill: String?) -> String {
        var s = ""
        if let fill { s += " fill=\"\(fill)\"" }
        if let stroke { s += " stroke=\"\(stroke)\"" }
        if let width { s += " stroke-width=\"\(Num.c(width))\"" }
        if let dash, !dash.isEmpty { s += " stroke-dasharray=\"\(dash)\"" }
        if let opacity, opacity < 1 { s += " opacity=\"\(String(format: "%.2f", opacity))\"" }
        return s
    }

    public mutating func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, stroke: String = "#000",
                              width: Double = 1, dash: String? = nil, opacity: Double? = nil) {
        body += "<line x1=\"\(Num.c(x1))\" y1=\"\(Num.c(y1))\" x2=\"\(Num.c(x2))\" y2=\"\(Num.c(y2))\""
            + Self.style(stroke: stroke, width: width, dash: dash, opacity: opacity, fill: nil) + "/>"
    }

    public mutating func polyline(_ pts: [(Double, Double)], stroke: String, width: Double = 1, dash: String? = nil, opacity: Double? = nil) {
        guard pts.count >= 2 else { return }
        body += "<polyline points=\"" + pts.map { "\(Num.c($0.0)),\(Num.c($0.1))" }.joined(separator: " ") + "\""
            + Self.style(stroke: stroke, width: width, dash: dash, opacity: opacity, fill: "none")
            + " stroke-linejoin=\"round\" stroke-linecap=\"round\"/>"
    }

    public mutating func rect(_ x: Double, _ y: Double, _ w: Double, _ h: Double, fill: String, stroke: String? = nil,
                              width: Double? = nil, opacity: Double? = nil, tooltip: String? = nil) {
        let open = "<rect x=\"\(Num.c(x))\" y=\"\(Num.c(y))\" width=\"\(Num.c(max(0, w)))\" height=\"\(Num.c(max(0, h)))\""
            + Self.style(stroke: stroke, width: width, dash: nil, opacity: opacity, fill: fill)
        if let tooltip { body += open + "><title>\(SafeText.html(tooltip))</title></rect>" } else { body += open + "/>" }
    }

    public mutating func circle(_ cx: Double, _ cy: Double, _ r: Double, fill: String, stroke: String? = nil, opacity: Double? = nil) {
        body += "<circle cx=\"\(Num.c(cx))\" cy=\"\(Num.c(cy))\" r=\"\(Num.c(r))\""
            + Self.style(stroke: stroke, width: stroke == nil ? nil : 1, dash: nil, opacity: opacity, fill: fill) + "/>"
    }

    /// A marker of the given shape centred at (x, y), `size` across.
    public mutating func marker(_ shape: Palette.Marker, _ x: Double, _ y: Double, size: Double = 8, fill: String) {
        let h = size / 2
        switch shape {
        case .circle: circle(x, y, h, fill: fill, stroke: "#FFFFFF")
        case .square: rect(x - h * 0.9, y - h * 0.9, size * 0.9, size * 0.9, fill: fill, stroke: "#FFFFFF", width: 1)
        case .triangle:
            body += "<path d=\"M\(Num.c(x)),\(Num.c(y - h * 1.1))L\(Num.c(x + h)),\(Num.c(y + h * 0.8))L\(Num.c(x - h)),\(Num.c(y + h * 0.8))Z\" fill=\"\(fill)\" stroke=\"#FFFFFF\" stroke-width=\"1\"/>"
        case .diamond:
            body += "<path d=\"M\(Num.c(x)),\(Num.c(y - h * 1.2))L\(Num.c(x + h)),\(Num.c(y))L\(Num.c(x)),\(Num.c(y + h * 1.2))L\(Num.c(x - h)),\(Num.c(y))Z\" fill=\"\(fill)\" stroke=\"#FFFFFF\" stroke-width=\"1\"/>"
        }
    }

    public enum Anchor: String { case start, middle, end }

    /// Text at (x, y); the string is escaped.
    public mutating func text(_ x: Double, _ y: Double, _ s: String, anchor: Anchor = .start, size: Double = 12,
                              weight: String? = nil, fill: String = "#222222", rotate: Double? = nil, baseline: String? = nil) {
        var a = "<text x=\"\(Num.c(x))\" y=\"\(Num.c(y))\" font-size=\"\(Num.c(size))\" fill=\"\(fill)\""
        if anchor != .start { a += " text-anchor=\"\(anchor.rawValue)\"" }
        if let weight { a += " font-weight=\"\(weight)\"" }
        if let baseline { a += " dominant-baseline=\"\(baseline)\"" }
        if let rotate { a += " transform=\"rotate(\(Num.c(rotate)) \(Num.c(x)) \(Num.c(y)))\"" }
        body += a + ">" + SafeText.html(s) + "</text>"
    }

    /// A text shortened to about `maxChars` characters with an ellipsis.
    public static func clip(_ s: String, _ maxChars: Int) -> String {
        s.count <= maxChars ? s : String(s.prefix(max(1, maxChars - 1))) + "…"
    }
}
