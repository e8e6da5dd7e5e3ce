import Foundation
import XCTest

/// The adversarial review's reproductions (issue 12 items 1, 7, 8, 9, 11) run as a user runs
/// them: no command writes over the study, links at the store are refused, outputs are private,
/// long ids take the survey, a store that is a folder stops the survey before it starts.
final class FileSafetyTests: XCTestCase {
    static let demo = WavesProcess.repoRoot.appendingPathComponent("datasets/pmi-demo")
    var root: URL!
    var study: URL!
    let fm = FileManager.default

    override func setUpWithError() throws {
        root = WavesProcess.tempDir("safety")
        study = root.appendingPathComponent("S")
        try fm.copyItem(at: Self.demo, to: study)
        try? fm.removeItem(at: study.appendingPathComponent("report.html"))
        try fm.setAttributes([.posixPermissions: 0o600], ofItemAtPath: store.path)
    }

    override func tearDown() { try? fm.removeItem(at: root) }

    var store: URL { study.appendingPathComponent("data/responses.jsonl") }

    /// Makes the study open (no roster), so any id is accepted with --role.
    func dropRoster() throws {
        let yaml = try String(contentsOf: study.appendingPathComponent("study.yaml"), encoding: .utf8)
        try yaml.components(separatedBy: "\n").filter { !$0.hasPrefix("roster:") }.joined(separator: "\n")
            .write(to: study.appendingPathComponent("study.yaml"), atomically: true, encoding: .utf8)
    }

    func bytes(_ u: URL) throws -> Data { try Data(contentsOf: u) }
    func mode(_ u: URL) -> Int? { (try? fm.attributesOfItem(atPath: u.path))?[.posixPermissions] as? Int }

    /// F1: report, export and simulate refuse every file of the study, directly, through `..`
    /// and through a link; the files keep their bytes.
    func testNoCommandWritesOverTheStudy() throws {
        let key = study.appendingPathComponent("data/secret.key")
        try Data(String(repeating: "k", count: 40).utf8).write(to: key)
        let outsideKey = root.appendingPathComponent("pseudonyms.key")
        try Data("0f1e2d3c4b5a69788796a5b4c3d2e1f0aa55".utf8).write(to: outsideKey)
        try fm.createSymbolicLink(atPath: root.appendingPathComponent("link.jsonl").path, withDestinationPath: store.path)
        try fm.createSymbolicLink(atPath: root.appendingPathComponent("sdata").path, withDestinationPath: study.appendingPathComponent("data").path)
        let protected = ["data/responses.jsonl", "study.yaml", "roster.csv", "instruments/identity.yaml", "data/secret.key"]
        var before: [String: Data] = [:]
        for p in protected { before[p] = try bytes(study.appendingPathComponent(p)) }
        before["key"] = try bytes(outsideKey)
        let s = study.path
        var attempts: [[String]] = []
        for p in protected {
            attempts.append(["report", "--study", s, "--out", "\(s)/\(p)"])
            attempts.append(["report", "--study", s, "--format", "md", "--out", "\(s)/\(p)"])
            attempts.append(["export", "--study", s, "--format", "csv-wide", "--out", "\(s)/\(p)"])
            attempts.append(["simulate", "--study", s, "--out", "\(s)/\(p)"])
        }
        attempts += [
            ["report", "--study", s, "--out", "\(s)/instruments/../data/responses.jsonl"],
            ["report", "--study", s, "--out", root.appendingPathComponent("sdata/responses.jsonl").path],
            ["export", "--study", s, "--format", "csv-wide", "--out", root.appendingPathComponent("link.jsonl").path],
            ["export", "--study", s, "--format", "csv-wide", "--deidentify", "--key-file", outsideKey.path, "--out", outsideKey.path],
            // The .sps side file of a .sav would land on the key file.
            ["export", "--study", s, "--format", "sav", "--deidentify", "--key-file", root.appendingPathComponent("pseudonyms.sps").path,
             "--out", root.appendingPathComponent("pseudonyms.sav").path],
            ["export", "--study", s, "--format", "codebook", "--out", "\(s)/data/codebook.md"],
        ]
        try Data("0f1e2d3c4b5a69788796a5b4c3d2e1f0aa55".utf8).write(to: root.appendingPathComponent("pseudonyms.sps"))
        for a in attempts {
            let r = try WavesProcess.run(a)
            XCTAssertEqual(r.status, 1, "\(a): \(r.stdout) \(r.stderr)")
            XCTAssertTrue(r.stderr.contains("which Waves never writes over") || r.stderr.contains("is a symbolic link; Waves does not write through links"),
                          "\(a): \(r.stderr)")
        }
        for p in protected { XCTAssertEqual(try bytes(study.appendingPathComponent(p)), before[p], p) }
        XCTAssertEqual(try bytes(outsideKey), before["key"])
        XCTAssertFalse(fm.fileExists(atPath: root.appendingPathComponent("pseudonyms.sav").path), "nothing written when a side file is refused")
        XCTAssertTrue(FileManager.default.fileExists(atPath: store.path))
    }

    /// F10: every export kind and the report are created 0600; --mode widens; a bad --mode is a usage error.
    func testOutputsArePrivateUnlessWidened() throws {
        let s = study.path, o = root.path
        let runs: [([String], [String])] = [
            (["export", "--study", s, "--format", "csv-wide", "--out", "\(o)/w.csv"], ["w.csv"]),
            (["export", "--study", s, "--format", "csv-long", "--instrument", "identity", "--out", "\(o)/l.csv"], ["l.csv"]),
            (["export", "--study", s, "--format", "sav", "--out", "\(o)/d.sav"], ["d.sav", "d.sps", "d.R"]),
            (["export", "--study", s, "--format", "dta", "--out", "\(o)/d.dta"], ["d.dta"]),
            (["export", "--study", s, "--format", "codebook", "--out", "\(o)/c.md"], ["c.md"]),
            (["report", "--study", s, "--out", "\(o)/r.html", "--quiet"], ["r.html"]),
            (["report", "--study", s, "--format", "md", "--out", "\(o)/r.md"], ["r.md"]),
        ]
        let old = umask(0o022)
        defer { umask(old) }
        for (args, files) in runs {
            var r = try WavesProcess.run(args)
            XCTAssertEqual(r.status, 0, "\(args): \(r.stderr)")
            for f in files { XCTAssertEqual(mode(root.appendingPathComponent(f)), 0o600, "\(args) \(f)") }
            r = try WavesProcess.run(args + ["--mode", "644"])
            XCTAssertEqual(r.status, 0, "\(args): \(r.stderr)")
            for f in files { XCTAssertEqual(mode(root.appendingPathComponent(f)), 0o644, "\(args) --mode 644 \(f)") }
        }
        let bad = try WavesProcess.run(["report", "--study", s, "--out", "\(o)/x.html", "--mode", "1777"])
        XCTAssertEqual(bad.status, 2)
        XCTAssertTrue(bad.stderr.contains("--mode takes octal permission bits"), bad.stderr)
        XCTAssertFalse(fm.fileExists(atPath: "\(o)/x.html"))
    }

    /// F10: a store other users can read is named on stderr, once; a private one is not.
    func testAStoreReadableByOthersIsWarnedAbout() throws {
        var r = try WavesProcess.run(["status", "--study", study.path])
        XCTAssertEqual(r.status, 0)
        XCTAssertFalse(r.stderr.contains("can be read by other users"), r.stderr)
        try fm.setAttributes([.posixPermissions: 0o644], ofItemAtPath: store.path)
        for args in [["status", "--study", study.path], ["report", "--study", study.path, "--format", "md"]] {
            r = try WavesProcess.run(args)
            XCTAssertEqual(r.status, 0, r.stderr)
            let warnings = r.stderr.components(separatedBy: "\n").filter { $0.contains("can be read by other users (mode 0644)") }
            XCTAssertEqual(warnings.count, 1, r.stderr)
            XCTAssertTrue(warnings[0].contains("chmod 600"), warnings[0])
        }
    }

    /// F9: a link at data/responses.jsonl is an error with a sentence; its target is untouched.
    func testASymlinkedStoreIsRefused() throws {
        let victim = root.appendingPathComponent("victim.txt")
        try Data("not yours\n".utf8).write(to: victim)
        try fm.removeItem(at: store)
        try fm.createSymbolicLink(atPath: store.path, withDestinationPath: victim.path)
        let csv = root.appendingPathComponent("one.csv").path
        try Data("participant,wave,role,pi01,pi02,pi03,pi04,pi05,pi06,pi07,pi08,pm01,pm02\nP001,w1,,3,3,3,3,3,3,3,3,5,4\n".utf8)
            .write(to: URL(fileURLWithPath: csv))
        for args in [["status", "--study", study.path],
                     ["import", "--study", study.path, "--instrument", "identity", "--csv", csv, "--wave", "w1"],
                     ["take", "--study", study.path, "--participant", "P001", "--wave", "w1", "--plain"]] {
            let r = try WavesProcess.run(args, stdin: "4\n4\n")
            XCTAssertEqual(r.status, 1, "\(args): \(r.stdout)")
            XCTAssertTrue(r.stderr.contains("data/responses.jsonl: cannot open the store: it is a symbolic link"), "\(args): \(r.stderr)")
            if args[0] == "take" { XCTAssertEqual(r.stdout, "", "no question was asked") }
        }
        XCTAssertEqual(try String(contentsOf: victim, encoding: .utf8), "not yours\n")
    }

    /// F12: a store that is a folder stops `take` before the first question, without claiming a draft.
    func testAStoreThatIsAFolderStopsTheSurveyBeforeItStarts() throws {
        try fm.removeItem(at: store)
        try fm.createDirectory(at: store, withIntermediateDirectories: true)
        let r = try WavesProcess.run(["take", "--study", study.path, "--participant", "P001", "--wave", "w1", "--plain"], stdin: "4\n")
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("The survey cannot start:"), r.stderr)
        XCTAssertTrue(r.stderr.contains("not a regular file"), r.stderr)
        XCTAssertFalse(r.stderr.contains("kept in the draft"), r.stderr)
        XCTAssertEqual(r.stdout, "", "nothing was asked")
        XCTAssertFalse(fm.fileExists(atPath: study.appendingPathComponent("data/drafts").path))
    }

    /// F8: 27 CJK characters and 240 ASCII characters: answer, leave, resume, submit.
    func testLongAndNonASCIIIdsTakeTheSurveyToTheEnd() throws {
        try dropRoster()
        let before = try String(contentsOf: store, encoding: .utf8).split(separator: "\n").count
        for id in [String(repeating: "参加者", count: 9), String(repeating: "a", count: 240)] {
            let args = ["take", "--study", study.path, "--participant", id, "--role", "mentee", "--wave", "w1",
                        "--instrument", "identity", "--plain"]
            var r = try WavesProcess.run(args, stdin: "4\n")
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertTrue(r.stdout.contains("Your answers so far are saved."), r.stdout)
            // Identity has 8 items for a mentee: 1 given, 7 more, then submit.
            r = try WavesProcess.run(args, stdin: "y\n" + String(repeating: "4\n", count: 7) + "y\n")
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertTrue(r.stdout.contains("Everything for this wave is recorded."), r.stdout)
            XCTAssertFalse(r.stderr.contains("too long"), r.stderr)
        }
        let lines = try String(contentsOf: store, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.count, before + 2)
        XCTAssertEqual(try fm.contentsOfDirectory(atPath: study.appendingPathComponent("data/drafts").path), [])
    }

    /// A draft saved under round 1's name (the %-encoded ids) is still offered and resumed.
    func testADraftUnderTheOlderNameIsResumed() throws {
        try dropRoster()
        let args = ["take", "--study", study.path, "--participant", "NEW 1", "--role", "peer-mentor", "--wave", "w1",
                    "--instrument", "identity", "--plain"]
        var r = try WavesProcess.run(args, stdin: "4\n3\n")
        XCTAssertEqual(r.status, 0, r.stderr)
        let drafts = study.appendingPathComponent("data/drafts")
        let saved = try XCTUnwrap(try fm.contentsOfDirectory(atPath: drafts.path).first)
        try fm.moveItem(at: drafts.appendingPathComponent(saved), to: drafts.appendingPathComponent("NEW%201__w1__identity.json"))
        // A peer mentor has 10 items, 2 given, 8 more, then submit.
        r = try WavesProcess.run(args, stdin: "y\n" + String(repeating: "5\n", count: 8) + "y\n")
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("You have unfinished answers to Professional identity (2 of"), r.stdout)
        XCTAssertTrue(r.stdout.contains("Everything for this wave is recorded."), r.stdout)
        let last = try XCTUnwrap(try String(contentsOf: store, encoding: .utf8).split(separator: "\n").last)
        XCTAssertTrue(last.contains(#""participant":"NEW 1""#) && last.contains(#""pi01":4,"pi02":3,"pi03":5"#), String(last))
        XCTAssertEqual(try fm.contentsOfDirectory(atPath: drafts.path), [])
    }
}
