import Foundation
import XCTest
@testable import WavesAnalysis
@testable import WavesCoding
@testable import WavesCore
@testable import WavesStore

/// Session 9 (issue 14): `waves validate` and `waves quality` read most lines with the fast
/// record path (`RecordFastDecoder`). Held here, on the records of the demo and of the awkward
/// store and on many mutated copies of them (written out as store lines, with optional keys
/// added): on every line the fast path reads,
/// - `Checker.isClean` says "clean" exactly when the strict record has no issue at all (with
///   the serial validator as it was, `OldRecordValidator`, and the checker), and a clean line's
///   `Checked` (participant, time, wave and instrument file, coding units) is the strict one's;
/// - the quality indicators of the fast record are those of the strict record.
final class FastRecordCheckTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws { dir = try AwkwardStore.copyDemo("fast-check") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    var storeURL: URL { dir.appendingPathComponent("data/responses.jsonl") }

    /// Store lines of every shape: each record written out, with optional keys of each kind.
    func lines(_ records: [ResponseRecord]) -> [String] {
        let digest = String(repeating: "9f", count: 32)
        let extras: [[(String, JSONValue)]] = [[], [("prev", .string(digest))], [("duration_ms", .number(61_000))], [("duration_ms", .number(-1))],
                                               [("language", .string("en")), ("prev", .string(digest))], [("language", .string(""))],
                                               [("batch", .string("b1")), ("duration_ms", .number(0))], [("dont_know", .array([]))]]
        // The keys `waves take` writes, on the record's own items: timings of every answer (or a
        // bad one), "Don't know" on an unanswered item, an answered one, an unknown one, or one
        // also declined.
        func survey(_ r: ResponseRecord, _ k: Int) -> [(String, JSONValue)] {
            let timings = JSONValue.object(JSONObject(r.answers.enumerated().map { ($1.id, JSONValue.number(Double(800 + $0))) }))
            let unanswered = r.answers.first { $0.value.isMissing }?.id, answered = r.answers.first { !$0.value.isMissing }?.id
            switch k % 7 {
            case 0: return [("timings", timings)]
            case 1: return [("timings", timings), ("dont_know", .array(unanswered.map { [.string($0)] } ?? []))]
            case 2: return [("dont_know", .array((unanswered ?? answered).map { [.string($0)] } ?? []))]
            case 3: return [("dont_know", .array([.string(answered ?? "x")])), ("timings", timings)]
            case 4: return [("timings", .object(JSONObject([("x", .number(-1))])))]
            case 5: return [("dont_know", .array([.string("nope")]))]
            default: return [("dont_know", .array(r.declined.first.map { [.string($0)] } ?? [.string(unanswered ?? "x")])), ("timings", .array([]))]
            }
        }
        return records.enumerated().map { k, r in
            var r = r
            r.extra += extras[k % extras.count]
            if k % 3 == 1 { r.extra += survey(r, k / 3) }
            return r.jsonLine
        }
    }

    func testCleanIsNoIssueAndCheckedIsTheStrictOnes() throws {
        try AwkwardStore.make(in: dir)
        var bundle = try StudyLoader.load(folders: StudyFolders(study: dir))
        let records = try ResponseStore(url: storeURL).read().records.map(\.record)
        var clean = 0, unclean = 0, strictOnly = 0, byPlace = 0
        for round in 0..<3 {
            if round == 1 {
                // An instrument whose item ids repeat: its lines go to the strict decoder.
                let k = bundle.instruments.firstIndex { $0.items.count > 3 }!
                var inst = bundle.instruments[k]
                inst.items.append(inst.items[0])
                bundle.instruments[k] = inst
            }
            if round == 2 { bundle.roster = nil }
            let checker = RecordValidator.Checker(bundle)
            var decoder = RecordFastDecoder(checker.plan)
            let mutated = ParallelValidationTests.mutatedRecords(records, bundle: bundle)
            // Every coding unit of the records is wanted, and a few that are not there.
            let wanted = Set(mutated.flatMap { r in
                bundle.instrument(r.instrument.id).map { CodingDecision.units(of: r, instrument: $0).map { CodingDecision.unitID(record: r.id, item: $0.item.id) } } ?? []
            } + ["nope/dy01"])
            XCTAssertGreaterThan(wanted.count, 50)
            for line in lines(mutated) {
                Array(line.utf8).withUnsafeBytes { b in
                    guard let strict = try? ResponseRecord.decode(line: b) else { return XCTFail(line) }
                    guard let f = decoder.decode(line: b) else { strictOnly += 1; return }
                    let issues = checker.issues(strict)
                    XCTAssertEqual(issues.isEmpty, OldRecordValidator.issues(strict, bundle: bundle).isEmpty, line)
                    XCTAssertEqual(checker.isClean(f), issues.isEmpty, "\(issues.map(\.message)) \(line)")
                    guard checker.isClean(f) else { unclean += 1; return }
                    clean += 1
                    for w in [wanted, []] {
                        let fast = Checked.clean(f, checker: checker, wanted: w), slow = Checked.strict(strict, checker: checker, wanted: w)
                        // What the counts read, byte for byte (a clean line names its wave and
                        // instrument by their places in the study, whose texts must be the record's).
                        let (fw, fi) = fast.keys.names(bundle), (sw, si) = slow.keys.names(bundle)
                        XCTAssertEqual([fast.participant, fast.submittedAt, fw, fi.id, fi.version, fi.sha256].map { Array($0.utf8) },
                                       [slow.participant, slow.submittedAt, sw, si.id, si.version, si.sha256].map { Array($0.utf8) }, line)
                        XCTAssertEqual([strict.participant, strict.submittedAt, strict.wave, strict.instrument.id, strict.instrument.version,
                                        strict.instrument.sha256].map { Array($0.utf8) },
                                       [slow.participant, slow.submittedAt, sw, si.id, si.version, si.sha256].map { Array($0.utf8) }, line)
                        if case .current = fast.keys { byPlace += 1 }
                        XCTAssertEqual(fast.units, slow.units, line)
                        XCTAssertTrue(fast.issues.isEmpty && slow.issues.isEmpty)
                    }
                }
            }
        }
        // The shipped demo's lines with answers the rules reject and nothing else wrong: read
        // fast, found not clean, and sent to the strict path.
        let checker = RecordValidator.Checker(try StudyLoader.load(folders: StudyFolders(study: AwkwardStore.demo)))
        var decoder = RecordFastDecoder(checker.plan)
        var answerOnly = 0
        let demo = try String(contentsOf: AwkwardStore.demo.appendingPathComponent("data/responses.jsonl"), encoding: .utf8).split(separator: "\n")
        for (k, l) in demo.enumerated() {
            let edited = [(#""pi02":\d"#, #""pi02":9"#), (#""rf03":\d"#, #""rf03":0"#), (#""pi03":\d"#, #""pi03":"three""#),
                          (#""ph01":\d"#, #""ph01":2.5"#), (#""me01":\d"#, #""me01":null"#)][k % 5]
            let line = String(l).replacingOccurrences(of: edited.0, with: edited.1, options: .regularExpression)
            Array(line.utf8).withUnsafeBytes { b in
                guard let strict = try? ResponseRecord.decode(line: b), let f = decoder.decode(line: b) else { return XCTFail(line) }
                let issues = checker.issues(strict)
                XCTAssertEqual(checker.isClean(f), issues.isEmpty, "\(issues.map(\.message)) \(line)")
                if !issues.isEmpty { answerOnly += 1 }
            }
        }
        XCTAssertGreaterThan(answerOnly, 80, "lines whose only problem is an answer (about 90 of the 490)")
        XCTAssertGreaterThan(clean, 200, "clean lines are checked on the fast path")
        XCTAssertGreaterThan(byPlace, 200, "clean lines name their wave and instrument by place")
        XCTAssertGreaterThan(unclean, 300, "lines with problems are read fast and then sent to the strict path")
        XCTAssertGreaterThan(strictOnly, 100, "unusual lines go to the strict decoder")
    }

    /// A clean line names its wave and instrument by their places in the study only when it
    /// writes them byte for byte as the study does: Strings compare equal also when only
    /// canonically equivalent ("é" and "e" + U+0301), and the counts keep the first text they meet.
    func testPlacesOnlyForTheStudysOwnBytes() throws {
        var bundle = try StudyLoader.load(folders: StudyFolders(study: AwkwardStore.demo))
        let demo = try String(contentsOf: AwkwardStore.demo.appendingPathComponent("data/responses.jsonl"), encoding: .utf8).split(separator: "\n")
        var checker = RecordValidator.Checker(bundle)
        var decoder = RecordFastDecoder(checker.plan)
        let line = try XCTUnwrap(demo.map(String.init).first { l in
            Array(l.utf8).withUnsafeBytes { b in decoder.decode(line: b).map(checker.isClean) ?? false }
        })
        let wave = try XCTUnwrap(bundle.study.waves.firstIndex { line.contains("\"wave\":\"\($0.id)\"") })
        let written = "\"wave\":\"\(bundle.study.waves[wave].id)\""
        bundle.study.waves[wave].id = "caf\u{E9}"
        checker = RecordValidator.Checker(bundle)
        decoder = RecordFastDecoder(checker.plan)
        for (text, byPlace) in [("caf\u{E9}", true), ("cafe\u{301}", false)] {
            let edited = line.replacingOccurrences(of: written, with: "\"wave\":\"\(text)\"")
            Array(edited.utf8).withUnsafeBytes { b in
                guard let f = decoder.decode(line: b) else { return XCTFail(edited) }
                XCTAssertTrue(checker.isClean(f), edited)
                if case .current = checker.places.keys(f) { XCTAssertTrue(byPlace, edited) } else { XCTAssertFalse(byPlace, edited) }
                let c = Checked.clean(f, checker: checker, wanted: [])
                XCTAssertEqual(Array(c.keys.names(bundle).wave.utf8), Array(text.utf8))
            }
        }
    }

    /// Each rule of `AnswerRule` against `AnswerRules.problem` on every item of the demo and
    /// awkward values.
    func testAnswerRuleIsAnswerRulesProblem() throws {
        var bundle = try StudyLoader.load(folders: StudyFolders(study: dir))
        var items = bundle.instruments.flatMap(\.items)
        // Number items with and without bounds, a note, a choice without a response set.
        if var n = items.first(where: { $0.type == .likert }) {
            n.type = .number; n.min = 0; n.max = 10; items.append(n)
            n.min = nil; items.append(n)
            n.max = nil; n.min = -3; items.append(n)
            n.min = 5; n.max = 2; items.append(n)
            n.type = .note; items.append(n)
            n.type = .choice; n.responseSet = nil; items.append(n)
        }
        bundle.instruments = []
        let values: [Answer] = [.missing, .text(""), .text("x"), .number(0), .number(-0.0), .number(1), .number(3), .number(5), .number(7), .number(10), .number(11),
                                .number(-3), .number(-4), .number(2.5), .number(1e9), .number(1e9 + 1), .number(-1e9 - 1), .number(.nan), .number(.infinity), .number(-.infinity)]
        for item in items {
            let rule = AnswerRule(item)
            XCTAssertEqual(rule.allowsDecline, item.allowsDecline)
            for v in values { XCTAssertEqual(rule.accepts(v), AnswerRules.problem(v, for: item) == nil, "\(item.id) \(item.type) \(v)") }
        }
    }

    func testQualityOfTheFastRecordIsTheStrictOnes() throws {
        try AwkwardStore.make(in: dir)
        let bundle = try StudyLoader.load(folders: StudyFolders(study: dir))
        let records = try ResponseStore(url: storeURL).read().records.map(\.record)
        let plan = RecordFastDecoder.Plan(bundle.instruments.map { ($0.id, $0.items.map(\.id)) })
        var decoder = RecordFastDecoder(plan)
        let enc = JSONEncoder()
        enc.outputFormatting = .sortedKeys
        var fast = 0
        for blockMin in [2, 4] {
            var settings = DataQuality.Settings()
            settings.blockMin = blockMin
            for line in lines(ParallelValidationTests.mutatedRecords(records, bundle: bundle)) {
                try Array(line.utf8).withUnsafeBytes { b in
                    let strict = try ResponseRecord.decode(line: b)
                    guard let f = decoder.decode(line: b) else { return }
                    fast += 1
                    let a = DataQuality.submission(f, bundle: bundle, settings: settings), s = DataQuality.submission(strict, bundle: bundle, settings: settings)
                    XCTAssertEqual(String(decoding: try enc.encode(a), as: UTF8.self), String(decoding: try enc.encode(s), as: UTF8.self), line)
                }
            }
        }
        XCTAssertGreaterThan(fast, 400, "most unmutated lines are read fast")
    }
}
