import XCTest
@testable import WavesCore

/// The byte-level `CSVReader` against the scalar-by-scalar reader it replaced (kept below as
/// the oracle): the same rows, fields and lines, and the same errors at the same lines, on
/// generated CSV with quotes, doubled quotes, line ends inside quotes, CR, CRLF, BOMs,
/// non-ASCII text and malformed quoting.
final class CSVReaderOracleTests: XCTestCase {
    /// The reader before it worked on bytes (round 2), unchanged.
    static func oracle(_ text: String, firstLine: Int, atStart: Bool) throws -> [CSVReader.Row] {
        var rows: [CSVReader.Row] = []
        var field = ""
        var fields: [String] = []
        var inQuotes = false
        var afterQuote = false
        var line = firstLine
        var rowStart = firstLine
        var fieldStarted = false
        var scalars = text.unicodeScalars[...]
        if atStart, scalars.first == "\u{FEFF}" { scalars = scalars.dropFirst() }
        var it = scalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        func endRow() {
            fields.append(field)
            if !(fields.count == 1 && fields[0].isEmpty && !fieldStarted) { rows.append(CSVReader.Row(line: rowStart, fields: fields)) }
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
                else { throw CSVReader.SyntaxError(line: line, message: "a quote inside an unquoted field (quote the whole field and double inner quotes)") }
            default:
                if afterQuote { throw CSVReader.SyntaxError(line: line, message: "text after a closing quote") }
                field.unicodeScalars.append(c); fieldStarted = true
            }
        }
        if inQuotes { throw CSVReader.SyntaxError(line: rowStart, message: "a quoted field is not closed before the end of the file") }
        if fieldStarted || !field.isEmpty || !fields.isEmpty { endRow() }
        return rows
    }

    func outcome(_ f: () throws -> [CSVReader.Row]) -> Result<[CSVReader.Row], CSVReader.SyntaxError> {
        do { return .success(try f()) } catch { return .failure(error as! CSVReader.SyntaxError) }
    }

    func testSameRowsAndErrorsAsTheScalarReader() {
        var state: UInt64 = 2026
        func next(_ n: Int) -> Int { state = state &* 6364136223846793005 &+ 1442695040888963407; return Int(state >> 33) % n }
        let pieces = ["a", "1", " ", "\t", ",", ",", "\"", "\"\"", "\n", "\r", "\r\n", "é", "日", "\u{FEFF}", "\u{A0}", "x y", "\"q\"", "\"a,b\""]
        for k in 0..<20_000 {
            let text = (0..<next(24)).map { _ in pieces[next(pieces.count)] }.joined()
            let first = 1 + next(5), atStart = next(2) == 0
            let a = outcome { try Self.oracle(text, firstLine: first, atStart: atStart) }
            let b = outcome { try CSVReader.parse(text, firstLine: first, atStart: atStart) }
            XCTAssertEqual(a, b, "case \(k): \(text.debugDescription)")
        }
    }

    func testEscapedFieldsAndRowViews() throws {
        let text = "\u{FEFF}id,\"say \"\"hi\"\"\",\"a\nb\"\r\n\r\n,,\"\"\n"
        XCTAssertEqual(try CSVReader.parse(text), try Self.oracle(text, firstLine: 1, atStart: true))
        var seen: [[String]] = []
        var escaped: [[Bool]] = []
        var bytes = Array(text.utf8)
        try bytes.withUnsafeMutableBytes { raw in
            try CSVReader.forEachRow(UnsafeRawBufferPointer(raw), firstLine: 1, atStart: true) { row in
                seen.append(row.fields.indices.map { row.string($0) })
                escaped.append(row.fields.map(\.escaped))
            }
        }
        XCTAssertEqual(seen, [["id", "say \"hi\"", "a\nb"], ["", "", ""]])
        XCTAssertEqual(escaped, [[false, true, false], [false, false, false]])
    }
}
