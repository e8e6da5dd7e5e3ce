import Foundation
import XCTest
@testable import WavesAnalysis
import WavesCore
import WavesStore

/// Issue 14: `waves score` streams the store (`StreamedScores`) instead of holding every record
/// (`StudyData`). The two must give the same rows in the same order, the same set-aside
/// answers, duplicates, problems and drift warnings, on the demo and on a store with every
/// awkward line: duplicates (later, earlier and equal times), waves and instruments the study
/// does not define (each submitted twice), participants off the roster, rejected values, text in a numeric item,
/// repeated answer ids, a null role, a declined item, and a torn last line.
final class StreamedScoresTests: XCTestCase {
    static let demo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("datasets/pmi-demo")
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("waves-streamed-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: Self.demo, to: dir)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    func compare(file: StaticString = #filePath, line: UInt = #line) throws {
        let bundle = try StudyLoader.load(directory: dir)
        let data = try StudyData.load(directory: dir)
        for insts in [bundle.instruments, [bundle.instruments[0]], [bundle.instruments[1], bundle.instruments[0]]] {
            let s = try StreamedScores.run(bundle: bundle, instruments: insts)
            XCTAssertEqual(s.rows, insts.flatMap { data.scores(instrument: $0) }, file: file, line: line)
            XCTAssertEqual(s.setAside, insts.flatMap { data.setAside(instrument: $0) }, file: file, line: line)
            XCTAssertEqual(s.duplicateCount, data.duplicates.count, file: file, line: line)
            XCTAssertEqual(s.problems.map(\.line), data.problems.map(\.line), file: file, line: line)
            let archive = InstrumentArchive(store: ResponseStore(url: bundle.study.storeURL))
            let old = try InstrumentVersions.build(bundle: bundle, records: data.records, archive: archive)
            XCTAssertEqual(s.versions?.drifts(bundle: bundle).map(\.message), old.drifts(bundle: bundle).map(\.message), file: file, line: line)
            XCTAssertEqual(s.versions?.entries.map { $0.versions.map(\.sha256) }, old.entries.map { $0.versions.map(\.sha256) }, file: file, line: line)
            XCTAssertEqual(s.versions?.entries.map { $0.versions.map(\.records) }, old.entries.map { $0.versions.map(\.records) }, file: file, line: line)
        }
    }

    /// A row's numbers keep a missing score apart from every number, NaNs and signed zeros included.
    func testNumbersKeepEveryScore() {
        XCTAssertNil(StreamedScores.Numbers(score: nil, answered: 0, k: 3).score)
        for v in [0.0, -0.0, 3.5, -1e300, .infinity, -.infinity, .nan, Double(bitPattern: 0x7FF8_0000_0000_0001), Double(bitPattern: 0xFFF8_0000_0000_0000)] {
            let n = StreamedScores.Numbers(score: v, answered: 2, k: 3)
            XCTAssertEqual(n.score?.bitPattern, v.bitPattern, "\(v)")
            XCTAssertEqual(n.answered, 2)
            XCTAssertEqual(n.k, 3)
        }
        var n = StreamedScores.Numbers(score: 1, answered: 1, k: 1)
        n.score = nil
        XCTAssertNil(n.score)
        XCTAssertEqual(MemoryLayout<StreamedScores.Numbers>.stride, 16)
    }

    func testTheDemoScoresTheSameStreamed() throws {
        try compare()
    }

    func testAwkwardLinesScoreTheSameStreamed() throws {
        let store = dir.appendingPathComponent("data/responses.jsonl")
        let lines = try String(contentsOf: store, encoding: .utf8).split(separator: "\n").map(String.init)
        var extra: [String] = []
        for (k, l) in lines.enumerated() where k % 4 == 0 {
            let stamp = #""submitted_at":"2026-"#
            switch (k / 4) % 12 {
            case 0: extra.append(l.replacingOccurrences(of: stamp, with: #""submitted_at":"2027-"#))             // a later duplicate
            case 1: extra.append(l.replacingOccurrences(of: stamp, with: #""submitted_at":"2025-"#))             // an earlier duplicate
            case 2: extra.append(l.replacingOccurrences(of: #""pi05":"#, with: #""pi05":1,"pi05y":"#)
                                  .replacingOccurrences(of: #""rf01":"#, with: #""rf01":1,"rf01y":"#))               // an equal-time duplicate, other answers
            case 3:                                                                                               // an unknown wave, twice
                let x = l.replacingOccurrences(of: #""wave":"w"#, with: #""wave":"x"#)
                extra.append(x)
                extra.append(x.replacingOccurrences(of: stamp, with: #""submitted_at":"2028-"#))
            case 4: extra.append(l.replacingOccurrences(of: #""participant":"P"#, with: #""participant":"Q"#))    // off the roster
            case 5: extra.append(l.replacingOccurrences(of: #""pi01":"#, with: #""pi01":99,"pi01x":"#))           // out of range
            case 6: extra.append(l.replacingOccurrences(of: #""pi02":"#, with: #""pi02":"two","pi02x":"#))        // text in a number item
            case 7: extra.append(l.replacingOccurrences(of: #""pi03":"#, with: #""pi03":1,"pi03":"#))             // a repeated id
            case 8: extra.append(l.replacingOccurrences(of: #""role":"mentee""#, with: #""role":null"#)
                                  .replacingOccurrences(of: #""role":"peer-mentor""#, with: #""role":null"#))
            case 9:                                                                                               // an unknown instrument, twice
                let z = l.replacingOccurrences(of: #""instrument":{"id":""#, with: #""instrument":{"id":"zz"#)
                extra.append(z.replacingOccurrences(of: stamp, with: #""submitted_at":"2028-"#))
                extra.append(z)
            case 10: extra.append(l.replacingOccurrences(of: #""declined":[]"#, with: #""declined":["pi04"]"#))
            default: extra.append(l.replacingOccurrences(of: #""participant":"P0"#, with: #""participant":"R0"#)
                                   .replacingOccurrences(of: #""wave":"w2""#, with: #""wave":"w1""#))
            }
        }
        XCTAssertGreaterThan(extra.count, 40)
        let text = (lines + extra).joined(separator: "\n") + "\n" + String(lines[3].prefix(120))
        try Data(text.utf8).write(to: store)
        try compare()
    }
}
