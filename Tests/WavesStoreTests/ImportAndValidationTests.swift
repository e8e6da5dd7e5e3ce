import XCTest
import WavesCore
@testable import WavesStore

/// A small study on disk for the importer and `StudyValidation`.
struct MiniStudy {
    let dir: URL
    static let instrument = """
    format: waves.instrument/1
    id: mini
    version: 1.0.0
    title: Mini
    response_sets:
      a5: {options: [{value: 1, label: A}, {value: 2, label: B}, {value: 3, label: C}, {value: 4, label: D}, {value: 5, label: E}]}
    items:
      - {id: q1, text: Q1, response: a5}
      - {id: q2, text: Q2, response: a5}
      - {id: hours, type: number, text: Hours}
      - {id: age, type: number, text: Age, min: 16, max: 90}
    scales:
      - {id: s, items: [q1, q2]}
    """

    init(roster: String? = "participant,role\nP1,mentee\nP2,mentee\nP3,mentee\nP4,mentee\nP5,mentee\n") throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("waves-mini-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("instruments"), withIntermediateDirectories: true)
        try Self.instrument.write(to: dir.appendingPathComponent("instruments/mini.yaml"), atomically: true, encoding: .utf8)
        var study = "format: waves.study/1\nid: m\nroles: [mentee]\nwaves: [{id: w1}, {id: w2}]\ninstruments:\n  - path: instruments/mini.yaml\n"
        if let roster {
            study += "roster: roster.csv\n"
            try roster.write(to: dir.appendingPathComponent("roster.csv"), atomically: true, encoding: .utf8)
        }
        try study.write(to: dir.appendingPathComponent("study.yaml"), atomically: true, encoding: .utf8)
    }

    var folders: StudyFolders { StudyFolders(study: dir) }
    func bundle() throws -> StudyBundle { try StudyLoader.load(folders: folders) }
    func remove() { try? FileManager.default.removeItem(at: dir) }

    func record(_ p: String, wave: String = "w1", _ answers: [(String, Answer)], sha: String? = nil) throws -> ResponseRecord {
        let b = try bundle()
        let inst = b.instruments[0]
        return ResponseRecord(id: UUID().uuidString.lowercased(), study: "m", participant: p, role: "mentee", wave: wave,
                              instrument: InstrumentRef(id: inst.id, version: inst.version, sha256: sha ?? inst.sha256),
                              startedAt: nil, submittedAt: "2026-03-01T10:00:00Z", mode: "import", answers: answers, declined: [])
    }

    func append(_ records: [ResponseRecord]) throws { try ResponseStore(url: Study.storeURL(in: dir)).append(records) }
}

final class ImportAndValidationTests: XCTestCase {
    var study: MiniStudy!
    override func setUpWithError() throws { study = try MiniStudy() }
    override func tearDown() { study.remove() }

    func importProblems(_ csv: String) throws -> [String] {
        let b = try study.bundle()
        do { _ = try LongCSVImporter.records(csv: csv, file: "in.csv", bundle: b, instrument: b.instruments[0], wave: "w1"); return [] } catch let e as ImportError {
            return e.problems.map(\.description)
        }
    }

    /// The adversarial review's lenient numbers (issue 12 item 12) are refused, located; `4e0` is a number.
    func testImportNumbersFollowTheJSONGrammar() throws {
        let p = try importProblems("participant,q1,q2\nP1,0x4,+4\nP2,4e0,0x1p2\nP3,\"4\u{0}\",inf\nP4,NaN,\"\t4\"\nP5, 4 ,1e400\n")
        XCTAssertEqual(p, [
            "line 2, column 2 (q1): '0x4' is not a number: 'x' at character 2 is not part of a decimal number (item 'q1' takes numbers; leave the cell empty for a missing answer)",
            "line 2, column 3 (q2): '+4' is not a number (item 'q2' takes numbers; leave the cell empty for a missing answer)",
            "line 3, column 3 (q2): '0x1p2' is not a number: 'x' at character 2 is not part of a decimal number (item 'q2' takes numbers; leave the cell empty for a missing answer)",
            "line 4, column 2 (q1): '4^@' is not a number: '^@' at character 2 is not part of a decimal number (item 'q1' takes numbers; leave the cell empty for a missing answer)",
            "line 4, column 3 (q2): 'inf' is not a number (item 'q2' takes numbers; leave the cell empty for a missing answer)",
            "line 5, column 2 (q1): 'NaN' is not a number (item 'q1' takes numbers; leave the cell empty for a missing answer)",
            "line 5, column 3 (q2): ' 4' is not a number (item 'q2' takes numbers; leave the cell empty for a missing answer)",
            "line 6, column 3 (q2): '1e400' is too large for a number (item 'q2' takes numbers; leave the cell empty for a missing answer)",
        ])
    }

    func testImportUsesTheAnswerRules() throws {
        let p = try importProblems("participant,q1,hours,age\nP1,9,1e308,15\nP2,4,1e9,90\n")
        XCTAssertEqual(p, [
            "line 2, column 2 (q1): value 9 is not in the response set of 'q1' (allowed: 1, 2, 3, 4, 5)",
            "line 2, column 3 (hours): value 1e+308 of 'hours' is beyond ±1000000000, the range of a number item without min/max (give the item min and max to allow it; see docs/instruments.md)",
            "line 2, column 4 (age): value 15 is below the minimum 16 of 'age'",
        ])
    }

    func testValidationNamesFewOutOfRangeAnswersAndGroupsMany() throws {
        try study.append([try study.record("P1", [("q1", .number(99)), ("q2", .number(3))]),
                          try study.record("P2", [("q1", .number(2)), ("hours", .number(1e308))])])
        var v = try StudyValidation.run(folders: study.folders)
        XCTAssertEqual(v.messages, [
            "data/responses.jsonl:1: value 99 is not in the response set of 'q1' (allowed: 1, 2, 3, 4, 5); analyses set it aside as missing",
            "data/responses.jsonl:2: value 1e+308 of 'hours' is beyond ±1000000000, the range of a number item without min/max (give the item min and max to allow it; see docs/instruments.md); analyses set it aside as missing",
        ])
        XCTAssertEqual(v.summary.last, "2 error(s), 0 warning(s)")
        XCTAssertTrue(v.failed)
        try study.append(try (3...5).map { try study.record("P\($0)", wave: "w2", [("q1", .number(Double(5 + $0)))]) })
        v = try StudyValidation.run(folders: study.folders)
        XCTAssertEqual(v.messages.first,
                       "data/responses.jsonl: 4 answers to 'q1' are not in its response set (allowed: 1, 2, 3, 4, 5); analyses set them aside as missing: line 1 = 99, line 3 = 8, line 4 = 9, line 5 = 10")
        XCTAssertEqual(v.messages.count, 2)
        XCTAssertEqual(v.summary.last, "5 error(s), 0 warning(s)")
    }

    /// One instrument edit is one line, not one per record (issue 12 item 11).
    func testInstrumentChangeIsOneLine() throws {
        let old = String(repeating: "b", count: 64)
        try study.append(try (1...5).map { try study.record("P\($0)", [("q1", .number(3))], sha: old) })
        let v = try StudyValidation.run(folders: study.folders)
        XCTAssertEqual(v.messages, ["data/responses.jsonl: warning: instrument 'mini' changed since 5 records were made (lines 1–5; version 1.0.0 then, 1.0.0 now; file hash differs)"])
        XCTAssertEqual(v.summary, ["study 'm': 1 instrument(s), 2 wave(s), 5 in the roster; store: 5 line(s), 5 record(s) from 5 participant(s), 0 duplicate(s)",
                                   "OK: no errors, 5 warning(s)"])
        XCTAssertFalse(v.failed)
    }

    func testRepeatedMessagesAreGroupedAndSingleOnesKeepTheirLine() throws {
        try study.append([try study.record("X9", [("q1", .number(3))]), try study.record("X9", wave: "w2", [("q1", .number(3))]),
                          try study.record("P1", [("zz", .number(1))])])
        let v = try StudyValidation.run(folders: study.folders)
        XCTAssertEqual(v.messages, ["data/responses.jsonl: participant 'X9' is not in the roster (2 records: lines 1–2)",
                                    "data/responses.jsonl:3: answer to unknown item 'zz'"])
        XCTAssertEqual(StudyValidation.lineList([1, 2, 3, 7, 9, 10]), "1–3, 7, 9–10")
        XCTAssertEqual(StudyValidation.lineList(Array(stride(from: 1, to: 40, by: 2))), "1, 3, 5, 7, 9, 11, 13, 15, …")
    }

    func testDefinitionErrorsStopValidation() throws {
        try "format: waves.study/1\nid: m\nroles: [mentee]\nwaves: [{id: w1}]\ninstruments:\n  - path: /etc/passwd\n"
            .write(to: study.dir.appendingPathComponent("study.yaml"), atomically: true, encoding: .utf8)
        let v = try StudyValidation.run(folders: study.folders)
        XCTAssertEqual(v.messages, ["study.yaml:6:5: absolute paths are not allowed: /etc/passwd (name the instrument file relative to the study folder)",
                                    "1 error(s) in the study definition; nothing else was checked."])
        XCTAssertEqual(v.summary, [])
        XCTAssertTrue(v.failed)
    }
}
