import Foundation

/// The one CSV writer: RFC 4180 records for every CSV Waves writes (exports, the codebook,
/// `waves score --csv`, the roster of `waves simulate`).
///
/// - Comma separated, CRLF after every record (`lineEnd`), a field quoted when it holds a
///   comma, a quote, a line break or a leading or trailing space, quotes doubled; UTF-8.
/// - Every text cell passes through the one safety layer: `SafeText.terminal` shows control
///   characters visibly (`^[` for ESC, `<U+202E>`) instead of writing them raw, keeps line
///   breaks (inside the quoted field), turns tabs into spaces and drops carriage returns. It
///   shows rather than removes them so that two ids that differ only by a control character
///   stay two ids.
/// - Formula injection (OWASP, "CSV Injection"): a spreadsheet may run a text cell that begins
///   with `=`, `+`, `-`, `@`, tab or carriage return as a formula. By default such cells are
///   written as they are (the data stay faithful) and their places are collected in
///   `formulaCells`, for the caller to warn about; with `escapeFormulas` they get OWASP's
///   leading apostrophe (`'=1+2`). Numbers written by Waves (`.number`, e.g. -0.5) are data
///   and are never flagged or changed.
///
/// Written here rather than taken from a package because the writer is a few lines and the
/// safety rules above are Waves' own.
public struct CSVWriter {
    /// A cell: text (checked and neutralised) or a number Waves writes itself.
    public enum Field: Sendable, Equatable {
        case text(String)
        /// Shortest round-trip form (`JSONWriter.number`); empty when not finite.
        case number(Double)
    }

    /// The record separator (RFC 4180).
    public static let lineEnd = "\r\n"

    /// The characters that make a spreadsheet read a cell as a formula (OWASP).
    public static let formulaStarts: Set<Character> = ["=", "+", "-", "@", "\t", "\r"]

    /// Where text cells that begin like a formula are: a count, the first rows, the columns.
    public struct FormulaCells: Sendable, Equatable {
        /// How many cells.
        public internal(set) var count = 0
        /// The first `listedRows` distinct rows, numbered as a spreadsheet numbers them (the header is row 1).
        public internal(set) var rows: [Int] = []
        /// Every column with such a cell, in order of first appearance.
        public internal(set) var columns: [String] = []
        /// Whether the file has more rows with such cells than `rows` lists.
        public internal(set) var moreRows = false

        public static let listedRows = 5

        public init() {}

        public var isEmpty: Bool { count == 0 }

        /// One line: "3 text cells begin with = + - @ tab or CR (rows 4, 9; columns diary, participant)".
        public var summary: String {
            let rowList = rows.map(String.init).joined(separator: ", ") + (moreRows ? ", …" : "")
            return "\(count) text cell\(count == 1 ? "" : "s") begin\(count == 1 ? "s" : "") with = + - @ tab or CR, "
                + "which a spreadsheet may run as a formula (row\(rows.count == 1 && !moreRows ? "" : "s") \(rowList); "
                + "column\(columns.count == 1 ? "" : "s") \(columns.joined(separator: ", ")))"
        }

        mutating func add(row: Int, column: String) {
            count += 1
            if rows.last != row {
                if rows.count < Self.listedRows { rows.append(row) } else { moreRows = true }
            }
            if !columns.contains(column) { columns.append(column) }
        }
    }

    /// The column names, for `formulaCells`.
    public let header: [String]
    /// Prefix formula-like text cells with an apostrophe.
    public let escapeFormulas: Bool
    /// The formula-like text cells written so far (whether escaped or not).
    public private(set) var formulaCells = FormulaCells()
    /// Records written so far (the header counts).
    public private(set) var recordCount = 0

    public init(header: [String], escapeFormulas: Bool = false) {
        self.header = header
        self.escapeFormulas = escapeFormulas
    }

    /// The header record, with its line end.
    public mutating func headerRecord() -> String { record(header.map(Field.text)) }

    /// Whether plain text cells (`isPlain`) skip the general checks; off only in tests, which
    /// compare the two ways.
    var plainCells = true

    /// One record, with its line end.
    public mutating func record(_ fields: [Field]) -> String {
        recordCount += 1
        var out = ""
        for (i, f) in fields.enumerated() {
            if i > 0 { out += "," }
            switch f {
            case .number(let d): out += d.isFinite ? JSONWriter.number(d) : ""
            case .text(let raw):
                if plainCells && Self.isPlain(raw) { out += raw; continue }
                var s = SafeText.terminal(raw)
                if let first = s.first, Self.formulaStarts.contains(first) {
                    formulaCells.add(row: recordCount, column: i < header.count ? header[i] : "column \(i + 1)")
                    if escapeFormulas { s = "'" + s }
                }
                out += Self.escape(s)
            }
        }
        return out + Self.lineEnd
    }

    /// Whether a text cell is written as it is: printable ASCII only (nothing `SafeText`
    /// changes), no comma or quote, no space at either end (nothing `escape` quotes), and not
    /// beginning like a formula. Such cells, most of a table (ids, waves, roles), skip the
    /// Character-by-Character checks below; `CSVWriterTests` holds the two paths to the same text.
    @inline(__always)
    static func isPlain(_ s: String) -> Bool {
        var u = s.utf8
        if let plain = u.withContiguousStorageIfAvailable({ plainBytes($0) }) { return plain }
        u = String(s).utf8   // a bridged string: made native, then read in place
        return u.withContiguousStorageIfAvailable { plainBytes($0) } ?? false
    }

    private static func plainBytes(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let first = b.first, let last = b.last else { return true }
        if first == UInt8(ascii: " ") || last == UInt8(ascii: " ") || first == UInt8(ascii: "=") || first == UInt8(ascii: "+")
            || first == UInt8(ascii: "-") || first == UInt8(ascii: "@") { return false }
        for c in b where c < 0x20 || c > 0x7E || c == UInt8(ascii: ",") || c == UInt8(ascii: "\"") { return false }
        return true
    }

    /// A field quoted when needed (RFC 4180); the text is not otherwise changed.
    public static func escape(_ s: String) -> String {
        if s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) || s.hasPrefix(" ") || s.hasSuffix(" ") {
            return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return s
    }

    /// One line of text fields, neutralised and quoted, without a line end and without formula
    /// checks (for files Waves reads back itself, such as a roster).
    public static func line(_ fields: [String]) -> String {
        fields.map { escape(SafeText.terminal($0)) }.joined(separator: ",")
    }
}
