import Foundation

/// Reads values back out of a generated report page: sections by id, table cells by table,
/// row and key (the report's and the end-to-end tests' one probe).
public enum HTMLProbe {
    /// The markup of the `<section … id="ID" …>` element, nested sections included.
    public static func section(_ html: String, id: String) -> String? {
        guard let open = html.range(of: "<section[^>]*\\sid=\"\(NSRegularExpression.escapedPattern(for: id))\"", options: .regularExpression) else { return nil }
        var depth = 0
        var i = open.lowerBound
        while i < html.endIndex {
            let rest = html[i...]
            if rest.hasPrefix("<section") { depth += 1; i = html.index(i, offsetBy: 8); continue }
            if rest.hasPrefix("</section>") {
                depth -= 1
                let end = html.index(i, offsetBy: 10)
                if depth == 0 { return String(html[open.lowerBound..<end]) }
                i = end; continue
            }
            i = html.index(after: i)
        }
        return nil
    }

    /// All `data-scale` values (INSTRUMENT.SCALE) with their section ids, in page order.
    public static func scales(_ html: String) -> [(name: String, id: String)] {
        html.matches(of: /<section class="scale" id="([^"]+)" data-scale="([^"]+)">/).map { (String($0.2), String($0.1)) }
    }

    /// Row keys of a table, in order.
    public static func rows(_ html: String, table: String) -> [String] {
        guard let t = html.range(of: "data-table=\"\(table)\"") else { return [] }
        let tableEnd = html.range(of: "</table>", range: t.upperBound..<html.endIndex)?.lowerBound ?? html.endIndex
        return String(html[t.upperBound..<tableEnd]).matches(of: /<tr data-row="([^"]*)">/).map { decode(String($0.1)) }
    }

    /// The text of `<td data-k="KEY">` in row `data-row="ROW"` of table `data-table="TABLE"` (entities decoded).
    public static func cell(_ html: String, table: String, row: String, key: String) -> String? {
        guard let t = html.range(of: "data-table=\"\(table)\"") else { return nil }
        let tableEnd = html.range(of: "</table>", range: t.upperBound..<html.endIndex)?.lowerBound ?? html.endIndex
        guard let r = html.range(of: "<tr data-row=\"\(row)\">", range: t.upperBound..<tableEnd) else { return nil }
        let rowEnd = html.range(of: "</tr>", range: r.upperBound..<tableEnd)?.lowerBound ?? tableEnd
        guard let k = html.range(of: "data-k=\"\(key)\">", range: r.upperBound..<rowEnd) else { return nil }
        let end = html.range(of: "</td>", range: k.upperBound..<rowEnd)?.lowerBound ?? rowEnd
        return decode(String(html[k.upperBound..<end]))
    }

    /// Text of the element carrying `data-k="KEY"` (first occurrence), tags removed, entities decoded.
    public static func keyed(_ html: String, key: String) -> String? {
        guard let k = html.range(of: "data-k=\"\(key)\">") else { return nil }
        guard let end = html.range(of: "</p>", range: k.upperBound..<html.endIndex) else { return nil }
        return decode(String(html[k.upperBound..<end.lowerBound]).replacingOccurrences(of: "<[^>]+>", with: "", options: .regularExpression))
    }

    public static func decode(_ s: String) -> String {
        s.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&quot;", with: "\"")
            .replacingOccurrences(of: "&#39;", with: "'").replacingOccurrences(of: "&amp;", with: "&")
    }

    /// Every reference to something outside the page: http(s) URLs, src/href to files, @import, url() other than data:.
    public static func externalReferences(_ html: String) -> [String] {
        let patterns = ["https?://", "<[^>]*\\s(src|href|xlink:href)\\s*=\\s*(?![\"']?#)", "@import", "url\\((?!\\s*['\"]?data:)",
                        "<script", "<link", "<iframe", "<object", "<embed", "<img", "\\son[a-z]+\\s*=\\s*[\"']"]
        return patterns.compactMap { p in html.range(of: p, options: [.regularExpression, .caseInsensitive]).map { String(html[$0]) } }
    }
}

/// Formats as the report does (fixed decimals, "< .001", "–" for a missing value); takes
/// Swift values or values parsed from `--json`.
public enum Expect {
    public static func f(_ v: Any?, _ d: Int = 2) -> String {
        guard let v = v as? Double, v.isFinite else { return "–" }
        let s = String(format: "%.\(d)f", v)
        return s.hasPrefix("-") && Double(s) == 0 ? String(s.dropFirst()) : s
    }
    public static func p(_ v: Any?) -> String {
        guard let v = v as? Double, v.isFinite else { return "–" }
        if v < 0.001 { return "< .001" }
        var s = String(format: "%.3f", v)
        if s.hasPrefix("0") { s.removeFirst() }
        return s
    }
    public static func ci(_ v: Any?, _ d: Int = 2) -> String {
        guard let a = v as? [Double], a.count == 2 else { return "–" }
        return "[\(f(a[0], d)), \(f(a[1], d))]"
    }
}
