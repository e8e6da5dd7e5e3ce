import XCTest
@testable import WavesCore
@testable import WavesStore

/// The import in slices (`CSVSlices`, `LongCSVImporter.Reader`) and its batch (`ImportLog`).
final class StreamingImportTests: XCTestCase {
    /// Random CSV text with quotes, doubled quotes, line ends inside quotes, CRLF, lone CR and blank lines.
    func randomCSV(_ seed: UInt64, rows: Int) -> String {
        var state = seed | 1
        func next(_ n: Int) -> Int { state = state &* 6364136223846793005 &+ 1442695040888963407; return Int(state >> 33) % n }
        var s = next(2) == 0 ? "\u{FEFF}" : ""
        for _ in 0..<rows {
            let fields = (0..<(1 + next(4))).map { _ -> String in
                switch next(6) {
                case 0: return "\"a\nb\""
                case 1: return "\"x \"\"q\"\" y\""
                case 2: return ""
                case 3: return "é\(next(100))"
                case 4: return "\"\r\n\""
                default: return "v\(next(1000))"
                }
            }
            s += fields.joined(separator: ",") + ["\n", "\r\n", "\r", "\n\n"][next(4)]
        }
        return s
    }

    func sliced(_ text: String, maxBytes: Int) throws -> [CSVReader.Row] {
        let bytes = Array(text.utf8)
        var out: [CSVReader.Row] = []
        for s in CSVSlices(bytes, maxBytes: maxBytes) { out += try CSVReader.parse(s.text, firstLine: s.line, atStart: s.start == 0) }
        return out
    }

    func testSlicesParseAsTheWholeFile() throws {
        for seed in 1...60 as ClosedRange<UInt64> {
            let text = randomCSV(seed, rows: 80)
            let whole = try CSVReader.parse(text)
            for m in [1, 7, 64, 1 << 20] { XCTAssertEqual(try sliced(text, maxBytes: m), whole, "seed \(seed), slices of \(m)") }
        }
    }

    func testMalformedQuotingFailsAtTheSameLine() throws {
        for text in ["a,b\n1,x\"y\n2,3\n", "a\n\"open\n1\n2\n", "a,b\n\"q\"x,1\n"] {
            var whole: CSVReader.SyntaxError?
            do { _ = try CSVReader.parse(text) } catch let e as CSVReader.SyntaxError { whole = e }
            XCTAssertNotNil(whole)
            for m in [1, 5, 100] {
                XCTAssertThrowsError(try sliced(text, maxBytes: m)) { XCTAssertEqual($0 as? CSVReader.SyntaxError, whole) }
            }
        }
    }

    func testSlicedImportEqualsWholeRecordsAndKeepsLocatedErrors() throws {
        let mini = try MiniStudy(roster: nil)
        defer { mini.remove() }
        let bundle = try mini.bundle()
        let inst = bundle.instruments[0]
        var csv = "participant,wave,role,q1,q2,hours\r\n\r\n"
        for p in 0..<3000 { csv += "P\(p),w\(1 + p % 2),mentee,\(1 + p % 5),\(p % 7 == 0 ? "" : "3"),\(p)\r\n" }
        var ids = 0
        let records = try LongCSVImporter.records(csv: csv, file: "x.csv", bundle: bundle, instrument: inst, wave: nil, submittedAt: "T") { ids += 1; return "r\(ids)" }
        XCTAssertEqual(records.count, 3000)
        XCTAssertEqual(records[2999].participant, "P2999")
        XCTAssertEqual(records[7].answer("q2"), .missing)
        // Problems far apart are all found, with their lines and columns.
        var bad = csv
        bad += "P0,w1,mentee,9,1,1\r\n"          // line 3003: P0 at w1 again (line 3)
        bad += "P9000,w7,mentee,1,1,1\r\n"       // line 3004: unknown wave
        XCTAssertThrowsError(try LongCSVImporter.records(csv: bad, file: "x.csv", bundle: bundle, instrument: inst, wave: nil)) { e in
            let p = (e as! ImportError).problems
            XCTAssertEqual(p.map(\.line), [3003, 3004])
            XCTAssertTrue(p[0].message.contains("line 3"), p[0].message)
            XCTAssertEqual(p[0].column, 1)
            XCTAssertEqual(p[1].columnName, "wave")
        }
    }

    func testUnfinishedBatchDoesNotCountAndIsExplained() throws {
        let mini = try MiniStudy(roster: nil)
        defer { mini.remove() }
        let bundle = try mini.bundle()
        let store = ResponseStore(url: bundle.study.storeURL)
        let csv = Array("participant,wave,role,q1,q2\nP1,w1,mentee,1,2\nP2,w1,mentee,3,4\nP3,w1,mentee,5,5\n".utf8)
        let done = try StreamingImport.run(csv: csv, file: "a.csv", bundle: bundle, instrument: bundle.instruments[0], wave: nil,
                                           store: store, batch: "b-done", sliceRecords: 2)
        XCTAssertEqual(done.records, 3)
        var seen: [String] = []
        XCTAssertEqual(try store.scan { r, _ in seen.append(r.participant) }, [])
        XCTAssertEqual(seen, ["P1", "P2", "P3"])
        XCTAssertEqual(try store.read().records.map { $0.record.batch }, ["b-done", "b-done", "b-done"])
        // An import stopped after its first slice: lines with a batch the log does not list.
        var stopped = try LongCSVImporter.records(csv: String(decoding: csv, as: UTF8.self), file: "a.csv", bundle: bundle, instrument: bundle.instruments[0], wave: nil)
        stopped = stopped.prefix(2).map { var r = $0; r.extra = [("batch", .string("b-killed"))]; return r }
        try store.append(stopped)
        seen = []
        let problems = try store.scan { r, _ in seen.append(r.participant) }
        XCTAssertEqual(seen, ["P1", "P2", "P3"], "the stopped import's lines are not visible")
        XCTAssertEqual(problems.map(\.line), [4, 5])
        XCTAssertTrue(problems[0].message.contains("did not finish"), problems[0].message)
        XCTAssertEqual(try ImportLog(store: store).completedBatches(), ["b-done"])
        // Once the batch is recorded as finished (as the import does last), its lines count.
        try ImportLog(store: store).complete(batch: "b-killed", instrument: "mini", records: 2)
        XCTAssertEqual(try store.scan { _, _ in }, [])
        let mode = try FileManager.default.attributesOfItem(atPath: ImportLog(store: store).log.url.path)[.posixPermissions] as? Int
        XCTAssertEqual(mode, 0o600)
    }
}
