import Foundation
import WavesAnalysis
import WavesCore
@testable import WavesExport
import WavesStore
import XCTest

/// The writers read cells through `ExportRowReader` (answers copied out of the table once per
/// row, time stamps as bytes) instead of `ExportPlan.cell`, the one definition of a cell: on a
/// generated store with every kind of cell (numbers in and out of range, fractions, numbers
/// that are no Float, text on a numeric item and numbers on a text item, skipped items,
/// "Prefer not to answer" and "Don't know" with and without a number, duplicates) and odd time
/// stamps (empty, fractional seconds, offsets, no `T`, non-ASCII, a combining mark after `T`,
/// commas, quotes, control characters, formula starts, very long), the two give the same
/// value for every variable of every row, in every layout and date policy, and the latest
/// time stamp is chosen as `String` comparison chooses it.
final class ExportRowReaderTests: XCTestCase {
    static let stamps = [
        "2026-01-01T10:00:00Z", "2026-01-01T10:00:00.25Z", "2026-01-01T10:00:00+02:00", "", "T", "2026-03-04", "2026-03-04 10:00",
        "2026-03-04T", "Tuesday", "2026-03-04é", "2026-03-04T\u{301}10:00", "é2026", "e\u{301}2026", "\u{E9}2026", "2026,03", "\"2026\"",
        " 2026-03-04T00:00:00Z ", "2026-03-04\u{1B}[2J", "2026-03-04\tT1", "-2026-03-04T00:00:00Z", "=2026", "+1", "@x",
        "2026-05-05T05:05:05Z", "2027-01-01T00:00:00Z", "1999-12-31T23:59:59Z", String(repeating: "9", count: 40_000),
    ]

    func makeStudy(seed: UInt64) throws -> URL { try Self.makeStudy(self, seed: seed) }

    /// The generated study of `seed`, in a folder of `test` (also `CSVPiecesTests`').
    static func makeStudy(_ test: XCTestCase, seed: UInt64) throws -> URL {
        let dir = try Support.tempDir(test, "reader-\(seed)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("instruments"), withIntermediateDirectories: true)
        try """
        format: waves.study/1
        id: gen
        title: Generated
        roles: [a, b]
        waves:
          - {id: w1, label: W1, time: 0}
          - {id: w2, label: W2, time: 1}
          - {id: w3, label: W3, time: 2}
        instruments:
          - path: instruments/one.yaml
          - path: instruments/two.yaml
            waves: [w1, w3]
        """.write(to: dir.appendingPathComponent("study.yaml"), atomically: true, encoding: .utf8)
        try """
        format: waves.instrument/1
        id: one
        version: 1.0.0
        title: One
        response_sets:
          a5:
            options: [{value: 1, label: A}, {value: 2, label: B}, {value: 3, label: C}, {value: 4, label: D}, {value: 5, label: E}]
            allow_decline: true
            allow_dont_know: true
        items:
          - {id: q1, text: Q1, response: a5}
          - {id: q2, text: Q2, response: a5}
          - {id: n1, text: N1, type: number, min: 1, max: 10}
          - {id: t1, text: T1, type: text}
        scales:
          - {id: s1, label: S1, items: [q1, q2]}
        """.write(to: dir.appendingPathComponent("instruments/one.yaml"), atomically: true, encoding: .utf8)
        try """
        format: waves.instrument/1
        id: two
        version: 1.0.0
        title: Two
        response_sets:
          a3:
            options: [{value: 0, label: No}, {value: 0.5, label: Half}, {value: 1, label: Yes}]
            allow_decline: true
        items:
          - {id: q1, text: Q1, response: a3}
          - {id: r2, text: R2, response: a3}
        """.write(to: dir.appendingPathComponent("instruments/two.yaml"), atomically: true, encoding: .utf8)
        let bundle = try StudyLoader.load(directory: dir)
        var rng = SplitMix(seed: seed)
        let numbers: [Double] = [1, 2, 3, 4, 5, 0, 0.5, -0.0, 7, -3, 2.5, 0.1, 23.7, 1e300, -1e-300, 16_777_217, 9_007_199_254_740_993]
        let texts = ["yes", "=1+2", "a,b", "say \"hi\"", " pad ", "line\nbreak", "é", "\u{1B}[31m", ""]
        var records: [ResponseRecord] = []
        for p in 0..<60 {
            for _ in 0..<(1 + rng.next(4)) {
                let inst = bundle.instruments[rng.next(2)]
                let waves = bundle.waves(of: inst)
                let wave = rng.next(10) == 0 ? "w9" : waves[rng.next(waves.count)].id
                var answers: [(id: String, value: Answer)] = []
                var declined: [String] = [], dontKnow: [String] = []
                for item in inst.items where rng.next(6) != 0 {
                    switch rng.next(8) {
                    case 0: answers.append((item.id, .text(texts[rng.next(texts.count)])))
                    case 1: answers.append((item.id, .missing))
                    case 2: declined.append(item.id)
                    case 3: dontKnow.append(item.id)
                    case 4:
                        answers.append((item.id, .number(numbers[rng.next(numbers.count)])))
                        if rng.next(2) == 0 { declined.append(item.id) } else { dontKnow.append(item.id) }
                    default: answers.append((item.id, .number(numbers[rng.next(numbers.count)])))
                    }
                }
                let role = [nil, "a", "b"][rng.next(3)]
                var r = ResponseRecord(study: "gen", participant: rng.next(15) == 0 ? "=P\(p)" : "P\(p)", role: role, wave: wave,
                                       instrument: InstrumentRef(id: inst.id, version: inst.version, sha256: inst.sha256),
                                       startedAt: nil, submittedAt: Self.stamps[rng.next(Self.stamps.count)], mode: "terminal",
                                       answers: answers, declined: declined)
                r.dontKnow = dontKnow
                records.append(r)
            }
        }
        try ResponseStore(url: bundle.study.storeURL).append(records, instruments: bundle.instruments)
        return dir
    }

    struct SplitMix {
        var state: UInt64
        init(seed: UInt64) { state = seed }
        mutating func next(_ n: Int) -> Int {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Int((z ^ (z >> 31)) % UInt64(n))
        }
    }

    func testTheReaderGivesThePlanCellsAndStampBytes() throws {
        let key = try Deidentification(keyFile: Support.testKey, keepText: true)
        var byBytes = 0, byString = 0, compared = 0
        for seed: UInt64 in [1, 2, 3] {
            let dir = try makeStudy(seed: seed)
            for layout in [ExportLayout.long, .wide] {
                for dates in [DatePolicy.keep, .date, .drop] {
                    for options in [ExportOptions(), ExportOptions(waves: ["w3", "w1"]), ExportOptions(instrument: "two"), ExportOptions(deidentification: key)] {
                        let data = try ExportData.load(directory: dir, options: options)
                        let plan = try ExportPlan.build(data, options: options, layout: layout, scores: true, dates: dates)
                        XCTAssertFalse(plan.rows.isEmpty)
                        var reader = ExportRowReader(plan)
                        for row in plan.rows {
                            reader.load(row)
                            for i in plan.variables.indices {
                                let cell = plan.cell(i, row)
                                XCTAssertEqual(reader.cell(i), cell, "\(layout) \(dates) \(plan.variables[i].name)")
                                compared += 1
                                guard case .submitted(let slot) = plan.cellSources[i], let k = reader.submission(slot) else { continue }
                                if let text = plan.withShownStamp(k, { String(decoding: $0, as: UTF8.self) }) {
                                    XCTAssertEqual(.text(text), cell, "\(dates) \(plan.table.stamp(k))")
                                    byBytes += 1
                                } else {
                                    byString += 1
                                }
                            }
                        }
                    }
                }
            }
        }
        XCTAssertGreaterThan(compared, 10_000)
        XCTAssertGreaterThan(byBytes, 100)
        XCTAssertGreaterThan(byString, 10, "non-ASCII stamps under --dates date take the String path")
    }

    func testTheLatestStampIsTheOneStringComparisonGives() throws {
        let data = try ExportData.load(directory: try makeStudy(seed: 7))
        let table = data.table
        var keys: [Int] = []
        table.forEachTableSubmission { k, _, _ in keys.append(k) }
        XCTAssertGreaterThan(keys.count, 50)
        for a in keys {
            for b in keys { XCTAssertEqual(table.stamp(a, isAfter: b), table.stamp(a) > table.stamp(b), "\(table.stamp(a)) \(table.stamp(b))") }
        }
    }
}
