import Foundation
import WavesCore

/// A table cell: escaped content, an optional key (`data-k`) for machines, numeric alignment.
struct Cell {
    var html: String
    var key: String?
    var numeric: Bool
    var cls: String?

    /// Plain text (escaped here).
    static func text(_ s: String, key: String? = nil, cls: String? = nil) -> Cell { Cell(html: SafeText.html(s), key: key, numeric: false, cls: cls) }
    /// A formatted number (escaped here), right-aligned.
    static func num(_ s: String, key: String? = nil, cls: String? = nil) -> Cell { Cell(html: SafeText.html(s), key: key, numeric: true, cls: cls) }
    /// Markup that is already safe.
    static func markup(_ s: String, key: String? = nil, numeric: Bool = false) -> Cell { Cell(html: s, key: key, numeric: numeric, cls: nil) }
}

/// An HTML table with a caption, header row and keyed rows (`data-row`), for people and for tests.
struct HTMLTable {
    var name: String
    var caption: String?
    var header: [String]
    var rows: [(key: String?, cells: [Cell])] = []
    var numericColumns: Set<Int> = []

    init(_ name: String, caption: String? = nil, header: [String]) { self.name = name; self.caption = caption; self.header = header }

    mutating func add(_ cells: [Cell], key: String? = nil) { rows.append((key, cells)) }

    var markup: String {
        var s = "<div class=\"table-wrap\"><table data-table=\"\(SafeText.html(name))\">"
        if let caption { s += "<caption>\(SafeText.html(caption))</caption>" }
        s += "<thead><tr>"
        for (i, h) in header.enumerated() {
            let numeric = rows.first.map { i < $0.cells.count && $0.cells[i].numeric } ?? false
            s += "<th scope=\"col\"\(numeric ? " class=\"n\"" : "")>\(SafeText.html(h))</th>"
        }
        s += "</tr></thead><tbody>"
        for r in rows {
            s += r.key.map { "<tr data-row=\"\(SafeText.html($0))\">" } ?? "<tr>"
            for c in r.cells {
                var cls: [String] = []
                if c.numeric { cls.append("n") }
                if let x = c.cls { cls.append(x) }
                s += "<td" + (cls.isEmpty ? "" : " class=\"\(cls.joined(separator: " "))\"") + (c.key.map { " data-k=\"\(SafeText.html($0))\"" } ?? "") + ">" + c.html + "</td>"
            }
            s += "</tr>"
        }
        return s + "</tbody></table></div>"
    }
}
