import XCTest
@testable import WavesCore

/// No message quotes a file that is not a Waves file; invalid UTF-8 and YAML errors are located.
final class LoaderDisclosureTests: XCTestCase {
    var dir: URL!
    let secret = "SECRET-VALUE-1234"

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("waves-disclose-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("instruments"), withIntermediateDirectories: true)
        try """
        format: waves.study/1
        id: s
        roles: [mentee]
        waves: [{id: w1}]
        instruments:
          - path: instruments/x.yaml
        roster: roster.csv
        """.write(to: dir.appendingPathComponent("study.yaml"), atomically: true, encoding: .utf8)
        try "participant,role\n".write(to: dir.appendingPathComponent("roster.csv"), atomically: true, encoding: .utf8)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    func problems(instrument bytes: Data) -> [String] {
        try? bytes.write(to: dir.appendingPathComponent("instruments/x.yaml"))
        do { return try StudyLoader.load(folders: StudyFolders(study: dir)).warnings.map(\.description) } catch {
            return (error as? LoadError)?.problems.map(\.description) ?? ["\(error)"]
        }
    }

    func problems(_ text: String) -> [String] { problems(instrument: Data(text.utf8)) }

    func testPasswordFileIsNotEchoed() {
        let p = problems("root:x:0:0:\(secret):/root:/bin/bash\ndaemon:x:1:1:\(secret):/usr/sbin:/usr/sbin/nologin\n")
        XCTAssertEqual(p, ["instruments/x.yaml:1:1: an instrument must be a mapping of keys to values"])
    }

    func testMappingWithoutFormatGivesOneProblem() {
        let p = problems("root:*:20228:0:99999:7:: 1\n\(secret): 2\nplain: 3\n")
        XCTAssertEqual(p, ["instruments/x.yaml:1:1: missing 'format: waves.instrument/1'"])
        let q = problems("format: \(secret)\nother: 1\n")
        XCTAssertEqual(q, ["instruments/x.yaml:1:9: unknown format (expected waves.instrument/1)"])
    }

    func testUnknownKeysAreQuotedOnlyWhenPlainNames() {
        let p = problems("""
        format: waves.instrument/1
        id: x
        version: 1.0.0
        title: X
        reverese: true
        "root:*:20228:0:\(secret)": 1
        \(String(repeating: "k", count: 41)): 2
        items:
          - {id: q1, type: text, text: Q}
        """)
        XCTAssertTrue(p.contains("instruments/x.yaml:5:1: warning: unknown key 'reverese' (ignored)"), "\(p)")
        XCTAssertTrue(p.contains("instruments/x.yaml:6:1: warning: an unknown key (not shown: not a plain name) (ignored)"), "\(p)")
        XCTAssertTrue(p.contains("instruments/x.yaml:7:1: warning: an unknown key (not shown: not a plain name) (ignored)"), "\(p)")
        XCTAssertFalse(p.joined().contains(secret))
    }

    func testEnvironmentLikeFileIsNotEchoed() {
        let p = problems(instrument: Data("SHELL=/bin/bash\u{0}TOKEN=\(secret)\u{0}HOME=/root\u{0}".utf8))
        XCTAssertEqual(p, ["instruments/x.yaml:1: byte 16: YAML cannot read this text: control characters are not allowed (U+0000)"])
    }

    func testSyntaxErrorsAndDuplicateKeysDoNotQuoteTheLine() {
        let p = problems("a: b\n  c: d: \(secret)\n")
        XCTAssertEqual(p.count, 1)
        XCTAssertTrue(p[0].hasPrefix("instruments/x.yaml:2:4: YAML syntax error: "), p[0])
        XCTAssertFalse(p[0].contains(secret))
        let d = problems("\(secret): 1\n\(secret): 2\n")
        XCTAssertEqual(d, ["instruments/x.yaml:1:1: a key appears twice in this mapping (each key may be given once)"])
    }

    func testInvalidUTF8IsLocatedByLineAndByte() {
        var bytes = Data("format: waves.instrument/1\nid: x\ntitle: ab".utf8)
        bytes.append(0xFF)
        XCTAssertEqual(problems(instrument: bytes), ["instruments/x.yaml:3: byte 10: not valid UTF-8 (0xFF)"])
        XCTAssertEqual(UTF8Text.firstInvalid(Data([0x61, 0x0A, 0xC3, 0xA9, 0xE2, 0x82])),
                       UTF8Text.Invalid(line: 2, byte: 3, value: 0xE2), "a sequence cut short at the end")
        XCTAssertEqual(UTF8Text.firstInvalid(Data([0xC0, 0x80])), UTF8Text.Invalid(line: 1, byte: 1, value: 0xC0), "overlong")
        XCTAssertEqual(UTF8Text.firstInvalid(Data([0xED, 0xA0, 0x80])), UTF8Text.Invalid(line: 1, byte: 1, value: 0xED), "a surrogate")
        XCTAssertNil(UTF8Text.firstInvalid(Data("é ✓ 🙂\n".utf8)))
    }

    func testStudyFileAndRosterAreCheckedToo() throws {
        var bad = Data("format: waves.study/1\nid: s\n".utf8)
        bad.append(contentsOf: [0x0A, 0x20, 0xFE])
        try bad.write(to: dir.appendingPathComponent("study.yaml"))
        XCTAssertThrowsError(try StudyLoader.load(folders: StudyFolders(study: dir))) { e in
            XCTAssertEqual((e as? LoadError)?.problems.map(\.description), ["study.yaml:4: byte 2: not valid UTF-8 (0xFE)"])
        }
        try "format: waves.study/1\nid: s\nroles: [mentee]\nwaves: [{id: w1}]\ninstruments: []\nroster: roster.csv\n"
            .write(to: dir.appendingPathComponent("study.yaml"), atomically: true, encoding: .utf8)
        try Data([0x70, 0x0A, 0xFF]).write(to: dir.appendingPathComponent("roster.csv"))
        XCTAssertThrowsError(try StudyLoader.load(folders: StudyFolders(study: dir))) { e in
            XCTAssertEqual((e as? LoadError)?.problems.map(\.description), ["roster.csv:2: byte 1: not valid UTF-8 (0xFF)"])
        }
        try "name;\(secret);x\n".write(to: dir.appendingPathComponent("roster.csv"), atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try StudyLoader.load(folders: StudyFolders(study: dir))) { e in
            XCTAssertEqual((e as? LoadError)?.problems.map(\.description), ["roster.csv:1: the roster header must name the columns 'participant' and 'role'"])
        }
    }

    func testStudyPathProblemsAreLocatedInStudyYAML() throws {
        try "format: waves.study/1\nid: s\nroles: [mentee]\nwaves: [{id: w1}]\ninstruments:\n  - path: ../../etc/passwd\n  - path: /etc/passwd\n  - path: \"\"\n  - path: instruments\n  - shared: x.yaml\n"
            .write(to: dir.appendingPathComponent("study.yaml"), atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try StudyLoader.load(folders: StudyFolders(study: dir))) { e in
            XCTAssertEqual((e as? LoadError)?.problems.map(\.description), [
                "study.yaml:6:5: '../../etc/passwd' leads outside the study folder; an instrument file must be inside it",
                "study.yaml:7:5: absolute paths are not allowed: /etc/passwd (name the instrument file relative to the study folder)",
                "study.yaml:8:5: the instrument file path is empty; name a file inside the study folder",
                "study.yaml:9:5: 'instruments' is a folder, not an instrument file",
                "study.yaml:10:5: 'shared:x.yaml' is to come from the shared instruments folder, but WAVES_SHARED_INSTRUMENTS is not set (see docs/instruments.md)",
            ])
        }
    }

    func testSharedInstrumentLoads() throws {
        let shared = dir.appendingPathComponent("../shared-\(UUID().uuidString)").standardizedFileURL
        try FileManager.default.createDirectory(at: shared, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: shared) }
        try "format: waves.instrument/1\nid: common\nversion: 1\ntitle: C\nitems:\n  - {id: q1, type: text, text: Q}\n"
            .write(to: shared.appendingPathComponent("common.yaml"), atomically: true, encoding: .utf8)
        try "format: waves.study/1\nid: s\nroles: [mentee]\nwaves: [{id: w1}]\ninstruments:\n  - shared: common.yaml\n"
            .write(to: dir.appendingPathComponent("study.yaml"), atomically: true, encoding: .utf8)
        let b = try StudyLoader.load(folders: StudyFolders(study: dir, sharedInstruments: shared))
        XCTAssertEqual(b.instruments.map(\.id), ["common"])
        XCTAssertEqual(b.instruments[0].path, "shared:common.yaml")
        XCTAssertEqual(b.instruments(at: "w1").map(\.id), ["common"])
    }

    func testStudyYAMLMustNotBeALink() throws {
        let other = dir.appendingPathComponent("instruments/real.yaml")
        try FileManager.default.moveItem(at: dir.appendingPathComponent("study.yaml"), to: other)
        try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent("study.yaml").path, withDestinationPath: other.path)
        XCTAssertThrowsError(try StudyLoader.load(folders: StudyFolders(study: dir))) { e in
            XCTAssertEqual((e as? LoadError)?.problems.map(\.description),
                           ["study.yaml: 'study.yaml' is a symbolic link; Waves does not follow links inside a study folder (copy the study file in instead)"])
        }
    }

    func testYAMLNumbersFollowTheJSONGrammar() {
        let p = problems("""
        format: waves.instrument/1
        id: x
        version: 1.0.0
        title: X
        items:
          - {id: q1, type: number, text: Q, min: 0x10, max: +5}
        """)
        XCTAssertEqual(p, ["instruments/x.yaml:6:42: min must be a number, not '0x10'",
                           "instruments/x.yaml:6:53: max must be a number, not '+5'"])
    }
}
