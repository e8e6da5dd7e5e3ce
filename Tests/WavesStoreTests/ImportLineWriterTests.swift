import XCTest
@testable import WavesCore
@testable import WavesStore

/// The import writes each store line straight from a row's checked cells (`ImportLines`,
/// through `RecordLineWriter`). On generated CSVs (numbers in every spelling, empty and blank
/// cells, declined and don't-know in any case, text with quotes, escapes, controls, Unicode
/// and line ends, `show_if`, slices of every size), every line the import writes is accepted
/// by the strict decoder, and decodes to the record the record path (`LongCSVImporter.records`)
/// makes of the same row; its bytes are that record's `writeJSONLine` with the import's
/// `id`, `batch` and `prev`; and the chain holds.
final class ImportLineWriterTests: XCTestCase {
    static let instrument = """
    format: waves.instrument/1
    id: gen
    version: 1.0.0
    title: Gen
    response_sets:
      a5:
        options: [{value: 1, label: A}, {value: 2, label: B}, {value: 3, label: C}, {value: 4, label: D}, {value: 5, label: E}]
        allow_decline: true
        allow_dont_know: true
      big: {options: [{value: 0, label: Z}, {value: 70, label: S}, {value: 1000, label: T}]}
    items:
      - {id: q1, text: Q1, response: a5}
      - {id: q2, text: Q2, response: big}
      - {id: n, type: number, text: N}
      - {id: t, type: text, text: T}
      - {id: e_5, text: E, response: a5}
    """

    static let conditional = """
    format: waves.instrument/1
    id: cond
    version: 2.0.0
    title: Cond
    response_sets:
      a5:
        options: [{value: 1, label: A}, {value: 2, label: B}, {value: 3, label: C}, {value: 4, label: D}, {value: 5, label: E}]
        allow_decline: true
    items:
      - {id: c1, text: C1, response: a5}
      - {id: c2, text: C2, response: a5, show_if: "c1 >= 3"}
      - {id: ct, type: text, text: CT, show_if: "role == 'mentor'"}
    """

    struct Gen {
        var state: UInt64
        mutating func next(_ n: Int) -> Int { state = state &* 6364136223846793005 &+ 1442695040888963407; return Int(state >> 33) % n }
        func quoted(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
        mutating func option() -> String {
            ["1", "2", "3", "4", "5", " 3 ", " 2", "4.0", "5e0", "", " ", "declined", "DECLINED", "dont_know", "Don't know", "dont know"][next(16)]
        }
        mutating func number() -> String {
            ["0", "7", "42", "63", "64", "99", "-1", "-0", "0.5", "1e3", "123456789012345", "1234567890123456789", "2.5e-3", "\t2", "\"17\"", " 8"][next(16)]
        }
        /// A CSV of `rows` random rows for the `cond` or the `gen` instrument; `bad` rows may
        /// hold values the items refuse; participant ids from the first `ids` of five shapes
        /// (the fifth is 130 bytes long); plain number cells from `numbers`.
        mutating func csv(cond: Bool, bad: Bool, rows: Int, ids: Int, numbers: [String]) -> String {
            var csv = cond ? "participant,wave,role,c1,c2,ct\n" : "participant,wave,role,q1,\"q2\", n ,t,e_5\n"
            for r in 0..<rows {
                let p = ["P\(r)", "\"P \(r)\"", " p\(r)é ", "P\\\(r)", "P\(r)" + String(repeating: "x", count: 130)][next(ids)]
                let w = ["w1", "w2", " w1 "][next(3)]
                let role = ["mentee", "mentor"][next(2)]
                var cells: [String]
                if cond {
                    let c1 = ["1", "3", "5", ""][next(4)]
                    let c2 = (Double(c1) ?? 0) >= 3 || bad ? option() : ""
                    cells = [c1, c2.lowercased().contains("know") ? "" : c2, role == "mentor" || bad ? text() : ""]
                } else {
                    let big = bad ? ["0", "70", "1000", "5", "", "declined"][next(6)] : ["0", "70", "1000", ""][next(4)]
                    cells = [option(), big, bad ? number() : numbers[next(numbers.count)], text(), option()]
                }
                csv += ([p, w, role] + cells).joined(separator: ",") + ["\n", "\r\n"][next(2)]
            }
            return csv
        }
        mutating func text() -> String {
            let pieces = ["a", "Z", " ", "\"", "\\", "\n", "\r\n", "\t", "\u{01}", "\u{1B}[31m", "\u{7F}", "é", "ß", "\u{2028}", "\u{2029}",
                          "€", "日本", "🙂", "\u{202E}", "x\u{301}", ",", "declined, no", "4"]
            let s = (0..<next(6)).map { _ in pieces[next(pieces.count)] }.joined()
            return s.isEmpty || next(3) == 0 ? quoted(s) : (s.unicodeScalars.contains(where: { ",\"\n\r".unicodeScalars.contains($0) }) ? quoted(s) : s)
        }
    }

    func study(_ dir: URL) throws -> StudyBundle {
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("instruments"), withIntermediateDirectories: true)
        try Self.instrument.write(to: dir.appendingPathComponent("instruments/gen.yaml"), atomically: true, encoding: .utf8)
        try Self.conditional.write(to: dir.appendingPathComponent("instruments/cond.yaml"), atomically: true, encoding: .utf8)
        try "format: waves.study/1\nid: \"g\\u00e9n\"\nroles: [mentee, mentor]\nwaves: [{id: w1}, {id: w2}]\ninstruments:\n  - path: instruments/gen.yaml\n  - path: instruments/cond.yaml\n"
            .write(to: dir.appendingPathComponent("study.yaml"), atomically: true, encoding: .utf8)
        return try StudyLoader.load(directory: dir)
    }

    /// Imports `csv` into a fresh store and compares every line with the record path.
    func compare(_ csv: String, bundle: StudyBundle, instrument: Instrument, dir: URL, label: String) throws {
        let store = ResponseStore(url: bundle.study.storeURL)
        try? FileManager.default.removeItem(at: store.url)
        try? FileManager.default.removeItem(at: ImportLog(store: store).log.url)
        let expected: [ResponseRecord]
        do {
            expected = try LongCSVImporter.records(csv: csv, file: "g.csv", bundle: bundle, instrument: instrument, wave: nil, submittedAt: "2026-12-01T10:00:00Z")
        } catch let e as ImportError {
            // A CSV with problems: the import reports the same ones and writes nothing.
            XCTAssertThrowsError(try StreamingImport.run(csv: Array(csv.utf8), file: "g.csv", bundle: bundle, instrument: instrument, wave: nil, store: store)) {
                XCTAssertEqual(($0 as? ImportError)?.problems, e.problems, label)
            }
            XCTAssertFalse(FileManager.default.fileExists(atPath: store.url.path), label)
            return
        }
        // A line already in the store: the import's first line chains to it.
        let first = ResponseRecord(id: "x", study: bundle.study.id, participant: "Q", role: "mentee", wave: "w1",
                                   instrument: InstrumentRef(id: instrument.id, version: instrument.version, sha256: instrument.sha256),
                                   startedAt: nil, submittedAt: "T", mode: "import", answers: [], declined: [])
        let preceded = expected.count % 2 == 0
        if preceded { try store.append(first) }
        let outcome = try StreamingImport.run(csv: Array(csv.utf8), file: "g.csv", bundle: bundle, instrument: instrument, wave: nil,
                                              store: store, batch: "b-\(label)", submittedAt: "2026-12-01T10:00:00Z")
        XCTAssertEqual(outcome.records, expected.count, label)
        var lines = try Data(contentsOf: store.url).split(separator: 0x0A).map { Array($0) }
        if preceded { lines.removeFirst() }
        XCTAssertEqual(lines.count, expected.count, label)
        var previous: [UInt8]? = preceded ? Array(first.jsonLine.utf8) : nil
        for (k, (line, want)) in zip(lines, expected).enumerated() {
            let decoded = try line.withUnsafeBytes { try ResponseRecord.decode(line: $0) }
            var want = want
            want.id = decoded.id
            want.extra.removeAll { $0.key == "batch" }
            want.extra.insert(("batch", .string("b-\(label)")), at: 0)
            want.prev = previous.map { ContentHash.sha256Hex($0) }
            XCTAssertEqual(decoded, want, "\(label), record \(k)")
            var bytes: [UInt8] = []
            want.writeJSONLine(into: &bytes)
            XCTAssertEqual(String(decoding: line, as: UTF8.self), String(decoding: bytes, as: UTF8.self), "\(label), record \(k)")
            previous = line
        }
        let chain = try HashChain.verify(store)
        XCTAssertTrue(chain.intact, "\(label): \(String(describing: chain.firstBreak))")
    }

    func testImportedLinesEqualTheRecordPathAndTheStrictDecoder() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("waves-linegen-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let bundle = try study(dir)
        var g = Gen(state: 2026)
        var imported = 0
        for round in 0..<40 {
            let cond = round % 4 == 3
            let bad = round % 5 == 4   // rounds that may hold a value the items refuse
            let csv = g.csv(cond: cond, bad: bad, rows: 1 + g.next(60), ids: 4,
                            numbers: ["0", "7", "42", "-1", "0.5", "1e3", "", "\"17\"", " 8", "-0"])
            let instrument = bundle.instrument(cond ? "cond" : "gen")!
            try compare(csv, bundle: bundle, instrument: instrument, dir: dir, label: "round \(round)")
            do { _ = try LongCSVImporter.records(csv: csv, file: "g.csv", bundle: bundle, instrument: instrument, wave: nil); imported += 1 } catch {
                if !bad { XCTFail("round \(round): \(error)") }
            }
        }
        XCTAssertGreaterThan(imported, 20, "most rounds import")
    }

    /// Slices of every size give the same lines (the rows of a slice are written together).
    func testSliceSizesGiveTheSameLines() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("waves-lineslice-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let bundle = try study(dir)
        let inst = bundle.instrument("gen")!
        var csv = "participant,wave,role,q1,\"q2\", n ,t,e_5\n"
        for r in 0..<300 { csv += "P\(r),w\(1 + r % 2),mentee,\(1 + r % 5),\(r % 3 == 0 ? "70" : ""),\(r),\"t \"\"\(r)\"\"\n\",\(r % 7 == 0 ? "declined" : "2")\n" }
        var outputs: [[String]] = []
        for sliceBytes in [1, 100, 5000, 1 << 20] {
            let store = ResponseStore(url: bundle.study.storeURL)
            try? FileManager.default.removeItem(at: store.url)
            let reader = try LongCSVImporter.Reader(csv: Array(csv.utf8), file: "s.csv", bundle: bundle, instrument: inst, wave: nil, sliceBytes: sliceBytes)
            let outcome = try StreamingImport.run(reader: reader, bundle: bundle, instrument: inst, store: store, batch: "b", submittedAt: "T", sliceRecords: 1)
            XCTAssertEqual(outcome.records, 300)
            let records = try store.read()
            XCTAssertEqual(records.problems, [])
            outputs.append(records.records.map { var r = $0.record; r.id = ""; r.prev = nil; return r.jsonLine })
            XCTAssertTrue(try HashChain.verify(store).intact)
        }
        for o in outputs.dropFirst() { XCTAssertEqual(o, outputs[0]) }
    }

    /// The write pass writes only from the bytes the check pass checked.
    func testAChangedSliceWritesNothingThatCounts() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("waves-linechg-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let bundle = try study(dir)
        let inst = bundle.instrument("gen")!
        let reader = try LongCSVImporter.Reader(csv: Array("participant,wave,role,q1\nP1,w1,mentee,1\n".utf8), file: "c.csv", bundle: bundle, instrument: inst, wave: nil)
        var copy: LongCSVImporter.Reader.SliceCopy?
        try reader.slices.forEach(from: reader.body) { copy = .init($0); return false }
        let parts = ImportLineParts(reader: reader, submittedAt: "T", batch: "b")
        XCTAssertNoThrow(try reader.lines(copy!, digest: copy!.digest, parts: parts))
        XCTAssertThrowsError(try reader.lines(copy!, digest: String(repeating: "0", count: 64), parts: parts))
        XCTAssertThrowsError(try reader.lines(copy!, digest: nil, parts: parts))
    }

    /// The store lines with each line's `id` and `prev` masked (random, and chained on the ids).
    static func masked(_ store: ResponseStore) throws -> [String] {
        guard let data = FileManager.default.contents(atPath: store.url.path) else { return [] }
        let text = String(decoding: data, as: UTF8.self)
        let id = try NSRegularExpression(pattern: "\"id\":\"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\"")
        let prev = try NSRegularExpression(pattern: ",\"prev\":\"[0-9a-f]{64}\"\\}$", options: [.anchorsMatchLines])
        var s = id.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text), withTemplate: "\"id\":\"ID\"")
        s = prev.stringByReplacingMatches(in: s, range: NSRange(s.startIndex..., in: s), withTemplate: ",\"prev\":\"PREV\"}")
        return s.components(separatedBy: "\n")
    }

    /// The write pass formats the rows the check pass kept (`KeptRows`) into the same store
    /// bytes as it formats the slices it reads again: with no rows kept, with a prefix of the
    /// slices kept (every budget between), and with all kept, on generated CSVs (numbers in
    /// every spelling, declined and don't know, text with quotes, controls, Unicode and line
    /// ends, `show_if`, CRLF, long participant ids) cut in slices of several sizes; a CSV with
    /// problems reports the same problems and writes nothing whatever the budget.
    func testKeptRowsWriteTheSameLinesAsTheSlicesReadAgain() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("waves-linekept-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let bundle = try study(dir)
        var g = Gen(state: 14)
        var mixed = 0, failed = 0
        for round in 0..<24 {
            let cond = round % 4 == 3
            let bad = round % 6 == 5
            let csv = g.csv(cond: cond, bad: bad, rows: 20 + g.next(80), ids: 5,
                            numbers: ["0", "7", "42", "63", "64", "-1", "-0", "0.5", "1e3", "", "\"17\"", " 8"])
            let instrument = bundle.instrument(cond ? "cond" : "gen")!
            for sliceBytes in [64, 700, 1 << 20] {
                var outputs: [(budget: Int, lines: [String])] = []
                var problems: [[ImportProblem]] = []
                for budget in [0, 1, 600, 3000, 12000, Int.max] {
                    let store = ResponseStore(url: bundle.study.storeURL)
                    try? FileManager.default.removeItem(at: store.url)
                    let reader = try LongCSVImporter.Reader(csv: Array(csv.utf8), file: "k.csv", bundle: bundle, instrument: instrument,
                                                            wave: nil, sliceBytes: sliceBytes)
                    // How many slices the check pass keeps with this budget.
                    var probe: [ImportProblem] = []
                    var outcome = LongCSVImporter.Reader.CheckOutcome()
                    try reader.checkInParallel(problems: &probe, keepBytes: budget, outcome: &outcome)
                    let slices = outcome.digests.count
                    if budget == 0 { XCTAssertEqual(outcome.kept.count, 0) }
                    if budget == Int.max { XCTAssertEqual(outcome.kept.count, slices) }
                    XCTAssertEqual(outcome.digests.filter(\.isEmpty).count, outcome.kept.count)
                    XCTAssertLessThanOrEqual(outcome.keptSize, budget)
                    if outcome.kept.count > 0 && outcome.kept.count < slices { mixed += 1 }
                    do {
                        let out = try StreamingImport.run(reader: reader, bundle: bundle, instrument: instrument, store: store, batch: "b",
                                                          submittedAt: "2026-12-01T10:00:00Z", sliceRecords: 1, keepBytes: budget)
                        XCTAssertEqual(out.records, try store.read().records.count)
                        XCTAssertTrue(try HashChain.verify(store).intact, "round \(round), budget \(budget)")
                        XCTAssertEqual(try store.read().problems, [])
                        outputs.append((budget, try Self.masked(store)))
                    } catch let e as ImportError {
                        XCTAssertFalse(FileManager.default.fileExists(atPath: store.url.path), "round \(round), budget \(budget)")
                        XCTAssertEqual(e.problems, probe, "round \(round), budget \(budget)")
                        problems.append(e.problems)
                    }
                }
                // Every budget imports or every budget fails, alike.
                XCTAssertTrue(outputs.isEmpty || problems.isEmpty, "round \(round)")
                for o in outputs.dropFirst() { XCTAssertEqual(o.lines, outputs[0].lines, "round \(round), slices of \(sliceBytes), budget \(o.budget)") }
                for p in problems.dropFirst() { XCTAssertEqual(p, problems[0], "round \(round)") }
                if !problems.isEmpty { failed += 1 } else { XCTAssertGreaterThan(outputs[0].lines.count, 20) }
            }
        }
        XCTAssertGreaterThan(mixed, 20, "budgets that keep some slices and read the rest again")
        XCTAssertGreaterThan(failed, 0, "rounds with problems")
    }

    /// `KeptRows` gives back each row's head and values as they were appended.
    func testKeptRowsRoundTrip() {
        typealias V = LongCSVImporter.CellValue
        func show(_ v: V) -> String {
            switch v {
            case .hidden: return "hidden"
            case .missing: return "missing"
            case .declined: return "declined"
            case .dontKnow: return "dontKnow"
            case .number(let d): return "n\(d.bitPattern)"
            case .text(let t): return "t" + t
            }
        }
        let values: [V] = [.number(0), .number(63), .number(64), .number(-0.0), .number(0.5), .number(-1), .number(1e300), .missing, .declined,
                           .dontKnow, .hidden, .text(""), .text("é\n\"日本"), .number(7)]
        var kept = KeptRows()
        var want: [(LongCSVImporter.RowHead, [V])] = []
        var g = Gen(state: 3)
        for r in 0..<200 {
            let head = LongCSVImporter.RowHead(participant: String(repeating: "p", count: [0, 1, 126, 127, 128, 300, 20000][r % 7]) + "\(r)",
                                               wave: ["w1", "", "wé"][r % 3], role: r % 4 == 0 ? nil : ["mentee", ""][r % 2])
            let row = (0..<values.count).map { _ in values[g.next(values.count)] }
            kept.append(head, row)
            want.append((head, row))
        }
        XCTAssertEqual(kept.count, 200)
        var k = 0
        kept.forEach(columns: values.count) { head, row in
            XCTAssertEqual(head.participant, want[k].0.participant)
            XCTAssertEqual(head.wave, want[k].0.wave)
            XCTAssertEqual(head.role, want[k].0.role)
            XCTAssertEqual(row.map(show), want[k].1.map(show), "row \(k)")
            k += 1
        }
        XCTAssertEqual(k, 200)
        XCTAssertGreaterThan(kept.size, kept.bytes.count)
    }

    /// The rows of kept slices are written through one pointer (`writeLine`) when their codes
    /// are whole numbers below 64, missing or hidden and their participant, wave and role need
    /// no escaping, else through `write` (declined and don't know included): every line of `lines(kept:…)` is `write`'s line for
    /// the same head and values, with the id it drew (plain and escaped ids, nil and empty
    /// roles, hidden first columns, every small number; an instrument whose item ids are too
    /// long for the 16-byte slots), and its SHA-256 head is that of the line up to `prev`.
    func testOnePointerLinesEqualWrite() throws {
        typealias V = LongCSVImporter.CellValue
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("waves-linefast-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let bundle = try study(dir)
        let long = "item_" + String(repeating: "x", count: 20)
        try """
        format: waves.instrument/1
        id: longids
        version: 1.0.0
        title: Long ids
        response_sets:
          big: {options: [{value: 0, label: Z}, {value: 63, label: S}]}
        items:
          - {id: a, text: A, response: big}
          - {id: \(long), text: L, response: big}
        """.write(to: dir.appendingPathComponent("instruments/longids.yaml"), atomically: true, encoding: .utf8)
        var g = Gen(state: 99)
        var fastRows = 0, slowRows = 0
        for (name, header) in [("gen", "participant,wave,role,q1,q2,n,t,e_5\n"), ("cond", "participant,wave,role,c1,c2,ct\n"), ("longids", "participant,wave,role,a,\(long)\n")] {
            let instrument = name == "longids" ? try InstrumentLoader.load(url: dir.appendingPathComponent("instruments/longids.yaml")) : bundle.instrument(name)!
            let reader = try LongCSVImporter.Reader(csv: Array(header.utf8), file: "f.csv", bundle: bundle, instrument: instrument, wave: nil)
            let parts = ImportLineParts(reader: reader, submittedAt: "2026-12-01T10:00:00Z", batch: "b-\(name)")
            XCTAssertEqual(parts.slots.isEmpty, name == "longids")
            let n = reader.columns.count
            var kept = KeptRows()
            var want: [(LongCSVImporter.RowHead, [V])] = []
            for r in 0..<400 {
                let plain = r % 3 != 0
                let head = LongCSVImporter.RowHead(participant: plain ? ["P\(r)", "", "pé\(r)", String(repeating: "p", count: 300)][r % 4] : ["P\"\(r)", "P\\", "P\u{7F}", "P\u{2028}", "P\n"][r % 5],
                                                   wave: r % 7 == 0 && !plain ? "w\"1" : "w1", role: [nil, "mentee", ""][r % 3])
                let pick: [V] = plain && r % 5 != 0 ? [.number(0), .number(5), .number(63), .missing, .hidden, .declined, .dontKnow]
                    : [.number(0), .number(63), .number(64), .number(-0.0), .number(0.5), .missing, .declined, .dontKnow, .hidden, .text("t\"é")]
                let values = (0..<n).map { _ in pick[g.next(pick.count)] }
                kept.append(head, values)
                want.append((head, values))
                let codes = (0..<n).map { k -> UInt8 in
                    switch values[k] {
                    case .number(let v) where v >= 0 && v < 64 && v.bitPattern == Double(Int(v)).bitPattern: return UInt8(v)
                    case .missing: return KeptRows.missing
                    case .declined: return KeptRows.declined
                    case .dontKnow: return KeptRows.dontKnow
                    case .hidden: return KeptRows.hidden
                    default: return KeptRows.other
                    }
                }
                let fast = !parts.slots.isEmpty && codes.allSatisfy { $0 < KeptRows.other }
                    && [head.participant, head.wave, head.role ?? ""].allSatisfy { !$0.utf8.contains { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C || $0 == 0x7F || $0 == 0xE2 } }
                if fast { fastRows += 1 } else { slowRows += 1 }
            }
            let lines = reader.lines(kept: kept, parts: parts)
            XCTAssertEqual(lines.count, want.count)
            var start = 0
            for (k, end) in lines.ends.enumerated() {
                let line = Array(lines.bytes[start..<end])
                let idAt = parts.open.count
                let id = String(decoding: line[idAt..<(idAt + 36)], as: UTF8.self)
                var expected: [UInt8] = []
                reader.write(want[k].0, want[k].1, id: id, parts: parts, into: &expected)
                XCTAssertEqual(String(decoding: line, as: UTF8.self), String(decoding: expected, as: UTF8.self), "\(name), row \(k)")
                var h = ContentHash.Hasher()
                h.update(Array(line.dropLast(ImportLines.prevFromEnd)))
                XCTAssertEqual(lines.heads[k].hex(), h.hex(), "\(name), row \(k)")
                start = end
            }
            XCTAssertEqual(start, lines.bytes.count)
        }
        XCTAssertGreaterThan(fastRows, 300)
        XCTAssertGreaterThan(slowRows, 300)
    }
}
