import Foundation
import WavesAnalysis
import WavesCore
import WavesExport
import XCTest

/// csv-long, csv-wide and codebook outputs of the edge-case study, byte for byte.
///
/// The edge study has accents and CJK in labels and answers, a long item text, item
/// ids longer than the Stata and SPSS limits, an item id shared by two instruments,
/// a response set that uses -9, declined answers, show_if, text with commas, quotes,
/// line breaks, emoji and more than 3000 bytes, and a duplicate submission.
/// Update the golden copies with `WAVES_UPDATE_GOLDEN=1 swift test --filter WavesExportTests` and review the diff.
final class GoldenTests: XCTestCase {
    func testCSVLongOfEachInstrument() throws {
        let dir = try Support.tempDir(self)
        let data = try Support.load(Support.edgeStudy)
        for inst in ["ident", "diary"] {
            let out = dir.appendingPathComponent("\(inst).csv")
            let r = try Exporter.export(data, format: .csvLong, to: out, options: ExportOptions(instrument: inst))
            XCTAssertEqual(r.files, [out])
            try Support.assertGolden(out, "edge-long-\(inst).csv")
        }
    }

    func testCSVLongIntoAFolderWritesOneFilePerInstrument() throws {
        let dir = try Support.tempDir(self)
        let r = try Exporter.export(try Support.load(Support.edgeStudy), format: .csvLong, to: dir)
        XCTAssertEqual(r.files.map(\.lastPathComponent), ["ident.csv", "diary.csv"])
        try Support.assertGolden(dir.appendingPathComponent("ident.csv"), "edge-long-ident.csv")
        try Support.assertGolden(dir.appendingPathComponent("diary.csv"), "edge-long-diary.csv")
    }

    func testCSVWideWithScores() throws {
        let out = try Support.tempDir(self).appendingPathComponent("wide.csv")
        let r = try Exporter.export(try Support.load(Support.edgeStudy), format: .csvWide, to: out, options: ExportOptions(scores: true))
        XCTAssertEqual(r.rows, 5)
        try Support.assertGolden(out, "edge-wide-scores.csv")
    }

    func testCSVWideOfSomeWaves() throws {
        let out = try Support.tempDir(self).appendingPathComponent("wide.csv")
        _ = try Exporter.export(try Support.load(Support.edgeStudy), format: .csvWide, to: out, options: ExportOptions(waves: ["w3", "w1"]))
        try Support.assertGolden(out, "edge-wide-w1-w3.csv")
    }

    func testCodebookMarkdownAndCSV() throws {
        let dir = try Support.tempDir(self)
        let data = try Support.load(Support.edgeStudy)
        for ext in ["md", "csv"] {
            let out = dir.appendingPathComponent("codebook.\(ext)")
            _ = try Exporter.export(data, format: .codebook, to: out)
            try Support.assertGolden(out, "edge-codebook.\(ext)")
        }
        let wide = dir.appendingPathComponent("codebook-wide.csv")
        _ = try Exporter.export(data, format: .codebook, to: wide, options: ExportOptions(layout: .wide))
        try Support.assertGolden(wide, "edge-codebook-wide.csv")
    }

    func testDemoCodebook() throws {
        let out = try Support.tempDir(self).appendingPathComponent("codebook.md")
        _ = try Exporter.export(try Support.load(Support.demoStudy), format: .codebook, to: out)
        try Support.assertGolden(out, "demo-codebook.md")
    }

    func testDeidentifiedWide() throws {
        let out = try Support.tempDir(self).appendingPathComponent("deid.csv")
        let deid = try Deidentification(keyFile: Support.testKey)
        let r = try Exporter.export(try Support.load(Support.edgeStudy), format: .csvWide, to: out,
                                    options: ExportOptions(scores: true, deidentification: deid))
        XCTAssertTrue(r.notes.contains { $0.contains("ident.comment") && $0.contains("diary.comment") }, "\(r.notes)")
        try Support.assertGolden(out, "edge-wide-deidentified.csv")
    }

    /// The CSV exports are RFC 4180: CRLF after every record, quotes only where needed, UTF-8 without BOM.
    func testCSVIsRFC4180() throws {
        let out = try Support.tempDir(self).appendingPathComponent("ident.csv")
        _ = try Exporter.export(try Support.load(Support.edgeStudy), format: .csvLong, to: out, options: ExportOptions(instrument: "ident"))
        let bytes = [UInt8](try Data(contentsOf: out))
        XCTAssertNotEqual(Array(bytes.prefix(3)), [0xEF, 0xBB, 0xBF], "no BOM")
        let text = String(decoding: bytes, as: UTF8.self)
        XCTAssertTrue(text.hasSuffix("\r\n"))
        let rows = try CSVReader.parse(text)
        XCTAssertEqual(rows.count, 7)
        XCTAssertTrue(rows.allSatisfy { $0.fields.count == rows[0].fields.count })
        // The multi-line answer is one quoted field with its quotes doubled, its line break kept.
        XCTAssertEqual(rows[1].fields[11], "Bien, merci, \"vraiment\",\nà bientôt")
        XCTAssertTrue(text.contains("\"Bien, merci, \"\"vraiment\"\",\nà bientôt\""))
    }
}
