import Foundation
import WavesCore
import XCTest
@testable import WavesCLI

/// The CLI's text layer without the binary: tables, JSON escaping, notices and argument types.
final class TextRenderingTests: XCTestCase {
    /// The trailing-space trim removes exactly what the regular expression `\s+$` removed before,
    /// on lines ending in ASCII and Unicode spaces, combining marks, controls and emoji.
    func testTrailingSpaceTrimEqualsTheRegularExpression() {
        let pieces = ["a", " ", "  ", "\t", "\u{A0}", "\u{2003}", "\u{3000}", "\u{2028}", "\u{2029}", "\u{0B}", "\u{85}", "\u{301}",
                      "é", "👩‍⚕️", "^[", "\u{200B}", "\u{FEFF}", "x", "\n", "\r", "\u{0C}", "\u{1680}", "\u{202F}"]
        var g = SystemRandomNumberGenerator()
        for _ in 0..<20000 {
            let line = (0..<Int.random(in: 0...7, using: &g)).map { _ in pieces.randomElement(using: &g)! }.joined()
            let old = line.replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
            XCTAssertEqual(TextTable.trimmingTrailingSpace(line).unicodeScalars.map(\.value), old.unicodeScalars.map(\.value),
                           "\(line.unicodeScalars.map { String($0.value, radix: 16) })")
        }
    }

    /// A cell's width read from its bytes (ASCII without CR) is its Character count, and every
    /// other cell is counted by Characters: CR LF, combining marks, emoji, wide letters.
    func testCellWidthIsTheCharacterCount() {
        let pieces = ["a", " ", "-", "1", ".", "\r", "\n", "\r\n", "\u{301}", "é", "👩‍⚕️", "中", "\u{1B}", "\t"]
        var g = SystemRandomNumberGenerator()
        for _ in 0..<20000 {
            let cell = (0..<Int.random(in: 0...6, using: &g)).map { _ in pieces.randomElement(using: &g)! }.joined()
            XCTAssertEqual(TextTable.width(cell), cell.count, "\(cell.unicodeScalars.map { String($0.value, radix: 16) })")
        }
    }

    func testTableAlignsNumbersRightAndTextLeft() {
        var t = TextTable(["name", "n"], rightAligned: [1])
        t.add(["alpha", "5"])
        t.add(["b", "120"])
        XCTAssertEqual(t.render(), "name     n\n-----  ---\nalpha    5\nb      120")
    }

    func testTableCellsAreOneSafeLine() {
        var t = TextTable(["x"])
        t.add(["a\u{1B}]0;owned\u{07}b\nc"])
        let out = t.render()
        XCTAssertFalse(out.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 }, out)
        XCTAssertEqual(out.split(separator: "\n").count, 3, out)
    }

    func testJSONEscapesEveryControl() {
        XCTAssertEqual(JSONOutput.escapingControls("{\"a\":\"x\u{7F}y\u{202E}z\u{9B}\"}"), "{\"a\":\"x\\u007fy\\u202ez\\u009b\"}")
        XCTAssertEqual(JSONOutput.escapingControls("{\"a\":1}"), "{\"a\":1}")
    }

    func testFormulaNotice() {
        var w = CSVWriter(header: ["a"], escapeFormulas: false)
        _ = w.record([.text("=1+1")])
        XCTAssertTrue(FormulaNotice.line(file: "out.csv", w.formulaCells, escaped: false)?.hasPrefix("warning: out.csv: ") ?? false)
        XCTAssertTrue(FormulaNotice.line(file: nil, w.formulaCells, escaped: true)?.hasPrefix("note: ") ?? false)
        XCTAssertNil(FormulaNotice.line(file: nil, CSVWriter(header: ["a"]).formulaCells, escaped: false))
    }

    func testChangeIntervalText() {
        XCTAssertEqual(ChangeText.interval(nil), NumberText.interval(nil, nil, 2))
        XCTAssertEqual(ChangeText.interval([0.1234, 0.5], 3), NumberText.interval(0.1234, 0.5, 3))
    }

    func testArgumentTypes() {
        XCTAssertEqual(WaveList(argument: " w1, w3 ,")?.ids, ["w1", "w3"])
        XCTAssertNil(WaveList(argument: ","))
        XCTAssertEqual(IntList(argument: "20,40")?.values, [20, 40])
        XCTAssertNil(IntList(argument: "20,x"))
        XCTAssertEqual(NumberList(argument: "0, 6,12.5")?.values, [0, 6, 12.5])
        XCTAssertNil(NumberList(argument: "0,inf"))
        XCTAssertEqual(BetweenFactor(argument: "role"), .role)
        XCTAssertNil(BetweenFactor(argument: "cohort"))
    }

    func testUsageErrorsAreValidationFailures() {
        XCTAssertThrowsError(try WavesCommand.parseAsRoot(["lmm", "--time", "quadratic"]))
        XCTAssertThrowsError(try WavesCommand.parseAsRoot(["export", "--format", "xlsx", "--out", "x"]))
        XCTAssertNoThrow(try WavesCommand.parseAsRoot(["change", "--waves", "w1,w2", "--between", "role"]))
        XCTAssertNoThrow(try WavesCommand.parseAsRoot(["reliability"]))
    }
}
