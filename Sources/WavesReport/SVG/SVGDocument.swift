import Foundation
import WavesCore

/// A small SVG writer: every text it is given is escaped (`SafeText.html`), every number rounded (`c`).
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
            + "viewBox=\"0 0 \(Self.c(width)) \(Self.c(height))\" width=\"\(Self.c(width))\" height=\"\(Self.c(height))\" preserveAspectRatio=\"xMinYMin meet\">"
            + body + "</svg>"
    }

    public mutating func raw(_ s: String) { body += s }

    private static func style(stroke: String?, width: Double?, dash: String?, opacity: Double?, fill: String?) -> String {
        var s = ""
        if let fill { s += " fill=\"\(fill)\"" }
        if let stroke { s += " stroke=\"\(stroke)\"" }
        if let width { s += " stroke-width=\"\(Self.c(width))\"" }
        if let dash, !dash.isEmpty { s += " stroke-dasharray=\"\(dash)\"" }
        if let opacity, opacity.isFinite, opacity < 1 { s += " opacity=\"\(NumberText.fixed(opacity, 2))\"" }
        return s
    }

    public mutating func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, stroke: String = "#000",
                              width: Double = 1, dash: String? = nil, opacity: Double? = nil) {
        body += "<line x1=\"\(Self.c(x1))\" y1=\"\(Self.c(y1))\" x2=\"\(Self.c(x2))\" y2=\"\(Self.c(y2))\""
            + Self.style(stroke: stroke, width: width, dash: dash, opacity: opacity, fill: nil) + "/>"
    }

    public mutating func polyline(_ pts: [(Double, Double)], stroke: String, width: Double = 1, dash: String? = nil, opacity: Double? = nil) {
        guard pts.count >= 2 else { return }
        body += "<polyline points=\"" + pts.map { "\(Self.c($0.0)),\(Self.c($0.1))" }.joined(separator: " ") + "\""
            + Self.style(stroke: stroke, width: width, dash: dash, opacity: opacity, fill: "none")
            + " stroke-linejoin=\"round\" stroke-linecap=\"round\"/>"
    }

    public mutating func rect(_ x: Double, _ y: Double, _ w: Double, _ h: Double, fill: String, stroke: String? = nil,
                              width: Double? = nil, opacity: Double? = nil, tooltip: String? = nil) {
        let open = "<rect x=\"\(Self.c(x))\" y=\"\(Self.c(y))\" width=\"\(Self.c(max(0, w)))\" height=\"\(Self.c(max(0, h)))\""
            + Self.style(stroke: stroke, width: width, dash: nil, opacity: opacity, fill: fill)
        if let tooltip { body += open + "><title>\(SafeText.html(tooltip))</title></rect>" } else { body += open + "/>" }
    }

    public mutating func circle(_ cx: Double, _ cy: Double, _ r: Double, fill: String, stroke: String? = nil, opacity: Double? = nil) {
        body += "<circle cx=\"\(Self.c(cx))\" cy=\"\(Self.c(cy))\" r=\"\(Self.c(r))\""
            + Self.style(stroke: stroke, width: stroke == nil ? nil : 1, dash: nil, opacity: opacity, fill: fill) + "/>"
    }

    /// A marker of the given shape centred at (x, y), `size` across.
    public mutating func marker(_ shape: Palette.Marker, _ x: Double, _ y: Double, size: Double = 8, fill: String) {
        let h = size / 2
        switch shape {
        case .circle: circle(x, y, h, fill: fill, stroke: "#FFFFFF")
        case .square: rect(x - h * 0.9, y - h * 0.9, size * 0.9, size * 0.9, fill: fill, stroke: "#FFFFFF", width: 1)
        case .triangle:
            body += "<path d=\"M\(Self.c(x)),\(Self.c(y - h * 1.1))L\(Self.c(x + h)),\(Self.c(y + h * 0.8))L\(Self.c(x - h)),\(Self.c(y + h * 0.8))Z\" fill=\"\(fill)\" stroke=\"#FFFFFF\" stroke-width=\"1\"/>"
        case .diamond:
            body += "<path d=\"M\(Self.c(x)),\(Self.c(y - h * 1.2))L\(Self.c(x + h)),\(Self.c(y))L\(Self.c(x)),\(Self.c(y + h * 1.2))L\(Self.c(x - h)),\(Self.c(y))Z\" fill=\"\(fill)\" stroke=\"#FFFFFF\" stroke-width=\"1\"/>"
        }
    }

    public enum Anchor: String { case start, middle, end }

    /// Text at (x, y); the string is escaped.
    public mutating func text(_ x: Double, _ y: Double, _ s: String, anchor: Anchor = .start, size: Double = 12,
                              weight: String? = nil, fill: String = "#222222", rotate: Double? = nil, baseline: String? = nil) {
        var a = "<text x=\"\(Self.c(x))\" y=\"\(Self.c(y))\" font-size=\"\(Self.c(size))\" fill=\"\(fill)\""
        if anchor != .start { a += " text-anchor=\"\(anchor.rawValue)\"" }
        if let weight { a += " font-weight=\"\(weight)\"" }
        if let baseline { a += " dominant-baseline=\"\(baseline)\"" }
        if let rotate { a += " transform=\"rotate(\(Self.c(rotate)) \(Self.c(x)) \(Self.c(y)))\"" }
        body += a + ">" + SafeText.html(s) + "</text>"
    }

    /// Coordinates beyond this many user units (far outside any figure) are clamped.
    static let coordinateLimit = 1e6

    /// A coordinate or length: rounded half away from zero to one decimal, no trailing ".0"
    /// ("12", "3.5"); clamped to ±`coordinateLimit`; "0" when not finite. Never traps.
    static func c(_ v: Double) -> String {
        guard v.isFinite else { return "0" }
        let tenths = (Swift.min(Swift.max(v, -coordinateLimit), coordinateLimit) * 10).rounded()
        // The whole number of tenths written out directly: what `NumberText.fixed(tenths / 10, 1)`
        // gives without its trailing ".0" (the nearest one-decimal text to tenths / 10 is exactly
        // its tenths, |tenths| <= 10^7; a value that rounds to zero has no sign), without printf:
        // a plot has thousands of points. `SVGTests` holds it to the printf form it replaced.
        let t = Int(tenths)
        let whole = String(t.magnitude / 10), tenth = t.magnitude % 10
        return (t < 0 ? "-" : "") + (tenth == 0 ? whole : whole + "." + String(tenth))
    }

    /// A text shortened to about `maxChars` characters with an ellipsis.
    public static func clip(_ s: String, _ maxChars: Int) -> String {
        s.count <= maxChars ? s : String(s.prefix(max(1, maxChars - 1))) + "…"
    }
}
