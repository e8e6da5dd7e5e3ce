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
        try CSVSlices(bytes, maxBytes: maxBytes).forEach { s in out += try CSVReader.parse(s.text, firstLine: s.line, atStart: s.start == 0); return true }
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

    /// Slices read from a file (a buffer at a time) are the slices cut from the same bytes in memory.
    func testFileSlicesEqualMemorySlices() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("waves-slices-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        for seed in 1...30 as ClosedRange<UInt64> {
            let bytes = Array(randomCSV(seed, rows: 120).utf8)
            let path = dir.appendingPathComponent("s\(seed).csv").path
            FileManager.default.createFile(atPath: path, contents: Data(bytes))
            let file = try XCTUnwrap(try OpenFile.openForReading(path))
            for m in [1, 3, 64, 700, 1 << 20] {
                func cuts(_ s: CSVSlices) throws -> [[Int]] {
                    var out: [[Int]] = []
                    try s.forEach { sl in
                        out.append([sl.start, sl.end, sl.line, sl.endLine, sl.newlinesBefore, sl.columnBefore, sl.next.offset])
                        XCTAssertEqual(Array(sl.bytes), Array(bytes[sl.start..<sl.end]))
                        return true
                    }
                    return out
                }
                let memory = try cuts(CSVSlices(bytes, maxBytes: m))
                XCTAssertEqual(try cuts(CSVSlices(file: file, maxBytes: m)), memory, "seed \(seed), slices of \(m)")
                XCTAssertEqual(memory.last?[1], bytes.count)
            }
        }
    }

    /// A byte that is not UTF-8 is located in the file as a whole-file check locates it, in any slice.
    func testInvalidUTF8IsLocatedAcrossSlices() throws {
        for seed in 1...40 as ClosedRange<UInt64> {
            var bytes = Array(randomCSV(seed, rows: 60).utf8)
            var state = seed
            state = state &* 6364136223846793005 &+ 1442695040888963407
            bytes[Int(state >> 33) % bytes.count] = [0xFF, 0xC3, 0x80, 0xED][Int(seed % 4)]
            let whole = UTF8Text.firstInvalid(Data(bytes))
            for m in [1, 5, 50, 1 << 20] {
                var found: UTF8Text.Invalid?
                try CSVSlices(bytes, maxBytes: m).forEach { s in found = s.firstInvalidUTF8(); return found == nil }
                XCTAssertEqual(found, whole, "seed \(seed), slices of \(m)")
            }
        }
    }

    /// The import read from a file writes the same lines as from memory, chained and complete.
    func testImportFromAFileChainsAndCounts() throws {
        let mini = try MiniStudy(roster: nil)
        defer { mini.remove() }
        let bundle = try mini.bundle()
        let store = ResponseStore(url: bundle.study.storeURL)
        var csv = "\u{FEFF}participant , wave,role,q1,q2,hours\r\n"
        for p in 0..<5000 { csv += "\"P\(p)\", w\(1 + p % 2) ,mentee,\(1 + p % 5),\(p % 7 == 0 ? "" : " 3 "),\(p % 11 == 0 ? "-0" : "\(p)")\r\n" }
        let path = mini.dir.appendingPathComponent("in.csv").path
        try csv.write(toFile: path, atomically: true, encoding: .utf8)
        let memory = try LongCSVImporter.records(csv: csv, file: path, bundle: bundle, instrument: bundle.instruments[0], wave: nil, submittedAt: "T")
        let outcome = try StreamingImport.run(path: path, bundle: bundle, instrument: bundle.instruments[0], wave: nil,
                                              store: store, batch: "b-file", submittedAt: "T", sliceRecords: 777)
        XCTAssertEqual(outcome.records, 5000)
        let stored = try store.read()
        XCTAssertEqual(stored.problems, [])
        XCTAssertEqual(stored.records.count, 5000)
        for (a, b) in zip(stored.records.map(\.record), memory) {
            var a = a
            a.id = b.id; a.prev = nil; a.extra.removeAll { $0.key == "batch" }
            XCTAssertEqual(a, b)
        }
        let chain = try HashChain.verify(store)
        XCTAssertTrue(chain.intact, "\(String(describing: chain.firstBreak))")
        XCTAssertEqual(chain.chained, 4999)
        // An import whose file has a bad row far down writes nothing.
        try (csv + "P1,w1,mentee,9,1,1\r\n").write(toFile: path, atomically: true, encoding: .utf8)
        let size = try FileManager.default.attributesOfItem(atPath: store.url.path)[.size] as? Int
        XCTAssertThrowsError(try StreamingImport.run(path: path, bundle: bundle, instrument: bundle.instruments[0], wave: nil, store: store)) { e in
            XCTAssertEqual((e as? ImportError)?.problems.map(\.line), [5002])
        }
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: store.url.path)[.size] as? Int, size)
    }
}

/// The check pass on several threads (`checkInParallel`) finds what the sequential pass finds,
/// problem for problem and in the same order, duplicates across slices included.
final class ParallelCheckTests: XCTestCase {
    func testParallelCheckEqualsSequentialCheck() throws {
        let mini = try MiniStudy(roster: nil)
        defer { mini.remove() }
        let bundle = try mini.bundle()
        var state: UInt64 = 77
        func next(_ n: Int) -> Int { state = state &* 6364136223846793005 &+ 1442695040888963407; return Int(state >> 33) % n }
        for round in 0..<12 {
            var csv = "participant,wave,role,q1,q2,hours\n"
            for r in 0..<400 {
                let p = next(10) == 0 ? "P\(next(r + 1))" : "P\(r)"       // some repeat an earlier row
                let w = ["w1", "w2", "w1", "w9", ""][next(5)]
                let role = next(15) == 0 ? "boss" : "mentee"
                let q1 = ["1", "5", "9", "", "x", "declined", " 3 "][next(7)]
                let q2 = ["2", "", "0x4", "4"][next(4)]
                let extra = next(40) == 0 ? ",1" : ""
                csv += "\(p),\(w),\(role),\(q1),\(q2),\(next(100))\(extra)\n"
                if next(30) == 0 { csv += "\n" }
            }
            for sliceBytes in [1, 97, 4000, 1 << 20] {
                let reader = try LongCSVImporter.Reader(csv: Array(csv.utf8), file: "x.csv", bundle: bundle, instrument: bundle.instruments[0],
                                                        wave: nil, sliceBytes: sliceBytes)
                var sequential: [ImportProblem] = []
                var n = 0
                try reader.forEachRow(problems: &sequential, collect: false) { _, _, _, _ in n += 1 }
                for workers in [1, 2, 3] {
                    var parallel: [ImportProblem] = []
                    XCTAssertEqual(try reader.checkInParallel(problems: &parallel, workers: workers), n, "round \(round), slices of \(sliceBytes)")
                    XCTAssertEqual(parallel, sequential, "round \(round), slices of \(sliceBytes), \(workers) workers")
                    // Keeping the checked rows (`KeptRows`) for some slices or all changes no problem.
                    for keepBytes in [1, 3000, Int.max] {
                        var kept: [ImportProblem] = []
                        var outcome = LongCSVImporter.Reader.CheckOutcome()
                        try reader.checkInParallel(problems: &kept, workers: workers, keepBytes: keepBytes, outcome: &outcome)
                        XCTAssertEqual(kept, sequential, "round \(round), slices of \(sliceBytes), \(workers) workers, keeping \(keepBytes)")
                        XCTAssertEqual(outcome.rows, n)
                    }
                }
                XCTAssertFalse(sequential.isEmpty)
            }
        }
    }

    /// The pipelined check (one batch merged while the next is checked) stops where the
    /// sequential pass stops: at the first CSV fault in file order, whatever later batches
    /// (checked ahead, with faults or problems of their own) found, and without it with every
    /// problem in file order; many slices per batch and one.
    func testPipelinedCheckStopsAtTheFirstFaultInFileOrder() throws {
        let mini = try MiniStudy(roster: nil)
        defer { mini.remove() }
        let bundle = try mini.bundle()
        var state: UInt64 = 2026
        func next(_ n: Int) -> Int { state = state &* 6364136223846793005 &+ 1442695040888963407; return Int(state >> 33) % n }
        let faults = ["P,w1,mentee,1\"x\",2,3", "P,w1,mentee,\"1\"x,2,3", "P,w1,mentee,1,2\"\",3"]
        var stopped = 0, finished = 0
        for round in 0..<40 {
            var csv = "participant,wave,role,q1,q2,hours\n"
            let rows = 200 + next(300)
            for r in 0..<rows {
                // A quarter of the files have no fault (every problem is then reported).
                if round % 4 != 0, next(60) == 0 { csv += faults[next(faults.count)] + "\n"; continue }
                let p = next(12) == 0 ? "P\(next(r + 1))" : "P\(r)"
                csv += "\(p),\(["w1", "w2", "w9"][next(3)]),mentee,\(["1", "4", "x", ""][next(4)]),2,\(next(50))\n"
            }
            for sliceBytes in [1, 150, 2000] {
                let reader = try LongCSVImporter.Reader(csv: Array(csv.utf8), file: "f.csv", bundle: bundle, instrument: bundle.instruments[0],
                                                        wave: nil, sliceBytes: sliceBytes)
                var sequential: [ImportProblem] = []
                var sequentialError: [ImportProblem]?
                do { try reader.forEachRow(problems: &sequential, collect: false) { _, _, _, _ in } } catch let e as ImportError { sequentialError = e.problems }
                for workers in [1, 2, 4] {
                    for keepBytes in [0, 5000, Int.max] {
                        var parallel: [ImportProblem] = []
                        var outcome = LongCSVImporter.Reader.CheckOutcome()
                        do {
                            try reader.checkInParallel(problems: &parallel, workers: workers, keepBytes: keepBytes, outcome: &outcome)
                            XCTAssertNil(sequentialError, "round \(round), slices of \(sliceBytes), \(workers) workers: no fault found")
                            XCTAssertEqual(parallel, sequential, "round \(round), slices of \(sliceBytes), \(workers) workers")
                        } catch let e as ImportError {
                            XCTAssertEqual(e.problems, sequentialError, "round \(round), slices of \(sliceBytes), \(workers) workers, keeping \(keepBytes)")
                        }
                    }
                }
                if sequentialError == nil { finished += 1 } else { stopped += 1 }
            }
        }
        XCTAssertGreaterThan(stopped, 20, "files with a CSV fault")
        XCTAssertGreaterThan(finished, 5, "files without one")
    }
}
