/// The byte-level recursive-descent reader behind `JSONParser`.
///
/// Strict RFC 8259: objects, arrays, strings (all escapes, surrogate pairs,
/// well-formed UTF-8 per RFC 3629, no raw control characters), numbers by the
/// grammar of section 6, the three literals, and the four whitespace bytes.
/// It reads `base[i..<end]` without bounds-checked indexing; every read is
/// guarded by `i < end`. Errors are built off the hot path (`fail`).
struct JSONReader {
    /// The whole buffer, for describing bytes in error messages.
    let bytes: UnsafeRawBufferPointer
    let base: UnsafePointer<UInt8>
    /// One past the last byte of the text being parsed.
    var end: Int
    /// The read position (an offset into `bytes`).
    var i: Int
    /// Offset of the first byte of the current text's first line, and that line's number.
    var lineStart: Int
    var lineNumber: Int
    /// Whether the text ends at a line break (JSON Lines) rather than at the end of the input.
    var endsAtLineBreak = false
    var depth = 0
    let maxDepth: Int
    /// Decoded bytes of a string that contains escapes (reused between strings).
    var scratch: [UInt8] = []
    /// The error that stopped the parse.
    var failure: JSONParseError?

    /// Thrown inside the reader; the details are in `failure`.
    ///
    /// An empty error type keeps the recursive functions' frames small: a typed
    /// throw of `JSONParseError` itself reserved a slot per call site and made
    /// each nesting level cost about 1.7 KB of stack.
    struct Stop: Error {}

    /// A reader over a non-empty buffer.
    init(_ bytes: UnsafeRawBufferPointer, base: UnsafePointer<UInt8>, maxDepth: Int) {
        self.bytes = bytes
        self.base = base
        self.end = bytes.count
        self.i = 0
        self.lineStart = 0
        self.lineNumber = 1
        self.maxDepth = maxDepth
        // `scratch` grows only when a string has escapes (one reader is made per store line).
    }

    // MARK: Document

    /// Parses `base[i..<end]` as one JSON text: whitespace, a value, whitespace.
    mutating func document() throws(JSONParseError) -> JSONValue {
        failure = nil
        do {
            return try text()
        } catch {
            throw failure ?? locate(.unexpectedCharacter, at: i, "invalid JSON")
        }
    }

    mutating func text() throws(Stop) -> JSONValue {
        depth = 0
        skipWhitespace()
        guard i < end else {
            throw fail(endKind, at: i, "\(endName) where a JSON value was expected")
        }
        let v = try value()
        skipWhitespace()
        if i < end {
            throw unexpected(at: i, "after the JSON value", kind: .trailingCharacters)
        }
        return v
    }

    // MARK: Values

    /// Parses the value starting at `i` (`i < end`, not whitespace).
    mutating func value() throws(Stop) -> JSONValue {
        switch base[i] {
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "{"): return .object(try object())
        case UInt8(ascii: "["): return .array(try array())
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        default: throw unexpected(at: i, "where a value was expected")
        }
    }

    /// Parses an object; `base[i]` is `{`. Members keep their order, duplicate keys included.
    mutating func object() throws(Stop) -> JSONObject {
        var members: [JSONMember] = []
        members.reserveCapacity(8)
        try visitMembers { (r: inout JSONReader, key: String) throws(Stop) in
            members.append(JSONMember(key: key, value: try r.value()))
        }
        return JSONObject(members: members)
    }

    /// Walks an object (`base[i]` is `{`): for each member, reads the name and calls
    /// `body`, which must consume the value (with `value()` or a specialised reader).
    /// The grammar checks are the same as `object()`'s, which is built on it.
    mutating func visitMembers(_ body: (inout JSONReader, String) throws(Stop) -> Void) throws(Stop) {
        try visitMembers(keys: { (r: inout JSONReader, _: Int) throws(Stop) -> String in try r.string() }, body)
    }

    /// `visitMembers` with the member names read by `keys(reader, memberIndex)` (`base[i]` is the opening quote).
    /// The key can be any value the `keys` reader makes of the name (a String, or a code for a
    /// name matched in place without making a String).
    mutating func visitMembers<Key>(keys: (inout JSONReader, Int) throws(Stop) -> Key,
                                    _ body: (inout JSONReader, Key) throws(Stop) -> Void) throws(Stop) {
        try enter()
        i += 1
        skipWhitespace()
        guard i < end else { throw endInside("an object", at: i) }
        if base[i] == UInt8(ascii: "}") {
            i += 1
            depth -= 1
            return
        }
        var index = 0
        while true {
            guard base[i] == UInt8(ascii: "\"") else {
                throw unexpected(at: i, "where a member name (a string) was expected")
            }
            let key = try keys(&self, index)
            index += 1
            skipWhitespace()
            guard i < end else { throw endInside("an object", at: i) }
            guard base[i] == UInt8(ascii: ":") else {
                throw unexpected(at: i, "where ':' was expected after the member name")
            }
            i += 1
            skipWhitespace()
            guard i < end else { throw endInside("an object", at: i) }
            try body(&self, key)
            skipWhitespace()
            guard i < end else { throw endInside("an object", at: i) }
            let c = base[i]
            i += 1
            if c == UInt8(ascii: ",") {
                skipWhitespace()
                guard i < end else { throw endInside("an object", at: i) }
                if base[i] == UInt8(ascii: "}") {
                    throw fail(.unexpectedCharacter, at: i, "trailing comma before '}' (JSON does not allow one)")
                }
                continue
            }
            if c == UInt8(ascii: "}") { break }
            throw unexpected(at: i - 1, "where ',' or '}' was expected in an object")
        }
        depth -= 1
    }

    /// Parses an array; `base[i]` is `[`.
    mutating func array() throws(Stop) -> [JSONValue] {
        try enter()
        i += 1
        skipWhitespace()
        guard i < end else { throw endInside("an array", at: i) }
        if base[i] == UInt8(ascii: "]") {
            i += 1
            depth -= 1
            return []
        }
        var elements: [JSONValue] = []
        elements.reserveCapacity(4)
        while true {
            elements.append(try value())
            skipWhitespace()
            guard i < end else { throw endInside("an array", at: i) }
            let c = base[i]
            i += 1
            if c == UInt8(ascii: ",") {
                skipWhitespace()
                guard i < end else { throw endInside("an array", at: i) }
                if base[i] == UInt8(ascii: "]") {
                    throw fail(.unexpectedCharacter, at: i, "trailing comma before ']' (JSON does not allow one)")
                }
                continue
            }
            if c == UInt8(ascii: "]") { break }
            throw unexpected(at: i - 1, "where ',' or ']' was expected in an array")
        }
        depth -= 1
        return elements
    }

    /// Counts one more level of nesting; `base[i]` is `{` or `[`.
    @inline(__always)
    mutating func enter() throws(Stop) {
        depth += 1
        if depth > maxDepth {
            throw tooDeep()
        }
    }

    /// Reads the literal `word` (true, false, null) starting at `i`.
    @inline(__always)
    mutating func literal(_ word: StaticString) throws(Stop) {
        let n = word.utf8CodeUnitCount
        let w = word.utf8Start
        if i + n <= end {
            var k = 0
            while k < n, base[i + k] == w[k] { k += 1 }
            if k == n { i += n; return }
        }
        try literalError(word)
    }

    @inline(never)
    mutating func literalError(_ word: StaticString) throws(Stop) {
        let w = word.utf8Start
        var k = 0
        while k < word.utf8CodeUnitCount {
            guard i + k < end else { throw fail(endKind, at: i + k, "\(endName) inside the literal \(word)") }
            if base[i + k] != w[k] {
                throw fail(.unexpectedCharacter, at: i + k, "unexpected \(describe(i + k)) in the literal \(word)")
            }
            k += 1
        }
        throw fail(.unexpectedCharacter, at: i, "invalid literal")  // not reached
    }

    /// Skips JSON whitespace: space, tab, line feed, carriage return.
    @inline(__always)
    mutating func skipWhitespace() {
        while i < end {
            let c = base[i]
            if c > 0x20 { return }
            guard c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 else { return }
            i += 1
        }
    }

    // MARK: Errors

    var endKind: JSONParseError.Kind { endsAtLineBreak ? .unexpectedEndOfLine : .unexpectedEndOfInput }
    var endName: String { endsAtLineBreak ? "unexpected end of line" : "unexpected end of input" }

    // Error builders stay out of line so that message formatting does not
    // weigh on the hot code or on the frames of the recursive functions.

    @inline(never)
    mutating func endInside(_ what: StaticString, at offset: Int) -> Stop {
        fail(endKind, at: offset, "\(endName) inside \(what)")
    }

    @inline(never)
    mutating func unexpected(at offset: Int, _ context: StaticString,
                             kind: JSONParseError.Kind = .unexpectedCharacter) -> Stop {
        fail(kind, at: offset, "unexpected \(describe(offset)) \(context)")
    }

    @inline(never)
    mutating func tooDeep() -> Stop {
        fail(.tooDeep, at: i, "arrays and objects nested more than \(maxDepth) levels deep")
    }

    /// Records the error at byte `offset` (located by line and column) in `failure`.
    @inline(never)
    mutating func fail(_ kind: JSONParseError.Kind, at offset: Int, _ message: String) -> Stop {
        failure = locate(kind, at: offset, message)
        return Stop()
    }

    /// An error at byte `offset`, located by line and column.
    func locate(_ kind: JSONParseError.Kind, at offset: Int, _ message: String) -> JSONParseError {
        var line = lineNumber
        var column = 1
        var k = lineStart
        let stop = min(offset, bytes.count)
        while k < stop {
            let b = base[k]
            if b == 0x0A {
                line += 1
                column = 1
            } else if b & 0xC0 != 0x80 {
                column += 1  // count scalars, not UTF-8 continuation bytes
            }
            k += 1
        }
        return JSONParseError(kind: kind, message: message, offset: offset, line: line, column: column)
    }

    /// A readable name for the byte or character at `offset`.
    func describe(_ offset: Int) -> String {
        if offset >= end { return endsAtLineBreak ? "end of line" : "end of input" }
        return JSONParseError.describe(offset, in: UnsafeRawBufferPointer(rebasing: bytes[..<end]))
    }
}
