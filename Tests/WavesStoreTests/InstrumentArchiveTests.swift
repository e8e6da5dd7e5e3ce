import XCTest
@testable import WavesCore
@testable import WavesStore

/// `data/instruments/<sha256>.yaml`: kept on first use, 0600, never changed; kept files that
/// were altered or are not instruments are reported, never a crash.
final class InstrumentArchiveTests: XCTestCase {
    var dir: URL!
    var store: ResponseStore!
    var archive: InstrumentArchive!
    let text = "format: waves.instrument/1\nid: mini\nversion: 1.0.0\ntitle: Mini\nitems:\n  - {id: q1, type: number, text: Q}\n"

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("waves-archive-\(UUID().uuidString)")
        store = ResponseStore(url: dir.appendingPathComponent("data/responses.jsonl"))
        archive = InstrumentArchive(store: store)
    }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    func instrument(_ t: String? = nil) throws -> Instrument { try InstrumentLoader.load(data: Data((t ?? text).utf8), displayPath: "mini.yaml") }

    func record(_ inst: Instrument) -> ResponseRecord {
        ResponseRecord(study: "s", participant: "P1", role: "r", wave: "w1", instrument: InstrumentRef(id: inst.id, version: inst.version, sha256: inst.sha256),
                       startedAt: nil, submittedAt: "2026-03-01T10:00:00Z", mode: "import", answers: [("q1", .number(1))])
    }

    func testAppendKeepsTheVersionOnceWithMode0600() throws {
        let inst = try instrument()
        try store.append([record(inst)], instruments: [inst])
        let path = archive.url.appendingPathComponent(inst.sha256 + ".yaml").path
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), Data(text.utf8))
        XCTAssertEqual((try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue, 0o600)
        XCTAssertEqual((try FileManager.default.attributesOfItem(atPath: archive.url.path)[.posixPermissions] as? NSNumber)?.intValue, 0o700)
        guard case .success(let back) = try archive.load(inst.sha256) else { return XCTFail("kept version loads") }
        XCTAssertEqual(back.items.map(\.id), ["q1"])
        // Never changed afterwards: a second append leaves the file as it is (even if someone edited it).
        try Data("edited".utf8).write(to: URL(fileURLWithPath: path))
        try store.append([record(inst)], instruments: [inst])
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), Data("edited".utf8))
        XCTAssertEqual(try archive.load(inst.sha256).failureValue, .altered)
    }

    func testUnusedOrCodeBuiltInstrumentsAreNotKept() throws {
        let inst = try instrument(), other = try instrument(text.replacingOccurrences(of: "Mini", with: "Other"))
        var codeBuilt = other; codeBuilt.source = Data()
        try store.append([record(inst)], instruments: [other, codeBuilt])
        XCTAssertEqual(try archive.load(inst.sha256).failureValue, .missing)
        XCTAssertEqual(try archive.load(other.sha256).failureValue, .missing)
    }

    func testBytesThatDoNotMatchTheHashAreRefusedAndNothingIsRecorded() throws {
        var inst = try instrument()
        inst.source = Data((text + "# changed on disk\n").utf8)
        XCTAssertThrowsError(try store.append([record(inst)], instruments: [inst]))
        XCTAssertFalse(FileManager.default.fileExists(atPath: store.url.path))
    }

    func testALinkAtTheArchiveIsRefused() throws {
        let inst = try instrument()
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("data"), withIntermediateDirectories: true)
        let elsewhere = dir.appendingPathComponent("elsewhere")
        try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: archive.url, withDestinationURL: elsewhere)
        XCTAssertThrowsError(try store.append([record(inst)], instruments: [inst]))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: elsewhere.path), [])
    }

    /// Random bytes under a version's name, and names that are not hashes: reported, never a crash.
    func testFuzzedKeptFilesNeverCrash() throws {
        try FileManager.default.createDirectory(at: archive.url, withIntermediateDirectories: true)
        var rng = SystemRandomNumberGenerator()
        let base = Array(text.utf8)
        for i in 0..<200 {
            var bytes = i % 2 == 0 ? base : (0..<Int.random(in: 0..<300, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            if i % 2 == 0 { for _ in 0..<3 { bytes[Int.random(in: 0..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng) } }
            let sha = ContentHash.sha256Hex(bytes)
            try Data(bytes).write(to: archive.url.appendingPathComponent(sha + ".yaml"))
            switch try archive.load(sha) {
            case .success(let inst): XCTAssertEqual(inst.sha256, sha)
            case .failure(let p): XCTAssertNotEqual(p, .missing); XCTAssertNotEqual(p, .altered)
            }
        }
        for name in ["", "../x", "ABC", String(repeating: "g", count: 64), String(repeating: "a", count: 65)] {
            XCTAssertEqual(try archive.load(name).failureValue, .missing, name)
        }
    }
}

extension Result {
    var failureValue: Failure? { if case .failure(let f) = self { return f } else { return nil } }
}
