import Foundation
import XCTest
@testable import WavesCore

/// Random mutations of valid lines (seeded): delete, insert, replace and swap
/// bytes, duplicate a slice, truncate. `JSONParser` and `JSONSerialization`
/// must agree on accept or reject, agree on the value when both accept, and
/// neither may crash.
///
/// Where Foundation (swift-corelibs-foundation, Linux) is lenient, the case is
/// recognised by our error and excluded, and counted:
/// - trailing commas: Foundation accepts `[1,]` and `{"a":1,}`; RFC 8259 does not.
/// - a byte-order mark or NUL bytes among the first four bytes: Foundation guesses
///   UTF-16/UTF-32 or skips the BOM; the store is UTF-8 without a BOM.
/// - numbers beyond the Double range: Foundation rejects 1e400 but accepts huge
///   integers (as NSDecimalNumber); we reject everything that would be infinite.
/// Values are compared as in `JSONTestValues.sameStructure` (which also documents
/// Foundation's dropping of U+FEFF and its inexact NSDecimalNumber.doubleValue).
final class JSONParserFuzzTests: XCTestCase {
    func testMutationsAgreeWithJSONSerialization() throws {
        var rng = SplitMix64(seed: 8259)
        var seeds: [[UInt8]] = []
        JSONParserBenchmark.sampleResponseLines(count: 8, seed: 3).split(separator: 0x0A).forEach { seeds.append(Array($0)) }
        for _ in 0..<120 {
            let v = JSONTestValues.randomValue(&rng, depth: 3)
            seeds.append(Array(JSONWriter.string(v).utf8))
            seeds.append(Array(JSONTestValues.escapedText(v, &rng).utf8))
        }
        let alphabet = Array("{}[],:\"\\ \t\n0123456789.eE+-tfnrulsaAFx/".utf8)
        var agreed = 0, bothAccepted = 0
        var excluded: [String: Int] = [:]
        for n in 0..<12_000 {
            var bytes = seeds[Int(rng.next() % UInt64(seeds.count))]
            // Long response lines take fewer, more local edits on a short window to keep the test fast.
            if bytes.count > 200 && n % 2 == 0 {
                let start = Int(rng.next() % UInt64(bytes.count - 100))
                bytes = Array(bytes[start..<(start + 100)])
            }
            for _ in 0..<(1 + Int(rng.next() % 3)) { mutate(&bytes, &rng, alphabet) }

            let ours = bytes.withUnsafeBytes { buf in Result { () throws(JSONParseError) in try JSONParser.parse(buf) } }
            let theirs = JSONTestValues.foundationParse(bytes)
            let shown = String(decoding: bytes.prefix(200), as: UTF8.self).debugDescription
            switch (ours, theirs) {
            case (.success(let a), .some(let b)):
                if case .number(let d) = a {
                    // A bare number: ours must be strtod's correctly rounded value, bit for bit.
                    let text = String(decoding: bytes, as: UTF8.self)
                    XCTAssertEqual(d.bitPattern, strtod(text, nil).bitPattern, "\(shown)")
                }
                XCTAssertTrue(JSONTestValues.sameStructure(a, b), "values differ for \(shown)\nours \(a)\ntheirs \(b)")
                bothAccepted += 1
                agreed += 1
            case (.failure, nil):
                agreed += 1
            case (.failure(let e), .some):
                if let reason = foundationLeniency(bytes, e) {
                    excluded[reason, default: 0] += 1
                } else {
                    XCTFail("only JSONSerialization accepts \(shown): our error \(e)")
                }
            case (.success(let a), nil):
                if let reason = foundationRejectsValid(bytes) {
                    excluded[reason, default: 0] += 1
                } else {
                    XCTFail("only JSONParser accepts \(shown) as \(a)")
                }
            }
        }
        // The mix must exercise both outcomes, or the test proves little.
        XCTAssertGreaterThan(bothAccepted, 1000)
        XCTAssertGreaterThan(agreed - bothAccepted, 5000)
        XCTAssertLessThan(excluded.values.reduce(0, +), 600, "\(excluded)")
    }

    /// Each documented difference still holds (if Foundation changes, the exclusions must be revisited).
    func testDocumentedFoundationDifferences() throws {
        func foundationAccepts(_ b: [UInt8]) -> Bool { JSONTestValues.foundationParse(b) != nil }
        func weAccept(_ b: [UInt8]) -> Bool { (try? b.withUnsafeBytes { buf throws(JSONParseError) in try JSONParser.parse(buf) }) != nil }
        let lenient: [[UInt8]] = [Array("[1,]".utf8), Array("{\"a\":1,}".utf8), [0xEF, 0xBB, 0xBF, 0x31], [0x31, 0x00], [0x00, 0x31]]
        for b in lenient {
            XCTAssertTrue(foundationAccepts(b), "\(b)")
            XCTAssertFalse(weAccept(b), "\(b)")
        }
        // Foundation returns long numbers as NSDecimalNumber, whose doubleValue is not correctly
        // rounded; the tests therefore read its decimal digits (JSONTestValues.fromFoundation).
        let n = try? JSONSerialization.jsonObject(with: Data("-4.8258763331007435".utf8), options: [.fragmentsAllowed])
        XCTAssertEqual((n as? NSDecimalNumber)?.doubleValue, -4.825876333100743)
        XCTAssertEqual(JSONTestValues.foundationParse(Array("-4.8258763331007435".utf8)), .number(-4.8258763331007435))
        XCTAssertEqual(try JSONParser.parse("-4.8258763331007435"), .number(strtod("-4.8258763331007435", nil)))
        // Foundation drops a raw U+FEFF at the start of a string; we keep it.
        XCTAssertEqual(JSONTestValues.foundationParse(Array("\"\u{FEFF}b\"".utf8))?.stringValue?.unicodeScalars.count, 1)
        XCTAssertEqual((try JSONParser.parse("\"\u{FEFF}b\"")).stringValue?.unicodeScalars.count, 2)
    }

    /// Why Foundation may accept what RFC 8259 forbids, judged from our error; nil if no known reason.
    private func foundationLeniency(_ bytes: [UInt8], _ e: JSONParseError) -> String? {
        if e.message.contains("trailing comma") { return "trailing comma" }
        if bytes.prefix(4).contains(0) { return "NUL in the first four bytes (UTF-16/32 guess)" }
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) || bytes.starts(with: [0xFE, 0xFF]) || bytes.starts(with: [0xFF, 0xFE]) {
            return "byte-order mark"
        }
        if e.kind == .numberOutOfRange { return "number beyond Double range" }
        return nil
    }

    /// Why Foundation may reject valid JSON; nil if no known reason.
    private func foundationRejectsValid(_ bytes: [UInt8]) -> String? {
        if bytes.prefix(4).contains(0) { return "NUL in the first four bytes (UTF-16/32 guess)" }
        return nil
    }

    private func mutate(_ bytes: inout [UInt8], _ rng: inout SplitMix64, _ alphabet: [UInt8]) {
        func randomByte() -> UInt8 {
            switch rng.next() % 4 {
            case 0, 1: return alphabet[Int(rng.next() % UInt64(alphabet.count))]
            case 2: return [0x00, 0x1F, 0x7F, 0x80, 0xBF, 0xC0, 0xC3, 0xE2, 0xED, 0xF0, 0xF4, 0xF5, 0xFF][Int(rng.next() % 13)]
            default: return UInt8(truncatingIfNeeded: rng.next())
            }
        }
        let count = bytes.count
        let at = count == 0 ? 0 : Int(rng.next() % UInt64(count))
        switch rng.next() % 7 {
        case 0 where count > 0: bytes.remove(at: at)
        case 1: bytes.insert(randomByte(), at: count == 0 ? 0 : at)
        case 2 where count > 0: bytes[at] = randomByte()
        case 3 where count > 1: bytes.swapAt(at, (at + 1) % count)
        case 4 where count > 0:
            let len = 1 + Int(rng.next() % 8)
            bytes.insert(contentsOf: bytes[at..<min(count, at + len)], at: at)
        case 5: bytes.removeLast(count == 0 ? 0 : Int(rng.next() % UInt64(count)) + 1)
        case 6 where rng.next() % 3 == 0:
            // A trailing comma before a closing bracket.
            if let close = bytes.indices.filter({ bytes[$0] == 0x5D || bytes[$0] == 0x7D }).randomElement(using: &rng) {
                bytes.insert(0x2C, at: close)
            }
        default:
            // Escapes and surrogates are where parsers differ most.
            let snippets = ["\\u", "\\ud800", "\\udc00", "\\uD83D\\uDE00", "\\", "\"", "1e", "-0", "0.", "]", "}", ",", "\\u00"]
            bytes.insert(contentsOf: Array(snippets[Int(rng.next() % UInt64(snippets.count))].utf8), at: count == 0 ? 0 : at)
        }
    }
}
