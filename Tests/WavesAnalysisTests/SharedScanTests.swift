import XCTest
@testable import WavesAnalysis
import WavesCore
import WavesStore

/// Issue 14, the report's peak at the end of its store scan: the index keeps each participant's
/// latest role by number (a dictionary only for participants it has not numbered yet), and the
/// instruments' loaders that share its scan take its word on which submission counts instead of
/// keeping time stamps of their own. Roles and columns must be what they were.
final class SharedScanTests: XCTestCase {
    /// A copy of the demo with resubmissions (a later one read first, and an earlier one as text)
    /// and participants outside the roster whose roles come from rows of a wave the study does
    /// not define, before and after they are numbered.
    static func study() throws -> (dir: URL, data: StudyData) {
        let dir = try InstrumentDataTests.copyDemo("shared-scan")
        var data = try StudyData.load(directory: dir)
        let inst = data.bundle.instrument("identity")!
        let original = data.records(of: inst).first { $0.participant == "P001" && $0.wave == "w1" }!
        let (early, late) = StudyIndexTests.resubmissions(of: original)
        func row(_ id: String, _ who: String, wave: String, role: String?, at stamp: String) -> ResponseRecord {
            var r = original
            r.id = id; r.participant = who; r.wave = wave; r.role = role; r.submittedAt = stamp
            return r
        }
        let extra = [
            // Z900: first a row at an unknown wave (the latest, naming peer-mentor), then known rows.
            row("z900-a", "Z900", wave: "w9", role: "peer-mentor", at: "2026-12-01T00:00:00Z"),
            row("z900-b", "Z900", wave: "w1", role: "mentee", at: "2026-01-01T00:00:00Z"),
            row("z900-c", "Z900", wave: "w2", role: nil, at: "2026-12-05T00:00:00Z"),
            // Z901: numbered first, then a later row at an unknown wave names another role.
            row("z901-a", "Z901", wave: "w1", role: "mentee", at: "2026-01-01T00:00:00Z"),
            row("z901-b", "Z901", wave: "w9", role: "peer-mentor", at: "2026-02-01T00:00:00Z"),
            // Z902: only rows at an unknown wave (not in the index; its role is nobody's).
            row("z902-a", "Z902", wave: "w9", role: "mentee", at: "2026-02-01T00:00:00Z"),
            // Z903: an older role read last.
            row("z903-a", "Z903", wave: "w1", role: "peer-mentor", at: "2026-03-01T00:00:00Z"),
            row("z903-b", "Z903", wave: "w2", role: "mentee", at: "2026-02-01T00:00:00Z"),
        ]
        try ResponseStore(url: data.study.storeURL).append([late, early] + extra)
        data = try StudyData.load(directory: dir)
        return (dir, data)
    }

    func testRolesFromRowsBeforeAndAfterNumbering() throws {
        let (dir, data) = try Self.study()
        defer { try? FileManager.default.removeItem(at: dir) }
        let index = try StudyIndex.load(data.bundle)
        for (k, who) in index.participants.enumerated() { XCTAssertEqual(index.roles[k], data.roles[who], who) }
        func role(_ who: String) -> String? { index.number(of: who).flatMap { index.roles[$0] } }
        XCTAssertEqual(role("Z900"), "peer-mentor")
        XCTAssertEqual(role("Z901"), "peer-mentor")
        XCTAssertEqual(role("Z903"), "peer-mentor")
        XCTAssertNil(index.number(of: "Z902"))
        XCTAssertTrue(index.latestRole.isEmpty, "the roles seen are let go once resolved")
    }

    /// The report's flow (the index given: who has a score marked by the index's numbers)
    /// equals `waves flow`'s (scores first, by name through `ScoredCells`), here and on the demo.
    func testFlowWithTheIndexEqualsTheFlowFromScoredCells() throws {
        let (dir, data) = try Self.study()
        defer { try? FileManager.default.removeItem(at: dir) }
        for bundle in [data.bundle, try StudyLoader.load(directory: InstrumentDataTests.demo)] {
            let index = try StudyIndex.load(bundle)
            var loaded: [String: InstrumentData] = [:]
            for inst in bundle.instruments where !inst.scales.isEmpty { loaded[inst.id] = try InstrumentData.load(bundle, instrument: inst) }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            let given = try encoder.encode(try FlowAnalysis.run(bundle: bundle, index: index, loaded: loaded))
            let scored = try encoder.encode(FlowAnalysis.run(bundle: bundle, index: index, scored: try FlowAnalysis.scoredCells(bundle: bundle, loaded: loaded)))
            XCTAssertEqual(String(decoding: given, as: UTF8.self), String(decoding: scored, as: UTF8.self))
            XCTAssertTrue(String(decoding: given, as: UTF8.self).contains("analysed"))
        }
    }

    /// The columns read in the index's scan (the report's first step, caches stale) equal the
    /// columns an instrument's own scan reads, keeping its own time stamps.
    func testSharedScanColumnsEqualTheInstrumentsOwnScan() throws {
        let (dir, data) = try Self.study()
        defer { try? FileManager.default.removeItem(at: dir) }
        let scaled = data.bundle.instruments.filter { !$0.scales.isEmpty }
        XCTAssertGreaterThan(scaled.count, 1)
        let (index, shared) = StudyIndex.load(data.bundle, collectText: false, instruments: scaled)
        XCTAssertEqual(try index.get().duplicateCount, 1)
        for (k, inst) in scaled.enumerated() {
            let a = try shared[k].get()
            for cache in try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("data").path) where cache.hasSuffix(".cache") {
                try FileManager.default.removeItem(at: dir.appendingPathComponent("data/\(cache)"))
            }
            let b = try InstrumentData.load(data.bundle, instrument: inst)
            XCTAssertEqual(a.participants, b.participants, inst.id)
            XCTAssertEqual(a.roles, b.roles, inst.id)
            XCTAssertEqual(a.present, b.present, inst.id)
            XCTAssertEqual(a.values.map(\.bitPattern), b.values.map(\.bitPattern), inst.id)
            XCTAssertEqual(a.duplicateCount, b.duplicateCount, inst.id)
            XCTAssertEqual(a.setAside, b.setAside, inst.id)
            for (p, who) in a.participants.enumerated() { XCTAssertEqual(a.roles[p], data.roles[who], "\(inst.id) \(who)") }
            if inst.id == "identity" {
                XCTAssertEqual(a.duplicateCount, 2, "the original and the earlier resubmission set aside")
                let p = a.participants.firstIndex(of: "P001")!
                XCTAssertEqual(a.values[(p * a.waves.count + 0) * a.items.count + 0], 1, "the latest submission counts")
            }
        }
    }
}
