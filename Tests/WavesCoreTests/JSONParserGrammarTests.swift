import XCTest
@testable import WavesCore

/// Hand-written cases for every rule of RFC 8259, including the classics of
/// Nicolas Seriot's JSONTestSuite (y_/n_ files), with the errors' kinds and positions.
final class JSONParserGrammarTests: XCTestCase {
    private func parse(_ bytes: [UInt8]) throws(JSONParseError) -> JSONValue {
        let r = bytes.withUnsafeBytes { buf in Result { () throws(JSONParseError) in try JSONParser.parse(buf) } }
        return try r.get()
    }

    private func accepts(_ text: String, _ expected: JSONValue, file: StaticString = #filePath, line: UInt = #line) {
        do {
            let v = try JSONParser.parse(text)
            XCTAssertTrue(JSONTestValues.identical(v, expected), "\(text.debugDescription): got \(v)", file: file, line: line)
        } catch {
            XCTFail("\(text.debugDescription) rejected: \(error)", file: file, line: line)
        }
    }

    @discardableResult
    private func rejects(_ bytes: [UInt8], _ kind: JSONParseError.Kind, column: Int? = nil, message: String? = nil,
                         file: StaticString = #filePath, line: UInt = #line) -> JSONParseError? {
        do {
            let v = try parse(bytes)
            XCTFail("\(String(decoding: bytes, as: UTF8.self).debugDescription) accepted as \(v)", file: file, line: line)
            return nil
        } catch {
            let shown = String(decoding: bytes, as: UTF8.self).debugDescription
            XCTAssertEqual(error.kind, kind, "\(shown): \(error)", file: file, line: line)
            if let column { XCTAssertEqual(error.column, column, "\(shown): \(error)", file: file, line: line) }
            if let message { XCTAssertTrue(error.message.contains(message), "\(shown): \(error)", file: file, line: line) }
            return error
        }
    }

    @discardableResult
    private func rejects(_ text: String, _ kind: JSONParseError.Kind, column: Int? = nil, message: String? = nil,
                         file: StaticString = #filePath, line: UInt = #line) -> JSONParseError? {
        rejects(Array(text.utf8), kind, column: column, message: message, file: file, line: line)
    }

    func testValidStructures() {
        accepts("[]", .array([]))
        accepts("{}", .object(JSONObject()))
        accepts(" \t\r\n[ \t\r\n] \t\r\n", .array([]))
        accepts("[[[]]]", .array([.array([.array([])])]))
        accepts("[1,true,false,null,\"x\"]", .array([.number(1), .bool(true), .bool(false), .null, .string("x")]))
        accepts("{\"a\" : 1 , \"b\":[ ] }", .object(JSONObject([("a", .number(1)), ("b", .array([]))])))
        accepts("{\"\":0}", .object(JSONObject([("", .number(0))])))
        // Duplicate keys are kept in file order; lookups see the last.
        let dup = try? JSONParser.parse("{\"a\":1,\"b\":2,\"a\":3}")
        XCTAssertEqual(dup?.objectValue?.keys, ["a", "b", "a"])
        XCTAssertEqual(dup?.objectValue?["a"], .number(3))
        // Scalars at the top level (RFC 8259 allows any value).
        accepts("true", .bool(true))
        accepts("false", .bool(false))
        accepts(" null ", .null)
        accepts("\"\"", .string(""))
        accepts("0", .number(0))
    }

    func testValidStrings() {
        accepts(#""\"\\\/\b\f\n\r\t""#, .string("\"\\/\u{08}\u{0C}\n\r\t"))
        accepts(#""\u0000""#, .string("\u{0}"))
        accepts(#""\u00e9\u00C9""#, .string("éÉ"))
        accepts(#""\uD834\uDD1E""#, .string("𝄞"))
        accepts(#""\ud83d\ude00""#, .string("😀"))
        accepts(#""\uDBFF\uDFFF""#, .string("\u{10FFFF}"))
        accepts(#""\uFFFF\u2028\u2029""#, .string("\u{FFFF}\u{2028}\u{2029}"))
        accepts("\"é€𝄞\u{7F}\u{10FFFF}\"", .string("é€𝄞\u{7F}\u{10FFFF}"))
        accepts(#""a\nb\u0041c""#, .string("a\nbAc"))
        // Escapes and raw non-ASCII in the same string, escape at the very start and end.
        accepts(#""\n€\t""#, .string("\n€\t"))
        // NFC and NFD spellings stay distinct (compared byte for byte).
        accepts("\"e\u{301}\"", .string("e\u{301}"))
    }

    func testValidNumbers() {
        accepts("-0", .number(-0.0))
        accepts("0.0", .number(0))
        accepts("-0.0e5", .number(-0.0))
        accepts("1E22", .number(1e22))
        accepts("1e-7", .number(1e-7))
        accepts("1.5e+3", .number(1500))
        accepts("-1.0E-2", .number(-0.01))
        accepts("1e00001", .number(10))
        accepts("0.1", .number(0.1))
        accepts("123.456", .number(123.456))
        accepts("[4]", .array([.number(4)]))
        accepts("18446744073709551615", .number(18446744073709551615.0))
        accepts("123456789012345678901234567890", .number(1.2345678901234568e29))
        accepts("1e-400", .number(0))
        accepts("0.000000000000000000000000000001", .number(1e-30))
    }

    func testCorrectlyRoundedHardCases() {
        // Each text must give exactly what glibc's strtod (correctly rounded) gives.
        let texts = [
            "2.2250738585072011e-308", "2.2250738585072012e-308", "9007199254740993", "9007199254740993.0",
            "9007199254740995", "1e23", "8.98846567431158e307", "4.9406564584124654e-324",
            "2.4703282292062327e-324", "2.4703282292062328e-324", "1.7976931348623157e308",
            "1.7976931348623158e308", "0.3", "0.1e1", "100000000000000000000000", "1e22", "1e-22",
            "4.35679845e-10", "7.038531e-26", "1448997445238699", "0.500000000000000166533453693773481063544750213623046875",
            "3.0000000000000004", "89255.0e-22", "9214843084008499", "30078505129381147446200",
            "1777820000000000000001", "0.9999999999999999999999", "123456789012345678e-300",
        ]
        for t in texts {
            let expected = strtod(t, nil)
            guard case .number(let d)? = try? JSONParser.parse(t) else { XCTFail("\(t) rejected"); continue }
            XCTAssertEqual(d.bitPattern, expected.bitPattern, "\(t): \(d) vs strtod \(expected)")
        }
    }

    func testRandomNumberTextsMatchStrtod() {
        var rng = SplitMix64(seed: 7)
        for _ in 0..<3000 {
            let t = JSONTestValues.randomNumberText(&rng)
            let expected = strtod(t, nil)
            do {
                guard case .number(let d) = try JSONParser.parse(t) else { XCTFail(t); continue }
                XCTAssertEqual(d.bitPattern, expected.bitPattern, "\(t): \(d) vs strtod \(expected)")
            } catch {
                XCTAssertTrue(error.kind == .numberOutOfRange && expected.isInfinite, "\(t): \(error)")
            }
        }
    }

    func testInvalidStructures() {
        rejects("[1,]", .unexpectedCharacter, column: 4, message: "trailing comma")
        rejects("{\"a\":1,}", .unexpectedCharacter, column: 8, message: "trailing comma")
        rejects("[,1]", .unexpectedCharacter, column: 2)
        rejects("[1,,2]", .unexpectedCharacter, column: 4)
        rejects("{,}", .unexpectedCharacter, column: 2)
        rejects("{\"a\"}", .unexpectedCharacter, column: 5, message: "':'")
        rejects("{\"a\":}", .unexpectedCharacter, column: 6)
        rejects("{:1}", .unexpectedCharacter, column: 2, message: "member name")
        rejects("{1:1}", .unexpectedCharacter, column: 2)
        rejects("{'a':1}", .unexpectedCharacter, column: 2, message: "\"'\"")
        rejects("['a']", .unexpectedCharacter, column: 2)
        rejects("[1 true]", .unexpectedCharacter, column: 4, message: "',' or ']'")
        rejects("{\"a\":1 \"b\":2}", .unexpectedCharacter, column: 8, message: "',' or '}'")
        rejects("[1}", .unexpectedCharacter, column: 3)
        rejects("{\"a\":1]", .unexpectedCharacter, column: 7)
        rejects("]", .unexpectedCharacter, column: 1)
        rejects("}", .unexpectedCharacter, column: 1)
        rejects("[", .unexpectedEndOfInput, column: 2, message: "inside an array")
        rejects("[1", .unexpectedEndOfInput, column: 3)
        rejects("[1,", .unexpectedEndOfInput, column: 4)
        rejects("{", .unexpectedEndOfInput, column: 2, message: "inside an object")
        rejects("{\"a\"", .unexpectedEndOfInput)
        rejects("{\"a\":", .unexpectedEndOfInput)
        rejects("{\"a\":1", .unexpectedEndOfInput)
        rejects("", .unexpectedEndOfInput, column: 1, message: "empty input")
        rejects(" \n\t ", .unexpectedEndOfInput)
        rejects("[1] [2]", .trailingCharacters, column: 5)
        rejects("[1]x", .trailingCharacters, column: 4)
        rejects("1 2", .trailingCharacters, column: 3)
        rejects("// comment\n1", .unexpectedCharacter, column: 1)
        rejects("/* c */ 1", .unexpectedCharacter)
        rejects("[1]//", .trailingCharacters)
        rejects([0xEF, 0xBB, 0xBF] + Array("[1]".utf8), .unexpectedCharacter, column: 1, message: "U+FEFF")
        rejects([0x5B, 0xC2, 0xA0, 0x31, 0x5D], .unexpectedCharacter, column: 2)  // no-break space is not whitespace
        rejects("[\u{0C}1]", .unexpectedCharacter, column: 2)  // form feed is not whitespace
        rejects("[\u{0B}1]", .unexpectedCharacter, column: 2)
        rejects("\u{0}", .unexpectedCharacter, column: 1, message: "0x00")
        rejects("[tru]", .unexpectedCharacter, column: 5, message: "literal true")
        rejects("[True]", .unexpectedCharacter, column: 2)
        rejects("nul", .unexpectedEndOfInput, column: 4)
        rejects("nulll", .trailingCharacters, column: 5)
        rejects("[NaN]", .unexpectedCharacter, column: 2)
        rejects("[Infinity]", .unexpectedCharacter, column: 2)
        rejects("[-Infinity]", .invalidNumber, column: 3)
        rejects("undefined", .unexpectedCharacter)
    }

    func testInvalidNumbers() {
        rejects("01", .invalidNumber, column: 1, message: "leading zeros")
        rejects("[01]", .invalidNumber, column: 2)
        rejects("[-01]", .invalidNumber, column: 2)
        rejects("00", .invalidNumber)
        rejects("1.", .unexpectedEndOfInput, column: 3)
        rejects("[1.]", .invalidNumber, column: 4, message: "decimal point")
        rejects(".1", .unexpectedCharacter, column: 1)
        rejects("[.1]", .unexpectedCharacter, column: 2)
        rejects("[1.e1]", .invalidNumber, column: 4)
        rejects("-", .unexpectedEndOfInput, column: 2)
        rejects("[-]", .invalidNumber, column: 3)
        rejects("[- 1]", .invalidNumber, column: 3)
        rejects("[+1]", .unexpectedCharacter, column: 2)
        rejects("[1e]", .invalidNumber, column: 4, message: "exponent")
        rejects("[1e+]", .invalidNumber, column: 5)
        rejects("[1E-]", .invalidNumber, column: 5)
        rejects("1e", .unexpectedEndOfInput)
        rejects("[0x1]", .unexpectedCharacter, column: 3)
        rejects("[1.5.3]", .unexpectedCharacter, column: 5)
        rejects("[1e1.5]", .unexpectedCharacter, column: 5)
        rejects("[1ee1]", .invalidNumber, column: 4)
        rejects("1e400", .numberOutOfRange, column: 1, message: "1e400")
        rejects("[-1.8e308]", .numberOutOfRange, column: 2)
        rejects("1.7976931348623159e308", .numberOutOfRange)
    }

    func testInvalidStrings() {
        rejects(#"["\u00"]"#, .invalidEscape, column: 3, message: "four hexadecimal digits")
        rejects(#""\u00G0""#, .invalidEscape, column: 2)
        rejects(#""\u00"#, .unexpectedEndOfInput)
        rejects(#""\x00""#, .invalidEscape, column: 2, message: "invalid escape \\x")
        rejects(#""\a""#, .invalidEscape, message: "\\a")
        rejects(#""\'""#, .invalidEscape)
        rejects(#""\U0041""#, .invalidEscape)
        rejects(#"["\ud800"]"#, .loneSurrogate, column: 3, message: "\\uD800")
        rejects(#""\udc00""#, .loneSurrogate, column: 2, message: "low surrogate")
        rejects(#""\uDFFF\uD800""#, .loneSurrogate, column: 2)
        rejects(#""\ud800\ud800""#, .loneSurrogate, column: 2, message: "not by a low surrogate")
        rejects(#""\ud800\u0041""#, .loneSurrogate)
        rejects(#""\ud800x""#, .loneSurrogate)
        rejects(#""\ud800\n""#, .loneSurrogate)
        rejects(#""\ud800"#, .unexpectedEndOfInput)
        rejects(#""\ud800\"#, .unexpectedEndOfInput)
        rejects("\"a\tb\"", .controlCharacter, column: 3, message: "\\t")
        rejects("\"a\u{1F}b\"", .controlCharacter, column: 3, message: "U+001F")
        rejects([0x22, 0x00, 0x22], .controlCharacter, column: 2, message: "U+0000")
        rejects("\"a\nb\"", .unexpectedEndOfLine, column: 3, message: "end of line inside a string")
        rejects("\"a\rb\"", .unexpectedEndOfLine)
        rejects("\"\\\n\"", .unexpectedEndOfLine)
        rejects("\"abc", .unexpectedEndOfInput, column: 5, message: "inside a string")
        rejects("\"", .unexpectedEndOfInput)
        rejects("[\"\\", .unexpectedEndOfInput)
        rejects("\"\\", .unexpectedEndOfInput)
    }

    func testInvalidUTF8() {
        let q: UInt8 = 0x22
        rejects([q, 0x80, q], .invalidUTF8, column: 2, message: "0x80")   // lone continuation byte
        rejects([q, 0xC0, 0xAF, q], .invalidUTF8)                       // overlong '/'
        rejects([q, 0xC1, 0xBF, q], .invalidUTF8)
        rejects([q, 0xE0, 0x80, 0x80, q], .invalidUTF8)                 // overlong 3-byte
        rejects([q, 0xF0, 0x80, 0x80, 0x80, q], .invalidUTF8)           // overlong 4-byte
        rejects([q, 0xED, 0xA0, 0x80, q], .invalidUTF8)                 // encoded surrogate U+D800
        rejects([q, 0xED, 0xBF, 0xBF, q], .invalidUTF8)                 // U+DFFF
        rejects([q, 0xF4, 0x90, 0x80, 0x80, q], .invalidUTF8)           // above U+10FFFF
        rejects([q, 0xF5, 0x80, 0x80, 0x80, q], .invalidUTF8)
        rejects([q, 0xFF, q], .invalidUTF8)
        rejects([q, 0xFE, q], .invalidUTF8)
        rejects([q, 0xE2, 0x82, q], .invalidUTF8)                       // truncated euro sign
        rejects([q, 0xC3, 0x41, q], .invalidUTF8)
        rejects([q, 0x41, 0xE2, 0x82], .unexpectedEndOfInput)           // input ends inside the character
        // Limits that are valid: U+0080, U+07FF, U+0800, U+D7FF, U+E000, U+FFFF, U+10000, U+10FFFF.
        let valid: [[UInt8]] = [[0xC2, 0x80], [0xDF, 0xBF], [0xE0, 0xA0, 0x80], [0xED, 0x9F, 0xBF], [0xEE, 0x80, 0x80],
                                [0xEF, 0xBF, 0xBF], [0xF0, 0x90, 0x80, 0x80], [0xF4, 0x8F, 0xBF, 0xBF]]
        for v in valid {
            XCTAssertEqual((try? parse([q] + v + [q]))?.stringValue.map { Array($0.utf8) }, v)
        }
        rejects([0x5B, 0xC3, 0xA9, 0x5D], .unexpectedCharacter, column: 2, message: "'é'")  // é outside a string
    }

    func testWordScanFindsTheFirstSpecialByte() {
        // Every byte at every position of an eight-byte word, after an ordinary prefix
        // and before arbitrary later bytes (which may borrow into higher lanes).
        func isSpecial(_ b: UInt8) -> Bool { b == 0x22 || b == 0x5C || b < 0x20 || b >= 0x80 }
        for b in 0...255 {
            for p in 0..<8 {
                for tail: UInt8 in [0x61, 0x00, 0x22, 0xFF] {
                    var bytes = [UInt8](repeating: 0x61, count: 8)
                    bytes[p] = UInt8(b)
                    for k in (p + 1)..<8 { bytes[k] = tail }
                    let word = bytes.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
                    let flags = JSONReader.specialBytes(word)
                    let expected = isSpecial(UInt8(b)) ? p : (p < 7 && isSpecial(tail) ? p + 1 : 8)
                    XCTAssertEqual(flags == 0 ? 8 : flags.trailingZeroBitCount >> 3, expected, "byte \(b) at \(p), tail \(tail)")
                }
            }
        }
    }

    func testNestingLimit() {
        let ok = String(repeating: "[", count: JSONParser.maxDepth) + String(repeating: "]", count: JSONParser.maxDepth)
        XCTAssertNoThrow(try JSONParser.parse(ok))
        let deep = String(repeating: "[", count: JSONParser.maxDepth + 1) + String(repeating: "]", count: JSONParser.maxDepth + 1)
        rejects(deep, .tooDeep, column: JSONParser.maxDepth + 1)
        rejects(String(repeating: "{\"a\":", count: 600) + "1" + String(repeating: "}", count: 600), .tooDeep)
        rejects(String(repeating: "[", count: 100_000), .tooDeep)
    }

    func testDeepNestingFitsInASmallThreadStack() {
        // 512 levels need about 100 KB of stack in release builds and 400 KB in debug
        // builds; a 1 MB secondary thread must do (a crash here means frames grew).
        let deep = String(repeating: "[{\"a\":", count: JSONParser.maxDepth / 2) + "1"
            + String(repeating: "}]", count: JSONParser.maxDepth / 2)
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var ok = false
        let thread = Thread {
            ok = (try? JSONParser.parse(deep)) != nil
            done.signal()
        }
        thread.stackSize = 1 << 20
        thread.start()
        done.wait()
        XCTAssertTrue(ok)
    }

    func testErrorDescriptionsAndPositions() {
        let e1 = rejects("{\"a\":\"abc\ndef\"}", .unexpectedEndOfLine)
        XCTAssertEqual(e1?.errorDescription, "unexpected end of line inside a string at column 10")
        XCTAssertEqual(e1?.offset, 9)
        let e2 = rejects(#"{"text":"ab\xcd"}"#, .invalidEscape)
        XCTAssertEqual(e2?.errorDescription, "invalid escape \\x at column 12")
        // Columns count characters, lines count from 1.
        let e3 = rejects("[\"é€𝄞\", x]", .unexpectedCharacter)
        XCTAssertEqual(e3?.column, 9)
        XCTAssertEqual(e3?.offset, 14)
        let e4 = rejects("[\n  1,\n  02\n]", .invalidNumber)
        XCTAssertEqual(e4?.line, 3)
        XCTAssertEqual(e4?.column, 3)
        XCTAssertEqual(e4?.errorDescription, "leading zeros are not allowed in numbers at line 3, column 3")
        XCTAssertEqual(e4?.localizedDescription, e4?.errorDescription)
    }

    func testParseLines() {
        let text = "{\"a\":1}\n{\"b\":\"cut\n\n[true] \r\n{\"c\":"
        var seen: [(Int, Result<JSONValue, JSONParseError>)] = []
        Array(text.utf8).withUnsafeBytes { buf in JSONParser.parseLines(buf) { seen.append(($0, $1)) } }
        XCTAssertEqual(seen.map(\.0), [1, 2, 3, 4, 5])
        XCTAssertEqual(try? seen[0].1.get(), .object(JSONObject([("a", .number(1))])))
        guard case .failure(let e2) = seen[1].1, case .failure(let e3) = seen[2].1, case .failure(let e5) = seen[4].1 else {
            return XCTFail("lines 2, 3 and 5 must fail: \(seen)")
        }
        XCTAssertEqual(e2.kind, .unexpectedEndOfLine)
        XCTAssertEqual(e2.errorDescription, "unexpected end of line inside a string at line 2, column 10")
        XCTAssertEqual(e2.offset, 17)
        XCTAssertEqual(e3.kind, .unexpectedEndOfLine)
        XCTAssertEqual(try? seen[3].1.get(), .array([.bool(true)]))
        XCTAssertEqual(e5.kind, .unexpectedEndOfInput)  // torn last line, no newline
        XCTAssertEqual(e5.line, 5)
        XCTAssertEqual(e5.column, 6)
        // A final newline does not make an extra line; empty input has no lines.
        var count = 0
        Array("1\n2\n".utf8).withUnsafeBytes { buf in JSONParser.parseLines(buf) { _, r in if case .success = r { count += 1 } } }
        XCTAssertEqual(count, 2)
        [UInt8]().withUnsafeBytes { buf in JSONParser.parseLines(buf) { _, _ in XCTFail("no lines expected") } }
    }

    func testSampleRecordsParse() throws {
        let text = JSONParserBenchmark.sampleResponseLines(count: 50)
        var n = 0
        try text.withUnsafeBytes { buf in
            try JSONParser.parseLines(buf) { _, result in
                let v = try result.get()
                let record = try ResponseRecord(json: v)
                XCTAssertEqual(record.answers.count, 40)
                XCTAssertEqual(record.answers.filter { $0.value == .missing }.map(\.id), record.declined)
                n += 1
            }
        }
        XCTAssertEqual(n, 50)
    }
}
