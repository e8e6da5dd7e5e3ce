import Foundation
import XCTest
@testable import WavesCLI
import WavesCore
import WavesStore

/// Issue 14: `waves instruments diff` tallies the store's lines as the columnar scan hands them
/// over (`InstrumentVersions.Tally`) instead of reading every record. Its versions must be the
/// ones `InstrumentVersions.build(records:)` gives from `store.read()` (the command before),
/// on the demo and on a store with other hashes and versions, earlier and later times,
/// unknown waves and instruments, lines of an unfinished import and a torn last line.
final class InstrumentsStreamTests: XCTestCase {
    static let demo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("datasets/pmi-demo")
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("waves-instruments-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: Self.demo, to: dir)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    struct Seen: Equatable {
        var instrument: String, sha256: String, version: String, waves: [String], records: Int, firstUsed: String, current: Bool, kept: Bool
    }

    func seen(_ v: InstrumentVersions) -> [[Seen]] {
        v.entries.map { e in
            e.versions.map { x in
                var kept = false
                if case .success = x.instrument { kept = true }
                return Seen(instrument: e.instrument, sha256: x.sha256, version: x.version, waves: x.waves, records: x.records,
                            firstUsed: x.firstUsed, current: x.isCurrent, kept: kept)
            }
        }
    }

    func compare(file: StaticString = #filePath, line: UInt = #line) throws {
        let bundle = try StudyLoader.load(directory: dir)
        let store = ResponseStore(url: bundle.study.storeURL)
        let records = try store.read().records.map(\.record)
        let old = try InstrumentVersions.build(bundle: bundle, records: records, archive: InstrumentArchive(store: store))
        let new = try InstrumentsDiffCommand.versions(bundle)
        XCTAssertEqual(seen(new), seen(old), file: file, line: line)
        XCTAssertEqual(new.entries.map { $0.steps.map { $0?.map(\.text) } }, old.entries.map { $0.steps.map { $0?.map(\.text) } },
                       file: file, line: line)
        XCTAssertEqual(new.drifts(bundle: bundle), old.drifts(bundle: bundle), file: file, line: line)
        // Every record of a study instrument is counted once, under its own hash.
        for inst in bundle.instruments {
            let mine = records.filter { $0.instrument.id == inst.id }
            let entry = try XCTUnwrap(new.entries.first { $0.instrument == inst.id }, file: file, line: line)
            XCTAssertEqual(entry.versions.reduce(0) { $0 + $1.records }, mine.count, file: file, line: line)
            for v in entry.versions {
                XCTAssertEqual(v.records, mine.filter { $0.instrument.sha256 == v.sha256 }.count, file: file, line: line)
            }
        }
    }

    func testTheDemoTalliesTheSameStreamed() throws {
        try compare()
    }

    func testAwkwardLinesTallyTheSameStreamed() throws {
        let store = dir.appendingPathComponent("data/responses.jsonl")
        let lines = try String(contentsOf: store, encoding: .utf8).split(separator: "\n").map(String.init)
        let other = String(repeating: "ab", count: 32), third = String(repeating: "0f", count: 32)
        let kept = try XCTUnwrap(FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("data/instruments").path)
            .first { $0.hasSuffix(".yaml") }).dropLast(5)
        var extra: [String] = []
        for (k, l) in lines.enumerated() where k % 5 == 0 {
            let sha = l.range(of: #""sha256":""#).map { l[$0.upperBound...].prefix(64) } ?? ""
            switch (k / 5) % 8 {
            case 0: extra.append(l.replacingOccurrences(of: String(sha), with: other)
                                  .replacingOccurrences(of: #""submitted_at":"2026-"#, with: #""submitted_at":"2025-"#))   // an older, unkept version
            case 1: extra.append(l.replacingOccurrences(of: String(sha), with: third)
                                  .replacingOccurrences(of: #""version":"1.0.0""#, with: #""version":"0.9-\u00fc\u007f""#))
            case 2: extra.append(l.replacingOccurrences(of: String(sha), with: String(kept)))                              // a kept file of another instrument
            case 3: extra.append(l.replacingOccurrences(of: #""wave":"w"#, with: #""wave":"x"#))                           // an unknown wave
            case 4: extra.append(l.replacingOccurrences(of: #""instrument":{"id":""#, with: #""instrument":{"id":"zz"#))   // an unknown instrument
            case 5: extra.append(l.replacingOccurrences(of: String(sha), with: other)
                                  .replacingOccurrences(of: #""submitted_at":"2026-"#, with: #""submitted_at":"2024-"#))   // earlier still: first use moves
            case 6: extra.append(String(l.dropLast()) + #","batch":"unfinished-batch"}"#)                                   // an import that did not finish
            default: extra.append(l.replacingOccurrences(of: #""wave":"w1""#, with: #""wave":"w3""#))
            }
        }
        let text = (lines + extra).joined(separator: "\n") + "\n" + String(lines[2].prefix(90))
        try Data(text.utf8).write(to: store)
        try compare()
        let v = try InstrumentsDiffCommand.versions(try StudyLoader.load(directory: dir))
        XCTAssertTrue(v.entries.contains { $0.versions.contains { $0.sha256 == other && $0.records > 0 } }, "the other hash is tallied")
        XCTAssertTrue(v.entries.contains { $0.versions.contains { $0.version == "0.9-\u{fc}\u{7f}" } }, "the other version is tallied")
    }
}
