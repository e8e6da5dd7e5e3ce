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
public struct CSVWriter: Sendable {
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
            noteRow(row)
            if !columns.contains(column) { columns.append(column) }
        }

        private mutating func noteRow(_ row: Int) {
            if rows.last != row {
                if rows.count < Self.listedRows { rows.append(row) } else { moreRows = true }
            }
        }

        /// Adds the cells of later rows (another piece of the same file, written after these):
        /// the same as `add` for each of them in order.
        mutating func append(_ later: FormulaCells) {
            count += later.count
            for r in later.rows { noteRow(r) }
            if later.moreRows { moreRows = true }
            for c in later.columns where !columns.contains(c) { columns.append(c) }
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

    /// A writer of one piece of a file whose first `recordsBefore` records (the header counted)
    /// another writer wrote: its rows are numbered as that writer would number them, so pieces
    /// written on several cores give, appended in order (`append(piece:)`), the formula cells of
    /// one writer that wrote every record.
    public init(continuing writer: CSVWriter, recordsBefore: Int) {
        self.header = writer.header
        self.escapeFormulas = writer.escapeFormulas
        self.recordCount = recordsBefore
    }

    /// Takes over a piece's records (`init(continuing:recordsBefore:)` with this writer's
    /// `recordCount`): their count and their formula cells, as if this writer had written them.
    public mutating func append(piece: CSVWriter) {
        recordCount = piece.recordCount
        formulaCells.append(piece.formulaCells)
    }

    /// The header record, with its line end.
    public mutating func headerRecord() -> String { record(header.map(Field.text)) }

    /// One record, with its line end.
    public mutating func record(_ fields: [Field]) -> String {
        var out: [UInt8] = []
        beginRecord()
        for (i, f) in fields.enumerated() { append(f, column: i, into: &out) }
        Self.endRecord(into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    // MARK: - Field by field, into bytes

    /// Starts a record written field by field into a byte buffer (`append`, `appendText`, then
    /// `endRecord`): the bytes `record(_:)` gives, without a `String` per field or record
    /// (`record(_:)` is written with these).
    public mutating func beginRecord() { recordCount += 1 }

    /// Field `column` of the record begun last (the separator before it included).
    @inline(__always)
    public mutating func append(_ f: Field, column i: Int, into out: inout [UInt8]) {
        switch f {
        case .number(let d): Self.appendNumber(d, column: i, into: &out)
        case .text(let raw): appendText(raw, column: i, into: &out)
        }
    }

    /// A number field: shortest round-trip form (`JSONWriter.number`), empty when not finite.
    @inline(__always)
    public static func appendNumber(_ d: Double, column i: Int, into out: inout [UInt8]) {
        if i > 0 { out.append(UInt8(ascii: ",")) }
        if d.isFinite { JSONWriter.writeNumber(d, into: &out) }
    }

    /// A text field.
    public mutating func appendText(_ raw: String, column i: Int, into out: inout [UInt8]) {
        var raw = raw
        if raw.withUTF8({ appendPlain($0, column: i, into: &out) }) { return }
        appendAny(raw, column: i, into: &out)
    }

    /// A text field by the rules as written for any text (`appendPlain` is the shortcut for
    /// printable ASCII; the tests hold the two to the same bytes).
    mutating func appendAny(_ raw: String, column i: Int, into out: inout [UInt8]) {
        if i > 0 { out.append(UInt8(ascii: ",")) }
        var s = SafeText.terminal(raw)
        if let first = s.first, Self.formulaStarts.contains(first) {
            formulaCells.add(row: recordCount, column: i < header.count ? header[i] : "column \(i + 1)")
            if escapeFormulas { s = "'" + s }
        }
        out.append(contentsOf: Self.escape(s).utf8)
    }

    /// A text field given as UTF-8 bytes (a time stamp kept as bytes): the same as `appendText`
    /// of the `String` they decode to.
    public mutating func appendText(utf8 bytes: UnsafeBufferPointer<UInt8>, column i: Int, into out: inout [UInt8]) {
        if appendPlain(bytes, column: i, into: &out) { return }
        appendText(String(decoding: bytes, as: UTF8.self), column: i, into: &out)
    }

    /// The record's line end.
    @inline(__always)
    public static func endRecord(into out: inout [UInt8]) { out.append(contentsOf: [0x0D, 0x0A]) }

    /// Writes a text field of printable ASCII (0x20 to 0x7E) byte for byte, with the rules of
    /// `appendText` (nothing for `SafeText` to show; a formula start, a comma, a quote or an
    /// outer space decided on bytes, which for ASCII are the characters), and returns true;
    /// returns false, writing nothing, for any other text.
    private mutating func appendPlain(_ b: UnsafeBufferPointer<UInt8>, column i: Int, into out: inout [UInt8]) -> Bool {
        var quote = false
        for c in b {
            if c < 0x20 || c > 0x7E { return false }
            if c == UInt8(ascii: ",") || c == UInt8(ascii: "\"") { quote = true }
        }
        if i > 0 { out.append(UInt8(ascii: ",")) }
        guard let first = b.first else { return true }
        var apostrophe = false
        if first == UInt8(ascii: "=") || first == UInt8(ascii: "+") || first == UInt8(ascii: "-") || first == UInt8(ascii: "@") {
            formulaCells.add(row: recordCount, column: i < header.count ? header[i] : "column \(i + 1)")
            apostrophe = escapeFormulas
        }
        if (first == UInt8(ascii: " ") && !apostrophe) || b.last == UInt8(ascii: " ") { quote = true }
        if quote { out.append(UInt8(ascii: "\"")) }
        if apostrophe { out.append(UInt8(ascii: "'")) }
        if quote {
            for c in b {
                out.append(c)
                if c == UInt8(ascii: "\"") { out.append(c) }
            }
            out.append(UInt8(ascii: "\""))
        } else {
            out.append(contentsOf: b)
        }
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
