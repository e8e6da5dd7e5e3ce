import XCTest
@testable import WavesCore
@testable import WavesStore

/// The columnar fast path (`ColumnDecoder`) against the strict decoder, its referee.
///
/// For every line of generated, mutated and hand-made hostile stores: when the fast path
/// accepts a line, the strict decoder must accept it too and give the same fields and the
/// same numbers; a line the strict decoder rejects is never accepted by the fast path. The
/// whole columnar scan (`scanColumns`) must count the same lines, with the same problems and
/// line numbers, as the record scan, on any number of workers and block size.
final class ColumnScanTests: XCTestCase {
    var dir: URL!
    var store: ResponseStore!
    let items = (1...40).map { "id\($0 < 10 ? "0" : "")\($0)" }
    /// What the exports ask for (every field); `analysisRequest` is what the analyses ask for.
    var request: ColumnRequest { ColumnRequest(columns: ["identity": items + ["diary", "absent"]], texts: true, versions: true, marks: true, ids: true) }
    var analysisRequest: ColumnRequest { ColumnRequest(columns: ["identity": items + ["diary", "absent"]]) }

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("waves-columns-\(UUID().uuidString)")
        store = ResponseStore(url: dir.appendingPathComponent("data/responses.jsonl"))
        try FileManager.default.createDirectory(at: store.url.deletingLastPathComponent(), withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    /// The columns the strict record gives for `request` (answer ids are distinct in every
    /// line the fast path accepts, so the order of writing does not matter).
    func columns(of r: ResponseRecord, _ request: ColumnRequest) -> ColumnRecord {
        var values: [Double] = []
        if let ids = request.columns[r.instrument.id] {
            values = ids.map { id in r.answer(id)?.number ?? .nan }
        }
        let texts = request.texts ? r.answers.compactMap { a in a.value.text.map { ColumnText(item: a.id, text: $0) } } : []
        return ColumnRecord(id: request.ids ? r.id : "", participant: r.participant, role: r.role, wave: r.wave, instrument: r.instrument.id,
                            version: request.versions ? r.instrument.version : "", sha256: request.versions ? r.instrument.sha256 : "",
                            submittedAt: r.submittedAt, batch: r.batch, values: ColumnValues(values), texts: texts,
                            declined: request.marks ? r.declined : [], dontKnow: request.marks ? r.dontKnow : [])
    }

    /// Checks every line with one decoder (its key cache carried from line to line, as in a
    /// scan); returns how many lines the fast path accepted and how many the strict one did.
    @discardableResult
    func agree(_ bytes: [UInt8], _ request: ColumnRequest, file: StaticString = #filePath, line: UInt = #line) -> (fast: Int, strict: Int) {
        var decoder = ColumnDecoder(request)
        return FastPathAgreement.check(bytes, decode: { decoder.decode(line: $0) }, compare: { c, reference, shown in
            XCTAssertEqual(c, self.columns(of: reference, request), shown, file: file, line: line)
        }, file: file, line: line)
    }

    func testGeneratedLinesTakeTheFastPath() {
        let bytes = JSONParserBenchmark.sampleResponseLines(count: 2000, seed: 7)
        let (fast, strict) = agree(bytes, request)
        XCTAssertEqual(strict, 2000)
        XCTAssertEqual(fast, 2000, "every generated line is in the canonical shape")
    }

    func testMutatedLinesAgreeWithTheStrictDecoder() {
        let bytes = StoreScanTests.mutatedStore(lines: 3000, seed: 23)
        let (fast, strict) = agree(bytes, request)
        XCTAssertGreaterThan(strict, 3000)
        XCTAssertGreaterThan(fast, 2900, "valid lines go the fast way")
        XCTAssertLessThanOrEqual(fast, strict)
        XCTAssertEqual(agree(bytes, analysisRequest).fast, fast, "the marks asked for or not, the same lines go the fast way")
    }

    /// Generated and mutated lines, most of them given a `dont_know` list (of items, empty,
    /// null, or of another shape) before or after their `declined` list, which the mutations
    /// may also have changed: the marks of the fast path are the strict record's.
    func testDontKnowAndDeclinedOnMutatedLines() {
        let lines = StoreScanTests.mutatedStore(lines: 2000, seed: 29).split(separator: 0x0A, omittingEmptySubsequences: false)
        let lists = ["[\"id03\"]", "[\"id07\",\"id01\",\"id07\"]", "[]", "null", "[\"diary\",\"nope\"]", "\"id03\"", "[3]", "{}"]
        var out: [UInt8] = []
        for (k, line) in lines.enumerated() {
            var text = Array(line)
            let list = Array(lists[k % lists.count].utf8)
            let declined = Array(",\"declined\":".utf8)
            if k % 5 != 4, let at = text.firstRange(of: declined) {
                let mark = Array(",\"dont_know\":".utf8) + list
                text.insert(contentsOf: mark, at: k % 2 == 0 ? at.lowerBound : text.index(before: text.endIndex))
            }
            out += text + [0x0A]
        }
        let (fast, strict) = agree(out, request)
        XCTAssertGreaterThan(strict, 2000)
        XCTAssertGreaterThan(fast, 1200, "lines whose marks are certain go the fast way")
        XCTAssertLessThan(fast, strict, "lines whose dont_know is not a list of ids go to the strict decoder")
        // The analyses, which do not ask for the marks, read the same lines as before.
        agree(out, analysisRequest)
    }

    /// Hand-made lines at the edges of the fast path's shape.
    func testEdgeLines() {
        var r = ResponseStoreTests.record("P\u{1F600}\\\"x")
        r.extra = [("prev", .string(String(repeating: "f", count: 64))), ("batch", .string("imp-1")),
                   ("timings", .object(JSONObject([("id01", .number(1200))]))), ("dont_know", .array([.string("id02")]))]
        let base = r.jsonLine
        var lines = [base]
        func variant(_ a: String, _ b: String) { lines.append(base.replacingOccurrences(of: a, with: b)) }
        variant("\"id01\":4", "\"id01\":1e308")
        variant("\"id01\":4", "\"id01\":1e309")
        variant("\"id01\":4", "\"id01\":-0.0000000000000000000001")
        variant("\"id01\":4", "\"id01\":-0")
        variant("\"id01\":4", "\"id01\":12345678901234567890123")
        variant("\"id01\":4", "\"id01\":4,\"id01\":5")                 // a repeated answer id
        variant("\"id01\":4", "\"id01\":true")                          // not a number, string or null
        variant("\"id01\":4", "\"id01\":[4]")
        variant("\"id01\":4", "\"i\\u0064\":4")                         // an escaped id
        variant("\"id01\":4", "\"id03\":4,\"id01\":4")                  // another order
        variant("\"participant\":", "\"participant\" :\"a\",\"participant\":")
        variant("\"participant\":\"", "\"participant\":\"\",\"x\":\"")
        variant("\"format\":\"waves.response/1\"", "\"format\":\"waves.response/2\"")
        variant("\"format\":\"waves.response/1\"", "\"format\":\"waves.respons\\u0065/1\"")
        variant("\"role\":\"mentee\"", "\"role\":null")
        variant("\"role\":\"mentee\"", "\"role\":7")
        variant("\"started_at\":\"2026-03-01T09:58:12Z\"", "\"started_at\":null")
        variant("\"started_at\":\"2026-03-01T09:58:12Z\"", "\"started_at\":false")
        variant("\"declined\":[\"id02\"]", "\"declined\":null")
        variant("\"declined\":[\"id02\"]", "\"declined\":[2]")
        variant("\"declined\":[\"id02\"]", "\"declined\":{}")
        variant("\"declined\":[\"id02\"]", "\"declined\":[\"id02\",\"id02\",\"diary\",\"\\u0069d01\"]")
        variant("\"declined\":[\"id02\"]", "\"declined\":[\"id02\"],\"declined\":[]")
        variant("\"dont_know\":[\"id02\"]", "\"dont_know\":null")
        variant("\"dont_know\":[\"id02\"]", "\"dont_know\":[]")
        variant("\"dont_know\":[\"id02\"]", "\"dont_know\":[\"id02\",\"id01\",\"id02\"]")
        variant("\"dont_know\":[\"id02\"]", "\"dont_know\":[\"id02\"],\"dont_know\":[\"id01\"]")  // the strict decoder takes the last
        variant("\"dont_know\":[\"id02\"]", "\"dont_know\":[\"id02\",7]")                          // read as ["id02"]; validate reports it
        variant("\"dont_know\":[\"id02\"]", "\"dont_know\":\"id02\"")
        variant("\"dont_know\":[\"id02\"]", "\"dont_know\":{\"id02\":1}")
        variant("\"dont_know\":[\"id02\"]", "\"dont_know\":[\"id\\u0030\\u0032\"]")
        variant("\"dont_know\":[\"id02\"]", "\"dont_know\":[\"id02\"],\"dont_knew\":[\"id01\"]")
        // Record keys spelled with escapes or non-ASCII bytes mean the same key to the strict decoder.
        variant("\"dont_know\":", "\"dont_kno\\u0077\":")
        variant("\"declined\":", "\"d\\u0065clined\":")
        variant("\"role\":\"mentee\"", "\"r\\u006fle\":\"mentor\"")
        variant("\"role\":\"mentee\"", "\"role\":\"mentee\",\"r\\u006fle\":7")
        variant("\"batch\":\"imp-1\"", "\"b\\u0061tch\":\"imp-2\"")
        variant("\"started_at\":", "\"st\\u0061rted_at\":5,\"started_at\":")
        variant("\"submitted_at\":", "\"subm\\u0069tted_at\":\"2030-01-01T00:00:00Z\",\"submitted_at\":")
        variant("\"mode\":\"terminal\"", "\"mode\":\"terminal\",\"gr\u{F6}\u{DF}e\":1")
        variant("\"version\":\"1.0.0\",", "")
        variant("\"version\":\"1.0.0\"", "\"version\":1")
        variant("\"id\":\"identity\"", "\"id\":\"identity\",\"id\":\"other\"")
        variant("\"id\":\"identity\"", "\"name\":\"identity\"")
        variant("\"wave\":\"w1\"", "\"wave\":\"\"")
        variant("\"wave\":\"w1\",", "")
        variant("\"mode\":\"terminal\",", "")
        variant("\"mode\":\"terminal\"", "\"mode\":null")
        variant("\"batch\":\"imp-1\"", "\"batch\":\"imp-1\",\"batch\":\"imp-2\"")
        variant("\"batch\":\"imp-1\"", "\"batch\":3")
        variant("\"answers\":{", "\"answers\":{},\"answers\":{")
        variant("\"answers\":{", "\"answers\":[],\"a\":{")
        variant("{\"format\"", " \t{\"format\"")
        variant("\"diary\":\"", "\"diary\":\"\\ud83d\\ude00")
        lines.append(base + " ")
        lines.append(base + " x")
        lines.append(String(base.dropLast()))
        lines.append("[1,2]")
        lines.append("{}")
        lines.append(String(repeating: "[", count: 600))
        // answers before instrument: valid, read by the strict decoder
        if let a = base.range(of: ",\"answers\":"), let d = base.range(of: ",\"declined\":") {
            let answers = String(base[a.lowerBound..<d.lowerBound])
            var moved = base
            moved.removeSubrange(a.lowerBound..<d.lowerBound)
            moved = moved.replacingOccurrences(of: "{\"format\"", with: "{" + answers.dropFirst() + ",\"format\"")
            lines.append(moved)
        }
        let bytes = Array((lines.joined(separator: "\n") + "\n").utf8)
        let (fast, strict) = agree(bytes, request)
        XCTAssertGreaterThan(fast, 10)
        XCTAssertGreaterThan(strict, fast, "unusual but valid lines go to the strict decoder")
        // The same lines with a request that keeps neither texts, versions nor marks.
        agree(bytes, ColumnRequest(columns: ["identity": ["id01", "id02"]]))
        agree(bytes, analysisRequest)
    }

    /// The instrument's version and SHA-256 reuse the last line's Strings when their bytes repeat
    /// (`JSONReader.string(reusing:)`): lines whose version or hash differ from the line before
    /// in one byte, at the same length, or repeat it, or are escaped or non-ASCII, each give
    /// their own, as the strict decoder reads them.
    func testVersionsAndHashesOfEachLineAreItsOwn() {
        let base = ResponseStoreTests.record("P1").jsonLine
        let a = String(repeating: "a", count: 64)
        var lines: [String] = []
        let b1: String = "b" + a.dropFirst(), b2: String = String(a.dropLast()) + "b", e: String = "é" + a.dropFirst(2)
        let pairs: [(String, String)] = [("1.0.0", a), ("1.0.0", a), ("1.0.1", a), ("1.0.1", b1), ("1.0.1", b2), ("2.0.0", b1), ("2.0.0", a),
                                         ("1.0.0", a), ("", a), ("", ""), ("1.0.0", ""), ("1.0.\\u0030", a), ("1.0.0", a), ("1.0.é", a),
                                         ("1.0.é", a), ("1.0.0", e), ("1.0.0", a)]
        for (version, sha) in pairs {
            lines.append(base.replacingOccurrences(of: "\"version\":\"1.0.0\"", with: "\"version\":\"\(version)\"")
                             .replacingOccurrences(of: "\"sha256\":\"\(a)\"", with: "\"sha256\":\"\(sha)\""))
        }
        let bytes = Array((lines.joined(separator: "\n") + "\n").utf8)
        let (fast, strict) = agree(bytes, request)
        XCTAssertEqual(strict, lines.count)
        XCTAssertGreaterThan(fast, lines.count / 2, "most take the fast path")
    }

    /// The tight `answers` loop (`KeyOrder.fastAnswers`) against the general member walk and the
    /// strict decoder, on lines whose answers are mutated exactly where the tight loop has to stop:
    /// white space, every other shape of value, ids out of the cached order, repeated, missing,
    /// added or misspelt ids, and lines cut inside their answers. For every line both decoders
    /// (each with its own key cache carried from line to line) give the same result, and every
    /// line either accepts agrees with the strict decoder. Run with short ids (compared as one
    /// word) and with long ones (compared byte by byte), keeping texts and not.
    func testTightAnswersLoopAgreesWithTheGeneralOne() {
        let values = ["null", "\"text\"", "\"t\\u00e9\"", "\"a\\\"b\"", "\"\"", "-3", "0", "05", "1.5", "-0", "1e2", "1E-2", "true",
                      "[1]", "{}", "9007199254740993", "-", "1.", ".5", "7 ", " 7", "12345678901234567890123", "1e400"]
        var state: UInt64 = 0x5DEECE66D
        func next(_ n: Int) -> Int { state = state &* 6364136223846793005 &+ 1442695040888963407; return Int(state >> 33) % max(1, n) }
        for long in [false, true] {
            var text = String(decoding: JSONParserBenchmark.sampleResponseLines(count: 1500, seed: 43), as: UTF8.self)
            let ids = long ? items.map { "an_item_with_a_long_identifier_" + $0 } : items
            if long { text = text.replacingOccurrences(of: "\"id([0-9][0-9])\"", with: "\"an_item_with_a_long_identifier_id$1\"", options: .regularExpression) }
            var lines: [String] = []
            for line in text.split(separator: "\n").map(String.init) {
                lines.append(line)
                guard let a = line.range(of: "\"answers\":{"), let z = line[a.upperBound...].firstIndex(of: "}") else { continue }
                var members = line[a.upperBound..<z].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                let k = next(members.count)
                switch next(9) {
                case 0: members[k] = members[k].replacingOccurrences(of: ":", with: [": ", " :", ":\t"][next(3)])
                case 1: members[k] = String(members[k].prefix { $0 != ":" }) + ":" + values[next(values.count)]
                case 2: if k + 1 < members.count { members.swapAt(k, k + 1) }
                case 3: members.insert(members[k], at: next(members.count + 1))
                case 4: members.remove(at: k)
                case 5: members.insert("\"a_rather_long_item_identifier\":3", at: next(members.count + 1))
                case 6: members[k] = members[k].replacingOccurrences(of: "\"id0", with: ["\"id\\u0030", "\"iD0", "\"id0 "][next(3)])
                case 7:
                    let cut = line[..<a.upperBound] + members.joined(separator: ",")
                    lines.append(String(cut.prefix(cut.count - next(12))))
                    continue
                default: members[k] += " "
                }
                lines.append(line[..<a.upperBound] + members.joined(separator: ",") + line[z...])
            }
            let bytes = Array((lines.joined(separator: "\n") + "\n").utf8)
            for request in [ColumnRequest(columns: ["identity": ids + ["diary"]], texts: true, versions: true, marks: true),
                            ColumnRequest(columns: ["identity": Array(ids.reversed().prefix(30))])] {
                var tight = ColumnDecoder(request, tightAnswers: true), general = ColumnDecoder(request, tightAnswers: false)
                var accepted = 0
                for (n, l) in bytes.split(separator: 0x0A).enumerated() {
                    Array(l).withUnsafeBytes { b in
                        let t = tight.decode(line: b), g = general.decode(line: b)
                        XCTAssertEqual(t, g, "long ids \(long), line \(n + 1): \(String(decoding: b, as: UTF8.self))")
                        if t != nil { accepted += 1 }
                    }
                }
                XCTAssertGreaterThan(accepted, 1500, "the unmutated lines and the harmless mutations go the fast way")
                let (fast, strict) = agree(bytes, request)
                XCTAssertEqual(fast, accepted)
                XCTAssertGreaterThan(strict, fast, "lines with odd answers go to the strict decoder")
            }
        }
    }

    /// Several instruments interleaved, each with its own answer order; one asked for.
    func testInterleavedInstruments() {
        var lines: [String] = []
        for k in 0..<300 {
            let inst = ["identity", "reflection", "other"][k % 3]
            let ids = inst == "identity" ? ["id01", "id02", "diary"] : ["r\(k % 5)", "r9", "q"]
            let answers = ids.enumerated().map { "\"\($1)\":\($0 == 2 ? "\"t\(k)\"" : "\(k % 7)")" }.joined(separator: ",")
            lines.append("{\"format\":\"waves.response/1\",\"id\":\"x\(k)\",\"study\":\"s\",\"participant\":\"P\(k % 17)\",\"role\":null,\"wave\":\"w\(k % 4)\",\"instrument\":{\"id\":\"\(inst)\",\"version\":\"1\",\"sha256\":\"ab\"},\"submitted_at\":\"2026-01-01T00:00:\(k % 60)Z\",\"mode\":\"plain\",\"answers\":{\(answers)},\"declined\":[]}")
        }
        let bytes = Array((lines.joined(separator: "\n") + "\n").utf8)
        let (fast, strict) = agree(bytes, ColumnRequest(columns: ["identity": ["id02", "id01"], "reflection": ["r9", "r3"]], texts: true))
        XCTAssertEqual(strict, 300)
        XCTAssertEqual(fast, 300)
    }

    /// What a scan says, line by line: rows as their fields, problems as messages.
    func scanColumns(workers: Int, blockSize: Int, fast: Bool) throws -> [String] {
        var out: [String] = []
        let finished = try ImportLog(store: store).completedBatches()
        try StoreScan.forEachRow(store.log, request: request, workers: workers, blockSize: blockSize, fast: fast) { o, n in
            switch o {
            case .blank: break
            case .record(let row, let batch):
                if let p = ResponseStore.unfinishedImport(batch, finished: finished, line: n) { out.append("\(n) error \(p.message)"); return }
                switch row {
                case .columns(let c): out.append("\(n) ok \(c.participant) \(c.wave) \(c.submittedAt) \(c.values.map { $0.isNaN ? "." : "\($0)" })")
                case .record(let r): out.append("\(n) ok \(columns(of: r, request).participant) \(r.wave) \(r.submittedAt) \(columns(of: r, request).values.map { $0.isNaN ? "." : "\($0)" })")
                }
            case .problem(let m): out.append("\(n) error \(m)")
            }
        }
        return out
    }

    func testScanCountsTheSameLinesAsTheRecordScan() throws {
        var bytes = StoreScanTests.mutatedStore(lines: 800, seed: 41)
        bytes += Array("{\"format\":\"waves.resp".utf8)
        try Data(bytes).write(to: store.url)
        let strict = try scanColumns(workers: 1, blockSize: StoreScan.blockSize, fast: false)
        XCTAssertGreaterThan(strict.filter { $0.contains(" ok ") }.count, 800)
        for workers in [1, 2, 5] {
            for block in [64, 4096, StoreScan.blockSize] {
                XCTAssertEqual(try scanColumns(workers: workers, blockSize: block, fast: true), strict, "workers \(workers), block \(block)")
            }
        }
        // The public scans agree on lines and problems.
        var a: [Int] = [], b: [Int] = []
        let p1 = try store.scan { _, n in a.append(n) }
        let p2 = try store.scanColumns(request) { _, n in b.append(n) }
        XCTAssertEqual(a, b)
        XCTAssertEqual(p1, p2)
    }
}
