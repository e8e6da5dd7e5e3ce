import XCTest
@testable import WavesCore

/// `JSONParser.number`: exactly the JSON number grammar, the one number grammar of Waves.
final class NumberGrammarTests: XCTestCase {
    func testAccepts() throws {
        let cases: [(String, Double)] = [("4", 4), ("-0.5", -0.5), ("4e0", 4), ("0", 0), ("1E3", 1000), ("2.5e-1", 0.25), ("-0", 0), ("1e308", 1e308)]
        for (t, v) in cases { XCTAssertEqual(try JSONParser.number(t), v, t) }
    }

    /// The adversarial review's lenient numbers (issue 12 item 12) and their kin, with the column that breaks the grammar.
    func testRefusesWithColumn() {
        let cases: [(String, Int)] = [("0x4", 2), ("0x1p2", 2), ("+4", 1), ("4\u{0}", 2), (" 4", 1), ("4 ", 2), ("inf", 1), ("NaN", 1),
                                      (".5", 1), ("4.", 3), ("01", 1), ("1e", 3), ("-", 2), ("", 1), ("4,5", 2), ("١", 1)]
        for (t, col) in cases {
            XCTAssertThrowsError(try JSONParser.number(t), t.debugDescription) { e in
                XCTAssertEqual((e as? JSONParseError)?.column, col, t.debugDescription)
            }
        }
        XCTAssertThrowsError(try JSONParser.number("1e400")) { e in XCTAssertEqual((e as? JSONParseError)?.kind, .numberOutOfRange) }
    }
}
