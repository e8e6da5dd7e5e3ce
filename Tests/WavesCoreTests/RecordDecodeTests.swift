import XCTest
@testable import WavesCore

/// The streaming record decoder must agree exactly with parse-then-convert.
final class RecordDecodeTests: XCTestCase {
    /// One key cache shared across all lines of a test, as in a store scan.
    var cache = AnswerKeyCache()

    func outcome(_ line: [UInt8], streaming: Bool) -> String {
        line.withUnsafeBytes { b in
            do {
                let r = streaming ? try ResponseRecord.decode(line: b, keys: &cache) : try ResponseRecord(json: JSONParser.parse(b))
                return "ok " + r.jsonLine
            } catch {
                return "error \(type(of: error)): \((error as? LocalizedError)?.errorDescription ?? "\(error)")"
            }
        }
    }

    func testAgreesOnGeneratedAndMutatedLines() {
        let text = JSONParserBenchmark.sampleResponseLines(count: 300, seed: 7)
        let lines = text.split(separator: UInt8(ascii: "\n")).map(Array.init)
        var state: UInt64 = 0x9E3779B97F4A7C15
        func next() -> Int { state = state &* 6364136223846793005 &+ 1442695040888963407; return Int(state >> 33) }
        var checked = 0, failures = 0
        for line in lines {
            XCTAssertEqual(outcome(line, streaming: true), outcome(line, streaming: false))
            for _ in 0..<20 {
                var m = line
                switch next() % 4 {
                case 0: m.remove(at: next() % m.count)
                case 1: m.insert(UInt8(truncatingIfNeeded: next()), at: next() % m.count)
                case 2: m[next() % m.count] = Array("{}[]\",:0-ne\\".utf8)[next() % 12]
                default: m = Array(m.prefix(next() % m.count))
                }
                let a = outcome(m, streaming: true), b = outcome(m, streaming: false)
                XCTAssertEqual(a, b, String(decoding: m, as: UTF8.self))
                checked += 1
                if a.hasPrefix("error") { failures += 1 }
            }
        }
        XCTAssertGreaterThan(failures, checked / 2, "most mutations break the line")
    }

    func testRecordErrorsMatch() {
        for s in ["{\"answers\":{\"\":1,\"a\\u0062\":2,\"é\":3},\"format\":\"waves.response/1\"}", "[1]", "{\"format\":\"waves.response/1\"}", "{\"format\":\"x\"}", "{\"answers\":{\"a\":[1]},\"format\":\"waves.response/1\"}", "  {} ", "{}x"] {
            XCTAssertEqual(outcome(Array(s.utf8), streaming: true), outcome(Array(s.utf8), streaming: false), s)
        }
    }
}
