import Foundation
import WavesCore
@testable import WavesExport
import XCTest

/// CSV exports are formatted in pieces of rows on every core (`CSVExporter.write`,
/// `Parallel.forEachChunk`) and written in order. On the generated studies of
/// `ExportRowReaderTests` (formula-like participant ids and texts, quotes, line breaks, control
/// characters, odd time stamps), every piece size gives the bytes and the formula cells (count,
/// first rows as a spreadsheet numbers them, columns in order) of one piece, which is the
/// writer of every row in turn.
final class CSVPiecesTests: XCTestCase {
    func testEveryPieceSizeWritesTheSameFileAndFormulaCells() throws {
        var formulaFiles = 0, manyRows = 0
        for seed: UInt64 in [1, 4] {
            let dir = try ExportRowReaderTests.makeStudy(self, seed: seed)
            for layout in [ExportLayout.long, .wide] {
                for escape in [false, true] {
                    let options = ExportOptions()
                    let data = try ExportData.load(directory: dir, options: options)
                    let plan = try ExportPlan.build(data, options: options, layout: layout, scores: true, dates: .keep)
                    func written(_ chunk: Int) throws -> (Data, CSVWriter.FormulaCells) {
                        let url = dir.appendingPathComponent("pieces-\(layout)-\(escape)-\(chunk).csv")
                        let cells = try CSVExporter.write(plan, to: OutputTarget(unchecked: url), escapeFormulas: escape, chunk: chunk)
                        return (try Data(contentsOf: url), cells)
                    }
                    let (whole, wholeCells) = try written(plan.rows.count + 1)
                    XCTAssertGreaterThan(plan.rows.count, 20)
                    if !wholeCells.isEmpty { formulaFiles += 1 }
                    if wholeCells.moreRows { manyRows += 1 }
                    for chunk in [1, 2, 3, 7, 64] {
                        let (bytes, cells) = try written(chunk)
                        XCTAssertEqual(bytes, whole, "\(layout) escape \(escape) chunk \(chunk)")
                        XCTAssertEqual(cells, wholeCells, "\(layout) escape \(escape) chunk \(chunk)")
                    }
                }
            }
        }
        XCTAssertEqual(formulaFiles, 8, "every file has formula-like cells")
        XCTAssertGreaterThan(manyRows, 0, "some file lists only the first rows")
    }

    /// Pieces appended in order give the cells one writer gives: rows listed up to the limit,
    /// a row counted once however many of its cells, columns in order of first appearance.
    func testFormulaCellsOfPiecesAddUpAsOneWriter() {
        let header = ["a", "b", "c"]
        // (row, column) of formula cells in file order; rows 2... (the header is row 1).
        let cells: [(Int, Int)] = [(2, 1), (3, 2), (3, 1), (5, 0), (6, 1), (7, 0), (9, 2), (9, 1), (12, 0)]
        var one = CSVWriter(header: header)
        _ = one.headerRecord()
        func write(_ w: inout CSVWriter, rows: ClosedRange<Int>) {
            var bytes: [UInt8] = []
            for r in rows {
                w.beginRecord()
                for c in 0..<3 { w.appendText(cells.contains { $0 == (r, c) } ? "=x" : "x", column: c, into: &bytes) }
            }
        }
        write(&one, rows: 2...13)
        for cut in [[2], [5, 9], [3, 4, 10, 12], Array(3...13)] {
            var pieced = CSVWriter(header: header)
            _ = pieced.headerRecord()
            var start = 2
            for end in cut.map({ $0 - 1 }) + [13] where end >= start {
                var piece = CSVWriter(continuing: pieced, recordsBefore: pieced.recordCount)
                write(&piece, rows: start...end)
                pieced.append(piece: piece)
                start = end + 1
            }
            XCTAssertEqual(pieced.formulaCells, one.formulaCells, "cut at \(cut)")
            XCTAssertEqual(pieced.recordCount, one.recordCount)
        }
        XCTAssertEqual(one.formulaCells.count, 9)
        XCTAssertEqual(one.formulaCells.rows, [2, 3, 5, 6, 7])
        XCTAssertTrue(one.formulaCells.moreRows)
        XCTAssertEqual(one.formulaCells.columns, ["b", "c", "a"])
    }
}
