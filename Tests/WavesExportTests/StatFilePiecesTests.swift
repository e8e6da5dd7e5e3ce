import Foundation
import WavesCore
@testable import WavesExport
import XCTest

/// Session 13: pass 1 of the SPSS and Stata writers (column widths, whole numbers, the latest
/// submission time for the file header) runs in pieces of rows on every core and is merged in
/// order (`StatFileWriter.measure`); and the codebook is written from a pass that keeps no
/// answer (`ExportData.load(answers: false)`).
///
/// On the generated studies of `ExportRowReaderTests` (numbers on text items, texts of every
/// length, fractions, and odd time stamps: equal ones spelled differently, non-ASCII, a 40,000-byte
/// one): every piece size measures what one piece does, the latest time being the same
/// submission (of equal times, the first), and writes the same `.sav` and `.dta` bytes.
final class StatFilePiecesTests: XCTestCase {
    func testEveryPieceSizeMeasuresAndWritesAsOnePiece() throws {
        var tiesAfterTheFirstPiece = 0
        for seed: UInt64 in [1, 4, 9] {
            let dir = try ExportRowReaderTests.makeStudy(self, seed: seed)
            let data = try ExportData.load(directory: dir)
            for layout in [ExportLayout.long, .wide] {
                for dates in [DatePolicy.keep, .date] {
                    let plan = try ExportPlan.build(data, options: ExportOptions(), layout: layout, scores: true, dates: dates)
                    XCTAssertGreaterThan(plan.rows.count, 20)
                    let whole = StatFileWriter.measure(plan, chunk: plan.rows.count + 1)
                    XCTAssertNotNil(whole.latest)
                    for chunk in [1, 2, 3, 7, 64] {
                        let pieces = StatFileWriter.measure(plan, chunk: chunk)
                        XCTAssertEqual(pieces.measured, whole.measured, "\(layout) \(dates) chunk \(chunk)")
                        XCTAssertEqual(pieces.latest, whole.latest, "\(layout) \(dates) chunk \(chunk): the first of the latest times")
                    }
                    // A submission after the chosen one with an equal time: the merge must keep the first.
                    if let k = whole.latest {
                        let later = (0..<plan.table.submissionCount).filter { $0 != k && !plan.table.stamp($0, isAfter: k) && !plan.table.stamp(k, isAfter: $0) }
                        if !later.isEmpty { tiesAfterTheFirstPiece += 1 }
                    }
                    for kind in [StatFileWriter.Kind.sav, .dta] {
                        func written(_ chunk: Int) throws -> Data {
                            let url = dir.appendingPathComponent("pieces-\(layout)-\(dates)-\(chunk).\(kind == .sav ? "sav" : "dta")")
                            _ = try StatFileWriter.write(plan, kind: kind, to: OutputTarget(unchecked: url), chunk: chunk)
                            return try Data(contentsOf: url)
                        }
                        let one = try written(plan.rows.count + 1)
                        for chunk in [1, 5] { XCTAssertEqual(try written(chunk), one, "\(kind) \(layout) \(dates) chunk \(chunk)") }
                    }
                }
            }
        }
        XCTAssertGreaterThan(tiesAfterTheFirstPiece, 0, "some latest time has an equal one elsewhere")
    }

    /// The codebook (Markdown and CSV, long and wide, for a wave, an instrument, with formula
    /// escapes) from a pass that keeps no answer is the codebook of the whole table; any other
    /// format is refused from such data.
    func testTheCodebookNeedsNoAnswers() throws {
        let dir = try ExportRowReaderTests.makeStudy(self, seed: 4)
        var cases: [ExportOptions] = [ExportOptions(), ExportOptions(layout: .wide), ExportOptions(waves: ["w3"]), ExportOptions(instrument: "two", layout: .wide)]
        var escaped = ExportOptions(layout: .wide)
        escaped.escapeFormulas = true
        cases.append(escaped)
        var deidentified = ExportOptions(dates: .date)
        deidentified.deidentification = try Deidentification(key: Array("a key of sixteen bytes or more".utf8))
        cases.append(deidentified)
        for (n, options) in cases.enumerated() {
            let full = try ExportData.load(directory: dir, options: options)
            let keys = try ExportData.load(directory: dir, options: options, answers: false)
            XCTAssertTrue(full.hasAnswers)
            XCTAssertFalse(keys.hasAnswers)
            XCTAssertEqual(keys.duplicateCount, full.duplicateCount)
            XCTAssertEqual(keys.problems.map(\.line), full.problems.map(\.line))
            for ext in ["md", "csv"] where ext == "csv" || !options.escapeFormulas {
                func written(_ data: ExportData, _ name: String) throws -> (Data, ExportResult) {
                    let url = dir.appendingPathComponent("codebook-\(n)-\(name).\(ext)")
                    let result = try Exporter.export(data, format: .codebook, to: url, options: options)
                    return (try Data(contentsOf: url), result)
                }
                let (a, ra) = try written(full, "full"), (b, rb) = try written(keys, "keys")
                XCTAssertEqual(a, b, "case \(n) .\(ext)")
                XCTAssertEqual(ra.variables, rb.variables)
                XCTAssertEqual(ra.notes, rb.notes)
                XCTAssertEqual(ra.formulaCells.map(\.cells), rb.formulaCells.map(\.cells))
            }
            for format in [ExportFormat.csvWide, .csvLong, .sav, .dta] {
                let url = dir.appendingPathComponent("refused-\(n).\(format.rawValue)")
                XCTAssertThrowsError(try Exporter.export(keys, format: format, to: url, options: options), "\(format)")
                XCTAssertFalse(FileManager.default.fileExists(atPath: url.path))
            }
        }
    }
}
