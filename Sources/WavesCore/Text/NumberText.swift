import CFormat
import Foundation

/// The one formatter of numbers for people to read: the terminal tables and sentences of
/// every command, the report (HTML, Markdown, chart labels) and messages.
///
/// Machine formats are not written here: JSON numbers (the store, drafts) are written by
/// `JSONWriter.number` (shortest round trip), which CSV cells and syntax files also use.
///
/// The rules, the same in every output:
/// - fixed decimals: `fixed(3.14159)` is "3.14"; a value that rounds to zero never shows a
///   minus sign ("-0.00" is printed "0.00");
/// - a magnitude of `scientificFrom` (1e12) or more is printed in compact scientific form,
///   "1.00e+20", never as hundreds of digits;
/// - nil, NaN and infinities are the missing dash "–";
/// - p-values in APA style (Publication Manual of the American Psychological Association,
///   7th ed., 2020, section 6.36): "< .001", otherwise three decimals without the leading
///   zero (".012", "1.000"), since a p-value cannot exceed 1.
///
/// Nothing here converts a `Double` to an integer type, so no value can trap.
public enum NumberText {
    /// What a value that cannot be computed (nil, NaN, infinite) prints as.
    public static let missing = "–"

    /// Magnitudes from here on are printed in scientific form.
    public static let scientificFrom = 1e12

    /// `v` with `decimals` fixed decimals (0...17), scientific from 1e12, "–" when nil or not finite.
    public static func fixed(_ v: Double?, _ decimals: Int = 2) -> String {
        guard let v, v.isFinite else { return missing }
        let d = Swift.min(Swift.max(decimals, 0), 17)
        if abs(v) >= scientificFrom { return scientific(v, d) }
        let s = printf(v, decimals: d)
        // "-0.00": a negative value that rounds to zero.
        if s.hasPrefix("-"), !s.contains(where: { $0 >= "1" && $0 <= "9" }) { return String(s.dropFirst()) }
        return s
    }

    /// C's `%.*f` (what `String(format:)` gives), written by `snprintf` into a stack buffer:
    /// Foundation's formatter was most of the time of drawing a large study's plots. Called
    /// through `CFormat` (a one-line C function), as `withVaList` boxed the two arguments.
    private static func printf(_ v: Double, decimals d: Int) -> String {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: 64) { buf in
            let n = waves_format_fixed(buf.baseAddress!, 64, Int32(d), v)
            guard n > 0, n < 64 else { return String(format: "%.\(d)f", v) }
            return String(decoding: UnsafeRawBufferPointer(start: buf.baseAddress!, count: Int(n)), as: UTF8.self)
        }
    }

    /// `v` in scientific form with `decimals` decimals in the mantissa: "1.00e+20", "-3e-12".
    public static func scientific(_ v: Double?, _ decimals: Int = 2) -> String {
        guard let v, v.isFinite else { return missing }
        if v == 0 { return "0" }
        return String(format: "%.\(Swift.min(Swift.max(decimals, 0), 17))e", v)
    }

    /// A p-value: "< .001", or three decimals without the leading zero (".012").
    public static func p(_ v: Double?) -> String {
        guard let v, v.isFinite else { return missing }
        if v < 0.001 { return "< .001" }
        let s = fixed(Swift.min(v, 1), 3)
        return s.hasPrefix("0") ? String(s.dropFirst()) : s
    }

    /// "= .012", "< .001" or "= –": the p-value to follow "p" in a sentence.
    public static func pEquals(_ v: Double?) -> String {
        let s = p(v)
        return s.hasPrefix("<") ? s : "= " + s
    }

    /// A proportion as a whole percentage: 0.425 is "42%".
    public static func percent(_ v: Double?) -> String {
        guard let v, (v * 100).isFinite else { return missing }
        return fixed(v * 100, 0) + "%"
    }

    /// An interval "[lo, hi]", or "–" when neither end is known.
    public static func interval(_ lo: Double?, _ hi: Double?, _ decimals: Int = 2) -> String {
        guard lo != nil || hi != nil else { return missing }
        return "[\(fixed(lo, decimals)), \(fixed(hi, decimals))]"
    }

    /// A number as a person writes it and as the store holds it: "16", "2.5", "1e+20"
    /// (`JSONWriter.number`, the shortest text that reads back as the same value); "–" when not finite.
    public static func plain(_ v: Double) -> String {
        v.isFinite ? JSONWriter.number(v) : missing
    }
}
