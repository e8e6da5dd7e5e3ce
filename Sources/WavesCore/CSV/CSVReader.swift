import Foundation

/// An RFC 4180 CSV reader (its writer is `CSVWriter`) that keeps the 1-based line on which each row starts.
///
/// Written here rather than taken from a package because Waves reports every
/// problem with its row and column, including an unterminated quote that runs
/// over several lines, and must reject rather than guess on malformed quoting;
/// the available CSV packages do not report source lines.
///
/// The parser works on UTF-8 bytes (`forEachRow`): every byte that matters to CSV (quote, comma,
/// CR, LF) is ASCII and never part of a multi-byte character, so fields are byte ranges and
/// a large import makes no `String` per cell unless it asks for one. `parse` is the same
/// parser, returning rows of strings.
public struct CSVReader {
    public struct Row: Sendable, Equatable {
        /// Line of the file on which the row starts (1-based).
        public var line: Int
        public var fields: [String]
        public init(line: Int, fields: [String]) { self.line = line; self.fields = fields }
    }

    public struct SyntaxError: Error, LocalizedError, Equatable {
        public var line: Int
        public var message: String
        public var errorDescription: String? { "line \(line): \(message)" }
    }

    /// Where one field lies in the parsed bytes: for a quoted field, between its quotes.
    public struct Field: Sendable, Equatable {
        public var start: Int
        public var end: Int
        /// A quoted field that holds doubled quotes (`""`), which stand for one quote each.
        public var escaped: Bool
    }

    /// One row as byte ranges into the bytes being parsed (valid only inside the callback).
    public struct RowView {
        /// Line of the file on which the row starts (1-based).
        public let line: Int
        public let fields: [Field]
        public let bytes: UnsafeRawBufferPointer

        /// The raw bytes of field `k` (for an `escaped` field, still with its doubled quotes).
        @inline(__always)
        public func raw(_ k: Int) -> UnsafeRawBufferPointer {
            UnsafeRawBufferPointer(rebasing: bytes[fields[k].start..<fields[k].end])
        }

        /// Field `k` as text, doubled quotes undone.
        public func string(_ k: Int) -> String {
            let f = fields[k]
            guard f.escaped else { return String(decoding: raw(k), as: UTF8.self) }
            var out: [UInt8] = []
            out.reserveCapacity(f.end - f.start)
            var i = f.start
            while i < f.end {
                out.append(bytes[i])
                i += bytes[i] == 0x22 ? 2 : 1
            }
            return String(decoding: out, as: UTF8.self)
        }
    }

    /// Parses the whole text. A UTF-8 BOM is ignored; blank lines are skipped.
    public static func parse(_ text: String) throws -> [Row] { try parse(text, firstLine: 1, atStart: true) }

    /// Parses a slice of a file made of whole rows that starts on line `firstLine`; a BOM is
    /// ignored only `atStart` of the file.
    public static func parse(_ text: String, firstLine: Int, atStart: Bool) throws -> [Row] {
        var rows: [Row] = []
        var text = text
        try text.withUTF8 { utf8 in
            try forEachRow(UnsafeRawBufferPointer(utf8), firstLine: firstLine, atStart: atStart) { row in
                rows.append(Row(line: row.line, fields: row.fields.indices.map { row.string($0) }))
            }
        }
        return rows
    }

    /// Parses UTF-8 bytes made of whole rows starting on line `firstLine` and calls `body` for
    /// each row (blank lines skipped; a BOM ignored only `atStart`). Lines end at `\n`, `\r\n`
    /// or a lone `\r` outside quotes; inside quotes a `\n` still counts a line.
    public static func forEachRow(_ bytes: UnsafeRawBufferPointer, firstLine: Int, atStart: Bool,
                                  _ body: (RowView) throws -> Void) throws {
        var fields: [Field] = []
        fields.reserveCapacity(64)
        let n = bytes.count
        var i = 0
        if atStart, n >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { i = 3 }
        var line = firstLine, rowStart = firstLine
        var fieldStart = i
        var fieldStarted = false, afterQuote = false
        var quoted = Field(start: 0, end: 0, escaped: false)
        func endField(at end: Int) {
            fields.append(afterQuote ? quoted : Field(start: fieldStart, end: end, escaped: false))
        }
        func endRow(at end: Int) throws {
            endField(at: end)
            let f = fields[0]
            if !(fields.count == 1 && f.start == f.end && !fieldStarted) {
                try body(RowView(line: rowStart, fields: fields, bytes: bytes))
            }
            fields.removeAll(keepingCapacity: true)
            fieldStarted = false; afterQuote = false
        }
        while i < n {
            let c = bytes[i]
            switch c {
            case 0x2C: // ,
                endField(at: i); afterQuote = false; fieldStarted = true
                i += 1; fieldStart = i
            case 0x0D: // \r, \r\n
                try endRow(at: i)
                i += (i + 1 < n && bytes[i + 1] == 0x0A) ? 2 : 1
                line += 1; rowStart = line; fieldStart = i
            case 0x0A:
                try endRow(at: i)
                i += 1
                line += 1; rowStart = line; fieldStart = i
            case 0x22: // "
                guard i == fieldStart, !afterQuote else {
                    throw SyntaxError(line: line, message: "a quote inside an unquoted field (quote the whole field and double inner quotes)")
                }
                fieldStarted = true
                // Inside quotes: up to the quote that is not doubled (or the end of the bytes).
                let open = i + 1
                var j = open, escaped = false, closed = false
                while j < n {
                    let d = bytes[j]
                    if d == 0x22 {
                        if j + 1 < n, bytes[j + 1] == 0x22 { escaped = true; j += 2; continue }
                        closed = true
                        break
                    }
                    if d == 0x0A { line += 1 }
                    j += 1
                }
                if !closed {
                    // An opening quote never closed before the end of the bytes.
                    throw SyntaxError(line: rowStart, message: "a quoted field is not closed before the end of the file")
                }
                quoted = Field(start: open, end: j, escaped: escaped)
                afterQuote = true
                i = j + 1
            default:
                if afterQuote { throw SyntaxError(line: line, message: "text after a closing quote") }
                fieldStarted = true
                i += 1
            }
        }
        if fieldStarted || fieldStart < n || !fields.isEmpty { try endRow(at: n) }
    }
}
