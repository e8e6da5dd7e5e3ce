@testable import WavesExport
import XCTest

/// SPSS and Stata names: valid, unique, within the limits, deterministic.
final class VariableNamerTests: XCTestCase {
    func testValidNamesStayAsTheyAre() {
        var spss = VariableNamer(.spss), stata = VariableNamer(.stata)
        for n in ["pi01", "identity_w1", "a", "x_1_2"] {
            XCTAssertEqual(spss.name(for: n), n)
            XCTAssertEqual(stata.name(for: n), n)
        }
    }

    func testInvalidCharactersAndFirstCharacter() {
        var n = VariableNamer(.spss)
        XCTAssertEqual(n.name(for: "my-inst_item"), "my_inst_item")
        XCTAssertEqual(n.name(for: "2026-cohort"), "v2026_cohort")
        XCTAssertEqual(n.name(for: "_x"), "v_x")
        XCTAssertEqual(n.name(for: "été"), "v_t_")
    }

    func testReservedWords() {
        var spss = VariableNamer(.spss), stata = VariableNamer(.stata)
        XCTAssertEqual(spss.name(for: "with"), "with_")
        XCTAssertEqual(spss.name(for: "by"), "by_")
        XCTAssertEqual(spss.name(for: "int"), "int")
        XCTAssertEqual(stata.name(for: "int"), "int_")
        XCTAssertEqual(stata.name(for: "str12"), "str12_")
        XCTAssertEqual(stata.name(for: "strong"), "strong")
        XCTAssertEqual(stata.name(for: "with"), "with_")
    }

    func testShorteningKeepsTheWaveSuffixAndIsDeterministic() {
        let long = String(repeating: "abcdefghij", count: 8) + "_w12"
        var a = VariableNamer(.stata), b = VariableNamer(.stata)
        let x = a.name(for: long, keepingSuffix: "_w12")
        XCTAssertEqual(x, b.name(for: long, keepingSuffix: "_w12"))
        XCTAssertEqual(x.count, 32)
        XCTAssertTrue(x.hasSuffix("_w12"))
        XCTAssertTrue(x.hasPrefix("abcdefghij"))
        var s = VariableNamer(.spss)
        let y = s.name(for: long, keepingSuffix: "_w12")
        XCTAssertEqual(y.utf8.count, 64)
        XCTAssertTrue(y.hasSuffix("_w12"))
    }

    /// Two long names sharing their first 60 characters get different names (different hashes),
    /// and a collision left after that (or between cases) gets _2, _3.
    func testCollisions() {
        var n = VariableNamer(.stata)
        let p = String(repeating: "x", count: 40)
        let a = n.name(for: p + "_one"), b = n.name(for: p + "_two")
        XCTAssertNotEqual(a, b)
        XCTAssertTrue(a.count <= 32 && b.count <= 32)
        var m = VariableNamer(.spss)
        XCTAssertEqual(m.name(for: "Item"), "Item")
        XCTAssertEqual(m.name(for: "item"), "item_2")
        XCTAssertEqual(m.name(for: "item"), "item_3")
        m.reserve("score")
        XCTAssertEqual(m.name(for: "score"), "score_2")
    }
}
