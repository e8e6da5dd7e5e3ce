import Foundation
import XCTest

/// `waves export` as a user runs it: files, messages and exit codes (0 ok, 1 fixable data or
/// arguments, 2 usage). Runs the built binary (.build/debug/waves); skipped when it is not built.
final class ExportCommandTests: XCTestCase {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let demo = repo.appendingPathComponent("datasets/pmi-demo").path

    func waves() throws -> URL {
        let bin = Self.repo.appendingPathComponent(".build/debug/waves")
        guard FileManager.default.isExecutableFile(atPath: bin.path) else {
            print("ExportCommandTests skipped: \(bin.path) is not built (run `swift build` first).")
            throw XCTSkip("waves is not built")
        }
        return bin
    }

    func run(_ args: [String]) throws -> (status: Int32, out: String, err: String) {
        let p = Process()
        p.executableURL = try waves()
        p.arguments = args
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }

    func tempDir() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("waves-export-e2e-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return dir
    }

    func testSavWithSyntaxFiles() throws {
        let dir = try tempDir()
        let r = try run(["export", "--study", Self.demo, "--format", "sav", "--out", dir.appendingPathComponent("pmi.sav").path])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertTrue(r.out.contains("pmi.sav") && r.out.contains("pmi.sps") && r.out.contains("pmi.R"), r.out)
        // Long layout: one row per participant and wave with any submission.
        let lines = try String(contentsOfFile: Self.demo + "/data/responses.jsonl", encoding: .utf8).split(separator: "\n")
        let pairs = Set(try lines.map { l -> String in
            let o = try JSONSerialization.jsonObject(with: Data(l.utf8)) as! [String: Any]
            return "\(o["participant"]!)|\(o["wave"]!)"
        })
        XCTAssertTrue(r.out.contains("(\(pairs.count) row(s)"), r.out)
        for f in ["pmi.sav", "pmi.sps", "pmi.R"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent(f).path), f)
        }
    }

    func testCSVLongIntoAFolderAndCodebook() throws {
        let dir = try tempDir()
        let r = try run(["export", "--study", Self.demo, "--format", "csv-long", "--out", dir.path + "/"])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted(),
                       ["diary.csv", "ecosystem.csv", "identity.csv", "personhood.csv", "reflection.csv"])
        let c = try run(["export", "--study", Self.demo, "--format", "codebook", "--out", dir.appendingPathComponent("cb.csv").path])
        XCTAssertEqual(c.status, 0, c.err)
    }

    func testDeidentifiedExport() throws {
        let dir = try tempDir()
        let key = dir.appendingPathComponent("k")
        try Data("8f3a1c9e4b7d2f60a5e1c8b3d9f7024e\n".utf8).write(to: key)
        let r = try run(["export", "--study", Self.demo, "--format", "csv-wide", "--deidentify", "--key-file", key.path,
                         "--out", dir.appendingPathComponent("w.csv").path])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertTrue(r.err.contains("free-text item(s) left out"), r.err)
        let text = try String(contentsOf: dir.appendingPathComponent("w.csv"), encoding: .utf8)
        XCTAssertFalse(text.contains("P001"))
    }

    func testUsageErrorsExitWith2() throws {
        let out = try tempDir().appendingPathComponent("x").path
        for args in [["--format", "xlsx"], ["--format", "sav", "--deidentify"], ["--format", "sav", "--keep-text"],
                     ["--format", "sav", "--layout", "diagonal"], ["--format", "sav", "--dates", "hour"]] {
            let r = try run(["export", "--study", Self.demo, "--out", out] + args)
            XCTAssertEqual(r.status, 2, "\(args): \(r.err)")
            XCTAssertFalse(r.err.isEmpty)
        }
    }

    func testDataErrorsExitWith1WithASentence() throws {
        let dir = try tempDir()
        let a = try run(["export", "--study", Self.demo, "--format", "csv-long", "--out", dir.appendingPathComponent("l.csv").path])
        XCTAssertEqual(a.status, 1)
        XCTAssertTrue(a.err.contains("pass --instrument (one of: identity, reflection, ecosystem, personhood, diary)"), a.err)
        let b = try run(["export", "--study", Self.demo, "--format", "sav", "--waves", "w7", "--out", dir.appendingPathComponent("x.sav").path])
        XCTAssertEqual(b.status, 1)
        XCTAssertTrue(b.err.contains("no wave 'w7'"), b.err)
        let short = dir.appendingPathComponent("short.key")
        try Data("abc".utf8).write(to: short)
        let c = try run(["export", "--study", Self.demo, "--format", "sav", "--deidentify", "--key-file", short.path, "--out", dir.appendingPathComponent("x.sav").path])
        XCTAssertEqual(c.status, 1)
        XCTAssertTrue(c.err.contains("holds 3 byte(s)"), c.err)

        let empty = dir.appendingPathComponent("empty")
        XCTAssertEqual(try run(["init", empty.path]).status, 0)
        let d = try run(["export", "--study", empty.path, "--format", "sav", "--out", dir.appendingPathComponent("e.sav").path])
        XCTAssertEqual(d.status, 1)
        XCTAssertTrue(d.err.contains("nothing to export"), d.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("e.sav").path))
    }
}
