import Foundation
/// Strings: RFC 8259 section 7 and RFC 3629 (UTF-8).
extension JSONReader {
    /// Parses a string; `base[i]` is the opening quote.
    ///
    /// Fast path: plain ASCII without escapes becomes a String straight from
    /// the input bytes. Anything else goes through `stringSlow`.
    @inline(__always)
    mutating func string() throws(Stop) -> String {
        i += 1
        let start = i
        if let span = try plainRun(from: start) { return makeString(from: span.lowerBound, to: span.upperBound) }
        return try stringSlow(contentStart: start)
    }

    /// Reads a string without making a String (`base[i]` is the opening quote), with the same
    /// checks as `string()`. Returns the span of its content when the content is the raw
    /// input bytes (plain ASCII, no escapes), else nil.
    @inline(__always)
    mutating func rawString() throws(Stop) -> Range<Int>? {
        i += 1
        let start = i
        if let span = try plainRun(from: start) { return span }
        _ = try stringSlow(contentStart: start)
        return nil
    }

    /// Moves over plain ASCII string content from `start` (`i == start`): at the closing quote,
    /// returns the content's span with `i` after the quote; at a byte that needs attention (a
    /// backslash, a control character, a non-ASCII byte), returns nil with `i` on it.
    @inline(__always)
    mutating func plainRun(from start: Int) throws(Stop) -> Range<Int>? {
        // Eight bytes at a time while none of them needs attention.
        while i + 8 <= end {
            let word = UInt64(littleEndian: UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self))
            let special = Self.specialBytes(word)
            if special != 0 {
                i += special.trailingZeroBitCount >> 3
                break
            }
            i += 8
        }
        while i < end {
            let c = base[i]
            if c == UInt8(ascii: "\"") {
                i += 1
                return start..<(i - 1)
            }
            if c == UInt8(ascii: "\\") || c < 0x20 || c >= 0x80 { return nil }
            i += 1
        }
        throw endInside("a string", at: i)
    }

    /// Whether the bytes of `span` equal `word`.
    @inline(__always)
    func bytes(_ span: Range<Int>, equal word: StaticString) -> Bool {
        span.count == word.utf8CodeUnitCount && memcmp(base + span.lowerBound, word.utf8Start, span.count) == 0
    }

    /// Flags (high bit of each byte) the bytes of `w` that are `"`, `\\`, below 0x20 or above 0x7F.
    ///
    /// SWAR "has zero byte" tests (Mycroft); a flag can be spurious only above
    /// a genuine one, so the lowest flag is always exact.
    @inline(__always)
    static func specialBytes(_ w: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let quote = w ^ (ones &* 0x22)
        let backslash = w ^ (ones &* 0x5C)
        let isQuote = (quote &- ones) & ~quote            // byte == 0x22
        let isBackslash = (backslash &- ones) & ~backslash  // byte == 0x5C
        let isControl = (w &- ones &* 0x20) & ~w          // byte < 0x20
        return (isQuote | isBackslash | isControl | w) & highs  // `w & highs`: byte >= 0x80
    }

    /// A String from input bytes already known to be well-formed UTF-8.
    @inline(__always)
    func makeString(from start: Int, to stop: Int) -> String {
        String(decoding: UnsafeBufferPointer(start: base + start, count: stop - start), as: UTF8.self)
    }

    /// Parses the rest of a string that has escapes, non-ASCII text or a control character.
    ///
    /// `i` points at the first such byte; `contentStart` is the first byte after the quote.
    @inline(never)
    mutating func stringSlow(contentStart: Int) throws(Stop) -> String {
        var escaped = false
        var run = contentStart  // first byte not yet copied to `scratch`
        scratch.removeAll(keepingCapacity: true)
        while i < end {
            let c = base[i]
            if c == UInt8(ascii: "\"") {
                let s: String
                if escaped {
                    appendRun(from: run, to: i)
                    s = String(decoding: scratch, as: UTF8.self)
                } else {
                    s = makeString(from: contentStart, to: i)
                }
                i += 1
                return s
            } else if c == UInt8(ascii: "\\") {
                appendRun(from: run, to: i)
                escaped = true
                try escape()
                run = i
            } else if c < 0x20 {
                throw controlCharacterError(c)
            } else if c < 0x80 {
                i += 1
            } else {
                try skipUTF8Sequence(lead: c)
            }
        }
        throw endInside("a string", at: i)
    }

    @inline(__always)
    mutating func appendRun(from start: Int, to stop: Int) {
        if stop > start {
            scratch.append(contentsOf: UnsafeBufferPointer(start: base + start, count: stop - start))
        }
    }

    @inline(never)
    mutating func controlCharacterError(_ c: UInt8) -> Stop {
        switch c {
        case 0x0A, 0x0D:
            return fail(.unexpectedEndOfLine, at: i, "unexpected end of line inside a string")
        case 0x09:
            return fail(.controlCharacter, at: i, "tab character inside a string (write it as \\t)")
        default:
            return fail(.controlCharacter, at: i,
                        "control character U+\(JSONParseError.hex(UInt32(c), digits: 4)) inside a string (write it as \\u\(JSONParseError.hex(UInt32(c), digits: 4)))")
        }
    }

    /// Decodes the escape at `i` (a backslash) into `scratch` and moves past it.
    mutating func escape() throws(Stop) {
        let backslash = i
        guard i + 1 < end else { throw fail(endKind, at: i + 1, "\(endName) inside a string") }
        let e = base[i + 1]
        i += 2
        switch e {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scratch.append(e)
        case UInt8(ascii: "b"): scratch.append(0x08)
        case UInt8(ascii: "f"): scratch.append(0x0C)
        case UInt8(ascii: "n"): scratch.append(0x0A)
        case UInt8(ascii: "r"): scratch.append(0x0D)
        case UInt8(ascii: "t"): scratch.append(0x09)
        case UInt8(ascii: "u"):
            let unit = try hex4(escapeAt: backslash)
            var scalar = unit
            if unit >= 0xD800 && unit <= 0xDBFF {
                // A high surrogate must be followed at once by `\u` and a low surrogate.
                let next = i
                guard next + 1 < end, base[next] == UInt8(ascii: "\\"), base[next + 1] == UInt8(ascii: "u") else {
                    if next >= end || (next + 1 >= end && base[next] == UInt8(ascii: "\\")) {
                        throw fail(endKind, at: min(next + 1, end), "\(endName) inside a string")
                    }
                    throw fail(.loneSurrogate, at: backslash,
                               "lone surrogate \\u\(JSONParseError.hex(unit, digits: 4)) (a high surrogate must be followed by a \\u escape of a low surrogate)")
                }
                let low = try hex4(escapeAt: next)
                guard low >= 0xDC00 && low <= 0xDFFF else {
                    throw fail(.loneSurrogate, at: backslash,
                               "lone surrogate \\u\(JSONParseError.hex(unit, digits: 4)) (followed by \\u\(JSONParseError.hex(low, digits: 4)), not by a low surrogate)")
                }
                scalar = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
            } else if unit >= 0xDC00 && unit <= 0xDFFF {
                throw fail(.loneSurrogate, at: backslash,
                           "lone surrogate \\u\(JSONParseError.hex(unit, digits: 4)) (a low surrogate without a high surrogate before it)")
            }
            appendUTF8(scalar)
        default:
            if e >= 0x21 && e <= 0x7E {
                throw fail(.invalidEscape, at: backslash, "invalid escape \\\(Character(Unicode.Scalar(e)))")
            }
            if e == 0x0A || e == 0x0D {
                throw fail(.unexpectedEndOfLine, at: backslash + 1, "unexpected end of line inside a string")
            }
            throw fail(.invalidEscape, at: backslash, "invalid escape: backslash followed by \(describe(backslash + 1))")
        }
    }

    /// Reads the four hex digits of the `\u` escape whose backslash is at `backslash`; moves past them.
    @inline(__always)
    mutating func hex4(escapeAt backslash: Int) throws(Stop) -> UInt32 {
        var v: UInt32 = 0
        var k = backslash + 2
        while k < backslash + 6 {
            guard k < end else { throw fail(endKind, at: k, "\(endName) inside a string") }
            let c = base[k]
            let d: UInt32
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(c &- 0x30)
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(c &- 0x57)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(c &- 0x37)
            default:
                var shown = ""
                for j in backslash..<k { shown.unicodeScalars.append(Unicode.Scalar(base[j])) }
                throw fail(.invalidEscape, at: backslash,
                           "invalid escape \(shown) followed by \(describe(k)): \\u needs four hexadecimal digits")
            }
            v = v << 4 | d
            k += 1
        }
        i = k
        return v
    }

    /// Appends the UTF-8 bytes of a scalar (never a surrogate) to `scratch`.
    @inline(__always)
    mutating func appendUTF8(_ s: UInt32) {
        if s < 0x80 {
            scratch.append(UInt8(s))
        } else if s < 0x800 {
            scratch.append(UInt8(0xC0 | s >> 6))
            scratch.append(UInt8(0x80 | s & 0x3F))
        } else if s < 0x10000 {
            scratch.append(UInt8(0xE0 | s >> 12))
            scratch.append(UInt8(0x80 | (s >> 6) & 0x3F))
            scratch.append(UInt8(0x80 | s & 0x3F))
        } else {
            scratch.append(UInt8(0xF0 | s >> 18))
            scratch.append(UInt8(0x80 | (s >> 12) & 0x3F))
            scratch.append(UInt8(0x80 | (s >> 6) & 0x3F))
            scratch.append(UInt8(0x80 | s & 0x3F))
        }
    }

    /// Checks one multi-byte UTF-8 sequence at `i` (lead byte `lead` >= 0x80) and moves past it.
    ///
    /// Well-formed sequences per Unicode Table 3-7: no overlong forms, no
    /// surrogates (U+D800..DFFF), nothing above U+10FFFF.
    @inline(__always)
    mutating func skipUTF8Sequence(lead: UInt8) throws(Stop) {
        let n: Int
        var low: UInt8 = 0x80
        var high: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: n = 2
        case 0xE0: n = 3; low = 0xA0
        case 0xE1...0xEC, 0xEE, 0xEF: n = 3
        case 0xED: n = 3; high = 0x9F
        case 0xF0: n = 4; low = 0x90
        case 0xF1...0xF3: n = 4
        case 0xF4: n = 4; high = 0x8F
        default: throw invalidUTF8()
        }
        var k = 1
        while k < n {
            guard i + k < end else { throw fail(endKind, at: end, "\(endName) inside a string") }
            let b = base[i + k]
            let ok = k == 1 ? (b >= low && b <= high) : (b & 0xC0 == 0x80)
            guard ok else { throw invalidUTF8() }
            k += 1
        }
        i += n
    }

    @inline(never)
    mutating func invalidUTF8() -> Stop {
        fail(.invalidUTF8, at: i, "invalid UTF-8 sequence starting with byte 0x\(JSONParseError.hex(UInt32(base[i]), digits: 2))")
    }
}
