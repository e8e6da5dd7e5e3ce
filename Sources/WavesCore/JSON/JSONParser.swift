#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A strict, byte-level JSON parser (RFC 8259) for the response store and other JSON files.
///
/// Accepts exactly the JSON grammar: any value at the top level, surrounded by
/// optional whitespace; strings must be well-formed UTF-8 (RFC 3629) without raw
/// control characters, `\u` escapes must pair surrogates; numbers follow RFC 8259
/// section 6 and convert to the nearest Double (numbers beyond the Double range
/// are rejected rather than turned into infinity). Object members keep their
/// order, duplicates included. No byte-order mark, no trailing commas, no comments.
/// Arrays and objects may nest `maxDepth` levels deep; at that depth the parser
/// uses about 100 KB of stack in release builds (400 KB in debug builds), so it is
/// safe on secondary threads too.
///
/// Errors are `JSONParseError` values with the byte offset, line and column.
public enum JSONParser {
    /// How deeply arrays and objects may nest before the parser gives up (guards the stack).
    public static let maxDepth = 512

    /// Parses one JSON text from UTF-8 bytes.
    public static func parse(_ bytes: UnsafeRawBufferPointer) throws(JSONParseError) -> JSONValue {
        guard let base = bytes.baseAddress, bytes.count > 0 else {
            throw JSONParseError(kind: .unexpectedEndOfInput, message: "empty input where a JSON value was expected",
                                 offset: 0, line: 1, column: 1)
        }
        var reader = JSONReader(bytes, base: base.assumingMemoryBound(to: UInt8.self), maxDepth: maxDepth)
        return try reader.document()
    }

    /// Parses one JSON text.
    public static func parse(_ text: String) throws(JSONParseError) -> JSONValue {
        var text = text
        let result = text.withUTF8 { utf8 in
            Result { () throws(JSONParseError) -> JSONValue in try parse(UnsafeRawBufferPointer(utf8)) }
        }
        return try result.get()
    }

    /// Parses JSON Lines: one JSON text per `\n`-terminated line.
    ///
    /// `body` is called once per line, in order, with the 1-based line number and
    /// the value or the error for that line (so one bad line does not hide the
    /// others). Errors carry that line number and offsets into `bytes`. A line may
    /// end in `\r\n` (the `\r` is whitespace). The empty segment after the final
    /// `\n` is not a line; any other empty or blank line is reported as an error
    /// of kind `unexpectedEndOfLine`. A last line without `\n` (a torn append)
    /// fails with `unexpectedEndOfInput` if it is incomplete.
    public static func parseLines(
        _ bytes: UnsafeRawBufferPointer,
        _ body: (_ line: Int, _ result: Result<JSONValue, JSONParseError>) throws -> Void
    ) rethrows {
        guard let raw = bytes.baseAddress, bytes.count > 0 else { return }
        let base = raw.assumingMemoryBound(to: UInt8.self)
        var reader = JSONReader(bytes, base: base, maxDepth: maxDepth)
        var start = 0
        var line = 1
        while start < bytes.count {
            let stop: Int
            if let nl = memchr(raw + start, 0x0A, bytes.count - start) {
                stop = raw.distance(to: UnsafeRawPointer(nl))
                reader.endsAtLineBreak = true
            } else {
                stop = bytes.count
                reader.endsAtLineBreak = false
            }
            reader.i = start
            reader.end = stop
            reader.lineStart = start
            reader.lineNumber = line
            let result = Result { () throws(JSONParseError) -> JSONValue in try reader.document() }
            try body(line, result)
            start = stop + 1
            line += 1
        }
    }
}

extension JSONParser {
    /// Parses text that must be exactly one JSON number (RFC 8259 section 6), nothing before or after.
    ///
    /// The one number grammar of Waves, `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, shared
    /// by the store and by imported CSV cells: `4`, `-0.5` and `4e0` are numbers; `+4`, `.5`,
    /// `0x4`, `0x1p2`, `inf`, `NaN`, ` 4` and `4<NUL>` are not. The error's `column` is the
    /// 1-based position (in Unicode scalars) of the first character that breaks the grammar.
    public static func number(_ text: String) throws(JSONParseError) -> Double {
        var text = text
        let result = text.withUTF8 { utf8 in
            Result { () throws(JSONParseError) -> Double in try number(UnsafeRawBufferPointer(utf8)) }
        }
        return try result.get()
    }

    static func number(_ bytes: UnsafeRawBufferPointer) throws(JSONParseError) -> Double {
        guard let base = bytes.baseAddress, bytes.count > 0 else {
            throw JSONParseError(kind: .unexpectedEndOfInput, message: "empty text where a number was expected",
                                 offset: 0, line: 1, column: 1)
        }
        var reader = JSONReader(bytes, base: base.assumingMemoryBound(to: UInt8.self), maxDepth: maxDepth)
        return try reader.numberDocument()
    }
}
