import XCTest
@testable import WavesCore

/// `ResponseRecord.writeJSONLine` and `JSONWriter.write(_:into: [UInt8])` against the tree
/// writer they replace on the store's hot path (`JSONWriter.string(record.json)`): the same
/// bytes on generated records and on edge cases (escapes, non-ASCII, U+2028, huge and tiny
/// numbers, -0, NaN, null, text answers, unknown keys, duplicate keys).
final class RecordLineWriterTests: XCTestCase {
    struct Gen {
        var state: UInt64
        mutating func next(_ n: Int) -> Int { state = state &* 6364136223846793005 &+ 1442695040888963407; return Int(state >> 33) % n }
        mutating func string() -> String {
            let pieces = ["a", "Z", " ", "\"", "\\", "\n", "\r", "\t", "\u{08}", "\u{0C}", "\u{01}", "\u{1F}", "\u{7F}", "é", "ß",
                          "\u{2028}", "\u{2029}", "\u{2026}", "€", "日本", "🙂", "\u{FEFF}", "/", "<", "'", "0", "x\u{301}"]
            return (0..<next(8)).map { _ in pieces[next(pieces.count)] }.joined()
        }
        mutating func number() -> Double {
            let specials: [Double] = [0, -0.0, 1, -1, 4, 0.5, -0.25, 0.1, 1e-7, 123456789, 9_007_199_254_740_991, 9_007_199_254_740_992,
                                      -9_007_199_254_740_992, 1e15, 1e16, 1e17, 1e300, -1e300, 5e-324, .greatestFiniteMagnitude,
                                      .nan, .infinity, -.infinity, 2.5e-10, 3.141592653589793, 1e21, 1e22, -12345.678]
            switch next(3) {
            case 0: return specials[next(specials.count)]
            case 1: return Double(next(2_000_001) - 1_000_000)
            default: return Double(next(1_000_000)) / Double(1 + next(1000)) * (next(2) == 0 ? 1 : -1e10)
            }
        }
        mutating func value(depth: Int = 0) -> JSONValue {
            switch next(depth > 2 ? 4 : 6) {
            case 0: return .null
            case 1: return .bool(next(2) == 0)
            case 2: return .number(number())
            case 3: return .string(string())
            case 4: return .array((0..<next(4)).map { _ in value(depth: depth + 1) })
            default: return .object(JSONObject((0..<next(4)).map { _ in (string(), value(depth: depth + 1)) }))
            }
        }
    }

    func record(_ g: inout Gen) -> ResponseRecord {
        let answers: [(id: String, value: Answer)] = (0..<g.next(12)).map { k in
            let v: Answer
            switch g.next(3) { case 0: v = .number(g.number()); case 1: v = .text(g.string()); default: v = .missing }
            return (g.next(5) == 0 ? g.string() : "q\(k)", v)
        }
        var extra: [(key: String, value: JSONValue)] = (0..<g.next(4)).map { _ in (g.next(3) == 0 ? "id" : g.string(), g.value()) }
        if g.next(2) == 0 { extra.append(("batch", .string(UUID().uuidString.lowercased()))) }
        return ResponseRecord(id: g.string(), study: g.string(), participant: g.string(), role: g.next(3) == 0 ? nil : g.string(),
                              wave: g.string(), instrument: InstrumentRef(id: g.string(), version: g.string(), sha256: g.string()),
                              startedAt: g.next(2) == 0 ? nil : g.string(), submittedAt: g.string(), mode: g.string(),
                              answers: answers, declined: (0..<g.next(3)).map { _ in g.string() }, extra: extra,
                              via: g.next(2) == 0 ? nil : g.string())
    }

    func testRecordLinesEqualTheTreeWriter() {
        var g = Gen(state: 42)
        for k in 0..<3000 {
            let r = record(&g)
            var bytes: [UInt8] = [0x41]   // appends after what is there
            r.writeJSONLine(into: &bytes)
            XCTAssertEqual(String(decoding: bytes.dropFirst(), as: UTF8.self), JSONWriter.string(r.json), "record \(k)")
            XCTAssertEqual(Array(bytes.dropFirst()), Array(r.jsonLine.utf8), "record \(k)")
        }
    }

    func testAnImportedRecordLine() throws {
        var r = ResponseRecord(id: "84ba32d0-ce41-4fc6-9562-6f81a8db70bf", study: "bench", participant: "P000001", role: "mentee", wave: "w1",
                               instrument: InstrumentRef(id: "bench", version: "1.0.0", sha256: String(repeating: "a", count: 64)),
                               startedAt: nil, submittedAt: "2026-12-01T03:23:28Z", mode: "import",
                               answers: [("b01", .number(4)), ("b02", .missing), ("t", .text("x\"y\u{2028}"))], declined: ["b03"],
                               extra: [("batch", .string("b-1"))], via: "import")
        r.dontKnow = ["b04"]
        r.prev = String(repeating: "0", count: 64)
        var bytes: [UInt8] = []
        r.writeJSONLine(into: &bytes)
        XCTAssertEqual(String(decoding: bytes, as: UTF8.self),
                       #"{"format":"waves.response/1","id":"84ba32d0-ce41-4fc6-9562-6f81a8db70bf","study":"bench","participant":"P000001","role":"mentee","wave":"w1","instrument":{"id":"bench","version":"1.0.0","sha256":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"},"submitted_at":"2026-12-01T03:23:28Z","mode":"import","via":"import","answers":{"b01":4,"b02":null,"t":"x\"y\u2028"},"declined":["b03"],"batch":"b-1","dont_know":["b04"],"prev":"0000000000000000000000000000000000000000000000000000000000000000"}"#)
        XCTAssertEqual(String(decoding: bytes, as: UTF8.self), JSONWriter.string(r.json))
    }

    func testValuesEqualTheStringWriter() {
        var g = Gen(state: 7)
        for k in 0..<5000 {
            let v = g.value()
            var bytes: [UInt8] = []
            JSONWriter.write(v, into: &bytes)
            XCTAssertEqual(String(decoding: bytes, as: UTF8.self), JSONWriter.string(v), "value \(k)")
        }
        for d in [0.0, -0.0, 1, -1, 9, 10, -10, 99, 100, 1e15, -1e15, 9_007_199_254_740_991, -9_007_199_254_740_991,
                  9_007_199_254_740_992, 0.5, .nan, .infinity, -.infinity, 1e300] {
            var bytes: [UInt8] = []
            JSONWriter.writeNumber(d, into: &bytes)
            XCTAssertEqual(String(decoding: bytes, as: UTF8.self), JSONWriter.number(d), "\(d)")
        }
    }

    /// `prev` and the other optional keys keep `JSONObject`'s rule: the last member with the
    /// key is replaced or removed, a new key goes last.
    func testSettingAnOptionalKeyFollowsTheObjectRule() {
        var g = Gen(state: 99)
        for _ in 0..<2000 {
            var r = record(&g)
            let keys = ["prev", "language", "dont_know"]
            if g.next(2) == 0 { r.extra.insert((keys[g.next(3)], .string("old")), at: g.next(r.extra.count + 1)) }
            if g.next(3) == 0 { r.extra.append(("prev", .number(1))) }
            var o = JSONObject(r.extra)
            let newValue: String? = g.next(3) == 0 ? nil : String(repeating: "f", count: 64)
            o["prev"] = newValue.map(JSONValue.string)
            r.prev = newValue
            // Compared as text: generated values hold NaN, which is never equal to itself.
            XCTAssertEqual(JSONWriter.string(.object(JSONObject(r.extra))), JSONWriter.string(.object(o)))
            XCTAssertEqual(r.extra.map(\.key), o.members.map(\.key))
        }
    }
}

/// `RecordIDs`: the form of `UUID().uuidString.lowercased()` (version 4, variant 10xx), all distinct.
final class RecordIDsTests: XCTestCase {
    func testIdsAreLowerCaseVersion4UUIDsAndDistinct() {
        var ids = RecordIDs()
        var seen = Set<String>()
        let hex = Set("0123456789abcdef")
        for _ in 0..<20_000 {   // more than one pool of random bytes
            let id = ids.next()
            XCTAssertEqual(id.count, 36)
            let parts = id.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
            XCTAssertEqual(parts.map(\.count), [8, 4, 4, 4, 12], id)
            XCTAssertTrue(parts.joined().allSatisfy { hex.contains($0) }, id)
            XCTAssertEqual(parts[2].first, "4", id)
            XCTAssertTrue("89ab".contains(parts[3].first!), id)
            XCTAssertEqual(UUID(uuidString: id)?.uuidString.lowercased(), id)
            seen.insert(id)
        }
        XCTAssertEqual(seen.count, 20_000)
    }
}
