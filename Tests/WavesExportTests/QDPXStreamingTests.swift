import Foundation
import XCTest
import WavesAnalysis
import WavesCore
@testable import WavesExport

/// The REFI-QDA exports from one streaming pass (`StreamedCodingUnits`, what `waves export`
/// uses) against the same exports from the whole loaded study (`StudyData`): the same units,
/// notes and bytes, on the demo and on a copy whose store has awkward lines (a later
/// duplicate, a wave the study does not define, lines only the strict decoder reads, a
/// record id used twice, blank texts).
final class QDPXStreamingTests: XCTestCase {
    /// A copy of the demo with awkward lines appended to its store.
    func awkwardStudy() throws -> URL {
        let dir = try Support.tempDir(self, "awkward")
        let copy = dir.appendingPathComponent("demo")
        try FileManager.default.copyItem(at: Support.demoStudy, to: copy)
        let storeURL = copy.appendingPathComponent("data/responses.jsonl")
        let lines = try String(contentsOf: storeURL, encoding: .utf8).split(separator: "\n").map(String.init)
        let diary = try XCTUnwrap(lines.first { $0.contains("\"participant\":\"P001\"") && $0.contains("\"id\":\"diary\"") })
        let identity = try XCTUnwrap(lines.first { $0.contains("\"participant\":\"P002\"") && $0.contains("\"id\":\"identity\"") })
        func field(_ line: String, _ key: String) throws -> String {
            let r = try XCTUnwrap(line.range(of: "\"\(key)\":\"[^\"]*\"", options: .regularExpression))
            return String(line[r].dropFirst(key.count + 4).dropLast())
        }
        let id = try field(diary, "id"), at = try field(diary, "submitted_at"), wave = try field(diary, "wave")
        func variant(_ newID: String, _ edits: [(String, String)]) -> String {
            var l = diary.replacingOccurrences(of: "\"id\":\"\(id)\"", with: "\"id\":\"\(newID)\"")
            for (a, b) in edits { l = l.replacingOccurrences(of: a, with: b) }
            return l
        }
        let added = [
            // A later submission of the same cell: it counts, with its own texts and time.
            variant("later-1", [("\"submitted_at\":\"\(at)\"", "\"submitted_at\":\"2027-01-05T09:00:00Z\""), ("\"dy01\":\"", "\"dy01\":\"Later: ")]),
            // An earlier one: it does not count.
            variant("earlier-1", [("\"submitted_at\":\"\(at)\"", "\"submitted_at\":\"2025-01-01T00:00:00Z\""), ("\"dy01\":\"", "\"dy01\":\"Earlier: ")]),
            // A wave the study does not define.
            variant("w9-1", [("\"wave\":\"\(wave)\"", "\"wave\":\"w9\"")]),
            // An escaped key: only the strict decoder reads it (a new participant).
            variant("strict-1", [("\"participant\":\"P001\"", "\"p\\u0061rticipant\":\"P900\"")]),
            // Blank and whitespace-only texts are not units; a control character in a text is kept.
            variant("blank-1", [("\"participant\":\"P001\"", "\"participant\":\"P901\""), ("\"dy01\":\"", "\"dy01\":\"  \\t \",\"x\":\""),
                                ("\"dy02\":\"", "\"dy02\":\"Bell \\u0007 here ")]),
            // The id of an earlier counted record (P002's identity), on a diary record of a new participant.
            variant(try field(identity, "id"), [("\"participant\":\"P001\"", "\"participant\":\"P902\""),
                                                ("\"submitted_at\":\"\(at)\"", "\"submitted_at\":\"2027-02-01T00:00:00Z\"")]),
            // A torn line is a problem, not a unit.
            "{\"format\":\"waves.response/1\",\"id\":\"torn\"",
        ]
        let h = try FileHandle(forWritingTo: storeURL)
        h.seekToEndOfFile()
        h.write(Data((added.joined(separator: "\n") + "\n").utf8))
        try h.close()
        return copy
    }

    func testStreamedUnitsAreTheLoadedStudysUnits() throws {
        for study in [Support.demoStudy, try awkwardStudy()] {
            let data = try StudyData.load(directory: study)
            let streamed = try StreamedCodingUnits.load(directory: study)
            let units = try data.codingUnits()
            XCTAssertGreaterThan(units.count, 10)
            XCTAssertEqual(streamed.units, units, study.path)
            XCTAssertEqual(streamed.latestSubmittedAt, data.records.map(\.submittedAt).max())
            for u in units { XCTAssertEqual(streamed.submittedAt(record: u.record), data.records.first { $0.id == u.record }?.submittedAt, u.id) }
            XCTAssertEqual(streamed.duplicateCount, data.duplicates.count)
            XCTAssertEqual(streamed.problems, data.problems)
            let notes = try StreamedCodingUnits.load(directory: study, units: false)
            XCTAssertEqual(notes.units, [])
            XCTAssertEqual(notes.duplicateCount, data.duplicates.count)
        }
        let awkward = try StreamedCodingUnits.load(directory: try awkwardStudy())
        XCTAssertTrue(awkward.units.contains { $0.wave == "w9" })
        XCTAssertTrue(awkward.units.contains { $0.participant == "P900" }, "the strictly read line gives its units")
        XCTAssertTrue(awkward.units.contains { $0.record == "later-1" })
        XCTAssertFalse(awkward.units.contains { $0.record == "earlier-1" || ($0.participant == "P901" && $0.item == "dy01") })
    }

    func testStreamedExportsAreByteIdentical() throws {
        let key = try Deidentification(keyFile: Support.testKey, keepText: true)
        var scoped = ExportOptions(); scoped.waves = ["w2"]
        var one = ExportOptions(); one.instrument = "diary"
        var undated = ExportOptions(); undated.dates = .drop
        for study in [Support.demoStudy, try awkwardStudy()] {
            for (n, options) in [ExportOptions(), scoped, one, undated, ExportOptions(deidentification: key)].enumerated() {
                for format in [ExportFormat.qdpx, .codebookQdc] {
                    let dir = try Support.tempDir(self, "out-\(n)-\(format.rawValue)")
                    let a = dir.appendingPathComponent("loaded.\(format.rawValue)"), b = dir.appendingPathComponent("streamed.\(format.rawValue)")
                    let loaded = try Exporter.export(try Support.load(study), format: format, to: a, options: options)
                    let streamed = try QDPXExporter.export(try StreamedCodingUnits.load(directory: study, units: format == .qdpx),
                                                           format: format, to: b, options: options)
                    XCTAssertEqual(try Data(contentsOf: a), try Data(contentsOf: b), "\(study.lastPathComponent) options \(n) \(format)")
                    XCTAssertEqual(loaded.rows, streamed.rows)
                    XCTAssertEqual(loaded.variables, streamed.variables)
                    XCTAssertEqual(loaded.notes, streamed.notes)
                }
            }
        }
    }

    func testErrorsAreTheSame() throws {
        let study = try awkwardStudy()
        var noScope = ExportOptions(); noScope.waves = ["w1"]; noScope.instrument = "diary"
        var unknown = ExportOptions(); unknown.codebook = "nope"
        for options in [noScope, unknown] {
            let dir = try Support.tempDir(self, "err")
            var loadedError = "", streamedError = ""
            XCTAssertThrowsError(try Exporter.export(try Support.load(study), format: .qdpx, to: dir.appendingPathComponent("a.qdpx"), options: options)) {
                loadedError = $0.localizedDescription
            }
            XCTAssertThrowsError(try QDPXExporter.export(try StreamedCodingUnits.load(directory: study), format: .qdpx,
                                                         to: dir.appendingPathComponent("b.qdpx"), options: options)) {
                streamedError = $0.localizedDescription
            }
            XCTAssertEqual(loadedError, streamedError)
            XCTAssertFalse(loadedError.isEmpty)
        }
    }
}
