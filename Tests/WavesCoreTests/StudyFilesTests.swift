import Foundation
import XCTest
@testable import WavesCore

/// No user-named output may be one of the study's own files, in any spelling.
final class StudyFilesTests: XCTestCase {
    var root: URL!
    var study: URL!
    let fm = FileManager.default

    override func setUpWithError() throws {
        root = fm.temporaryDirectory.appendingPathComponent("waves-studyfiles-\(UUID().uuidString.prefix(8))")
        study = root.appendingPathComponent("S")
        for d in ["data/drafts", "instruments", "codebooks", "shared"] {
            try fm.createDirectory(at: study.appendingPathComponent(d), withIntermediateDirectories: true)
        }
        for f in ["study.yaml", "roster.csv", "instruments/identity.yaml", "shared/extra.yaml", "data/responses.jsonl",
                  "data/secret.key", "codebooks/diary.yaml", "consent.md"] {
            try Data("x\n".utf8).write(to: study.appendingPathComponent(f))
        }
    }

    override func tearDown() { try? fm.removeItem(at: root) }

    func files() -> StudyFiles {
        let s = Study(id: "s", title: "S", roles: ["a"], waves: [], instruments: [
            StudyInstrument(path: "instruments/identity.yaml"), StudyInstrument(path: "shared/extra.yaml"),
        ], roster: "roster.csv", directory: study)
        var f = StudyFiles(study: s)
        f.protect(study.appendingPathComponent("consent.md"), as: "the consent text")
        f.protect(root.appendingPathComponent("k.key"), as: "the de-identification key file")
        return f
    }

    func refusal(_ path: String) -> OutputPathError? {
        do { try files().check(URL(fileURLWithPath: path)); return nil } catch { return error as? OutputPathError }
    }

    func testEveryProtectedFileIsRefused() {
        let cases: [(String, String)] = [
            ("data/responses.jsonl", "the study's response store"),
            ("study.yaml", "the study file study.yaml"),
            ("roster.csv", "the study's roster"),
            ("instruments/identity.yaml", "an instrument file of the study"),
            ("shared/extra.yaml", "an instrument file of the study"),
            ("instruments/new.yaml", "inside the study's instruments folder"),
            ("data/secret.key", "inside the study's data folder (store, drafts, consent, invitations, keys, coding)"),
            ("data/drafts/x.json", "inside the study's data folder (store, drafts, consent, invitations, keys, coding)"),
            ("data/consent.jsonl", "inside the study's data folder (store, drafts, consent, invitations, keys, coding)"),
            ("data", "inside the study's data folder (store, drafts, consent, invitations, keys, coding)"),
            ("codebooks/diary.yaml", "a codebook of the study"),
            ("consent.md", "the consent text"),
            ("../k.key", "the de-identification key file"),
        ]
        for (p, what) in cases {
            let path = study.appendingPathComponent(p).path
            XCTAssertEqual(refusal(path), .studyFile(option: "--out", path: path, what: what), p)
        }
        XCTAssertTrue(refusal(study.appendingPathComponent("study.yaml").path)!.localizedDescription.contains("never writes over"))
    }

    func testOtherSpellingsAreRefusedToo() throws {
        // `..`, `.`, a doubled slash, a relative path from inside the study.
        for p in ["\(study.path)/instruments/../data/responses.jsonl", "\(study.path)/./study.yaml", "\(study.path)//roster.csv",
                  "\(study.path)/missing/../study.yaml", "\(study.path)/new/deeper/../../data/x.csv"] {
            XCTAssertNotNil(refusal(p), p)
        }
        let cwd = fm.currentDirectoryPath
        fm.changeCurrentDirectoryPath(study.appendingPathComponent("instruments").path)
        defer { fm.changeCurrentDirectoryPath(cwd) }
        XCTAssertNotNil(refusal("../data/responses.jsonl"))
        XCTAssertNil(refusal("../report.html"))
    }

    func testLinksAndHardLinksAreRefused() throws {
        // A folder link leading into the study.
        try fm.createSymbolicLink(atPath: root.appendingPathComponent("via").path, withDestinationPath: study.appendingPathComponent("data").path)
        XCTAssertEqual(refusal(root.appendingPathComponent("via/responses.jsonl").path)?.localizedDescription.contains("response store"), true)
        // A link as the target itself, wherever it points.
        try fm.createSymbolicLink(atPath: root.appendingPathComponent("out.csv").path, withDestinationPath: study.appendingPathComponent("study.yaml").path)
        try fm.createSymbolicLink(atPath: root.appendingPathComponent("harmless.csv").path, withDestinationPath: "/nonexistent/x")
        for p in ["out.csv", "harmless.csv"] {
            let path = root.appendingPathComponent(p).path
            XCTAssertEqual(refusal(path), .symbolicLink(option: "--out", path: path))
        }
        // A hard link to the store.
        try fm.linkItem(at: study.appendingPathComponent("data/responses.jsonl"), to: root.appendingPathComponent("hard.jsonl"))
        XCTAssertNotNil(refusal(root.appendingPathComponent("hard.jsonl").path))
    }

    func testOrdinaryOutputsAreAccepted() throws {
        for p in [root.appendingPathComponent("report.html").path, study.appendingPathComponent("report.html").path,
                  study.appendingPathComponent("exports/new/w.csv").path, study.appendingPathComponent("datasets.csv").path] {
            XCTAssertNil(refusal(p), p)
        }
        let t = try OutputTarget(root.appendingPathComponent("exports/r.md"), mode: try OutputMode(octal: "640"), protecting: files())
        try t.write("# r\n")
        let attrs = try fm.attributesOfItem(atPath: root.appendingPathComponent("exports/r.md").path)
        XCTAssertEqual(attrs[.posixPermissions] as? Int, 0o640)
        XCTAssertEqual((try fm.attributesOfItem(atPath: root.appendingPathComponent("exports").path))[.posixPermissions] as? Int, 0o750)
        XCTAssertThrowsError(try OutputTarget(root.appendingPathComponent("exports"), protecting: files())) {
            XCTAssertEqual(($0 as? FileIOError)?.kind, .notAFile)
        }
    }
}
