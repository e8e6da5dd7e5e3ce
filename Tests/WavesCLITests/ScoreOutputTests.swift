import Foundation
import XCTest
@testable import WavesAnalysis
@testable import WavesCLI
import WavesCore

/// Issue 14: `waves score` writes its table and CSV from the numbers `StreamedScores` keeps
/// (`ScoreOutput`: each distinct text and number made once, chunks formatted on every core).
/// The bytes must be those of session 8's writers, which built every row and cell as Strings
/// (`TextTable.render` over `submissions(instrumentAt:)`, `CSVWriter.record` per row): kept
/// here as the reference, and run on the demo and on a store with every awkward text (controls,
/// non-ASCII, quotes, commas, outer spaces, formula starts, missing roles and scores), with
/// chunks of one, a few and many submissions.
final class ScoreOutputTests: XCTestCase {
    static let demo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("datasets/pmi-demo")
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("waves-scoreoutput-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: Self.demo, to: dir)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    /// Session 8's plain tables, as `waves score` printed them (`Output.out` of each piece).
    func oldTables(_ scores: StreamedScores) -> String {
        var text = ""
        for (position, inst) in scores.instruments.enumerated() where !inst.scales.isEmpty {
            text += SafeText.terminal("\(inst.title) (\(inst.id) \(inst.version))") + "\n"
            let header = ["participant", "role", "wave"] + inst.scales.map(\.id)
            let right = Set(3..<(3 + inst.scales.count))
            var administrations = 0, missing = 0
            for rows in scores.submissions(instrumentAt: position) {
                administrations += 1
                missing += rows.lazy.filter { $0.score == nil }.count
            }
            let column = inst.scales.map { s in inst.scales.lastIndex { $0.id == s.id }! }
            let lines = scores.submissions(instrumentAt: position).lazy.map { rows in
                ([rows[0].participant, rows[0].role ?? "–", rows[0].wave] + column.map { NumberText.fixed(rows[$0].score, 2) }).map(SafeText.line)
            }
            var table = ""
            TextTable.render(header: header.map(SafeText.line), rows: lines, rightAligned: right) { table += $0 + "\n" }
            text += SafeText.terminal(table)
            text += SafeText.terminal("\(administrations) administration(s); \(missing) score(s) missing because fewer than min_answered items were answered.\n") + "\n"
        }
        return text
    }

    /// Session 8's `--csv`: every row through `CSVWriter.record`.
    func oldCSV(_ scores: StreamedScores, escapeFormulas: Bool) -> (String, CSVWriter.FormulaCells) {
        var writer = CSVWriter(header: ["participant", "role", "wave", "instrument", "scale", "score", "answered", "k"], escapeFormulas: escapeFormulas)
        var text = writer.headerRecord()
        scores.forEachRow { r in
            text += writer.record([.text(r.participant), .text(r.role ?? ""), .text(r.wave), .text(r.instrument), .text(r.scale),
                                   r.score.map { .number($0) } ?? .text(""), .number(Double(r.answered)), .number(Double(r.k))])
        }
        return (text, writer.formulaCells)
    }

    func newTables(_ scores: StreamedScores, chunk: Int) -> String {
        var out: [UInt8] = []
        ScoreCommand.writeTables(scores, chunk: chunk, line: { out += Array((SafeText.terminal($0) + "\n").utf8) }) { out += Array($0) }
        return String(decoding: out, as: UTF8.self)
    }

    func newCSV(_ scores: StreamedScores, escapeFormulas: Bool, chunk: Int) -> (String, CSVWriter.FormulaCells) {
        var out: [UInt8] = []
        let formulas = ScoreCommand.writeCSV(scores, escapeFormulas: escapeFormulas, chunk: chunk) { out += Array($0) }
        return (String(decoding: out, as: UTF8.self), formulas)
    }

    /// Returns the demo's tables and CSV as compared (all instruments), for the caller's checks.
    @discardableResult
    func compare(file: StaticString = #filePath, line: UInt = #line) throws -> (table: String, csv: String) {
        let bundle = try StudyLoader.load(directory: dir)
        var seen = ("", "")
        for insts in [bundle.instruments, [bundle.instruments[0]], [bundle.instruments[1], bundle.instruments[0]]] {
            let scores = try StreamedScores.run(bundle: bundle, instruments: insts)
            let table = oldTables(scores)
            for chunk in [1, 3, 50, ScoreOutput.chunk] {
                XCTAssertEqual(newTables(scores, chunk: chunk), table, "table, chunk \(chunk)", file: file, line: line)
                for escape in [false, true] {
                    let (csv, formulas) = oldCSV(scores, escapeFormulas: escape)
                    let (mine, mineFormulas) = newCSV(scores, escapeFormulas: escape, chunk: chunk)
                    XCTAssertEqual(mine, csv, "csv, chunk \(chunk), escape \(escape)", file: file, line: line)
                    XCTAssertEqual(mineFormulas, formulas, file: file, line: line)
                    if insts.count == bundle.instruments.count && !escape { seen = (table, csv) }
                }
            }
        }
        return seen
    }

    func testDemoTablesAndCSVAreTheRowByRowBytes() throws {
        let (table, csv) = try compare()
        XCTAssertTrue(table.contains("–"), "the demo has missing scores")
        XCTAssertGreaterThan(table.split(separator: "\n").count, 100)
        XCTAssertGreaterThan(csv.split(separator: "\r\n").count, 100)
    }

    /// Participants, roles and waves with control characters, non-ASCII text (wide and
    /// combining), quotes, commas, outer spaces, missing roles, set-aside answers; then the same
    /// with a participant whose id begins like a formula (the CSV rows then go one by one).
    func testAwkwardTextsAreTheRowByRowBytes() throws {
        let store = dir.appendingPathComponent("data/responses.jsonl")
        let lines = try String(contentsOf: store, encoding: .utf8).split(separator: "\n").map(String.init)
        func awkward(_ names: [String]) throws {
            var extra: [String] = []
            for (k, l) in lines.enumerated() where k % 3 == 0 {
                let name = names[(k / 3) % names.count]
                var m = l.replacingOccurrences(of: #""participant":"P"#, with: #""participant":"\#(name)P"#)
                switch (k / 3) % 5 {
                case 0: m = m.replacingOccurrences(of: #""role":"mentee""#, with: #""role":"ment\u0085ee, ü ""#)
                case 1: m = m.replacingOccurrences(of: #""wave":"w1""#, with: #""wave":"w\u001b[31m\u2028""#)
                case 2: m = m.replacingOccurrences(of: #""pi01":"#, with: #""pi01":99,"pi01x":"#)   // set aside
                case 3: m = m.replacingOccurrences(of: #""wave":"w2""#, with: #""wave":" w２ ""#)
                default: m = m.replacingOccurrences(of: #""role":"mentee""#, with: #""role":null"#)
                }
                extra.append(m)
            }
            try Data(((lines + extra).joined(separator: "\n") + "\n").utf8).write(to: store)
        }
        try awkward([#"Q\u007f1"#, #"Q\u202e2"#, #"Q\u009b3"#, #"Q\"/\\4, "#, "Qé😀5", #"Q\u00016"#, "e\u{301}7 ", #"\t8"#])
        let (table, csv) = try compare()
        XCTAssertTrue(table.contains("^?") && table.contains("é😀") && table.contains("<U+202E>"), "the awkward ids reach the table")
        XCTAssertTrue(csv.contains("\"Q\"\"/\\4, P"), "a quoted CSV cell")
        try awkward(["=1+", "@x", " -y"])
        let (_, formulas) = try compare()
        XCTAssertTrue(formulas.contains("'=1+P") || formulas.contains("=1+P"))
    }

    /// A study with no store yet: each table is its title, header, rule and zero counts.
    func testNoStoreGivesTheEmptyTables() throws {
        try FileManager.default.removeItem(at: dir.appendingPathComponent("data/responses.jsonl"))
        let (table, csv) = try compare()
        XCTAssertTrue(table.hasPrefix("Professional identity"), table)
        XCTAssertTrue(table.contains("0 administration(s)"))
        XCTAssertEqual(csv, "participant,role,wave,instrument,scale,score,answered,k\r\n")
    }

    /// A cell that ends in white space at the end of a line is trimmed as `TextTable.line` trims
    /// it (a table's last column is a score, so only a header can; here any line).
    func testByteLinesTrimAsTheStringLines() {
        let cells = ["a", "b ", "é", "\u{3000}", "–", " ", "x\u{2029}", "\u{85}", "12.50", ""]
        for a in cells {
            for b in cells {
                let widths = [4, 3], right = [false, true]
                var out = ByteText(capacity: 4)
                out.append("zz")
                let start = out.count
                for (i, c) in [a, b].enumerated() {
                    Array(c.utf8).withUnsafeBytes { TextTable.appendCell($0, width: TextTable.width(c), column: i, widths: widths, right: right, into: &out) }
                }
                TextTable.endLine(from: start, into: &out)
                let line = out.withBytes { String(decoding: $0, as: UTF8.self) }
                XCTAssertEqual(line, "zz" + TextTable.line([a, b], widths: widths, right: right) + "\n", "\(a.debugDescription) \(b.debugDescription)")
            }
        }
    }
}
