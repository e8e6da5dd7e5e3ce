import Foundation
import XCTest
@testable import WavesAnalysis
import WavesCore
@testable import WavesCLI

/// `waves quality` writes its JSON and its table piece by piece (issue 14: at 100,000
/// participants the whole document held 590 MB); the pieces must join to the bytes the
/// whole-document writers give (`JSONOutput.print`, `TextTable.render()`). Since session 10 the
/// submissions are written without the encoder (`QualityCommand.json`), the table cells that
/// repeat are made once (`QualityCommand.RepeatedTexts`) and the table's lines are put together
/// as bytes: each must give the bytes it replaced.
final class QualityOutputTests: XCTestCase {
    static let demo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("datasets/pmi-demo")

    func result(_ submissions: [DataQuality.Submission]) -> QualityCommand.Result {
        QualityCommand.Result(rules: .init(speed_fraction: 0.35, block_min: 3, min_for_median: 2), submissions: submissions,
                              flagged: submissions.filter(\.flagged).count)
    }

    func testPiecesJoinToTheWholeJSONDocument() throws {
        var settings = DataQuality.Settings()
        settings.blockMin = 3; settings.minForMedian = 2
        var subs = DataQuality(try StudyData.load(directory: Self.demo), settings: settings).submissions
        XCTAssertGreaterThan(subs.count, 400)
        subs[0].participant = "P\u{1B}]0;x\u{07}\u{202E}/é"   // escaped controls, a slash, non-ASCII
        for list in [subs, [], Array(subs.prefix(1))] {
            var pieces = ""
            try QualityCommand.writeJSON(result(list)) { pieces += $0 }
            XCTAssertEqual(pieces, try JSONOutput.text(result(list)) + "\n")
        }
    }

    func testTheStreamedTableIsTheHeldTable() {
        let header = ["a", "number", "c"]
        let rows = [["x", "1.5", "y z "], ["long\u{1B}cell", "12", ""], ["", "–", "ü"]].map { $0.map(SafeText.line) }
        var t = TextTable(header, rightAligned: [1])
        for r in rows { t.add(r) }
        var lines: [String] = []
        TextTable.render(header: header, rows: rows, rightAligned: [1]) { lines.append($0) }
        XCTAssertEqual(lines.joined(separator: "\n"), t.render())
        XCTAssertEqual(lines.count, 5)
    }

    /// Random tables (hostile, wide and combining cells; the widest cell in the last row, in
    /// column `wideColumn`) with the one-thread table's text, for each row count and piece size.
    func forEachTable(wideColumn: Int, _ check: (_ header: [String], _ rows: [[String]], _ whole: String, _ chunk: Int) -> Void) {
        let cells = ["x", "1.5", "y z ", "long\u{1B}cell", "12", "", "–", "ü", "漢字", "e\u{301}", "a\u{3000}", "=1", " pad"]
        var g = SystemRandomNumberGenerator()
        let header = ["participant", "n", "c", "wide"]
        for count in [0, 1, 5, 37, 300] {
            var rows = (0..<count).map { _ in (0..<4).map { _ in SafeText.line(cells.randomElement(using: &g)!) } }
            if count > 0 { rows[count - 1][wideColumn] = String(repeating: "w", count: 30) }
            var whole = ""
            TextTable.render(header: header, rows: rows, rightAligned: [1, 3]) { whole += $0 + "\n" }
            for chunk in [1, 2, 3, 7, 4096] { check(header, rows, whole, chunk) }
        }
    }

    /// The table laid out in pieces on every core is the one-thread table, whatever the piece
    /// size: widths from every piece (the widest cell in the last piece, wide and combining
    /// characters), lines in order, a trailing non-ASCII space trimmed, no rows at all.
    func testTheTableInPiecesIsTheOneThreadTable() {
        forEachTable(wideColumn: 0) { header, made, whole, chunk in
            var pieces = ""
            var emitted = 0
            TextTable.render(header: header, count: made.count, rightAligned: [1, 3], chunk: chunk, memo: { 0 }, rows: { range, calls in
                calls += 1
                return Array(made[range])
            }) { pieces += $0; emitted += 1 }
            XCTAssertEqual(pieces, whole, "count \(made.count) chunk \(chunk)")
            XCTAssertEqual(emitted, 2 + (made.count + chunk - 1) / chunk)
        }
    }

    /// The rows made once and kept (`renderKeepingRows`, `waves rci`'s table): the same text as
    /// the one-thread table, each row made exactly once, for any piece size.
    func testTheTableWithKeptRowsIsTheOneThreadTable() {
        forEachTable(wideColumn: 3) { header, made, whole, chunk in
            let calls = Counter()
            var pieces = ""
            TextTable.renderKeepingRows(header: header, count: made.count, rightAligned: [1, 3], chunk: chunk, rows: { range in
                calls.add(range.count)
                return Array(made[range])
            }) { pieces += $0 }
            XCTAssertEqual(pieces, whole, "count \(made.count) chunk \(chunk)")
            XCTAssertEqual(calls.total, made.count, "each row made once")
        }
    }

    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var n = 0
        func add(_ k: Int) { lock.lock(); n += k; lock.unlock() }
        var total: Int { lock.lock(); defer { lock.unlock() }; return n }
    }

    static func randomSubmission(_ g: inout SystemRandomNumberGenerator) -> DataQuality.Submission {
        let texts = ["P000001", "w1", "bench", "a b", "x/y", "q\"", "b\\s", "é", "t\u{7F}", "\u{1}", "~!@#$%^&*()", ""]
        func number(_ i: Int) -> Double? {
            switch i % 7 {
            case 0: return nil
            case 1: return Double(Int.random(in: 0...40, using: &g)) / Double(Int.random(in: 1...40, using: &g))
            case 2: return Double.random(in: 0...1e7, using: &g)
            case 3: return Double.random(in: 0...1e-4, using: &g)
            case 4: return Double(bitPattern: UInt64.random(in: 0...UInt64.max, using: &g))
            case 5: return [0, -0.0, 1, 1e21, 123456789.125, .infinity, .nan].randomElement(using: &g)!
            default: return Double(Int.random(in: 0...600_000, using: &g))
            }
        }
        return DataQuality.Submission(participant: texts.randomElement(using: &g)!, instrument: texts.randomElement(using: &g)!,
                                      wave: texts.randomElement(using: &g)!, duration_ms: number(Int.random(in: 0...6, using: &g)),
                                      median_ms: number(Int.random(in: 0...6, using: &g)), speeding: Bool.random(using: &g),
                                      longstring: Int.random(in: 0...70, using: &g), straightlining: Bool.random(using: &g),
                                      missing_rate: number(Int.random(in: 1...6, using: &g)) ?? 0)
    }

    /// Each submission written by hand is the encoder's text; a submission the encoder refuses
    /// (a missing rate that is not finite) is refused by hand too, and the document is `print`'s.
    func testSubmissionsWrittenByHandAreTheEncodersBytes() throws {
        var g = SystemRandomNumberGenerator()
        var byHand = 0
        for _ in 0..<30_000 {
            let s = Self.randomSubmission(&g)
            let encoded = try? JSONOutput.text(s)
            guard let mine = QualityCommand.json(s) else { continue }
            byHand += 1
            XCTAssertEqual(mine, encoded, "\(s)")
        }
        XCTAssertGreaterThan(byHand, 1000)
        for _ in 0..<20 {
            let subs = (0..<Int.random(in: 0...3000, using: &g)).map { _ in Self.randomSubmission(&g) }.filter { $0.missing_rate.isFinite }
            let result = QualityCommand.Result(rules: .init(speed_fraction: 0.5, block_min: 4, min_for_median: 5), submissions: subs,
                                               flagged: subs.filter(\.flagged).count)
            var written = ""
            try QualityCommand.writeJSON(result) { written += $0 }
            XCTAssertEqual(written, try JSONOutput.text(result) + "\n")
        }
    }

    func testRepeatedCellsAreTheCellsMadeEachTime() {
        var g = SystemRandomNumberGenerator()
        var texts = QualityCommand.RepeatedTexts()
        let names = ["w1", "w2", "bench", "a\u{1B}[31m", "e\u{301}", "é", "t\u{7F}", "x\ny", ""]
        for _ in 0..<50_000 {
            let name = names.randomElement(using: &g)!
            XCTAssertEqual(texts.safe(name), SafeText.line(name))
            let ms: Double? = Int.random(in: 0..<4, using: &g) == 0 ? nil
                : [1500, 1500.0000001, 0, -0.0, 99_999, Double.random(in: 0...1e6, using: &g)].randomElement(using: &g)!
            XCTAssertEqual(texts.seconds(ms), ms.map(QualityCommand.seconds) ?? "–")
            let n = Int.random(in: -3...100, using: &g)
            XCTAssertEqual(texts.count(n), String(n))
            let rate = [Double(Int.random(in: 0...40, using: &g)) / 40, Double.random(in: 0...1, using: &g), 0.005, 0.015, -0.0]
                .randomElement(using: &g)!
            XCTAssertEqual(texts.percent(rate), NumberText.percent(rate))
        }
    }

    /// `TextTable.render` as it was before rows of ASCII cells were put together as bytes.
    static func oldRender(header: [String], rows: [[String]], rightAligned: Set<Int>) -> [String] {
        var widths = Array(repeating: 0, count: header.count)
        func measure(_ r: [String]) { for (i, c) in r.enumerated() where i < widths.count { widths[i] = max(widths[i], TextTable.width(c)) } }
        measure(header)
        for r in rows { measure(r) }
        let right = (0..<header.count).map(rightAligned.contains)
        func line(_ r: [String]) -> String {
            var text = ""
            for (i, c) in r.enumerated() {
                if i > 0 { text += "  " }
                let pad = String(repeating: " ", count: max(0, widths[i] - TextTable.width(c)))
                if i < right.count && right[i] { text += pad; text += c } else { text += c; text += pad }
            }
            return TextTable.trimmingTrailingSpace(text)
        }
        return [line(header), widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")] + rows.map(line)
    }

    /// Random tables of ASCII and other cells (empty cells, trailing blanks and tabs, carriage
    /// returns, combining marks, wide and non-breaking spaces, rows shorter than the header).
    func testTableLinesAreTheOnesBuiltAsStrings() {
        var g = SystemRandomNumberGenerator()
        let cells = ["", " ", "P000001", "w1", "12.5 s", "–", "yes", "3%", "a\t", "b\u{0B}", "x\r", "é", "e\u{301}", "日本", "\u{A0}", "z\u{2003}", "  ", "q \u{85}"]
        for _ in 0..<2000 {
            let columns = Int.random(in: 1...6, using: &g)
            let header = (0..<columns).map { _ in cells.randomElement(using: &g)! }
            let rows = (0..<Int.random(in: 0...8, using: &g)).map { _ in
                (0..<Int.random(in: 0...columns, using: &g)).map { _ in cells.randomElement(using: &g)! }
            }
            let right = Set((0..<columns).filter { _ in Bool.random(using: &g) })
            var lines: [String] = []
            TextTable.render(header: header, rows: rows, rightAligned: right) { lines.append($0) }
            let old = Self.oldRender(header: header, rows: rows, rightAligned: right)
            XCTAssertEqual(lines, old)
            XCTAssertEqual(lines.map { Array($0.utf8) }, old.map { Array($0.utf8) }, "\(header) \(rows)")
        }
    }
}
