import Foundation
import WavesAnalysis
import WavesCore
import WavesExport
import WavesStore
import XCTest

/// "Don't know" (`allow_dont_know`, the record's `dont_know`) stays distinct from "Prefer not
/// to answer" and from a skipped item in csv-long, sav (separate user-missing codes) and dta
/// (separate tagged missing values), read back with ReadStat; csv-long imports back.
final class DontKnowExportTests: XCTestCase {
    func makeStudy() throws -> URL {
        let dir = try Support.tempDir(self, "dontknow")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("instruments"), withIntermediateDirectories: true)
        try """
        format: waves.study/1
        id: dk
        title: DK
        roles: [student]
        waves:
          - {id: w1, label: W1, time: 0}
        instruments:
          - path: instruments/dk.yaml
        """.write(to: dir.appendingPathComponent("study.yaml"), atomically: true, encoding: .utf8)
        try """
        format: waves.instrument/1
        id: dk
        version: 1.0.0
        title: DK
        response_sets:
          a3:
            options: [{value: 1, label: No}, {value: 2, label: Maybe}, {value: 3, label: Yes}]
            allow_decline: true
            allow_dont_know: true
        items:
          - {id: q1, text: One, response: a3}
          - {id: q2, text: Two, response: a3}
        """.write(to: dir.appendingPathComponent("instruments/dk.yaml"), atomically: true, encoding: .utf8)
        let bundle = try StudyLoader.load(directory: dir)
        let csv = "participant,wave,role,q1,q2\nP1,w1,student,3,dont_know\nP2,w1,student,declined,\nP3,w1,student,Don't know,1\n"
        let records = try LongCSVImporter.records(csv: csv, file: "in.csv", bundle: bundle, instrument: bundle.instrument("dk")!, wave: nil)
        XCTAssertEqual(records.map(\.dontKnow), [["q2"], [], ["q1"]])
        XCTAssertEqual(records.map(\.declined), [[], ["q1"], []])
        try ResponseStore(url: bundle.study.storeURL).append(records, instruments: bundle.instruments)
        return dir
    }

    func testValidateAcceptsAndChecksDontKnow() throws {
        let dir = try makeStudy()
        let v = try StudyValidation.run(folders: StudyFolders(study: dir))
        XCTAssertFalse(v.failed, "\(v.messages)")
        let bundle = try StudyLoader.load(directory: dir)
        var r = try ResponseStore(url: bundle.study.storeURL).read().records[0].record
        r.answers = [("q1", .number(3)), ("q2", .number(2))]
        XCTAssertTrue(RecordValidator.check(r, bundle: bundle).errors.contains("'q2' is marked \"Don't know\" but holds an answer"))
        r.dontKnow = ["zz"]
        XCTAssertTrue(RecordValidator.check(r, bundle: bundle).errors.contains("\"Don't know\" for unknown item 'zz'"))
        r.extra.append(("dont_know", .string("q1")))
        XCTAssertTrue(RecordValidator.check(r, bundle: bundle).errors.contains("\"dont_know\" must be a list of item ids"))
    }

    func testSavAndDtaKeepDistinctMissingCodes() throws {
        let dir = try makeStudy()
        let data = try Support.load(dir)
        let sav = dir.appendingPathComponent("out.sav"), dta = dir.appendingPathComponent("out.dta")
        _ = try Exporter.export(data, format: .sav, to: sav)
        _ = try Exporter.export(data, format: .dta, to: dta)
        let s = try StatFileReader.read(sav)
        let q1 = s.index(of: "q1")!, q2 = s.index(of: "q2")!
        XCTAssertEqual(s.rows.map { $0[q1] }, [.number(3), .number(-9), .number(-8)])
        XCTAssertEqual(s.rows.map { $0[q2] }, [.number(-8), .systemMissing, .number(1)])
        let v = s.variable("q1")!
        XCTAssertTrue(v.missingRanges.contains(-9 ... -9) && v.missingRanges.contains(-8 ... -8), "\(v.missingRanges)")
        XCTAssertTrue(v.valueLabels.contains(StatFile.ValueLabel(value: .number(-8), label: "Don't know")))
        XCTAssertTrue(v.valueLabels.contains(StatFile.ValueLabel(value: .number(-9), label: "Prefer not to answer")))
        let d = try StatFileReader.read(dta)
        let d1 = d.index(of: "q1")!, d2 = d.index(of: "q2")!
        XCTAssertEqual(d.rows.map { $0[d1] }, [.number(3), .tagged("a"), .tagged("b")])
        XCTAssertEqual(d.rows.map { $0[d2] }, [.tagged("b"), .systemMissing, .number(1)])
    }

    func testCsvLongWritesTheWordsImportReads() throws {
        let dir = try makeStudy()
        let out = dir.appendingPathComponent("long.csv")
        _ = try Exporter.export(try Support.load(dir), format: .csvLong, to: out)
        let text = try String(contentsOf: out, encoding: .utf8)
        XCTAssertTrue(text.contains("P1,w1,student,3,dont_know"), text)
        XCTAssertTrue(text.contains("P3,w1,student,dont_know,1"), text)
    }

    func testCodebookNamesBothMissingCodes() throws {
        let dir = try makeStudy()
        let out = dir.appendingPathComponent("codebook.md")
        _ = try Exporter.export(try Support.load(dir), format: .codebook, to: out)
        let text = try String(contentsOf: out, encoding: .utf8)
        XCTAssertTrue(text.contains("-9 = Prefer not to answer"), text)
        XCTAssertTrue(text.contains("-8 = Don't know (missing: SPSS user-missing code, Stata `.b`, CSV `dont_know`)"), text)
    }
}
