import Foundation
import WavesAnalysis
import WavesCore
import WavesExport
import XCTest

/// Refusals come as clear sentences, and nothing is left behind.
final class ExportErrorTests: XCTestCase {
    func emptyStudy() throws -> StudyData {
        let dir = try Support.tempDir(self, "empty")
        try Support.copyStudyWithoutData(Support.edgeStudy, to: dir)
        return try Support.load(dir)
    }

    func testEmptyStoreIsRefusedForDataButNotForTheCodebook() throws {
        let data = try emptyStudy()
        let out = try Support.tempDir(self)
        for (format, name) in [(ExportFormat.sav, "x.sav"), (.dta, "x.dta"), (.csvWide, "x.csv")] {
            XCTAssertThrowsError(try Exporter.export(data, format: format, to: out.appendingPathComponent(name))) { e in
                XCTAssertEqual(e as? ExportError, .nothingToExport("data/responses.jsonl holds no responses yet"))
                XCTAssertTrue(e.localizedDescription.contains("nothing to export"), e.localizedDescription)
            }
        }
        XCTAssertThrowsError(try Exporter.export(data, format: .csvLong, to: out.appendingPathComponent("l.csv"), options: ExportOptions(instrument: "ident")))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out.path), [], "no file, not even a temporary one")
        let book = try Exporter.export(data, format: .codebook, to: out.appendingPathComponent("codebook.md"))
        XCTAssertEqual(book.files.count, 1)
    }

    func testNoRowsForTheSelectedWave() throws {
        let out = try Support.tempDir(self).appendingPathComponent("x.sav")
        XCTAssertThrowsError(try Exporter.export(try Support.load(Support.edgeStudy), format: .sav, to: out,
                                                 options: ExportOptions(instrument: "diary", waves: ["w1"]))) { e in
            XCTAssertTrue(e.localizedDescription.contains("for instrument 'diary' at wave w1"), e.localizedDescription)
        }
    }

    func testCSVLongWithSeveralInstrumentsNeedsOne() throws {
        let out = try Support.tempDir(self).appendingPathComponent("long.csv")
        XCTAssertThrowsError(try Exporter.export(try Support.load(Support.edgeStudy), format: .csvLong, to: out)) { e in
            XCTAssertEqual(e as? ExportError, .needsInstrument(format: "csv-long", available: ["ident", "diary"]))
        }
    }

    func testOptionsThatDoNotApply() throws {
        let data = try Support.load(Support.edgeStudy)
        let out = try Support.tempDir(self)
        XCTAssertThrowsError(try Exporter.export(data, format: .csvLong, to: out.appendingPathComponent("a.csv"), options: ExportOptions(instrument: "ident", scores: true))) {
            XCTAssertEqual($0 as? ExportError, .scoresNotApplicable(format: "csv-long"))
        }
        XCTAssertThrowsError(try Exporter.export(data, format: .csvWide, to: out.appendingPathComponent("a.csv"), options: ExportOptions(layout: .long))) {
            XCTAssertEqual($0 as? ExportError, .layoutNotApplicable(format: "csv-wide", layout: "long"))
        }
        XCTAssertThrowsError(try Exporter.export(data, format: .codebook, to: out.appendingPathComponent("a.txt"))) {
            XCTAssertEqual($0 as? ExportError, .codebookExtension("a.txt"))
        }
        XCTAssertThrowsError(try Exporter.export(data, format: .sav, to: out.appendingPathComponent("a.sav"), options: ExportOptions(waves: ["w9"]))) {
            XCTAssertTrue($0.localizedDescription.contains("no wave 'w9'"), $0.localizedDescription)
        }
        XCTAssertThrowsError(try Exporter.export(data, format: .sav, to: out.appendingPathComponent("a.sav"), options: ExportOptions(instrument: "nope"))) {
            XCTAssertTrue($0.localizedDescription.contains("no instrument 'nope'"), $0.localizedDescription)
        }
    }

    func testSavNamedLikeItsSyntaxIsRefused() throws {
        let out = try Support.tempDir(self).appendingPathComponent("scores.R")
        XCTAssertThrowsError(try Exporter.export(try Support.load(Support.edgeStudy), format: .sav, to: out)) {
            XCTAssertTrue($0.localizedDescription.contains("give the data file a .sav name"), $0.localizedDescription)
        }
    }

    func testRefusesToOverwriteTheStudy() throws {
        let dir = try Support.tempDir(self)
        try Support.copyStudyWithoutData(Support.edgeStudy, to: dir)
        try FileManager.default.copyItem(at: Support.edgeStudy.appendingPathComponent("data/responses.jsonl"), to: dir.appendingPathComponent("data/responses.jsonl"))
        let data = try Support.load(dir)
        let before = try Data(contentsOf: dir.appendingPathComponent("data/responses.jsonl"))
        for target in ["data/responses.jsonl", "study.yaml", "instruments/ident.yaml", "roster.csv"] {
            XCTAssertThrowsError(try Exporter.export(data, format: .csvWide, to: dir.appendingPathComponent(target))) {
                guard case .studyFile(_, let path, _)? = $0 as? OutputPathError else { return XCTFail("\($0)") }
                XCTAssertEqual(path, dir.appendingPathComponent(target).path)
            }
        }
        XCTAssertEqual(try Data(contentsOf: dir.appendingPathComponent("data/responses.jsonl")), before)
    }

    func testWeakOrMissingKeys() throws {
        let dir = try Support.tempDir(self)
        let short = dir.appendingPathComponent("short.key")
        try Data("tooshort\n".utf8).write(to: short)
        XCTAssertThrowsError(try Deidentification(keyFile: short)) {
            XCTAssertEqual($0 as? ExportError, .weakKeyFile(short.path, bytes: 8, minimum: 16))
        }
        XCTAssertThrowsError(try Deidentification(keyFile: dir.appendingPathComponent("absent.key"))) {
            XCTAssertTrue($0.localizedDescription.contains("openssl rand -hex 32"), $0.localizedDescription)
        }
    }
}
