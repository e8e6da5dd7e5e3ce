import XCTest
@testable import WavesCore

/// `JSONParser.number(utf8:)` (the import's number cells, with a fast path for short plain
/// integers) decides and converts exactly as `JSONParser.number(_ text:)`.
final class NumberBytesTests: XCTestCase {
    func result(_ text: String) -> Result<Double, JSONParseError> {
        Result { () throws(JSONParseError) -> Double in try JSONParser.number(text) }
    }
    func bytesResult(_ text: String) -> Result<Double, JSONParseError> {
        Array(text.utf8).withUnsafeBytes { b in Result { () throws(JSONParseError) -> Double in try JSONParser.number(utf8: b) } }
    }
    func same(_ text: String, file: StaticString = #filePath, line: UInt = #line) {
        switch (result(text), bytesResult(text)) {
        case (.success(let a), .success(let b)):
            XCTAssertEqual(a.bitPattern, b.bitPattern, "'\(text)'", file: file, line: line)
        case (.failure(let a), .failure(let b)):
            XCTAssertEqual(a, b, "'\(text)'", file: file, line: line)
        case (let a, let b):
            XCTFail("'\(text)': \(a) vs \(b)", file: file, line: line)
        }
    }

    func testEdgeCases() {
        for t in ["", "-", "0", "-0", "00", "-00", "01", "1", "9", "10", "-10", "123456789012345", "-123456789012345",
                  "999999999999999", "1234567890123456", "12345678901234567", "9007199254740993", "1.", "1.0", ".5", "+1",
                  "1e5", "1E+2", "-0.0", "0x10", "1 ", " 1", "1a", "١", "12\u{0}", "4e0", "-", "--1", "1-", "0-"] {
            same(t)
        }
    }

    func testRandomShortTexts() {
        var state: UInt64 = 12345
        func next(_ n: Int) -> Int { state = state &* 6364136223846793005 &+ 1442695040888963407; return Int(state >> 33) % n }
        let alphabet = Array("0123456789-+.eE x")
        for _ in 0..<50_000 {
            let n = next(18)
            let t = String((0..<n).map { _ in next(4) == 0 ? alphabet[next(alphabet.count)] : alphabet[next(10)] })
            same(t)
        }
    }
}
