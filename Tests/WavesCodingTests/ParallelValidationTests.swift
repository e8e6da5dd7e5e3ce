import Foundation
import XCTest
@testable import WavesCore
@testable import WavesStore

/// Session 8 (issue 14): `waves validate` checks each record on the decoding threads with a
/// `RecordValidator.Checker` (items found by position), and `waves verify` walks the chain over
/// lines decoded and hashed on every core with the hashes held in place. Both are held here to
/// the serial code as it was (`OldRecordValidator`, `OldHashChain`), on the demo, on the awkward
/// store and on many mutated copies of its lines.
final class ParallelValidationTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws { dir = try AwkwardStore.copyDemo("parallel-validate") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    var storeURL: URL { dir.appendingPathComponent("data/responses.jsonl") }

    func storeLines() throws -> [String] {
        try String(contentsOf: storeURL, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    /// Records of every shape the checks tell apart: the store's, and each mutated.
    static func mutatedRecords(_ records: [ResponseRecord], bundle: StudyBundle) -> [ResponseRecord] {
        var rng = SystemRandomNumberGenerator()
        var out = records
        let itemIDs = bundle.instruments.flatMap { $0.items.map(\.id) } + ["zz", "pi01x", ""]
        let values: [Answer] = [.missing, .number(1), .number(3), .number(99), .number(-1), .number(.nan), .number(.infinity), .number(2e9), .text("two"), .text("  ")]
        for (k, r) in records.enumerated() {
            var m = r
            switch k % 12 {
            case 0: m.answers.shuffle(using: &rng)                                                       // out of the instrument's order
            case 1: m.answers.removeFirst(min(3, m.answers.count))                                      // hidden items
            case 2: if let a = m.answers.first { m.answers.append(a); m.answers.insert(a, at: 0) }      // repeated ids
            case 3: m.answers.append((itemIDs.randomElement(using: &rng)!, values.randomElement(using: &rng)!))
            case 4: for j in m.answers.indices { m.answers[j].value = values.randomElement(using: &rng)! }
            case 5: m.declined = (0..<3).map { _ in itemIDs.randomElement(using: &rng)! }
            case 6: m.dontKnow = (0..<3).map { _ in itemIDs.randomElement(using: &rng)! }; m.declined = Array(m.dontKnow.prefix(1))
            case 7: m.extra.append(("dont_know", .string("pi01"))); m.extra.append(("prev", .string("ABC"))); m.extra.append(("timings", .object(JSONObject([("pi01", .number(-3))]))))
            case 8: m.via = ["kiosk", "paper", "ssh", "import", "x"].randomElement(using: &rng)!; m.mode = ["terminal", "plain", "quill"].randomElement(using: &rng)!
            case 9: m.role = [nil, "mentee", "peer-mentor", "ghost"].randomElement(using: &rng)!; m.participant = ["P001", "Q9", "\u{1b}[31mX"].randomElement(using: &rng)!
            case 10: m.study = "other"; m.wave = "w9"
            default: m.instrument = bundle.instruments.randomElement(using: &rng)!.ref; m.instrument.sha256 = String(repeating: "0", count: 64)
            }
            out.append(m)
        }
        return out
    }

    func testCheckerGivesTheOldValidatorsIssues() throws {
        try AwkwardStore.make(in: dir)
        var bundle = try StudyLoader.load(folders: StudyFolders(study: dir))
        let records = try ResponseStore(url: storeURL).read().records.map(\.record)
        XCTAssertGreaterThan(records.count, 100)
        var checked = 0
        for round in 0..<2 {
            if round == 1 {
                // An instrument whose item ids repeat: the first item with an id is the one checked.
                let k = bundle.instruments.firstIndex { $0.items.count > 3 }!
                var inst = bundle.instruments[k]
                var twin = inst.items[1]
                twin.type = .text
                inst.items.insert(twin, at: 3)
                inst.items.append(inst.items[0])
                bundle.instruments[k] = inst
                bundle.roster = nil
            }
            let checker = RecordValidator.Checker(bundle)
            for r in Self.mutatedRecords(records, bundle: bundle) {
                // Compared as text: an answer of NaN is never equal to itself.
                XCTAssertEqual("\(checker.issues(r))", "\(OldRecordValidator.issues(r, bundle: bundle))", "\(r.jsonLine)")
                checked += 1
            }
        }
        XCTAssertGreaterThan(checked, 2 * records.count)
    }

    /// The parallel `HashChain.verify` (on 1, 2 and 3 threads) gives the serial walk's report on
    /// the store and on each kind of damage.
    func testParallelVerifyAsTheSerialWalk() throws {
        try AwkwardStore.make(in: dir)
        var lines = try storeLines()
        let torn = lines.removeLast()
        // A chained store (as `waves take` writes it) to damage.
        let store = ResponseStore(url: storeURL)
        try FileManager.default.removeItem(at: storeURL)
        let records = lines.compactMap { l in Array(l.utf8).withUnsafeBytes { try? ResponseRecord.decode(line: $0) } }.map { r -> ResponseRecord in
            var r = r
            r.prev = nil
            r.setExtra("batch", nil)
            return r
        }
        for chunk in stride(from: 0, to: records.count, by: 50) { try store.append(Array(records[chunk..<min(records.count, chunk + 50)])) }
        let chained = try storeLines().dropLast()
        XCTAssertTrue(try OldHashChain.verify(store).intact)

        var rng = SystemRandomNumberGenerator()
        var variants: [String] = [
            chained.joined(separator: "\n") + "\n",
            lines.joined(separator: "\n") + "\n" + torn,
            chained.joined(separator: "\n"),
            "",
            "\n",
            "\n\n" + chained.joined(separator: "\n") + "\n",
        ]
        for _ in 0..<40 {
            var ls = Array(chained)
            let i = Int.random(in: 1..<ls.count - 1, using: &rng)
            switch Int.random(in: 0..<11, using: &rng) {
            case 0: ls[i] = ls[i].replacingOccurrences(of: ":4,", with: ":5,")                              // edited
            case 1: ls.remove(at: i)                                                                      // deleted
            case 2: ls.insert(ls[i], at: Int.random(in: 0..<ls.count, using: &rng))                      // inserted (a copy)
            case 3: ls.swapAt(i, Int.random(in: 0..<ls.count, using: &rng))                              // moved
            case 4: ls[i] = String(ls[i].prefix(Int.random(in: 0..<ls[i].count, using: &rng)))          // cut (bad JSON)
            case 5: ls.insert("", at: i)                                                                  // a blank line
            case 6: ls[i] = ls[i].replacingOccurrences(of: #","prev":"[0-9a-f]{64}""#, with: "", options: .regularExpression)   // no prev
            case 7: ls[i] = ls[i].replacingOccurrences(of: #""prev":""#, with: #""prev":"A"#)              // not a digest
            case 8: ls[i] = ls[i].replacingOccurrences(of: #""prev":""#, with: #""prev":7,"x":""#)         // prev not a string
            case 9: for j in 0..<i { ls[j] = ls[j].replacingOccurrences(of: #","prev":"[0-9a-f]{64}""#, with: "", options: .regularExpression) }   // round-1 prefix
            default: ls[i] = ls[i] + #"{"#                                                                // trailing bytes
            }
            variants.append(ls.joined(separator: "\n") + (Bool.random(using: &rng) ? "\n" : "\n" + String(ls[0].prefix(50))))
        }
        var breaks = 0
        for (k, text) in variants.enumerated() {
            try Data(text.utf8).write(to: storeURL)
            let old = try OldHashChain.verify(store)
            if old.firstBreak != nil { breaks += 1 }
            for workers in [1, 2, 3] {
                XCTAssertEqual(try HashChain.verify(store, workers: workers), old, "variant \(k), \(workers) thread(s)")
            }
            // Every line through the strict decoder, and blocks of a few lines (lines cut by a block's end).
            XCTAssertEqual(try HashChain.verify(store, workers: 2, fast: false), old, "variant \(k), strict")
            XCTAssertEqual(try HashChain.verify(store, workers: 3, fast: true, blockSize: 2000), old, "variant \(k), small blocks")
            // The one pass of `waves validate` walks the same chain.
            XCTAssertEqual(try store.scanWithChain(workers: 3) { _, _ in }.chain, old, "variant \(k)")
        }
        XCTAssertGreaterThan(breaks, 20, "the damage breaks the chain")
    }

    /// `prev` read in place from a line the fast path accepts is what the strict record holds, for
    /// every way of writing it and of hiding a `prev` elsewhere in the line.
    func testPrevReadInPlaceAsTheStrictRecord() throws {
        let line = try storeLines().first { $0.contains(#""prev":""#) }!
        let hex = String(repeating: "0123456789abcdef", count: 4)
        let shapes: [String] = [
            line,
            line.replacingOccurrences(of: #""prev":""#, with: #""prev" : ""#),
            line.replacingOccurrences(of: #""prev":"[0-9a-f]{64}""#, with: #""prev":"\#(hex)","prev":"\#(hex.uppercased())""#, options: .regularExpression),
            line.replacingOccurrences(of: #""prev":"[0-9a-f]{64}""#, with: #""prev":"\#(hex.uppercased())","prev":"\#(hex)""#, options: .regularExpression),
            line.replacingOccurrences(of: #""prev":""#, with: #""prev":null,"x":""#),
            line.replacingOccurrences(of: #""prev":""#, with: #""prev":{"prev":"\#(hex)"},"x":""#),
            line.replacingOccurrences(of: #""prev":""#, with: #""prev":["\#(hex)"],"x":""#),
            line.replacingOccurrences(of: #""prev":""#, with: #""prev":64,"x":""#),
            line.replacingOccurrences(of: #""prev":"0"#, with: #""prev":"0"#).replacingOccurrences(of: #""prev":"1"#, with: #""prev":"1"#),
            line.replacingOccurrences(of: #""prev":""#, with: #""prev":""#),
            line.replacingOccurrences(of: #","prev":"[0-9a-f]{64}""#, with: "", options: .regularExpression),
            line.replacingOccurrences(of: #","prev":"[0-9a-f]{64}""#, with: "", options: .regularExpression)
                .replacingOccurrences(of: #""answers":{"#, with: #""answers":{"prev":1,"#),
            line.replacingOccurrences(of: #","prev":"[0-9a-f]{64}""#, with: "", options: .regularExpression)
                .replacingOccurrences(of: #""mode":"#, with: #""note":"a "prev":"\#(hex)" \","prev2":"\#(hex)","mode":"#),
            line.replacingOccurrences(of: #""prev":"[0-9a-f]{64}""#, with: #""prev":"\#(hex.prefix(63))""#, options: .regularExpression),
            line.replacingOccurrences(of: #""prev":"[0-9a-f]{64}""#, with: #""prev":"\#(hex)0""#, options: .regularExpression),
            line.replacingOccurrences(of: #""prev":"[0-9a-f]{64}""#, with: #""prev":"\#(hex.prefix(63))g""#, options: .regularExpression),
            String(line.dropLast()),
        ]
        var fast = ChainDecoder(useFast: true), strict = ChainDecoder(useFast: false)
        var readInPlace = 0
        for (k, shape) in shapes.enumerated() {
            let bytes = Array(shape.utf8)
            let (a, b) = bytes.withUnsafeBytes { (fast.line($0), strict.line($0)) }
            XCTAssertEqual(a, b, "shape \(k): \(shape)")
            let record = bytes.withUnsafeBytes { try? ResponseRecord.decode(line: $0) }
            XCTAssertEqual(b.prev, record.map(ChainLine.prev(of:)), "shape \(k)")
            if bytes.withUnsafeBytes({ ChainDecoder.plainPrev($0) }) != nil { readInPlace += 1 }
        }
        XCTAssertGreaterThan(readInPlace, 10, "most shapes are read in place")
    }

    func testLineHashIsTheHexDigest() {
        for text in ["", "a", String(repeating: "x", count: 1000), #"{"a":"é"}"#] {
            let bytes = Array(text.utf8)
            let hash = bytes.withUnsafeBytes { LineHash(of: $0) }
            XCTAssertEqual(hash.hex, ContentHash.sha256Hex(bytes))
            XCTAssertEqual(LineHash(hex: hash.hex), hash)
        }
        XCTAssertNil(LineHash(hex: String(repeating: "A", count: 64)))
        XCTAssertNil(LineHash(hex: String(repeating: "a", count: 63)))
        XCTAssertNotEqual(LineHash(hex: String(repeating: "a", count: 64)), LineHash(hex: String(repeating: "a", count: 63) + "b"))
        // The digits eight at a time (`HexDigest.isDigest`) against the byte-by-byte rule, each
        // byte of a digest replaced by every value in turn; and a digest read into its 32 bytes
        // is the hash (`prev` compares with the line before by those bytes).
        func plain(_ b: [UInt8]) -> Bool { b.count == 64 && b.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) } }
        let hex = Array(ContentHash.sha256Hex(Array("a line".utf8)).utf8)
        for k in 0..<64 {
            for v in 0...255 {
                var b = hex
                b[k] = UInt8(v)
                b.withUnsafeBytes { raw in
                    XCTAssertEqual(HexDigest.isDigest(raw), plain(b), "byte \(k) = \(v)")
                    if let d = HexDigest(raw) {
                        XCTAssertEqual(LineHash(d), LineHash(hex: raw))
                        XCTAssertEqual(LineHash(d).hex, String(decoding: b, as: UTF8.self))
                    }
                }
            }
        }
        for n in [0, 63, 65] { Array(hex.prefix(n) + (n > 64 ? [0x30] : [])).withUnsafeBytes { XCTAssertFalse(HexDigest.isDigest($0)) } }
        let line = Array("a line".utf8)
        XCTAssertEqual(line.withUnsafeBytes { LineHash(of: $0) }, hex.withUnsafeBytes { LineHash(hex: $0) })
    }
}

private extension Instrument {
    var ref: InstrumentRef { InstrumentRef(id: id, version: version, sha256: sha256) }
}

/// `RecordValidator.issues` as it was before session 8 (a search per answer, on the consuming thread).
enum OldRecordValidator {
    static func issues(_ r: ResponseRecord, bundle: StudyBundle) -> [RecordIssue] {
        var out: [RecordIssue] = []
        func error(_ m: String) { out.append(RecordIssue(.error, .other, m)) }
        func warning(_ m: String) { out.append(RecordIssue(.warning, .other, m)) }
        let study = bundle.study
        let who = SafeText.line(r.participant)
        if r.study != study.id { error("record is for study '\(SafeText.line(r.study))', not '\(SafeText.line(study.id))'") }
        if study.wave(r.wave) == nil { error("unknown wave '\(SafeText.line(r.wave))'") }
        guard let inst = bundle.instrument(r.instrument.id) else {
            error("unknown instrument '\(SafeText.line(r.instrument.id))'")
            return out
        }
        if r.instrument.sha256 != inst.sha256 {
            out.append(RecordIssue(.warning, .instrumentChanged(instrument: inst.id, version: r.instrument.version, sha256: r.instrument.sha256, versionNow: inst.version),
                                   "instrument '\(inst.id)' changed since this answer was given (version \(SafeText.line(r.instrument.version)) then, \(SafeText.line(inst.version)) now; file hash differs)"))
        }
        if let roster = bundle.roster {
            if let role = roster.role(of: r.participant) {
                if let rr = r.role, rr != role { warning("role '\(SafeText.line(rr))' in the record differs from the roster's '\(role)' for \(who)") }
            } else { error("participant '\(who)' is not in the roster") }
        } else if r.role == nil {
            error("no role for '\(who)' (the study has no roster)")
        }
        if let role = r.role, !study.roles.contains(role) { error("unknown role '\(SafeText.line(role))'") }
        if r.recordMode == nil { warning("unknown mode '\(SafeText.line(r.mode))'") }
        if let v = r.via, !["terminal", "kiosk", "ssh", "import"].contains(v) { warning("unknown via '\(SafeText.line(v))'") }
        for a in r.answers {
            guard let item = inst.item(a.id) else { error("answer to unknown item '\(SafeText.line(a.id))'"); continue }
            if let p = AnswerRules.problem(a.value, for: item) {
                out.append(RecordIssue(.error, .answer(item: item.id, p), p.message(item: item.id)))
            }
        }
        for d in r.declined {
            guard let item = inst.item(d) else { error("declined unknown item '\(SafeText.line(d))'"); continue }
            if !item.allowsDecline { warning("'\(d)' is marked declined but does not offer 'Prefer not to answer'") }
            if let a = r.answer(d), !a.isMissing { error("'\(d)' is marked declined but holds an answer") }
        }
        for p in r.optionalKeyProblems { error(p) }
        for d in r.dontKnow {
            guard let item = inst.item(d) else { error("\"Don't know\" for unknown item '\(SafeText.line(d))'"); continue }
            if !item.allowsDontKnow { warning("'\(d)' is marked \"Don't know\" but does not offer it (allow_dont_know)") }
            if let a = r.answer(d), !a.isMissing { error("'\(d)' is marked \"Don't know\" but holds an answer") }
            if r.declined.contains(d) { error("'\(d)' is marked both declined and \"Don't know\"") }
        }
        return out.filter { $0.severity == .error } + out.filter { $0.severity == .warning }
    }
}

/// `HashChain.verify` as it was before session 8: one thread, a String per line hash.
enum OldHashChain {
    static func verify(_ store: ResponseStore) throws -> ChainReport {
        var report = ChainReport()
        var previousHash: String?
        func fail(_ line: Int, _ reason: String) {
            if report.firstBreak == nil { report.firstBreak = .init(line: line, reason: reason) }
        }
        var keys = AnswerKeyCache()
        try LineReader.forEachLine(store.log) { bytes, lineNo, complete in
            guard complete else { report.tornLine = lineNo; return }
            let hash = ContentHash.sha256Hex(bytes)
            defer { previousHash = hash; report.head = hash; report.lines = lineNo }
            guard let record = try? ResponseRecord.decode(line: bytes, keys: &keys) else {
                fail(lineNo, bytes.isEmpty ? "an empty line (not a response record)" : "not a valid response record (edited, or a torn write closed by a later append)")
                return
            }
            report.records += 1
            guard let prev = record.extraValue("prev") else {
                if report.hasChain { fail(lineNo, "no \"prev\" after the chain began at line \(report.chainStartsAt ?? 1): a line inserted, or written by something other than Waves") }
                return
            }
            guard let p = prev.stringValue, ResponseRecord.isHexDigest(p) else {
                fail(lineNo, "\"prev\" is not a SHA-256 (64 lower-case hex digits)")
                return
            }
            if !report.hasChain {
                report.hasChain = true
                if lineNo > 2 { report.chainStartsAt = lineNo }
            }
            guard let before = previousHash else {
                fail(lineNo, "the first line carries \"prev\": the line(s) before it were deleted")
                return
            }
            if p == before { report.chained += 1 } else {
                fail(lineNo, "\"prev\" does not match line \(lineNo - 1): line \(lineNo - 1) was edited, or a line before line \(lineNo) was deleted, inserted or moved")
            }
        }
        return report
    }
}
