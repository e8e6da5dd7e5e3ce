import Foundation

/// Aligned plain-text tables for the terminal (numbers right-aligned).
struct TextTable {
    var header: [String]
    var rows: [[String]] = []
    /// Columns aligned right (numbers).
    var rightAligned: Set<Int> = []

    init(_ header: [String], rightAligned: Set<Int> = []) { self.header = header; self.rightAligned = rightAligned }

    mutating func add(_ row: [String]) { rows.append(row) }

    func render() -> String {
        let all = [header] + rows
        var widths = Array(repeating: 0, count: header.count)
        for r in all { for (i, c) in r.enumerated() where i < widths.count { widths[i] = max(widths[i], c.count) } }
        func line(_ r: [String]) -> String {
            r.enumerated().map { i, c in
                let pad = String(repeating: " ", count: max(0, widths[i] - c.count))
                return rightAligned.contains(i) ? pad + c : c + pad
            }.joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }
        var out = [line(header), widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")]
        out += rows.map(line)
        return out.joined(separator: "\n")
    }
}

/// Number formatting for tables: fixed decimals, "–" for missing.
enum Fmt {
    static func num(_ v: Double?, _ decimals: Int = 2) -> String {
        guard let v, v.isFinite else { return "–" }
        return String(format: "%.\(decimals)f", v)
    }
    static func p(_ v: Double?) -> String {
        guard let v, v.isFinite else { return "–" }
        if v < 0.001 { return "< .001" }
        return String(format: "%.3f", v)
    }
    /// "= 0.012" or "< .001", to follow "p" in a sentence.
    static func pEq(_ v: Double?) -> String {
        guard let v, v.isFinite else { return "= –" }
        return v < 0.001 ? "< .001" : "= " + String(format: "%.3f", v)
    }
    static func pct(_ v: Double) -> String { String(format: "%.0f%%", v * 100) }
}
