import XCTest
@testable import WavesAnalysis
import WavesCore

/// The streaming columnar loader agrees with record-by-record scoring.
final class InstrumentDataTests: XCTestCase {
    static let demo = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../datasets/pmi-demo").standardizedFileURL

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

    func testLatestSubmissionWins() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("waves-idata-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: Self.demo, to: dir)
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
}

import WavesStore
enum WavesStoreAppend {
    static func append(_ r: ResponseRecord, to url: URL) throws { try ResponseStore(url: url).append(r) }
}
