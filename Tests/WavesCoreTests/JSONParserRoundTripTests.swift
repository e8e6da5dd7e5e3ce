import Foundation
import XCTest
@testable import WavesCore

/// Random values (seeded) written three ways and read back by `JSONParser` and by
/// Foundation's `JSONSerialization`:
/// 1. `JSONWriter` (the store's encoder),
/// 2. `JSONSerialization` (an independent encoder),
/// 3. a test writer that escapes characters at random (`\uXXXX`, surrogate pairs,
///    `\/`), spells numbers in random equivalent ways (`1.5`, `15e-1`, `0.0015E+3`)
///    and scatters whitespace.
/// Our result must equal the original value exactly (order, UTF-8 bytes, Double bits);
/// Foundation's result must equal ours structurally (objects unordered, numbers as Double).
final class JSONParserRoundTripTests: XCTestCase {
    func testGeneratedValuesRoundTrip() throws {
        var rng = SplitMix64(seed: 20260301)
        var checked = 0
        for _ in 0..<1500 {
            let value = JSONTestValues.randomValue(&rng, depth: 4)
            let texts: [(String, [UInt8])] = [
                ("JSONWriter", Array(JSONWriter.string(value).utf8)),
                ("JSONSerialization", try JSONTestValues.foundationText(value)),
                ("escaping writer", Array(JSONTestValues.escapedText(value, &rng).utf8)),
            ]
            for (writer, text) in texts {
                let shown = String(decoding: text.prefix(300), as: UTF8.self)
                let ours: JSONValue
                do {
                    ours = try text.withUnsafeBytes { buf throws(JSONParseError) in try JSONParser.parse(buf) }
                } catch {
                    XCTFail("\(writer) text rejected: \(error)\n\(shown)")
                    continue
                }
                if writer == "JSONSerialization" {
                    XCTAssertTrue(JSONTestValues.identical(JSONTestValues.normalized(ours), JSONTestValues.normalized(value)),
                                  "\(writer): \(shown)")
                } else if writer == "JSONWriter" {
                    // JSONWriter prints -0.0 as "0" (whole numbers print without fraction).
                    XCTAssertTrue(JSONTestValues.identical(ours, JSONTestValues.withoutNegativeZero(value)),
                                  "\(writer): \(shown)\n\(ours)\n\(value)")
                } else {
                    XCTAssertTrue(JSONTestValues.identical(ours, value), "\(writer): \(shown)\n\(ours)\n\(value)")
                }
                guard let theirs = JSONTestValues.foundationParse(text) else {
                    XCTFail("JSONSerialization rejected \(writer) text: \(shown)")
                    continue
                }
                XCTAssertTrue(JSONTestValues.sameStructure(ours, theirs), "\(writer): \(shown)\nours \(ours)\ntheirs \(theirs)")
                checked += 1
            }
        }
        XCTAssertEqual(checked, 4500)
    }

    func testEscapesOfEveryKindOfScalar() throws {
        // One string per block of code points, every scalar escaped as \uXXXX (pairs above U+FFFF).
        var scalars: [Unicode.Scalar] = []
        var v: UInt32 = 0
        while v <= 0x10FFFF {
            if let s = Unicode.Scalar(v) { scalars.append(s) }
            v += v < 0x800 ? 1 : v < 0x10000 ? 7 : 613
        }
        let original = String(String.UnicodeScalarView(scalars))
        var text = "\""
        for s in scalars {
            if s.value < 0x10000 {
                text += String(format: "\\u%04X", s.value)
            } else {
                let u = s.value - 0x10000
                text += String(format: "\\u%04x\\u%04x", 0xD800 + (u >> 10), 0xDC00 + (u & 0x3FF))
            }
        }
        text += "\""
        let parsed = try JSONParser.parse(text)
        XCTAssertEqual(parsed.stringValue.map { Array($0.utf8) }, Array(original.utf8))
        let raw = try JSONParser.parse(JSONWriter.string(.string(original)))
        XCTAssertEqual(raw.stringValue.map { Array($0.utf8) }, Array(original.utf8))
    }
}

/// Generators and comparisons shared by the JSONParser tests.
enum JSONTestValues {
    // MARK: Comparison

    /// Same value exactly: member order, strings byte for byte, numbers bit for bit.
    static func identical(_ a: JSONValue, _ b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.number(let x), .number(let y)): return x.bitPattern == y.bitPattern
        case (.string(let x), .string(let y)): return x.utf8.elementsEqual(y.utf8)
        case (.array(let x), .array(let y)): return x.count == y.count && zip(x, y).allSatisfy { identical($0, $1) }
        case (.object(let x), .object(let y)):
            return x.members.count == y.members.count
                && zip(x.members, y.members).allSatisfy { $0.key.utf8.elementsEqual($1.key.utf8) && identical($0.value, $1.value) }
        default: return false
        }
    }

    /// The value with every -0.0 replaced by 0.0.
    static func withoutNegativeZero(_ v: JSONValue) -> JSONValue {
        switch v {
        case .number(let d): return .number(d == 0 ? 0 : d)
        case .array(let a): return .array(a.map(withoutNegativeZero))
        case .object(let o): return .object(JSONObject(o.members.map { ($0.key, withoutNegativeZero($0.value)) }))
        default: return v
        }
    }

    /// Objects reduced to their last value per key (as a dictionary sees them), sorted by key bytes.
    static func normalized(_ v: JSONValue) -> JSONValue {
        switch v {
        case .array(let a): return .array(a.map(normalized))
        case .object(let o):
            var last: [String: JSONValue] = [:]
            for m in o.members { last[m.key] = normalized(m.value) }
            let sorted = last.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
            return .object(JSONObject(sorted.map { ($0.key, $0.value) }))
        default: return v
        }
    }

    /// Same structure as Foundation sees it: objects unordered, numbers equal as Double (0 == -0).
    ///
    /// One documented allowance for swift-corelibs-foundation's JSONSerialization:
    /// it drops a raw U+FEFF at the start of a string or right after an escape
    ///   (it decodes each run with a BOM-stripping decoder), so U+FEFF is ignored here.
    static func sameStructure(_ ours: JSONValue, _ theirs: JSONValue) -> Bool {
        func eq(_ a: JSONValue, _ b: JSONValue) -> Bool {
            switch (a, b) {
            case (.number(let x), .number(let y)):
                return x == y
            case (.string(let x), .string(let y)): return withoutBOM(x) == withoutBOM(y)
            case (.array(let x), .array(let y)): return x.count == y.count && zip(x, y).allSatisfy { eq($0, $1) }
            case (.object(let x), .object(let y)):
                return x.members.count == y.members.count
                    && zip(x.members, y.members).allSatisfy { $0.key.utf8.elementsEqual($1.key.utf8) && eq($0.value, $1.value) }
            default: return identical(a, b)
            }
        }
        func withoutBOM(_ s: String) -> [UInt8] {
            Array(String(String.UnicodeScalarView(s.unicodeScalars.filter { $0 != "\u{FEFF}" })).utf8)
        }
        func keysWithoutBOM(_ v: JSONValue) -> JSONValue {
            switch v {
            case .array(let a): return .array(a.map(keysWithoutBOM))
            case .object(let o):
                return .object(JSONObject(o.members.map { (String(decoding: withoutBOM($0.key), as: UTF8.self), keysWithoutBOM($0.value)) }))
            default: return v
            }
        }
        return eq(normalized(keysWithoutBOM(ours)), normalized(keysWithoutBOM(theirs)))
    }

    // MARK: Foundation

    static func foundationObject(_ v: JSONValue) -> Any {
        switch v {
        case .null: return NSNull()
        case .bool(let b): return b
        case .number(let d): return d
        case .string(let s): return s
        case .array(let a): return a.map(foundationObject)
        case .object(let o):
            var d: [String: Any] = [:]
            for m in o.members { d[m.key] = foundationObject(m.value) }
            return d
        }
    }

    static func foundationText(_ v: JSONValue) throws -> [UInt8] {
        Array(try JSONSerialization.data(withJSONObject: foundationObject(v), options: [.fragmentsAllowed]))
    }

    /// JSONSerialization's reading of `bytes`, or nil when it rejects them.
    static func foundationParse(_ bytes: [UInt8]) -> JSONValue? {
        guard let o = try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed]) else { return nil }
        return fromFoundation(o)
    }

    static func fromFoundation(_ o: Any) -> JSONValue {
        switch o {
        case is NSNull: return .null
        case let s as String: return .string(s)
        case let n as NSNumber:
            if String(cString: n.objCType) == "c" { return .bool(n.boolValue) }
            // Foundation reads long or large numbers as NSDecimalNumber, whose doubleValue is off
            // by many ulps (1.8560956729253586e+87 gives ...566e+87); its decimal digits are exact.
            if let d = n as? NSDecimalNumber, let exact = Double(d.stringValue) { return .number(exact) }
            return .number(n.doubleValue)
        case let a as [Any]: return .array(a.map(fromFoundation))
        case let d as [String: Any]: return .object(JSONObject(d.map { ($0.key, fromFoundation($0.value)) }))
        default: return .string("<unexpected \(type(of: o))>")
        }
    }

    // MARK: Generators

    static func randomValue(_ rng: inout SplitMix64, depth: Int) -> JSONValue {
        let pick = rng.next() % (depth > 0 ? 10 : 6)
        switch pick {
        case 0: return .null
        case 1: return .bool(rng.next() & 1 == 0)
        case 2, 3: return .number(randomDouble(&rng))
        case 4, 5: return .string(randomString(&rng))
        case 6, 7:
            return .array((0..<Int(rng.next() % 6)).map { _ in randomValue(&rng, depth: depth - 1) })
        default:
            // Keys end in a distinct index so no two are equal, not even canonically.
            let n = Int(rng.next() % 6)
            return .object(JSONObject((0..<n).map { k in (randomString(&rng, maxLength: 6) + "#\(k)", randomValue(&rng, depth: depth - 1)) }))
        }
    }

    static func randomDouble(_ rng: inout SplitMix64) -> Double {
        switch rng.next() % 8 {
        case 0: return Double(Int(rng.next() % 15) - 3)
        case 1: return Double(Int64(bitPattern: rng.next()) >> Int64(rng.next() % 64))
        case 2: return Double(Int(rng.next() % 100_000)) / 100
        case 3: return [0.0, -0.0, .leastNonzeroMagnitude, .leastNormalMagnitude, .greatestFiniteMagnitude, 9007199254740994, 1e22, 1e23][Int(rng.next() % 8)]
        case 4: return Double(rng.next() % 1000) * pow(10, Double(Int(rng.next() % 80) - 40))
        default:
            while true {
                let d = Double(bitPattern: rng.next())
                if d.isFinite { return d }
            }
        }
    }

    static func randomString(_ rng: inout SplitMix64, maxLength: Int = 12) -> String {
        var s = String.UnicodeScalarView()
        for _ in 0..<Int(rng.next() % UInt64(maxLength + 1)) {
            let r = rng.next()
            let v: UInt32
            switch r % 10 {
            case 0, 1, 2, 3: v = 0x20 + UInt32((r >> 8) % 95)                                     // printable ASCII
            case 4: v = [0x22, 0x5C, 0x2F, 0x7F, 0x0A, 0x09, 0x00, 0x1F, 0x08, 0x0C, 0x0D][Int((r >> 8) % 11)]
            case 5: v = UInt32((r >> 8) % 0x20)                                                    // control characters
            case 6: v = 0x80 + UInt32((r >> 8) % 0x780)                                            // two-byte UTF-8
            case 7: v = [0x2028, 0x2029, 0xFEFF, 0xFFFD, 0xFFFF, 0xD7FF, 0xE000, 0x301, 0x10000, 0x10FFFF][Int((r >> 8) % 10)]
            case 8: v = 0x800 + UInt32((r >> 8) % 0xF800)                                          // BMP (surrogates skipped below)
            default: v = 0x10000 + UInt32((r >> 8) % 0x100000)                                     // astral planes
            }
            if let scalar = Unicode.Scalar(v) { s.append(scalar) }
        }
        return String(s)
    }

    /// A grammatical number text, biased to the hard cases (long mantissas, extreme exponents).
    static func randomNumberText(_ rng: inout SplitMix64) -> String {
        func digits(_ n: Int, leadingNonZero: Bool) -> String {
            var s = ""
            for k in 0..<n { s += String(k == 0 && leadingNonZero ? 1 + rng.next() % 9 : rng.next() % 10) }
            return s
        }
        var t = rng.next() % 4 == 0 ? "-" : ""
        t += rng.next() % 5 == 0 ? "0" : digits(1 + Int(rng.next() % 25), leadingNonZero: true)
        if rng.next() % 2 == 0 { t += "." + digits(1 + Int(rng.next() % 25), leadingNonZero: false) }
        if rng.next() % 2 == 0 {
            t += ["e", "E"][Int(rng.next() % 2)] + ["", "+", "-"][Int(rng.next() % 3)]
            t += String(rng.next() % (rng.next() % 2 == 0 ? 30 : 400))
        }
        return t
    }

    // MARK: The escaping writer

    /// JSON text of `v` with random escapes, number spellings and whitespace.
    static func escapedText(_ v: JSONValue, _ rng: inout SplitMix64) -> String {
        var out = ""
        func ws() {
            guard rng.next() % 4 == 0 else { return }
            for _ in 0..<(1 + Int(rng.next() % 2)) { out += [" ", "\t", "\n", "\r"][Int(rng.next() % 4)] }
        }
        func write(_ v: JSONValue) {
            ws()
            switch v {
            case .null: out += "null"
            case .bool(let b): out += b ? "true" : "false"
            case .number(let d): out += numberSpelling(d, &rng)
            case .string(let s): writeString(s)
            case .array(let a):
                out += "["
                for (k, e) in a.enumerated() { if k > 0 { out += "," }; write(e) }
                ws(); out += "]"
            case .object(let o):
                out += "{"
                for (k, m) in o.members.enumerated() {
                    if k > 0 { out += "," }
                    ws(); writeString(m.key); ws(); out += ":"; write(m.value)
                }
                ws(); out += "}"
            }
            ws()
        }
        func hex4(_ u: UInt32) -> String {
            String(format: rng.next() % 2 == 0 ? "\\u%04x" : "\\u%04X", u)
        }
        func writeString(_ s: String) {
            out += "\""
            for scalar in s.unicodeScalars {
                let u = scalar.value
                let escapeAnyway = rng.next() % 4 == 0
                switch u {
                case 0x22: out += escapeAnyway ? hex4(u) : "\\\""
                case 0x5C: out += escapeAnyway ? hex4(u) : "\\\\"
                case 0x2F: out += escapeAnyway ? "\\/" : "/"
                case 0x08: out += escapeAnyway ? hex4(u) : "\\b"
                case 0x0C: out += escapeAnyway ? hex4(u) : "\\f"
                case 0x0A: out += escapeAnyway ? hex4(u) : "\\n"
                case 0x0D: out += escapeAnyway ? hex4(u) : "\\r"
                case 0x09: out += escapeAnyway ? hex4(u) : "\\t"
                case 0..<0x20: out += hex4(u)
                default:
                    if !escapeAnyway {
                        out.unicodeScalars.append(scalar)
                    } else if u < 0x10000 {
                        out += hex4(u)
                    } else {
                        out += hex4(0xD800 + ((u - 0x10000) >> 10)) + hex4(0xDC00 + ((u - 0x10000) & 0x3FF))
                    }
                }
            }
            out += "\""
        }
        write(v)
        return out
    }

    /// A random spelling of exactly the decimal value of Swift's shortest representation of `d`.
    static func numberSpelling(_ d: Double, _ rng: inout SplitMix64) -> String {
        let sign = d.sign == .minus ? "-" : ""
        var text = "\(d.magnitude)"  // "1.5", "1e-07", "1.2345e+16", "5e-324"
        var exp10 = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exp10 = Int(text[text.index(after: e)...])!
            text = String(text[..<e])
        }
        var digits = text
        if let dot = text.firstIndex(of: ".") {
            let fraction = text[text.index(after: dot)...]
            exp10 -= fraction.count
            digits = String(text[..<dot]) + fraction
        }
        digits = String(digits.drop { $0 == "0" })
        while digits.count > 1, digits.hasSuffix("0") { digits.removeLast(); exp10 += 1 }
        if digits.isEmpty {
            // Zero: keep the sign, vary the form.
            return sign + ["0", "0.0", "0e0", "0.000E-3", "0E+12"][Int(rng.next() % 5)]
        }
        // value = digits × 10^exp10. Add trailing zeros, then place the point.
        let extra = Int(rng.next() % 3)
        digits += String(repeating: "0", count: extra)
        exp10 -= extra
        let split = Int(rng.next() % UInt64(digits.count + 1))
        var body: String
        var e: Int
        if split == 0 {
            let zeros = Int(rng.next() % 3)
            body = "0." + String(repeating: "0", count: zeros) + digits
            e = exp10 + digits.count + zeros
        } else {
            let i = digits.index(digits.startIndex, offsetBy: split)
            let fraction = digits[i...]
            body = String(digits[..<i]) + (fraction.isEmpty ? "" : "." + fraction)
            e = exp10 + fraction.count
        }
        if e == 0 && rng.next() % 2 == 0 { return sign + body }
        let marker = rng.next() % 2 == 0 ? "e" : "E"
        let expSign = e < 0 ? "-" : (rng.next() % 2 == 0 ? "+" : "")
        let pad = String(repeating: "0", count: Int(rng.next() % 2))
        return sign + body + marker + expSign + pad + String(abs(e))
    }
}
