import Foundation
import XCTest
@testable import WavesStore
import WavesCore

/// `LatestCells` (the submissions that count, streamed) and `InstrumentVersions.Tally` remember
/// the last line's wave, instrument and instrument file to skip their lookups; a remembered
/// value may only ever be taken for an equal String. Held here to the whole-store rule
/// (`StoreContents.latestStored`) and to a plain grouping, on random records whose waves,
/// instruments, versions and hashes change from line to line in every way (same lengths,
/// prefixes, one field changing while the others stay).
final class LatestCellsTests: XCTestCase {

    static func records(seed: UInt64, count: Int, participants few: Int? = nil) -> [StoredRecord] {
        var g = SplitMix64(seed: seed)
        let participants = Array(((0..<25).map { "P\($0)" } + ["P1 ", "p1", "Ünï", "P\u{1}"]).prefix(few ?? 29))
        let waves = ["w1", "w2", "w3", "w10", "w1 ", "W1", ""]
        let instruments = ["a", "b", "ab", "ba"]
        let versions = ["1.0", "1.1", "1.0 ", "2"]
        let hashes = [String(repeating: "a", count: 64), String(repeating: "a", count: 63) + "b", "b" + String(repeating: "a", count: 63), "x"]
        let stamps = ["2026-01-01T10:00:00Z", "2026-01-01T10:00:01Z", "2026-01-01T10:00:00Z ", "2025-12-31T23:59:59Z", "2026-01-01T10:00:0"]
        var out: [StoredRecord] = []
        var line = 0
        var wave = waves[0], inst = instruments[0], version = versions[0], hash = hashes[0]
        for _ in 0..<count {
            line += Int.random(in: 1...3, using: &g)
            // Fields mostly stay as on the line before; sometimes one changes.
            if Int.random(in: 0..<4, using: &g) == 0 { wave = waves.randomElement(using: &g)! }
            if Int.random(in: 0..<6, using: &g) == 0 { inst = instruments.randomElement(using: &g)! }
            if Int.random(in: 0..<5, using: &g) == 0 { version = versions.randomElement(using: &g)! }
            if Int.random(in: 0..<5, using: &g) == 0 { hash = hashes.randomElement(using: &g)! }
            let r = ResponseRecord(id: "r\(line)", study: "s", participant: participants.randomElement(using: &g)!, role: nil, wave: wave,
                                   instrument: InstrumentRef(id: inst, version: version, sha256: hash), startedAt: nil,
                                   submittedAt: stamps.randomElement(using: &g)!, mode: "plain", answers: [])
            out.append(StoredRecord(record: r, line: line))
        }
        return out
    }

    func testLatestCellsAgreeWithTheWholeStoreRule() {
        // Seeds 40 on: three participants, so that each has more cells (up to 28) than
        // `LatestCells` links (16) and the rest are looked up by hash.
        for seed in 0..<60 as Range<UInt64> {
            let records = Self.records(seed: seed, count: 600, participants: seed < 40 ? nil : 3)
            var cells = LatestCells()
            if seed % 2 == 0 { cells.reserve(lines: 100) }
            var counted: [Int: Int] = [:]   // cell -> line of its latest
            for s in records {
                let (cell, latest) = cells.add(s.record, line: s.line)
                if latest { counted[cell] = s.line }
            }
            let (chosen, duplicates) = StoreContents(records: records, problems: []).latestStored()
            XCTAssertEqual(cells.count, chosen.count, "seed \(seed)")
            XCTAssertEqual(cells.records, records.count)
            XCTAssertEqual(cells.duplicates, duplicates, "seed \(seed)")
            XCTAssertEqual(cells.duplicateCount, duplicates.count)
            for (k, s) in chosen.enumerated() {
                XCTAssertEqual(cells.line(of: k), s.line, "seed \(seed) cell \(k)")
                XCTAssertEqual(counted[k], s.line)
                let c = cells.cell(k)
                XCTAssertEqual([c.participant, c.wave, c.instrument], [s.record.participant, s.record.wave, s.record.instrument.id])
            }
            // The counted submissions' tally by groups is the tally of `latestUses` one by one.
            var fromUses = InstrumentVersions.Tally()
            for u in cells.latestUses { fromUses.add(u) }
            Self.assertSame(cells.latestTally, fromUses, instruments: Set(records.map(\.record.instrument.id)), "seed \(seed)")
            let uses = Array(cells.latestUses)
            XCTAssertEqual(uses.count, chosen.count)
            for (u, s) in zip(uses, chosen) {
                XCTAssertEqual([u.instrument, u.version, u.sha256, u.wave, u.submittedAt],
                               [s.record.instrument.id, s.record.instrument.version, s.record.instrument.sha256, s.record.wave, s.record.submittedAt],
                               "seed \(seed) line \(s.line)")
            }
        }
    }

    func testTallyAgreesWithAPlainGrouping() {
        for seed in 100..<140 as Range<UInt64> {
            let records = Self.records(seed: seed, count: 600).map(\.record)
            var tally = InstrumentVersions.Tally()
            for r in records { tally.add(InstrumentVersions.Use(r)) }
            for inst in Set(records.map(\.instrument.id)) {
                // Per file hash, in order of first use: the first record's version, waves in order
                // of first use, records, the earliest submission.
                var order: [String] = []
                var groups: [String: (version: String, waves: [String], records: Int, first: String)] = [:]
                for r in records where r.instrument.id == inst {
                    let h = r.instrument.sha256
                    if var g = groups[h] {
                        g.records += 1
                        if !g.waves.contains(r.wave) { g.waves.append(r.wave) }
                        if r.submittedAt < g.first { g.first = r.submittedAt }
                        groups[h] = g
                    } else {
                        order.append(h)
                        groups[h] = (r.instrument.version, [r.wave], 1, r.submittedAt)
                    }
                }
                let got = tally.gathered(for: inst)
                XCTAssertEqual(got.map(\.sha256), order, "seed \(seed) \(inst)")
                for (h, s) in got {
                    let g = groups[h]!
                    XCTAssertEqual(s.version, g.version, "seed \(seed) \(inst) \(h)")
                    XCTAssertEqual(s.waves, g.waves, "seed \(seed) \(inst) \(h)")
                    XCTAssertEqual(s.records, g.records)
                    XCTAssertEqual(s.firstUsed, g.first)
                }
            }
        }
    }

    /// `waves validate`'s tally by groups (`UseGroups`: records alike in instrument, file and
    /// wave counted together by `LatestCells`' numbers, added at the end) is the tally of every record.
    func testTallyByGroupsIsTheTallyOfEveryRecord() {
        for seed in 200..<240 as Range<UInt64> {
            let records = Self.records(seed: seed, count: 600, participants: 5).map(\.record)
            var tally = InstrumentVersions.Tally()
            for r in records { tally.add(InstrumentVersions.Use(r)) }
            var cells = LatestCells(), groups = UseGroups()
            for (k, r) in records.enumerated() {
                let w = cells.number(wave: r.wave), i = cells.number(instrument: r.instrument.id)
                let file = cells.number(version: r.instrument.version, sha256: r.instrument.sha256)
                groups.add(instrument: i, file: file, wave: w, submittedAt: r.submittedAt) { (r.wave, r.instrument) }
                _ = cells.add(participant: r.participant, wave: w, instrument: i, submittedAt: r.submittedAt, file: file, line: k + 1)
            }
            Self.assertSame(groups.tally, tally, instruments: Set(records.map(\.instrument.id)), "seed \(seed)")
        }
    }

    static func assertSame(_ a: InstrumentVersions.Tally, _ b: InstrumentVersions.Tally, instruments: Set<String>, _ message: String,
                           file: StaticString = #filePath, line: UInt = #line) {
        for inst in instruments {
            let x = a.gathered(for: inst), y = b.gathered(for: inst)
            XCTAssertEqual(x.map(\.sha256), y.map(\.sha256), "\(message) \(inst)", file: file, line: line)
            for (p, q) in zip(x, y) {
                XCTAssertEqual([p.seen.version] + p.seen.waves + [p.seen.firstUsed], [q.seen.version] + q.seen.waves + [q.seen.firstUsed],
                               "\(message) \(inst)", file: file, line: line)
                XCTAssertEqual(p.seen.records, q.seen.records, "\(message) \(inst)", file: file, line: line)
            }
        }
    }
}
