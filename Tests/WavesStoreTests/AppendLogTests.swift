import XCTest
@testable import WavesCore
@testable import WavesStore

/// Appends under data/: no link followed, private modes, torn lines, the last line for a hash chain.
final class AppendLogTests: XCTestCase {
    var dir: URL!
    let fm = FileManager.default

    override func setUp() {
        dir = fm.temporaryDirectory.appendingPathComponent("waves-log-\(UUID().uuidString.prefix(8))")
        try? fm.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDown() { try? fm.removeItem(at: dir) }

    var storeURL: URL { dir.appendingPathComponent("data/responses.jsonl") }

    func mode(_ url: URL) -> Int? { (try? fm.attributesOfItem(atPath: url.path))?[.posixPermissions] as? Int }

    func testCreatesPrivateFolderAndFile() throws {
        try AppendLog(url: storeURL).append(Array("{}\n".utf8))
        XCTAssertEqual(mode(storeURL), 0o600)
        XCTAssertEqual(mode(storeURL.deletingLastPathComponent()), 0o700)
    }

    func testASymlinkedStoreIsRefusedAndItsTargetUntouched() throws {
        try fm.createDirectory(at: storeURL.deletingLastPathComponent(), withIntermediateDirectories: true)
        let victim = dir.appendingPathComponent("victim.txt")
        try Data("mine\n".utf8).write(to: victim)
        try fm.createSymbolicLink(atPath: storeURL.path, withDestinationPath: victim.path)
        let store = ResponseStore(url: storeURL)
        for attempt in [{ try store.append(ResponseStoreTests.record("P1")) }, { _ = try store.read() }, { try store.checkUsable() }] {
            XCTAssertThrowsError(try attempt()) {
                guard case .file(let e)? = $0 as? StoreError else { return XCTFail("\($0)") }
                XCTAssertEqual(e.kind, .symbolicLink)
                XCTAssertTrue($0.localizedDescription.contains("is a symbolic link") || $0.localizedDescription.contains("it is a symbolic link"),
                              $0.localizedDescription)
            }
        }
        XCTAssertEqual(try String(contentsOf: victim, encoding: .utf8), "mine\n")
    }

    func testASymlinkedDataFolderIsRefused() throws {
        let elsewhere = dir.appendingPathComponent("elsewhere")
        try fm.createDirectory(at: elsewhere, withIntermediateDirectories: true)
        try fm.createSymbolicLink(atPath: dir.appendingPathComponent("data").path, withDestinationPath: elsewhere.path)
        XCTAssertThrowsError(try ResponseStore(url: storeURL).append(ResponseStoreTests.record("P1"))) {
            XCTAssertTrue($0.localizedDescription.contains("symbolic link"), $0.localizedDescription)
        }
        XCTAssertEqual(try fm.contentsOfDirectory(atPath: elsewhere.path), [])
    }

    func testAStoreThatIsAFolderIsNotUsable() throws {
        try fm.createDirectory(at: storeURL, withIntermediateDirectories: true)
        XCTAssertThrowsError(try ResponseStore(url: storeURL).checkUsable()) {
            XCTAssertTrue($0.localizedDescription.contains("not a regular file"), $0.localizedDescription)
        }
        XCTAssertThrowsError(try ResponseStore(url: storeURL).read())
    }

    func testCheckUsableAcceptsAMissingOrARegularStore() throws {
        XCTAssertNoThrow(try ResponseStore(url: storeURL).checkUsable())
        XCTAssertFalse(fm.fileExists(atPath: storeURL.path), "the check changes nothing")
        try ResponseStore(url: storeURL).append(ResponseStoreTests.record("P1"))
        XCTAssertNoThrow(try ResponseStore(url: storeURL).checkUsable())
    }

    func testExposedPermissions() throws {
        let store = ResponseStore(url: storeURL)
        XCTAssertNil(store.exposedPermissions)
        try store.append(ResponseStoreTests.record("P1"))
        XCTAssertNil(store.exposedPermissions)
        try fm.setAttributes([.posixPermissions: 0o644], ofItemAtPath: storeURL.path)
        XCTAssertEqual(store.exposedPermissions, 0o644)
        try fm.setAttributes([.posixPermissions: 0o640], ofItemAtPath: storeURL.path)
        XCTAssertEqual(store.exposedPermissions, 0o640)
    }

    func testLastLineSkipsATornTailAndSpansChunks() throws {
        let log = AppendLog(url: storeURL)
        XCTAssertNil(try log.withLockedFile { try $0.lastLine() })
        let long = String(repeating: "z", count: 200_000)
        try log.append(Array("first\n\(long)\n".utf8))
        XCTAssertEqual(try log.withLockedFile { try $0.lastLine() }.map { String(decoding: $0, as: UTF8.self) }, long)
        // A torn fragment (no line end) is not a line.
        let h = try FileHandle(forWritingTo: storeURL)
        h.seekToEndOfFile(); h.write(Data("torn".utf8)); try h.close()
        XCTAssertEqual(try log.withLockedFile { try $0.lastLine() }?.count, long.utf8.count)
        // The next append starts on a fresh line; the torn fragment stays for readers to report.
        try log.append(Array("next\n".utf8))
        XCTAssertEqual(try String(contentsOf: storeURL, encoding: .utf8), "first\n\(long)\ntorn\nnext\n")
        XCTAssertEqual(try log.withLockedFile { try $0.lastLine() }, Array("next".utf8))
        try Data("only\n".utf8).write(to: storeURL)
        XCTAssertEqual(try log.withLockedFile { try $0.lastLine() }, Array("only".utf8))
    }
}
