import Foundation
import WavesAnalysis
import WavesCore
import WavesExport
import WavesStore
import XCTest

/// csv-long -> `waves import` -> csv-long gives the same file, and the same answers in the store.
final class RoundTripTests: XCTestCase {
    func roundTrip(_ study: URL, instrument: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let dir = try Support.tempDir(self, "roundtrip\(instrument)")
        let original = try Support.load(study)
        let first = dir.appendingPathComponent("first.csv")
        _ = try Exporter.export(original, format: .csvLong, to: first, options: ExportOptions(instrument: instrument))

        let copy = dir.appendingPathComponent("study", isDirectory: true)
        try FileManager.default.createDirectory(at: copy, withIntermediateDirectories: true)
        try Support.copyStudyWithoutData(study, to: copy)
        let bundle = try StudyLoader.load(directory: copy)
        let text = try String(contentsOf: first, encoding: .utf8)
        let records = try LongCSVImporter.records(csv: text, file: "first.csv", bundle: bundle, instrument: bundle.instrument(instrument)!, wave: nil)
        try ResponseStore(url: bundle.study.storeURL).append(records)

        let imported = try Support.load(copy)
        let second = dir.appendingPathComponent("second.csv")
        _ = try Exporter.export(imported, format: .csvLong, to: second, options: ExportOptions(instrument: instrument))
        XCTAssertEqual(try Data(contentsOf: first), try Data(contentsOf: second), "csv-long of \(instrument) changed through import", file: file, line: line)

        // Same store content: for every participant and wave, the same answers and declines.
        func content(_ d: StudyData) -> [String: String] {
            var out: [String: String] = [:]
            for r in d.records where r.instrument.id == instrument {
                // Key order inside "answers" is not content (the importer writes instrument order).
                let answers = r.answers.sorted { $0.id < $1.id }.map { "\($0.id)=\($0.value)" }.joined(separator: ";")
                out["\(r.participant)|\(r.wave)"] = "\(r.role ?? "-")|\(answers)|declined=\(r.declined.sorted())"
            }
            return out
        }
        let a = content(original), b = content(imported)
        XCTAssertEqual(a.count, b.count, "records of \(instrument)", file: file, line: line)
        for (key, value) in a where b[key] != value {
            XCTFail("\(instrument) \(key): \(value) became \(b[key] ?? "nothing")", file: file, line: line)
        }
    }

    func testEdgeStudyInstruments() throws {
        try roundTrip(Support.edgeStudy, instrument: "ident")
        try roundTrip(Support.edgeStudy, instrument: "diary")
    }

    func testDemoStudyInstruments() throws {
        for inst in ["identity", "reflection", "ecosystem", "personhood", "diary"] {
            try roundTrip(Support.demoStudy, instrument: inst)
        }
    }
}
