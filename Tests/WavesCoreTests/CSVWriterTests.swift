import XCTest
@testable import WavesCore

final class CSVWriterTests: XCTestCase {
    func testRFC4180QuotingAndCRLF() throws {
        var w = CSVWriter(header: ["a", "b", "c"])
        let text = w.headerRecord() + w.record([.text("with,comma"), .text("quote\"d"), .text("line\nbreak")])
            + w.record([.text(" padded "), .number(3.5), .text("é中")])
        XCTAssertEqual(text, "a,b,c\r\n\"with,comma\",\"quote\"\"d\",\"line\nbreak\"\r\n\" padded \",3.5,é中\r\n")
        let rows = try CSVReader.parse(text)
        XCTAssertEqual(rows.map(\.fields), [["a", "b", "c"], ["with,comma", "quote\"d", "line\nbreak"], [" padded ", "3.5", "é中"]])
        XCTAssertEqual(w.recordCount, 3)
    }

    func testNumbersInShortestFormAndEmptyWhenNotFinite() {
        var w = CSVWriter(header: ["x"])
        XCTAssertEqual(w.record([.number(4)]), "4\r\n")
        XCTAssertEqual(w.record([.number(-0.5)]), "-0.5\r\n")
        XCTAssertEqual(w.record([.number(1e308)]), "1e+308\r\n")
        XCTAssertEqual(w.record([.number(.nan)]), "\r\n")
        XCTAssertTrue(w.formulaCells.isEmpty, "numbers written by Waves are data, never formulas")
    }

    func testControlCharactersAreShownNotWritten() {
        var w = CSVWriter(header: ["id", "text"])
        let line = w.record([.text("P\u{1B}[2J01"), .text("bell\u{07} bidi \u{202E}x\r\nnext\tline \u{9B}1m")])
        XCTAssertEqual(line, "P^[[2J01,\"bell^G bidi <U+202E>x\nnext line <U+009B>1m\"\r\n")
        XCTAssertFalse(line.dropLast(2).unicodeScalars.contains { SafeText.isControl($0) && $0 != "\n" })
        XCTAssertEqual(CSVWriter.line(["a\u{1B}b", "c,d"]), "a^[b,\"c,d\"")
    }

    func testFormulaCellsAreReportedWithRowsAndColumns() {
        var w = CSVWriter(header: ["participant", "score", "diary"])
        var text = w.headerRecord()
        text += w.record([.text("P01"), .number(-2), .text("fine")])
        text += w.record([.text("=HYPERLINK(\"http://x\")"), .number(1), .text("-2+3")])
        text += w.record([.text("P03"), .number(1), .text("@SUM(1+1)")])
        text += w.record([.text("\tleading tab"), .number(1), .text("+1")])
        text += w.record([.text("\r=cr first"), .number(1), .text("ok")])
        let f = w.formulaCells
        XCTAssertEqual(f.count, 5, "the tab becomes a space; CR is dropped, so '=cr first' starts with =")
        XCTAssertEqual(f.rows, [3, 4, 5, 6])
        XCTAssertEqual(f.columns, ["participant", "diary"])
        XCTAssertFalse(f.moreRows)
        XCTAssertTrue(text.contains("\"=HYPERLINK(\"\"http://x\"\")\",1,-2+3\r\n"), "kept faithful by default")
        XCTAssertEqual(f.summary, "5 text cells begin with = + - @ tab or CR, which a spreadsheet may run as a formula (rows 3, 4, 5, 6; columns participant, diary)")
    }

    func testEscapeFormulasPrefixesAnApostrophe() throws {
        var w = CSVWriter(header: ["id", "n"], escapeFormulas: true)
        let text = w.record([.text("=1+2"), .number(-3)]) + w.record([.text("-x"), .text("@y")]) + w.record([.text("plain"), .text("'quoted")])
        XCTAssertEqual(text, "'=1+2,-3\r\n'-x,'@y\r\nplain,'quoted\r\n")
        XCTAssertEqual(w.formulaCells.count, 3)
        XCTAssertEqual(try CSVReader.parse(text).first?.fields, ["'=1+2", "-3"])
    }

    func testManyRowsAreListedBriefly() {
        var w = CSVWriter(header: ["a"])
        _ = w.headerRecord()
        for _ in 0..<20 { _ = w.record([.text("=x")]) }
        XCTAssertEqual(w.formulaCells.count, 20)
        XCTAssertEqual(w.formulaCells.rows, [2, 3, 4, 5, 6])
        XCTAssertTrue(w.formulaCells.moreRows)
        XCTAssertTrue(w.formulaCells.summary.contains("(rows 2, 3, 4, 5, 6, …; column a)"), w.formulaCells.summary)
        var one = CSVWriter(header: ["a"])
        _ = one.record([.text("+1")])
        XCTAssertEqual(one.formulaCells.summary, "1 text cell begins with = + - @ tab or CR, which a spreadsheet may run as a formula (row 1; column a)")
    }

    /// Text fields of printable ASCII are written byte for byte (`appendPlain`); every other
    /// text by the general rules. On random texts of commas, quotes, spaces, formula starts,
    /// controls, line breaks, accents and combining marks, both give the same bytes and the
    /// same formula cells, with and without escaping.
    func testBytesOfPlainTextAreThoseOfTheGeneralRules() {
        let pieces = ["a", "Z", "0", ",", "\"", " ", "=", "+", "-", "@", "'", "\t", "\r", "\n", "\r\n", "é", "e\u{301}", ",\u{301}", "\u{1B}", "\u{7F}", "中", "T", "~"]
        var state: UInt64 = 42
        func next(_ n: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(n))
        }
        for escape in [false, true] {
            var fast = CSVWriter(header: ["a", "b", "c"], escapeFormulas: escape), general = fast
            var a: [UInt8] = [], b: [UInt8] = []
            for _ in 0..<3000 {
                fast.beginRecord(); general.beginRecord()
                for column in 0..<3 {
                    var text = ""
                    for _ in 0..<next(6) { text += pieces[next(next(3) == 0 ? pieces.count : 11)] }
                    Array(text.utf8).withUnsafeBufferPointer { fast.appendText(utf8: $0, column: column, into: &a) }
                    general.appendAny(text, column: column, into: &b)
                }
                CSVWriter.endRecord(into: &a); CSVWriter.endRecord(into: &b)
            }
            XCTAssertEqual(String(decoding: a, as: UTF8.self), String(decoding: b, as: UTF8.self))
            XCTAssertEqual(a, b)
            XCTAssertEqual(fast.formulaCells, general.formulaCells)
            XCTAssertGreaterThan(fast.formulaCells.count, 100)
        }
    }
}
