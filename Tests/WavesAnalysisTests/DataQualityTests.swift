import XCTest
@testable import WavesAnalysis
import WavesCore
import WavesStore

/// `waves quality` on crafted submissions: one speeder, one straight-liner, ordinary ones.
final class DataQualityTests: XCTestCase {
    static let instrument = """
    format: waves.instrument/1
    id: q
    version: 1.0.0
    title: Q
    response_sets:
      a5:
        options: [{value: 1, label: a}, {value: 2, label: b}, {value: 3, label: c}, {value: 4, label: d}, {value: 5, label: e}]
    items:
      - {id: i1, text: one, response: a5}
      - {id: i2, text: two, response: a5}
      - {id: i3, text: three, response: a5}
      - {id: i4, text: four, response: a5}
      - {id: i5, text: five, response: a5}
      - {id: txt, type: text, text: words}
    """

    func data(_ rows: [(String, [Double?], Double?)]) throws -> StudyData {
        let inst = try InstrumentLoader.load(data: Data(Self.instrument.utf8), displayPath: "q.yaml")
        let study = Study(id: "s", title: "S", roles: ["r"], waves: [Wave(id: "w1", label: "W1", time: 0)],
                          instruments: [StudyInstrument(path: "q.yaml")], roster: nil, directory: URL(fileURLWithPath: "/nonexistent"))
        let bundle = StudyBundle(study: study, instruments: [inst], roster: nil, warnings: [])
        let records = rows.enumerated().map { i, row in
            var r = ResponseRecord(study: "s", participant: row.0, role: "r", wave: "w1",
                                   instrument: InstrumentRef(id: "q", version: "1.0.0", sha256: inst.sha256),
                                   startedAt: nil, submittedAt: "2026-03-01T10:00:0\(i)Z", mode: "terminal",
                                   answers: row.1.enumerated().map { ("i\($0 + 1)", $1.map(Answer.number) ?? .missing) } + [("txt", .text("x"))])
            r.durationMs = row.2
            return StoredRecord(record: r, line: i + 1)
        }
        return StudyData(bundle: bundle, contents: StoreContents(records: records, problems: []))
    }

    func testOneSpeederOneStraightLinerAndOrdinaryOnes() throws {
        let d = try data([
            ("P1", [1, 2, 3, 4, 5], 60_000),
            ("P2", [2, 2, 3, 3, 4], 50_000),
            ("P3", [4, 4, 4, 4, 4], 55_000),     // straight-liner
            ("P4", [5, 4, 3, 2, 1], 20_000),     // speeder: 20 s < 0.5 x median 55 s
            ("P5", [3, nil, 3, 3, 2], 70_000),
        ])
        let q = DataQuality(d)
        let by = Dictionary(uniqueKeysWithValues: q.submissions.map { ($0.participant, $0) })
        XCTAssertEqual(by["P1"]?.median_ms, 55_000)
        XCTAssertEqual(q.submissions.filter(\.speeding).map(\.participant), ["P4"])
        XCTAssertEqual(q.submissions.filter(\.straightlining).map(\.participant), ["P3"])
        XCTAssertEqual(q.submissions.map(\.longstring), [1, 2, 5, 1, 2])
        XCTAssertEqual(by["P5"]?.missing_rate ?? -1, 1.0 / 6.0, accuracy: 1e-15)
        XCTAssertEqual(by["P1"]?.missing_rate, 0)
    }

    func testThresholdsAreAppliedAsDocumented() throws {
        let rows: [(String, [Double?], Double?)] = [("A", [1, 1, 1, 2, 3], 100), ("B", [1, 2, 3, 4, 5], 100), ("C", [1, 2, 3, 4, 5], 100),
                                                    ("D", [1, 2, 3, 4, 5], 100), ("E", [1, 2, 3, 4, 5], 49), ("F", [1, 2, 3, 4, 5], 50)]
        var s = DataQuality.Settings()
        let q = DataQuality(try data(rows), settings: s)
        XCTAssertEqual(q.submissions.filter(\.speeding).map(\.participant), ["E"], "49 < 0.5 x 100; 50 is not below")
        s.speedFraction = 0.6
        XCTAssertEqual(DataQuality(try data(rows), settings: s).submissions.filter(\.speeding).map(\.participant), ["E", "F"])
        s.blockMin = 3
        XCTAssertFalse(DataQuality(try data(rows), settings: s).submissions[0].straightlining, "1,1,1 then 2,3: the block is all five items")
        // Fewer durations than min_for_median: nobody is judged.
        s = DataQuality.Settings(); s.minForMedian = 7
        XCTAssertTrue(DataQuality(try data(rows), settings: s).submissions.allSatisfy { !$0.speeding && $0.median_ms == nil })
        // No duration at all (imported records): never speeding.
        XCTAssertFalse(DataQuality(try data([("X", [1, 2, 3, 4, 5], nil)] + rows)).submissions[0].speeding)
    }
}
