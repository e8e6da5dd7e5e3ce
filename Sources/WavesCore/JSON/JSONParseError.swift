import Foundation

/// Why a JSON text could not be read, and where.
///
/// `offset` is the 0-based byte offset of the offending byte in the text given
/// to the parser. `line` and `column` are 1-based; the column counts Unicode
/// scalars from the start of the line (for ASCII lines it equals the byte
/// column). With `JSONParser.parseLines` the line is the line of the file.
public struct JSONParseError: Error, LocalizedError, Equatable, Sendable {
    /// The kind of mistake, for callers that react differently to each
    /// (a store may treat a torn last line, `unexpectedEndOfInput`, differently
    /// from a corrupt one).
    public enum Kind: String, Sendable, Equatable {
        /// The text ended before the value was complete (includes empty input).
        case unexpectedEndOfInput
        /// A raw line break inside a string.
        case unexpectedEndOfLine
        /// A byte that cannot start or continue the value at this place.
        case unexpectedCharacter
        /// A backslash escape that JSON does not define, or a malformed `\u` escape.
        case invalidEscape
        /// A `\u` escape of a UTF-16 surrogate that is not part of a valid pair.
        case loneSurrogate
        /// A raw control character (below U+0020) inside a string.
        case controlCharacter
        /// Bytes that are not well-formed UTF-8 (RFC 3629).
        case invalidUTF8
        /// A number that breaks the JSON number grammar (leading zero, missing digits).
        case invalidNumber
        /// A number whose magnitude exceeds the largest finite Double.
        case numberOutOfRange
        /// Arrays and objects nested deeper than the parser's limit.
        case tooDeep
        /// Something other than whitespace after the complete value.
        case trailingCharacters
    }

    public let kind: Kind
    /// What went wrong, without the location ("invalid escape \x").
    public let message: String
    /// 0-based byte offset of the problem in the parsed text.
    public let offset: Int
    /// 1-based line of the problem.
    public let line: Int
    /// 1-based column of the problem, in Unicode scalars from the start of the line.
    public let column: Int

    public init(kind: Kind, message: String, offset: Int, line: Int, column: Int) {
        self.kind = kind
        self.message = message
        self.offset = offset
        self.line = line
        self.column = column
    }

    /// "invalid escape \x at column 40", or "... at line 3, column 40" past the first line.
    public var errorDescription: String? {
        line == 1 ? "\(message) at column \(column)" : "\(message) at line \(line), column \(column)"
    }
}

extension JSONParseError: CustomStringConvertible {
    public var description: String { errorDescription ?? message }
}

extension JSONParseError {
    /// A short, readable name for the byte (or UTF-8 character) at `offset`.
    static func describe(_ offset: Int, in bytes: UnsafeRawBufferPointer) -> String {
        guard offset < bytes.count else { return "end of input" }
        let b = bytes[offset]
        switch b {
        case 0x0A: return "end of line"
        case 0x0D: return "carriage return"
        case 0x09: return "tab"
        case 0x27: return "\"'\""
        case 0x21...0x7E: return "'\(Character(Unicode.Scalar(b)))'"
        case 0x20: return "space"
        default: break
        }
        if b >= 0xC2, b <= 0xF4 {
            // A well-formed character is shown as itself (the standard decoder is strict).
            var bytesFrom = bytes[offset...].makeIterator()
            var decoder = Unicode.UTF8()
            if case .scalarValue(let scalar) = decoder.decode(&bytesFrom), !scalar.properties.isWhitespace {
                return "'\(Character(scalar))' (U+\(hex(scalar.value, digits: 4)))"
            }
        }
        return "byte 0x\(hex(UInt32(b), digits: 2))"
    }

    static func hex(_ v: UInt32, digits: Int) -> String {
        let s = String(v, radix: 16, uppercase: true)
        return s.count >= digits ? s : String(repeating: "0", count: digits - s.count) + s
    }
}
