import XCTest
@testable import WavesCore

/// Every path a study names stays inside the study (or the shared instruments folder).
final class StudyPathTests: XCTestCase {
    var root: URL!
    var study: URL { root.appendingPathComponent("study") }
    var shared: URL { root.appendingPathComponent("shared") }
    var folders: StudyFolders { StudyFolders(study: study, sharedInstruments: shared) }
    let fm = FileManager.default

    override func setUpWithError() throws {
        root = fm.temporaryDirectory.appendingPathComponent("waves-paths-\(UUID().uuidString)")
        try fm.createDirectory(at: study.appendingPathComponent("instruments/sub"), withIntermediateDirectories: true)
        try fm.createDirectory(at: shared, withIntermediateDirectories: true)
        try "x".write(to: study.appendingPathComponent("instruments/a.yaml"), atomically: true, encoding: .utf8)
        try "x".write(to: shared.appendingPathComponent("s.yaml"), atomically: true, encoding: .utf8)
        try "secret".write(to: root.appendingPathComponent("outside.txt"), atomically: true, encoding: .utf8)
    }

    override func tearDownWithError() throws { try? fm.removeItem(at: root) }

    func reason(_ path: String, _ kind: StudyFileKind = .instrument, in f: StudyFolders? = nil) -> StudyPathError.Reason? {
        do { _ = try StudyPath.resolve(path, kind: kind, in: f ?? folders); return nil } catch { return error.reason }
    }

    func message(_ path: String, _ kind: StudyFileKind = .instrument) -> String {
        do { _ = try StudyPath.resolve(path, kind: kind, in: folders); return "" } catch { return error.description }
    }

    func testInsidePathsResolve() throws {
        XCTAssertEqual(try StudyPath.resolve("instruments/a.yaml", kind: .instrument, in: folders).path,
                       study.appendingPathComponent("instruments/a.yaml").path)
        XCTAssertNil(reason("./instruments//a.yaml"))
        XCTAssertNil(reason("instruments/sub/../a.yaml"), "a .. that stays inside is fine")
        XCTAssertEqual(String(decoding: try StudyPath.read("instruments/a.yaml", kind: .instrument, in: folders), as: UTF8.self), "x")
    }

    func testPathsThatLeaveAreRefusedForWhatTheyAre() {
        XCTAssertEqual(reason("../outside.txt"), .leavesFolder)
        XCTAssertEqual(reason("instruments/../../outside.txt"), .leavesFolder)
        XCTAssertEqual(reason("../../../../../etc/shadow"), .leavesFolder)
        XCTAssertEqual(reason("/etc/passwd"), .absolute)
        XCTAssertEqual(message("/etc/passwd"), "absolute paths are not allowed: /etc/passwd (name the instrument file relative to the study folder)")
        XCTAssertEqual(reason(""), .empty)
        XCTAssertEqual(message(""), "the instrument file path is empty; name a file inside the study folder")
        XCTAssertEqual(reason("instruments/a\u{0}.yaml"), .nul)
        XCTAssertEqual(reason("instruments"), .directory)
        XCTAssertEqual(message("instruments"), "'instruments' is a folder, not an instrument file")
        XCTAssertEqual(reason("."), .directory)
        XCTAssertEqual(reason("instruments/none.yaml"), .missing)
        XCTAssertEqual(message("instruments/none.yaml"), "instrument file 'instruments/none.yaml' does not exist")
        XCTAssertEqual(reason("instruments/a.yaml/x"), .notAFolder("instruments/a.yaml"))
    }

    func testSymbolicLinksAreRefusedInAnyComponent() throws {
        try fm.createSymbolicLink(atPath: study.appendingPathComponent("instruments/link.yaml").path, withDestinationPath: "/etc/passwd")
        try fm.createSymbolicLink(atPath: study.appendingPathComponent("instruments/inner.yaml").path, withDestinationPath: "a.yaml")
        try fm.createSymbolicLink(atPath: study.appendingPathComponent("linked").path, withDestinationPath: root.path)
        XCTAssertEqual(reason("instruments/link.yaml"), .symbolicLink("instruments/link.yaml"))
        XCTAssertEqual(reason("instruments/inner.yaml"), .symbolicLink("instruments/inner.yaml"), "even a link that stays inside")
        XCTAssertEqual(reason("linked/outside.txt"), .symbolicLink("linked"))
        XCTAssertTrue(message("linked/outside.txt").contains("is a symbolic link; Waves does not follow links"))
        // The study folder itself may be reached through a link.
        try fm.createSymbolicLink(atPath: root.appendingPathComponent("alias").path, withDestinationPath: study.path)
        XCTAssertNil(reason("instruments/a.yaml", in: StudyFolders(study: root.appendingPathComponent("alias"))))
    }

    func testDevicesAndPipesAreNotPlainFiles() throws {
        let fifo = study.appendingPathComponent("instruments/pipe.yaml").path
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        XCTAssertEqual(reason("instruments/pipe.yaml"), .notRegularFile)
    }

    func testSharedInstrumentsFolder() {
        XCTAssertNil(reason("shared:s.yaml"))
        XCTAssertEqual(reason("shared:../outside.txt"), .leavesFolder)
        XCTAssertEqual(reason("shared:/etc/passwd"), .absolute)
        XCTAssertEqual(reason("shared:s.yaml", in: StudyFolders(study: study)), .sharedNotConfigured)
        XCTAssertEqual(reason("shared:s.yaml", .roster), .sharedNotAllowed)
        XCTAssertEqual(reason("shared:s.yaml", in: StudyFolders(study: study, sharedInstruments: root.appendingPathComponent("nowhere"))),
                       .sharedNotAFolder(root.appendingPathComponent("nowhere").path))
    }

    func testSharedFolderComesFromTheEnvironmentOnly() {
        XCTAssertEqual(StudyFolders.fromEnvironment(study: study, environment: [:]).sharedInstruments, nil)
        XCTAssertEqual(StudyFolders.fromEnvironment(study: study, environment: ["WAVES_SHARED_INSTRUMENTS": shared.path]).sharedInstruments?.path,
                       shared.path)
    }

    func testEveryKindUsesTheResolver() {
        for kind in [StudyFileKind.roster, .consent, .codebook, .study] {
            XCTAssertEqual(reason("../outside.txt", kind), .leavesFolder, "\(kind)")
            XCTAssertEqual(reason("/etc/hosts", kind), .absolute, "\(kind)")
        }
        XCTAssertEqual(message("../x", .consent), "'../x' leads outside the study folder; a consent file must be inside it")
    }

    func testMessagesShowControlCharactersVisibly() {
        XCTAssertFalse(message("/\u{1B}]0;x\u{07}").contains("\u{1B}"))
    }
}
