import Foundation
import XCTest
import WavesAnalysis
@testable import WavesCoding
import WavesCore
@testable import WavesStore

/// Issue 14: `waves validate` streams the store (one pass of strict records, nothing kept but
/// counts, line runs, a small entry per participant x wave x instrument and the coders' units)
/// instead of holding every record. Its messages, their order, the counts and the summary must
/// be those of the whole-store validation (`OldValidation`, the code as it was), on the demo and
/// on a store with every awkward line (`AwkwardStore`).
final class StreamedValidationTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws { dir = try AwkwardStore.copyDemo("validate") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    func streamed() throws -> StudyValidation {
        try StudyValidation.run(folders: StudyFolders(study: dir)) { CodingValidation.followUp(studyDirectory: $0.study.directory) }
    }

    func compare(file: StaticString = #filePath, line: UInt = #line) throws {
        let old = try OldValidation.run(folders: StudyFolders(study: dir))
        let new = try streamed()
        XCTAssertEqual(new.messages, old.messages, file: file, line: line)
        XCTAssertEqual(new.summary, old.summary, file: file, line: line)
        XCTAssertEqual(new.errors, old.errors, file: file, line: line)
        XCTAssertEqual(new.warnings, old.warnings, file: file, line: line)
    }

    func testTheDemoValidatesTheSameStreamed() throws {
        try compare()
        XCTAssertGreaterThan(CodingValidation.followUp(studyDirectory: dir).textUnits.count, 100, "the demo's coders' units are looked for")
    }

    func testAwkwardStoreValidatesTheSameStreamed() throws {
        try AwkwardStore.make(in: dir)
        try compare()
        // The store exercises what the comparison is about: every kind of grouped and cross-record message.
        let m = try streamed().messages.joined(separator: "\n")
        for expected in ["duplicate submission", "answers to 'pi02' are", "changed since", "scores differently from the current file",
                         "did not finish", "the last line is incomplete", "hash chain breaks", "code answers that are not free-text answers in the store",
                         "unknown wave", "unknown instrument", "is not in the roster", ", …"] {
            XCTAssertTrue(m.contains(expected), "no message with \(expected)")
        }
    }

    /// Many records with the same problems: the groups keep counts and line runs, not members.
    func testLargeGroupsGiveTheSameLines() throws {
        let store = dir.appendingPathComponent("data/responses.jsonl")
        let lines = try String(contentsOf: store, encoding: .utf8).split(separator: "\n").map(String.init)
        var out = lines
        for round in 0..<6 {
            for l in lines where l.contains(#""instrument":{"id":"identity""#) {
                out.append(l.replacingOccurrences(of: #""pi01":"#, with: #""pi01":\#(10 + round),"pi01q":"#)
                    .replacingOccurrences(of: #""participant":"P"#, with: #""participant":"S\#(round)"#)
                    .replacingOccurrences(of: #","mode":"terminal""#, with: #","mode":"paper""#))
            }
        }
        try Data((out.joined(separator: "\n") + "\n").utf8).write(to: store)
        try compare()
    }

    func testEmptyAndMissingStores() throws {
        let store = dir.appendingPathComponent("data/responses.jsonl")
        try Data().write(to: store)
        try compare()
        try FileManager.default.removeItem(at: store)
        try compare()
    }

    /// The one-pass scan gives what `scan` and `HashChain.verify` give apart: the same records
    /// and problems, and the same chain report (breaks, blank lines, a round-1 prefix, a torn line).
    func testOnePassScanAndChainAsScanAndVerify() throws {
        try AwkwardStore.make(in: dir)
        let url = dir.appendingPathComponent("data/responses.jsonl")
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let variants: [String] = [
            lines.joined(separator: "\n"),
            lines.dropLast().joined(separator: "\n") + "\n",
            (lines.prefix(30) + [""] + lines.dropFirst(30)).joined(separator: "\n"),
            lines.map { $0.replacingOccurrences(of: #","prev":"[0-9a-f]{64}""#, with: "", options: .regularExpression) }.prefix(12).joined(separator: "\n")
                + "\n" + lines.dropFirst(12).prefix(200).joined(separator: "\n") + "\n",
            lines.prefix(100).joined(separator: "\n") + "\n" + lines[120] + "\n",
            "",
        ]
        for (k, text) in variants.enumerated() {
            try Data(text.utf8).write(to: url)
            let store = ResponseStore(url: url)
            var a: [String] = [], b: [String] = []
            let problems = try store.scan { r, line in a.append("\(line) \(r.id)") }
            for workers in [1, 3] {
                b = []
                let one = try store.scanWithChain(workers: workers) { r, line in b.append("\(line) \(r.id)") }
                XCTAssertEqual(b, a, "variant \(k)")
                XCTAssertEqual(one.problems, problems, "variant \(k)")
                XCTAssertEqual(one.chain, try HashChain.verify(store), "variant \(k)")
            }
        }
    }

    func testLineRunsAsTheSortedList() {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            var lines: [Int] = []
            var l = 1
            for _ in 0..<Int.random(in: 0...40, using: &rng) { l += Int.random(in: 0...3, using: &rng); lines.append(l) }
            var runs = LineRuns()
            for x in lines { runs.add(x) }
            XCTAssertEqual(runs.text, OldValidation.lineList(lines), "\(lines)")
        }
    }
}
