import Foundation

/// An RFC 4180 CSV reader (its writer is `CSVWriter`) that keeps the 1-based line on which each row starts.
///
/// Written here rather than taken from a package because Waves reports every
/// problem with its row and column, including an unterminated quote that runs
/// over several lines, and must reject rather than guess on malformed quoting;
/// the available CSV packages do not report source lines.
public struct CSVReader {
    public struct Row: Sendable, Equatable {
        /// Line of the file on which the row starts (1-based).
        public var line: Int
        public var fields: [String]
    }

    public struct SyntaxError: Error, LocalizedError, Equatable {
        public var line: Int
        public var message: String
        public var errorDescription: String? { "line \(line): \(message)" }
    }

    /// Parses the whole text. A UTF-8 BOM is ignored; blank lines are skipped.
    public static func parse(_ text: String) throws -> [Row] {
        var rows: [Row] = []
        var field = ""
        var fields: [String] = []
        var inQuotes = false
        var afterQuote = false
        var line = 1
        var rowStart = 1
        var fieldStarted = false
        var scalars = text.unicodeScalars[...]
        if scalars.first == "\u{FEFF}" { scalars = scalars.dropFirst() }
        var it = scalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        func endRow() {
            fields.append(field)
            if !(fields.count == 1 && fields[0].isEmpty && !fieldStarted) { rows.append(Row(line: rowStart, fields: fields)) }
            fields = []; field = ""; fieldStarted = false; afterQuote = false
        }
        while let c = pending ?? it.next() {
            pending = nil
            if inQuotes {
                if c == "\"" {
                    if let n = it.next() {
                        if n == "\"" { field.unicodeScalars.append("\"") } else { inQuotes = false; afterQuote = true; pending = n }
                    } else { inQuotes = false; afterQuote = true }
                } else {
                    if c == "\n" { line += 1 }
                    field.unicodeScalars.append(c)
                }
                continue
            }
            switch c {
            case ",":
                fields.append(field); field = ""; afterQuote = false; fieldStarted = true
            case "\r":
                if let n = it.next(), n != "\n" { pending = n }
                endRow(); line += 1; rowStart = line
            case "\n":
                endRow(); line += 1; rowStart = line
            case "\"":
                if field.isEmpty && !afterQuote { inQuotes = true; fieldStarted = true }
                else { throw SyntaxError(line: line, message: "a quote inside an unquoted field (quote the whole field and double inner quotes)") }
            default:
                if afterQuote { throw SyntaxError(line: line, message: "text after a closing quote") }
                field.unicodeScalars.append(c); fieldStarted = true
            }
        }
        if inQuotes { throw SyntaxError(line: rowStart, message: "a quoted field is not closed before the end of the file") }
        if fieldStarted || !field.isEmpty || !fields.isEmpty { endRow() }
        return rows
    }
}
