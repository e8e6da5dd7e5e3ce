import Foundation
import WavesAnalysis
import WavesCore
@testable import WavesExport
import WavesStore
import XCTest

/// The exports read the store in one streaming pass into columns (`ExportData`, issue 14), and
/// write byte for byte what the exports that held every record wrote.
///
/// The golden copies `Golden/stream-*` were written by `waves export` as it was before the
/// columns (commit 3c70fac, records in memory) from `Fixtures/stream-study`, a study made by
/// `Fixtures/stream-study/make.py` with: a duplicate that wins, one with an equal timestamp
/// (the later line wins) and one that loses; roles from the roster against roles in records,
/// records without a role and roles that change over waves; "Prefer not to answer" and
/// "Don't know", also on items that carry a number (scores read it); numbers that the answer
/// rules set aside (written as stored); text on a numeric item and a number on a text item;
/// a record of an unknown instrument, of an unknown wave and of a wave where the instrument is
/// not given; a finished and an unfinished import batch; an unreadable line; two instruments
/// and two versions of one; numbers that are not exactly a Float (0.1, 23.7, 1e300) and -0.
/// Each export is made from the streamed store (through the columnar scan's fast path, and
/// with every line through the strict decoder), from a store whose lines take both paths,
/// and from a loaded `StudyData`.
final class StreamingExportTests: XCTestCase {
    static let study = Support.testsDir.appendingPathComponent("Fixtures/stream-study", isDirectory: true)

    struct Case {
        var format: ExportFormat
        var options: ExportOptions
        /// The file (or folder, ending in /) to write.
        var out: String
        /// Written file name -> golden copy.
        var golden: [String: String]
    }

    static func cases() throws -> [Case] {
        let deid = try Deidentification(keyFile: Support.testKey)
        let deidText = try Deidentification(keyFile: Support.testKey, keepText: true)
        var escaped = ExportOptions()
        escaped.escapeFormulas = true
        return [
            Case(format: .csvLong, options: ExportOptions(), out: "long/", golden: ["long/ident.csv": "stream-long-ident.csv", "long/dk.csv": "stream-long-dk.csv"]),
            Case(format: .csvLong, options: ExportOptions(deidentification: deid), out: "longdeid/",
                 golden: ["longdeid/ident.csv": "stream-long-deid-ident.csv", "longdeid/dk.csv": "stream-long-deid-dk.csv"]),
            Case(format: .csvWide, options: ExportOptions(), out: "wide.csv", golden: ["wide.csv": "stream-wide.csv"]),
            Case(format: .csvWide, options: ExportOptions(scores: true), out: "widescores.csv", golden: ["widescores.csv": "stream-widescores.csv"]),
            Case(format: .csvWide, options: ExportOptions(waves: ["w3", "w1"]), out: "widew3w1.csv", golden: ["widew3w1.csv": "stream-widew3w1.csv"]),
            Case(format: .csvWide, options: ExportOptions(instrument: "ident"), out: "wideident.csv", golden: ["wideident.csv": "stream-wideident.csv"]),
            Case(format: .csvWide, options: ExportOptions(scores: true, deidentification: deid), out: "widedeid.csv",
                 golden: ["widedeid.csv": "stream-widedeid.csv"]),
            Case(format: .csvWide, options: ExportOptions(deidentification: deidText, dates: .keep), out: "widedeidtext.csv",
                 golden: ["widedeidtext.csv": "stream-widedeidtext.csv"]),
            Case(format: .csvWide, options: escaped, out: "escaped.csv", golden: ["escaped.csv": "stream-escaped.csv"]),
            Case(format: .sav, options: ExportOptions(), out: "long.sav",
                 golden: ["long.sav": "stream-long.sav", "long.sps": "stream-long.sps", "long.R": "stream-long.R"]),
            Case(format: .sav, options: ExportOptions(scores: true, layout: .wide), out: "wide.sav",
                 golden: ["wide.sav": "stream-wide.sav", "wide.sps": "stream-wide.sps", "wide.R": "stream-wide.R"]),
            Case(format: .sav, options: ExportOptions(deidentification: deidText), out: "deid.sav",
                 golden: ["deid.sav": "stream-deid.sav", "deid.sps": "stream-deid.sps", "deid.R": "stream-deid.R"]),
            Case(format: .dta, options: ExportOptions(), out: "long.dta", golden: ["long.dta": "stream-long.dta"]),
            // Its string column why_w3 holds only the number 42 (`testDtaWideWithANumberOnATextItem`).
            Case(format: .dta, options: ExportOptions(scores: true, layout: .wide, dates: .date), out: "wide.dta", golden: ["wide.dta": "stream-wide.dta"]),
            Case(format: .codebook, options: ExportOptions(), out: "codebook.md", golden: ["codebook.md": "stream-codebook.md"]),
            Case(format: .codebook, options: ExportOptions(layout: .wide), out: "codebook.csv", golden: ["codebook.csv": "stream-codebook-wide.csv"]),
        ]
    }

    enum Source: CaseIterable { case fastPath, strictPath, loaded }

    /// Writes every case from `study` read as `source`, and compares each file with its golden copy.
    func exportEveryCase(from study: URL, _ source: Source, file: StaticString = #filePath, line: UInt = #line) throws {
        let dir = try Support.tempDir(self, "\(source)")
        for c in try Self.cases() {
            let url = dir.appendingPathComponent(c.out, isDirectory: c.out.hasSuffix("/"))
            if c.out.hasSuffix("/") { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) }
            switch source {
            case .fastPath, .strictPath:
                let data = try ExportData.load(directory: study, options: c.options, fastPath: source == .fastPath)
                _ = try Exporter.export(data, format: c.format, to: url, options: c.options)
            case .loaded:
                _ = try Exporter.export(try StudyData.load(directory: study), format: c.format, to: url, options: c.options)
            }
            for (name, golden) in c.golden.sorted(by: { $0.key < $1.key }) {
                try Support.assertGolden(dir.appendingPathComponent(name), golden, file: file, line: line)
            }
        }
    }

    func testEveryFormatIsByteIdenticalToTheRecordBasedExport() throws {
        for source in Source.allCases { try exportEveryCase(from: Self.study, source) }
    }

    /// Rows of both kinds in one table: every other readable line is rewritten so that the
    /// columnar scan's fast path leaves it to the strict decoder (a record key spelled with an
    /// escape, which means the same key), so duplicates are decided between a fast row and a
    /// strict one. The files are still the golden ones.
    func testLinesOfBothPathsInOneStoreGiveTheSameFiles() throws {
        let study = try Support.tempDir(self).appendingPathComponent("study", isDirectory: true)
        try FileManager.default.copyItem(at: Self.study, to: study)
        let store = study.appendingPathComponent("data/responses.jsonl")
        let lines = try String(contentsOf: store, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        let bundle = try StudyLoader.load(directory: study)
        var decoder = ColumnDecoder(ExportTable(bundle: bundle, instruments: bundle.instruments, waves: bundle.study.waves).columnRequest)
        var fast = 0, strict = 0
        var rewritten: [String] = []
        for (k, line) in lines.enumerated() {
            var text = String(line)
            if k % 2 == 1 { text = text.replacingOccurrences(of: "\"participant\":", with: "\"p\\u0061rticipant\":") }
            if text.hasPrefix("{\"format\"") {
                let taken = Array(text.utf8).withUnsafeBytes { decoder.decode(line: $0) != nil }
                if taken { fast += 1 } else { strict += 1 }
            }
            rewritten.append(text)
        }
        XCTAssertGreaterThan(fast, 5)
        XCTAssertGreaterThan(strict, 5)
        try rewritten.joined(separator: "\n").write(to: store, atomically: true, encoding: .utf8)
        try exportEveryCase(from: study, .fastPath)
    }

    /// The wide Stata file of this study, whose string column why_w3 holds nothing but the
    /// number 42 (a number answered on a text item), was refused by ReadStat: the column was
    /// as wide as its longest text, and it has none. Its width now counts every value written
    /// in it; the file reads back with every value of the wide SPSS file (which kept the number
    /// but declared the column one byte wide).
    func testDtaWideWithANumberOnATextItem() throws {
        let dir = try Support.tempDir(self)
        let options = ExportOptions(scores: true, layout: .wide, dates: .date)
        let dta = dir.appendingPathComponent("wide.dta"), sav = dir.appendingPathComponent("wide.sav")
        let data = try ExportData.load(directory: Self.study, options: options)
        let written = try Exporter.export(data, format: .dta, to: dta, options: options)
        _ = try Exporter.export(data, format: .sav, to: sav, options: options)
        let d = try StatFileReader.read(dta), s = try StatFileReader.read(sav)
        XCTAssertEqual(written.rows, 5)
        XCTAssertEqual([d.rowCount, d.rows.count], [5, 5])
        XCTAssertEqual(d.variables.map(\.isString), s.variables.map(\.isString))
        let why = try XCTUnwrap(d.index(of: "why_w3")), participant = try XCTUnwrap(d.index(of: "participant"))
        XCTAssertEqual(d.rows.map { $0[why] }, [.text(""), .text(""), .text(""), .text("42"), .text("")])
        XCTAssertEqual(d.rows[3][participant], .text("X1"))
        XCTAssertEqual(s.variable("why_w3")?.format, "A2")
        for (i, (a, b)) in zip(d.rows, s.rows).enumerated() {
            for (j, v) in d.variables.enumerated() {
                switch (a[j], b[j]) {
                case (.tagged, .number(let code)):
                    XCTAssertTrue(s.variables[j].missingRanges.contains { $0.contains(code) }, "\(v.name) row \(i + 1): a Stata missing code is an SPSS missing value")
                default:
                    XCTAssertEqual(a[j], b[j], "\(v.name) row \(i + 1)")
                }
            }
        }
    }

    /// Rows and variables as before (the counts `waves export` prints).
    func testRowAndVariableCounts() throws {
        let data = try ExportData.load(directory: Self.study)
        let dir = try Support.tempDir(self)
        let wide = try Exporter.export(data, format: .csvWide, to: dir.appendingPathComponent("w.csv"))
        XCTAssertEqual([wide.rows, wide.variables], [5, 45])
        let long = try Exporter.export(data, format: .csvLong, to: dir)
        XCTAssertEqual([long.rows, long.variables], [10, 20])
        let sav = try Exporter.export(data, format: .sav, to: dir.appendingPathComponent("l.sav"))
        XCTAssertEqual([sav.rows, sav.variables], [9, 19])
    }

    /// The duplicates, the unreadable lines (with the unfinished import) and the instrument
    /// versions that the notes report are those of `StudyData`.
    func testDuplicatesProblemsAndVersionsAreThoseOfStudyData() throws {
        let streamed = try ExportData.load(directory: Self.study)
        let loaded = try StudyData.load(directory: Self.study)
        XCTAssertEqual(streamed.duplicates, loaded.duplicates)
        XCTAssertEqual(streamed.duplicates.map(\.lines), [[2, 15], [6, 8, 7]])
        XCTAssertEqual(streamed.duplicateCount, 2)
        XCTAssertEqual(streamed.problems, loaded.problems)
        XCTAssertEqual(streamed.problems.map(\.line), [13, 14])
        let a = try streamed.instrumentVersions()
        let b = try InstrumentVersions.build(bundle: loaded.bundle, records: loaded.records,
                                             archive: InstrumentArchive(store: ResponseStore(url: loaded.study.storeURL)))
        func summary(_ v: InstrumentVersions) -> [String] {
            v.entries.flatMap { e in e.versions.map { "\(e.instrument) \($0.version) \($0.sha256.prefix(8)) \($0.waves) \($0.records) \($0.firstUsed)" } }
        }
        XCTAssertEqual(summary(a), summary(b))
        XCTAssertTrue(summary(a).contains("ident 2.0.0 11111111 [\"w2\"] 1 2026-03-03T08:00:00Z"), "\(summary(a))")
    }

    /// The errors are those of the record-based export: an unknown wave or instrument.
    func testErrorsAreUnchanged() throws {
        let dir = try Support.tempDir(self)
        let loaded = try StudyData.load(directory: Self.study)
        for (format, options, file) in [(ExportFormat.sav, ExportOptions(waves: ["w7"]), "a.sav"),
                                        (.csvLong, ExportOptions(instrument: "nope"), "a.csv")] {
            let url = dir.appendingPathComponent(file)
            var streamedError = "", loadedError = ""
            XCTAssertThrowsError(try Exporter.export(try ExportData.load(directory: Self.study, options: options), format: format, to: url, options: options)) {
                streamedError = "\($0)"
            }
            XCTAssertThrowsError(try Exporter.export(loaded, format: format, to: url, options: options)) { loadedError = "\($0)" }
            XCTAssertEqual(streamedError, loadedError)
            XCTAssertFalse(FileManager.default.fileExists(atPath: url.path))
        }
    }

    /// Thousands of participants fill several pages of the answer columns (`AnswerPages`), one
    /// of which turns to Doubles midway (a 0.1 answer); every cell of the wide CSV is checked
    /// against the records themselves, the latest of a duplicated pair included.
    func testManyParticipantsAcrossPagesMatchTheirRecords() throws {
        let dir = try Support.tempDir(self)
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("instruments"), withIntermediateDirectories: true)
        try """
        format: waves.study/1
        id: pages
        title: Pages
        roles: [student]
        waves:
          - {id: w1, label: W1, time: 0}
          - {id: w2, label: W2, time: 1}
        instruments:
          - path: instruments/n.yaml
        """.write(to: dir.appendingPathComponent("study.yaml"), atomically: true, encoding: .utf8)
        let k = 40
        try (["format: waves.instrument/1", "id: n", "version: 1.0.0", "title: N", "items:"]
             + (1...k).map { "  - {id: n\($0), type: number, text: N\($0)}" }).joined(separator: "\n")
            .write(to: dir.appendingPathComponent("instruments/n.yaml"), atomically: true, encoding: .utf8)
        let bundle = try StudyLoader.load(directory: dir)
        let inst = bundle.instrument("n")!
        let ref = InstrumentRef(id: inst.id, version: inst.version, sha256: inst.sha256)
        let n = 5000
        func value(_ p: Int, _ w: Int, _ i: Int, late: Bool) -> Double {
            if p == 2500 && w == 1 && i == 7 { return 0.1 }
            let code: Int = (p * 7 + w * 13 + i * 3 + (late ? 1 : 0)) % 11
            return Double(code - 2)
        }
        var expected: [String: [Double?]] = [:]
        var records: [ResponseRecord] = []
        for p in 0..<n {
            let id = String(format: "P%05d", p)
            var row: [Double?] = []
            for w in 0..<2 {
                let skip = (p + w) % 9 == 0
                let duplicated = p % 97 == 0
                for late in duplicated ? [false, true] : [false] where !skip {
                    let answers = (1...k).map { (id: "n\($0)", value: Answer.number(value(p, w, $0, late: late))) }
                    records.append(ResponseRecord(study: "pages", participant: id, role: "student", wave: "w\(w + 1)", instrument: ref,
                                                  startedAt: nil, submittedAt: "2026-0\(w + 1)-01T0\(late ? 9 : 8):00:00Z", mode: "import", answers: answers))
                }
                row += (1...k).map { skip ? nil : value(p, w, $0, late: duplicated) }
            }
            expected[id] = row
        }
        try ResponseStore(url: bundle.study.storeURL).append(records)
        let out = dir.appendingPathComponent("wide.csv")
        let options = ExportOptions(dates: .drop)
        _ = try Exporter.export(try ExportData.load(directory: dir, options: options), format: .csvWide, to: out, options: options)
        let lines = try String(contentsOf: out, encoding: .utf8).split(separator: "\r\n")
        XCTAssertEqual(lines.count, n + 1)
        for line in lines.dropFirst() {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard let want = expected[cells[0]] else { XCTFail("unexpected row \(cells[0])"); continue }
            XCTAssertEqual(cells.count, 2 + 2 * k)
            let got = cells.dropFirst(2).map { Double($0) }
            XCTAssertEqual(got, want, "participant \(cells[0])")
        }
    }
}
