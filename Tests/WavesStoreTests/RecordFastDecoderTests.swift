import XCTest
@testable import WavesCore
@testable import WavesStore

/// The fast record path (`RecordFastDecoder`, session 9) against the strict decoder, its referee.
///
/// For every line of generated, mutated and hand-made hostile stores: when the fast path
/// accepts a line, the strict decoder accepts it too, and the record the fast path stands for
/// (`FastRecord.record(items:)`) is the strict record, field for field and byte for byte when
/// written out again; a line the strict decoder rejects is never accepted. The scans built on it
/// (`scan(plan:…)`, `scanWithChain(plan:…)`) give the strict scans' values, problems, line
/// numbers and chain report on any number of workers and block size.
final class RecordFastDecoderTests: XCTestCase {
    var dir: URL!
    var store: ResponseStore!
    static let items = (1...40).map { "id\($0 < 10 ? "0" : "")\($0)" }
    /// The instruments of the generated lines: `identity` (40 numbered items and a text item),
    /// an instrument with an item id that needs escaping, and one whose ids repeat (never fast).
    static let plan = RecordFastDecoder.Plan([("identity", items + ["diary", "absent"]), ("odd", ["a\"b", "x"]), ("twice", ["a", "a"]),
                                              ("identity", ["shadowed"])])

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("waves-fastrec-\(UUID().uuidString)")
        store = ResponseStore(url: dir.appendingPathComponent("data/responses.jsonl"))
        try FileManager.default.createDirectory(at: store.url.deletingLastPathComponent(), withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    /// Checks every line with one decoder (its caches carried from line to line, as in a scan);
    /// returns how many lines the fast path accepted and how many the strict one did.
    @discardableResult
    static func agree(_ bytes: [UInt8], plan: RecordFastDecoder.Plan = plan, file: StaticString = #filePath, line: UInt = #line) -> (fast: Int, strict: Int) {
        var decoder = RecordFastDecoder(plan)
        return FastPathAgreement.check(bytes, decode: { decoder.decode(line: $0) }, compare: { f, reference, shown in
            XCTAssertEqual(plan.ids[f.instrumentIndex], reference.instrument.id, shown, file: file, line: line)
            let r = f.record(items: plan.itemIDs(f.instrumentIndex))
            XCTAssertEqual(r, reference, shown, file: file, line: line)
            XCTAssertEqual(r.jsonLine, reference.jsonLine, shown, file: file, line: line)
            XCTAssertEqual(f.batch, reference.batch, file: file, line: line)
            XCTAssertEqual(f.prev?.hex, reference.prev, file: file, line: line)
            XCTAssertEqual(f.durationMs, reference.durationMs, file: file, line: line)
            XCTAssertEqual(f.language, reference.language, file: file, line: line)
            XCTAssertEqual(f.timings, reference.extraValue("timings"), file: file, line: line)
            XCTAssertEqual(f.dontKnow, reference.extraValue("dont_know"), file: file, line: line)
            XCTAssertTrue(zip(f.answers, f.answers.dropFirst()).allSatisfy { $0.position < $1.position }, "positions increase", file: file, line: line)
        }, file: file, line: line)
    }

    func testGeneratedLinesTakeTheFastPath() {
        let bytes = JSONParserBenchmark.sampleResponseLines(count: 2000, seed: 7)
        let (fast, strict) = Self.agree(bytes)
        XCTAssertEqual(strict, 2000)
        XCTAssertEqual(fast, 2000, "every generated line is in the usual shape")
    }

    func testMutatedLinesAgreeWithTheStrictDecoder() {
        let bytes = StoreScanTests.mutatedStore(lines: 3000, seed: 23)
        let (fast, strict) = Self.agree(bytes)
        XCTAssertGreaterThan(strict, 3000)
        XCTAssertGreaterThan(fast, 2900, "valid lines go the fast way")
        XCTAssertLessThan(fast, strict, "lines with unknown keys go to the strict decoder")
    }

    /// Generated lines given the optional keys the fast path reads (`prev`, `batch`,
    /// `duration_ms`, `language`, `timings`, `dont_know`) in every shape, before or after other keys, then mutated byte
    /// by byte: every accepted line is the strict record.
    func testOptionalKeysOnMutatedLines() {
        let lines = JSONParserBenchmark.sampleResponseLines(count: 1500, seed: 31).split(separator: 0x0A)
        let digest = String(repeating: "0123456789abcdef", count: 4)
        let extras = [",\"prev\":\"\(digest)\"", ",\"prev\":\"\(digest.uppercased())\"", ",\"prev\":\"\(digest.dropLast())\"", ",\"prev\":\"\(digest)0\"",
                      ",\"prev\":null", ",\"prev\":7", ",\"prev\":\"\\u0030\(digest.dropFirst())\"",
                      ",\"batch\":\"b1\"", ",\"batch\":\"imp-\\u0031\"", ",\"batch\":null", ",\"batch\":[]",
                      ",\"duration_ms\":1200", ",\"duration_ms\":-5", ",\"duration_ms\":1e400", ",\"duration_ms\":0.5e3", ",\"duration_ms\":\"9\"",
                      ",\"language\":\"en\"", ",\"language\":\"\"", ",\"language\":\"fr\\u00e9\"", ",\"language\":false",
                      ",\"via\":\"ssh\"", ",\"via\":null", ",\"via\":3", ",\"via\":\"kiosk\",\"prev\":\"\(digest)\",\"batch\":\"b2\"",
                      ",\"timings\":{\"id01\":3}", ",\"dont_know\":[]", ",\"timings\":{\"id01\":3,\"id02\":1.5e3,\"id\\u0030\":0}",
                      ",\"timings\":{}", ",\"timings\":{\"id01\":-1}", ",\"timings\":[3]", ",\"timings\":null", ",\"timings\":{\"id01\":\"3\"}",
                      ",\"dont_know\":[\"id01\"]", ",\"dont_know\":[\"id01\",\"nope\"]", ",\"dont_know\":\"id01\"", ",\"dont_know\":[1]",
                      ",\"dont_know\":[\"id\\u0030\"],\"timings\":{\"id01\":1}", ",\"timings\":{\"id01\":1},\"timings\":{\"id01\":2}", ",\"prev\":\"\(digest)\",\"prev\":\"\(digest)\""]
        var state: UInt64 = 0x2545F4914F6CDD1D
        func next(_ n: Int) -> Int { state = state &* 6364136223846793005 &+ 1442695040888963407; return Int(state >> 33) % max(1, n) }
        var out: [UInt8] = []
        for line in lines {
            var text = Array(line)
            let extra = Array(extras[next(extras.count)].utf8)
            if next(2) == 0 {
                text.insert(contentsOf: extra, at: text.count - 1)
            } else {
                // After the format, before the other keys.
                let at = Array("\"waves.response/1\"".utf8).count + Array("{\"format\":".utf8).count
                text.insert(contentsOf: extra, at: at)
            }
            out += text + [0x0A]
            var m = text
            switch next(5) {
            case 0: m.remove(at: next(m.count))
            case 1: m[next(m.count)] = Array("{}[]\",:0-ne\\ a".utf8)[next(14)]
            case 2: m = Array(m.prefix(next(m.count)))
            case 3: m.insert(UInt8(truncatingIfNeeded: next(256)), at: next(m.count))
            default: break
            }
            m.removeAll { $0 == 0x0A }
            out += m + [0x0A]
        }
        let (fast, strict) = Self.agree(out)
        XCTAssertGreaterThan(fast, 800, "lines with the known optional keys in their usual shapes go the fast way")
        XCTAssertGreaterThan(strict, fast)
    }

    /// Hand-made lines at the edges of the fast path's shape.
    func testEdgeLines() {
        var r = ResponseStoreTests.record("P\u{1F600}\\\"x")
        r.extra = [("prev", .string(String(repeating: "f", count: 64))), ("batch", .string("imp-1")), ("duration_ms", .number(5300)), ("language", .string("en"))]
        r.via = "kiosk"
        let base = r.jsonLine
        var lines = [base]
        func variant(_ a: String, _ b: String) {
            XCTAssertTrue(base.contains(a), a)
            lines.append(base.replacingOccurrences(of: a, with: b))
        }
        for v in ["1e308", "1e309", "-0.0000000000000000000001", "-0", "0", "12345678901234567890123", "05", "1.", ".5", "-", "1E+2", "true",
                  "[4]", "{}", "\"\"", "\"x\\u0000y\"", "\"\\ud83d\"", "null", "nul", "4 ", " 4", "4.0e-0"] {
            variant("\"id01\":4", "\"id01\":" + v)
        }
        variant("\"id01\":4", "\"id01\":4,\"id01\":5")                 // a repeated answer id
        variant("\"id01\":4", "\"i\\u0064\":4")                         // an escaped id
        variant("\"id01\":4,\"id02\":null", "\"id02\":null,\"id01\":4")  // another order
        variant("\"id01\":4,", "")                                       // a hidden item
        variant("\"id01\":4,\"id02\":null,", "")                          // hidden items: only the text left
        variant("\"diary\":", "\"id40\":3,\"diary\":")                   // a later item, then one after it
        variant("\"diary\":", "\"absent\":1,\"diary\":")                 // the last item before an earlier one
        variant("\"diary\":", "\"nope\":1,\"diary\":")                   // an unknown item
        variant("\"id01\":4", "\"id01\" :4")
        variant("\"id01\":4", "\"id01\": 4")
        variant("{\"id01\"", "{ \"id01\"")
        variant("\"answers\":{\"id01\":4,\"id02\":null,\"diary\":\"é \\\"quoted\\\"\\nline 中\"}", "\"answers\":{}")
        variant("\"answers\":{\"id01\":4,\"id02\":null,\"diary\":\"é \\\"quoted\\\"\\nline 中\"}", "\"answers\":{ }")
        variant("\"answers\":{", "\"answers\":{},\"answers\":{")
        variant("\"answers\":{", "\"answers\":[],\"a\":{")
        variant("\"participant\":", "\"participant\" :\"a\",\"participant\":")
        variant("\"participant\":\"", "\"participant\":\"\",\"x\":\"")
        lines.append(base.replacingOccurrences(of: #""participant":"[^,]*","role""#, with: #""participant":"","role""#, options: .regularExpression))
        variant("\"format\":\"waves.response/1\"", "\"format\":\"waves.response/2\"")
        variant("\"format\":\"waves.response/1\"", "\"format\":\"waves.respons\\u0065/1\"")
        variant("\"format\":\"waves.response/1\",", "")
        variant("\"role\":\"mentee\"", "\"role\":null")
        variant("\"role\":\"mentee\"", "\"role\":7")
        variant("\"role\":\"mentee\"", "\"role\":\"m\\u00e9ntee\"")
        variant("\"role\":\"mentee\",", "")
        variant("\"started_at\":\"2026-03-01T09:58:12Z\"", "\"started_at\":null")
        variant("\"started_at\":\"2026-03-01T09:58:12Z\"", "\"started_at\":false")
        variant("\"started_at\":\"2026-03-01T09:58:12Z\",", "")
        variant("\"declined\":[\"id02\"]", "\"declined\":null")
        variant("\"declined\":[\"id02\"]", "\"declined\":[]")
        variant("\"declined\":[\"id02\"]", "\"declined\":[2]")
        variant("\"declined\":[\"id02\"]", "\"declined\":{}")
        variant("\"declined\":[\"id02\"]", "\"declined\":[\"id02\",\"id02\",\"diary\",\"\\u0069d01\"]")
        variant("\"declined\":[\"id02\"]", "\"declined\":[\"id02\"],\"declined\":[]")
        variant("\"declined\":[\"id02\"],", "")
        variant("\"via\":\"kiosk\"", "\"via\":null")
        variant("\"via\":\"kiosk\"", "\"v\\u0069a\":\"kiosk\"")
        variant("\"mode\":\"terminal\"", "\"mode\":\"terminal\",\"gr\u{F6}\u{DF}e\":1")
        variant("\"mode\":\"terminal\"", "\"mode\":\"terminal\",\"zz\":1")
        variant("\"mode\":\"terminal\"", "\"mode\":\"quill\"")
        variant("\"mode\":\"terminal\",", "")
        variant("\"mode\":\"terminal\"", "\"mode\":null")
        variant("\"version\":\"1.0.0\",", "")
        variant("\"version\":\"1.0.0\"", "\"version\":1")
        variant("\"version\":\"1.0.0\"", "\"version\":\"1.0.\\u0030\"")
        variant("\"version\":\"1.0.0\"", "\"version\":\"1.0.0\",\"extra\":1")
        variant("\"id\":\"identity\"", "\"id\":\"identity\",\"id\":\"other\"")
        variant("\"id\":\"identity\"", "\"id\":\"identit\\u0079\"")
        variant("\"id\":\"identity\"", "\"id\":\"odd\"")
        variant("\"id\":\"identity\"", "\"id\":\"twice\"")
        variant("\"id\":\"identity\"", "\"id\":\"unknown\"")
        variant("\"id\":\"identity\"", "\"name\":\"identity\"")
        variant("\"instrument\":{", "\"instrument\":{ ")
        variant("\"wave\":\"w1\"", "\"wave\":\"\"")
        variant("\"wave\":\"w1\",", "")
        variant("\"batch\":\"imp-1\"", "\"batch\":\"imp-1\",\"batch\":\"imp-2\"")
        variant("\"batch\":\"imp-1\"", "\"batch\":3")
        variant("\"duration_ms\":5300", "\"duration_ms\":-1")
        variant("\"duration_ms\":5300", "\"duration_ms\":null")
        variant("\"language\":\"en\"", "\"language\":\"\"")
        variant("\"prev\":\"ffff", "\"prev\":\"Ffff")
        variant("{\"format\"", " \t{\"format\"")
        variant("\"diary\":\"", "\"diary\":\"\\ud83d\\ude00")
        lines.append(base + " ")
        lines.append(base + " x")
        lines.append(base + "}")
        lines.append(String(base.dropLast()))
        lines.append("[1,2]")
        lines.append("{}")
        lines.append(" ")
        lines.append(String(repeating: "[", count: 600))
        // The instrument whose ids need an escape: only lines that avoid that id are fast.
        lines.append(base.replacingOccurrences(of: "\"id\":\"identity\"", with: "\"id\":\"odd\"")
            .replacingOccurrences(of: "\"id01\":4,\"id02\":null,\"diary\":", with: "\"a\\\"b\":1,\"x\":"))
        lines.append(base.replacingOccurrences(of: "\"id\":\"identity\"", with: "\"id\":\"odd\"")
            .replacingOccurrences(of: "\"id01\":4,\"id02\":null,\"diary\":", with: "\"x\":"))
        // answers before instrument: valid, read by the strict decoder
        if let a = base.range(of: ",\"answers\":"), let d = base.range(of: ",\"declined\":") {
            let answers = String(base[a.lowerBound..<d.lowerBound])
            var moved = base
            moved.removeSubrange(a.lowerBound..<d.lowerBound)
            moved = moved.replacingOccurrences(of: "{\"format\"", with: "{" + answers.dropFirst() + ",\"format\"")
            lines.append(moved)
        }
        // Each line alone (fresh caches) and all in a row (caches carried over).
        let bytes = Array((lines.joined(separator: "\n") + "\n").utf8)
        let (fast, strict) = Self.agree(bytes)
        XCTAssertGreaterThan(fast, 30)
        XCTAssertGreaterThan(strict, fast + 30, "unusual but valid lines go to the strict decoder")
        for l in lines { Self.agree(Array((l + "\n").utf8)) }
    }

    /// Several instruments interleaved, the instrument object cached from line to line: a
    /// changed version, hash or id is never taken from the cache.
    func testInterleavedInstrumentsAndChangedFiles() {
        var lines: [String] = []
        for k in 0..<400 {
            let inst = ["identity", "identity", "odd", "twice", "other"][k % 5]
            let version = k % 7 == 0 ? "2.0.0" : "1.0.0"
            let sha = String(repeating: k % 3 == 0 ? "b" : "a", count: 64)
            let answers = inst == "identity" ? "\"id01\":\(k % 7),\"diary\":\"t\(k)\"" : inst == "odd" ? "\"x\":\(k)" : "\"a\":1"
            lines.append("{\"format\":\"waves.response/1\",\"id\":\"x\(k)\",\"study\":\"s\(k % 2)\",\"participant\":\"P\(k % 17)\",\"role\":null,\"wave\":\"w\(k % 4)\",\"instrument\":{\"id\":\"\(inst)\",\"version\":\"\(version)\",\"sha256\":\"\(sha)\"},\"submitted_at\":\"2026-01-01T00:00:\(k % 60)Z\",\"mode\":\"plain\",\"answers\":{\(answers)},\"declined\":[]}")
        }
        let (fast, strict) = Self.agree(Array((lines.joined(separator: "\n") + "\n").utf8))
        XCTAssertEqual(strict, 400)
        XCTAssertEqual(fast, 240, "identity and odd lines are fast; twice (ids repeat) and other (not in the plan) are not")
    }

    /// The scans with the fast path give what the strict scans give: values, problems, line
    /// numbers, the chain, on mutated stores (with a chain, an unfinished import, a torn line).
    func testScansAgreeWithTheStrictScans() throws {
        var lines = StoreScanTests.mutatedStore(lines: 700, seed: 47).split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
        lines.removeLast()
        // Chain the lines as `append` would (a few left without, or with a wrong `prev`), and put some in import batches.
        var out: [UInt8] = []
        var previous: String?
        for (k, line) in lines.enumerated() {
            var text = line
            if let p = previous, k % 9 != 4, text.last == UInt8(ascii: "}") {
                text.removeLast()
                text += Array(",\"prev\":\"\(k % 13 == 0 ? String(repeating: "0", count: 64) : p)\"\(k % 11 == 0 ? ",\"batch\":\"b\(k % 2)\"" : "")}".utf8)
            }
            out += text + [0x0A]
            previous = ContentHash.sha256Hex(text)
        }
        out += Array("{\"format\":\"waves.resp".utf8)
        try Data(out).write(to: store.url)
        try ImportLog(store: store).complete(batch: "b0", instrument: "identity", records: 1)

        func values(_ plan: RecordFastDecoder.Plan?, workers: Int, block: Int) throws -> [String] {
            var seen: [String] = []
            let problems = try store.scan(workers: workers, plan: plan, blockSize: block, transformFast: { f in "fast " + f.record(items: Self.plan.itemIDs(f.instrumentIndex)).jsonLine },
                                          transform: { r in "strict " + r.jsonLine }) { v, n in seen.append("\(n) \(v.split(separator: " ", maxSplits: 1)[1])") }
            return seen + problems.map { "\($0.line) \($0.message)" }
        }
        func chained(_ plan: RecordFastDecoder.Plan?, workers: Int, block: Int) throws -> [String] {
            var seen: [String] = []
            let (problems, chain) = try store.scanWithChain(workers: workers, plan: plan, blockSize: block,
                                                           prepareFast: { f in f.instrument.version == "1.0.0" ? f.record(items: Self.plan.itemIDs(f.instrumentIndex)).jsonLine : nil },
                                                           prepare: { r in r.jsonLine }) { v, n in seen.append("\(n) \(v)") }
            return seen + problems.map { "\($0.line) \($0.message)" } + ["\(chain)"]
        }
        var fastCount = 0
        _ = try store.scan(workers: 1, plan: Self.plan, transformFast: { _ in 1 }, transform: { _ in 0 }) { v, _ in fastCount += v }
        XCTAssertGreaterThan(fastCount, 600, "most lines go the fast way")
        let strictValues = try values(nil, workers: 1, block: StoreScan.blockSize)
        let strictChain = try chained(nil, workers: 1, block: StoreScan.blockSize)
        XCTAssertTrue(strictValues.contains { $0.contains("did not finish") }, "an unfinished import's lines are problems")
        XCTAssertTrue(strictChain.last!.contains("firstBreak: Optional"), "the chain breaks")
        for workers in [1, 2, 3] {
            for block in [100, 5000, StoreScan.blockSize] {
                XCTAssertEqual(try values(Self.plan, workers: workers, block: block), strictValues, "workers \(workers), block \(block)")
                XCTAssertEqual(try chained(Self.plan, workers: workers, block: block), strictChain, "workers \(workers), block \(block)")
            }
        }
    }
}
