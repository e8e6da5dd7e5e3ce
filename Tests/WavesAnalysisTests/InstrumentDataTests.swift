import XCTest
@testable import WavesAnalysis
import WavesCore

/// The streaming columnar loader agrees with record-by-record scoring.
final class InstrumentDataTests: XCTestCase {
    static let demo = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../datasets/pmi-demo").standardizedFileURL

    /// A copy of the demo study in a fresh temporary folder; the caller removes it.
    static func copyDemo(_ tag: String) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("waves-\(tag)-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: demo, to: dir)
        return dir
    }

    func testColumnarScoresEqualRecordScores() throws {
        let data = try StudyData.load(directory: Self.demo)
        for inst in data.bundle.instruments {
            let cols = try InstrumentData.load(data.bundle, instrument: inst)
            for scale in inst.scales {
                let table = data.scoreTable(instrument: inst, scale: scale)
                let m = cols.scores(scale: scale)
                var compared = 0
                for (p, pid) in cols.participants.enumerated() {
                    for (w, wave) in cols.waves.enumerated() {
                        let expected = table[pid]?[wave.id]
                        let got = m[p, w]
                        if let e = expected { XCTAssertEqual(got, e, accuracy: 1e-12, "\(inst.id).\(scale.id) \(pid) \(wave.id)"); compared += 1 }
                        else { XCTAssertTrue(got.isNaN, "\(inst.id).\(scale.id) \(pid) \(wave.id)") }
                    }
                }
                if inst.id == "identity" && scale.id == "identity" { XCTAssertGreaterThan(compared, 80) }
            }
        }
    }

    /// A scale that is not one of the instrument's is scored by the same rule (here: a sum of
    /// three items, half of them needed), and a scale defined as one of the instrument's under
    /// another name is given that scale's scores.
    func testAScaleOfItsOwnIsScoredByTheSameRule() throws {
        let bundle = try StudyLoader.load(directory: Self.demo)
        for inst in bundle.instruments where !inst.scales.isEmpty {
            let cols = try InstrumentData.load(bundle, instrument: inst)
            let first = inst.scales[0]
            let own = Scale(id: "own", label: "own", items: Array(first.items.prefix(3)), score: .sum, minAnswered: 0.5)
            let same = Scale(id: "renamed", label: "renamed", items: first.items, score: first.score, minAnswered: first.minAnswered)
            let m = cols.scores(scale: own)
            let columns = own.items.map { id in cols.items.firstIndex { $0.id == id }! }
            let W = cols.waves.count, K = cols.items.count
            var scored = 0
            for p in 0..<cols.participants.count {
                for w in 0..<W {
                    let xs = columns.map { cols.values[(p * W + w) * K + $0] }.filter { !$0.isNaN }
                    let expected: Double? = cols.present[p * W + w] && xs.count * 2 >= columns.count && !xs.isEmpty
                        ? xs.reduce(0, +) / Double(xs.count) * Double(columns.count) : nil
                    if let e = expected { XCTAssertEqual(m[p, w], e, accuracy: 1e-12, "\(inst.id) \(p) \(w)"); scored += 1 }
                    else { XCTAssertTrue(m[p, w].isNaN, "\(inst.id) \(p) \(w)") }
                }
            }
            XCTAssertGreaterThan(scored, 0)
            XCTAssertEqual(cols.scores(scale: same).values.map(\.bitPattern), cols.scores(scale: first).values.map(\.bitPattern))
            XCTAssertEqual(cols.scores(scale: own).values.map(\.bitPattern), m.values.map(\.bitPattern), "kept, not computed again differently")
        }
    }

    func testLatestSubmissionWins() throws {
        let dir = try Self.copyDemo("idata")
        defer { try? FileManager.default.removeItem(at: dir) }
        var data = try StudyData.load(directory: dir)
        let inst = data.bundle.instrument("identity")!
        var r = data.records(of: inst).first { $0.participant == "P001" && $0.wave == "w1" }!
        r.id = "later"
        r.submittedAt = "2027-01-01T00:00:00Z"
        r.answers = r.answers.map { ($0.id, $0.id == "pi01" ? Answer.number(1) : $0.value) }
        try WavesStoreAppend.append(r, to: data.study.storeURL)
        data = try StudyData.load(directory: dir)
        XCTAssertEqual(data.duplicates.count, 1)
        let cols = try InstrumentData.load(data.bundle, instrument: inst)
        XCTAssertEqual(cols.duplicateCount, 1)
        let p = cols.participants.firstIndex(of: "P001")!
        XCTAssertEqual(cols.values[(p * cols.waves.count + 0) * cols.items.count + 0], 1)
    }

    /// Inside `sharingLoads` an instrument loaded twice in a row is read once (a line appended
    /// between the two loads is not seen); another instrument in between, or a load after the
    /// block, reads the store again.
    func testSharingLoadsReadsAnInstrumentOnceInARowAndNothingAfter() throws {
        let dir = try Self.copyDemo("idata-share")
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = try StudyData.load(directory: dir)
        let inst = data.bundle.instrument("identity")!
        let other = data.bundle.instruments.first { $0.id != inst.id && !$0.scales.isEmpty }!
        var later = data.records(of: inst).first { $0.participant == "P001" && $0.wave == "w1" }!
        later.submittedAt = "2027-01-01T00:00:00Z"
        later.answers = later.answers.map { ($0.id, $0.id == "pi01" ? Answer.number(1) : $0.value) }
        func pi01(_ d: InstrumentData) -> Double {
            d.values[(d.participants.firstIndex(of: "P001")! * d.waves.count + 0) * d.items.count + d.items.firstIndex { $0.id == "pi01" }!]
        }
        let before = pi01(try InstrumentData.load(data.bundle, instrument: inst))
        XCTAssertNotEqual(before, 1, "the demo's answer must differ from the later one")
        try InstrumentData.sharingLoads {
            let first = try InstrumentData.load(data.bundle, instrument: inst)
            later.id = "later-1"
            try WavesStoreAppend.append(later, to: data.study.storeURL)
            XCTAssertEqual(pi01(try InstrumentData.load(data.bundle, instrument: inst)), before, "shared: the second load is the first")
            XCTAssertEqual(pi01(first), before)
            _ = try InstrumentData.load(data.bundle, instrument: other)
            XCTAssertEqual(pi01(try InstrumentData.load(data.bundle, instrument: inst)), 1, "another instrument in between: read again")
        }
        later.id = "later-2"
        later.answers = later.answers.map { ($0.id, $0.id == "pi01" ? Answer.number(2) : $0.value) }
        later.submittedAt = "2027-01-02T00:00:00Z"
        try InstrumentData.sharingLoads {
            try WavesStoreAppend.append(later, to: data.study.storeURL)
            XCTAssertEqual(pi01(try InstrumentData.load(data.bundle, instrument: inst)), 2, "nothing held from the last block")
        }
        later.id = "later-3"
        later.answers = later.answers.map { ($0.id, $0.id == "pi01" ? Answer.number(3) : $0.value) }
        later.submittedAt = "2027-01-03T00:00:00Z"
        try WavesStoreAppend.append(later, to: data.study.storeURL)
        XCTAssertEqual(pi01(try InstrumentData.load(data.bundle, instrument: inst)), 3, "outside the block every load reads")
    }
}

import WavesStore
enum WavesStoreAppend {
    static func append(_ r: ResponseRecord, to url: URL) throws { try ResponseStore(url: url).append(r) }
}

/// Stored answers that their item's rules reject are set aside as missing, counted with their place (issue 12 item 6).
final class SetAsideTests: XCTestCase {
    /// Replaces pi01's value on store line `line` by `value` (the review's `sed` edit).
    func edit(_ dir: URL, line: Int, value: String) throws {
        let url = dir.appendingPathComponent("data/responses.jsonl")
        var lines = try String(contentsOf: url, encoding: .utf8).components(separatedBy: "\n")
        let r = lines[line - 1].range(of: #""pi01":[0-9]"#, options: .regularExpression)!
        lines[line - 1].replaceSubrange(r, with: "\"pi01\":\(value)")
        try lines.joined(separator: "\n").write(to: url, atomically: true, encoding: .utf8)
    }

    func firstIdentityLine(_ dir: URL) throws -> Int {
        let text = try String(contentsOf: dir.appendingPathComponent("data/responses.jsonl"), encoding: .utf8)
        return text.components(separatedBy: "\n").firstIndex { $0.contains("\"id\":\"identity\"") && $0.contains("\"wave\":\"w1\"") && $0.contains("\"pi01\":") }! + 1
    }

    func testOutOfRangeAnswersAreMissingAndCounted() throws {
        let dir = try InstrumentDataTests.copyDemo("setaside")
        defer { try? FileManager.default.removeItem(at: dir) }
        var bundle = try StudyLoader.load(directory: dir)
        let inst = bundle.instrument("identity")!
        let scale = inst.scale("identity")!
        let before = try PsychometricsAnalysis.reliability(data: try InstrumentData.load(bundle, instrument: inst), scale: scale, wave: bundle.study.waves[0])
        let line = try firstIdentityLine(dir)
        try edit(dir, line: line, value: "99")
        bundle = try StudyLoader.load(directory: dir)
        let data = try InstrumentData.load(bundle, instrument: inst)
        XCTAssertEqual(data.setAside.count, 1)
        let a = data.setAside[0]
        XCTAssertEqual([a.line, Int(a.value)], [line, 99])
        XCTAssertEqual(a.item, "pi01")
        XCTAssertEqual(a.wave, "w1")
        XCTAssertEqual(data.setAside(scale: scale, waves: ["w2"]).count, 0)
        let after = try PsychometricsAnalysis.reliability(data: data, scale: scale, wave: bundle.study.waves[0])
        XCTAssertEqual(after.setAside.count, 1)
        XCTAssertEqual(after.n, before.n - 1, "the participant with a set-aside item is incomplete, as if pi01 were missing")
        XCTAssertGreaterThan(after.alpha!, 0.85, "99 no longer drags alpha down")
        // The same through the record path (waves score).
        let sd = try StudyData.load(directory: dir)
        XCTAssertEqual(sd.setAside(instrument: inst), data.setAside)
        let p = data.participants.firstIndex(of: a.participant)!
        XCTAssertTrue(data.values[(p * data.waves.count) * data.items.count].isNaN)
    }

    func testASetAsideAnswerReplacedByALaterSubmissionIsNotCounted() throws {
        let dir = try InstrumentDataTests.copyDemo("setaside")
        defer { try? FileManager.default.removeItem(at: dir) }
        let line = try firstIdentityLine(dir)
        try edit(dir, line: line, value: "99")
        var bundle = try StudyLoader.load(directory: dir)
        let data0 = try StudyData.load(directory: dir)
        var r = data0.records.first { $0.instrument.id == "identity" && $0.participant == data0.setAside[0].participant && $0.wave == "w1" }!
        r.id = "later"
        r.submittedAt = "2027-01-01T00:00:00Z"
        r.answers = r.answers.map { ($0.id, $0.id == "pi01" ? Answer.number(2) : $0.value) }
        try WavesStoreAppend.append(r, to: bundle.study.storeURL)
        bundle = try StudyLoader.load(directory: dir)
        XCTAssertEqual(try InstrumentData.load(bundle, instrument: bundle.instrument("identity")!).setAside, [])
        XCTAssertEqual(try StudyData.load(directory: dir).setAside, [])
    }
}
