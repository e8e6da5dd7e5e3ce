import Foundation

/// Number formatting shared by the HTML and Markdown renderers.
///
/// Fixed decimals (as the terminal tables of the analysis commands), an en dash
/// for a value that cannot be computed, p-values as `< .001` or three decimals.
public enum Num {
    public static let missing = "–"

    /// `v` with `decimals` fixed decimals, or "–" when nil or not finite.
    public static func f(_ v: Double?, _ decimals: Int = 2) -> String {
        guard let v, v.isFinite else { return missing }
        let s = String(format: "%.\(decimals)f", v)
        // Avoid "-0.00".
        if s.hasPrefix("-"), Double(s) == 0 { return String(s.dropFirst()) }
        return s
    }

    /// A p-value: "< .001" or three decimals without the leading zero.
    public static func p(_ v: Double?) -> String {
        guard let v, v.isFinite else { return missing }
        if v < 0.001 { return "< .001" }
        var s = String(format: "%.3f", v)
        if s.hasPrefix("0") { s.removeFirst() }
        return s
    }

    /// A proportion as a whole percentage.
    public static func pct(_ v: Double?) -> String {
        guard let v, v.isFinite else { return missing }
        return String(format: "%.0f%%", v * 100)
    }

    /// An interval "[lo, hi]".
    public static func ci(_ lo: Double?, _ hi: Double?, _ decimals: Int = 2) -> String {
        guard lo != nil || hi != nil else { return missing }
        return "[\(f(lo, decimals)), \(f(hi, decimals))]"
    }

    /// A coordinate in SVG output: one decimal, no trailing ".0".
    static func c(_ v: Double) -> String {
        guard v.isFinite else { return "0" }
        let r = (v * 10).rounded() / 10
        if r == r.rounded() { return String(Int(r)) }
        return String(format: "%.1f", r)
    }
}
