import Foundation
import Glibc
import XCTest
import WavesCore
import WavesStore

/// `waves code` (plain and in a pseudo-terminal), `waves agreement`, the qualitative checks of
/// `waves validate`, and the demo's codings, through the built binary.
final class CodeCommandTests: XCTestCase {
    static let demo = WavesProcess.repoRoot.appendingPathComponent("datasets/pmi-demo")
    var dir: URL!
    override func setUp() { dir = WavesProcess.tempDir("code") }
    override func tearDown() { try? FileManager.default.removeItem(at: dir) }

    func demoCopy() throws -> String {
        let copy = dir.appendingPathComponent("demo")
        try FileManager.default.copyItem(at: Self.demo, to: copy)
        return copy.path
    }

    /// A new study (waves init) with one diary answer holding hostile text.
    func hostileStudy() throws -> String {
        let s = dir.appendingPathComponent("h").path
        XCTAssertEqual(try WavesProcess.run(["init", s]).status, 0)
        let inst = try InstrumentLoader.load(url: URL(fileURLWithPath: s + "/instruments/diary.yaml"), displayPath: "instruments/diary.yaml")
        let text = "Hello \u{1B}]0;PWNED\u{07}\u{1B}[2J<script>alert(1)</script> \u{202E}evil"
        try "participant,role\nP1,mentee\n".write(toFile: s + "/roster.csv", atomically: true, encoding: .utf8)
        try ResponseStore(url: URL(fileURLWithPath: s + "/data/responses.jsonl")).append(ResponseRecord(
            id: "r1", study: "h", participant: "P1", role: "mentee", wave: "w2",
            instrument: InstrumentRef(id: inst.id, version: inst.version, sha256: inst.sha256), startedAt: nil,
            submittedAt: "2026-03-01T10:00:00Z", mode: "terminal", answers: [("dy01", .text(text))]))
        return s
    }

    func testInitCopiesTheCodebookAndPlainCodingAppendsOwnerOnly() throws {
        let s = try hostileStudy()
        XCTAssertTrue(FileManager.default.fileExists(atPath: s + "/codebooks/ecosystem.yaml"))
        let r = try WavesProcess.run(["code", "--study", s, "--coder", "ann"], stdin: "2 6\nm looks like identity\n\n")
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("Unit 1 of 1 (not coded yet; 0 of 1 coded)."), r.stdout)
        XCTAssertTrue(r.stdout.contains("^[]0;PWNED^G^[[2J<script>alert(1)</script> <U+202E>evil"), r.stdout)
        XCTAssertFalse(r.stdout.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 || $0.value == 0x202E })
        XCTAssertTrue(r.stdout.contains("1 decision(s) recorded in data/coding/ann.jsonl; 1 of 1 unit(s) coded."), r.stdout)
        let file = s + "/data/coding/ann.jsonl"
        let mode = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as! Int
        XCTAssertEqual(mode, 0o600)
        let line = try String(contentsOfFile: file, encoding: .utf8)
        XCTAssertTrue(line.hasPrefix(#"{"format":"waves.coding/1","unit":"r1/dy01","codes":["micro","identity"],"memo":"looks like identity","#), line)
        XCTAssertEqual(try WavesProcess.run(["validate", "--study", s]).status, 0)
    }

    func testInteractiveCodingInAPseudoTerminal() throws {
        let s = try hostileStudy()
        let env = ["TERM": "xterm-256color", "LANG": "C.UTF-8", "NO_COLOR": ""]
        let (live, slave) = try LiveWaves.pty(["code", "--study", s, "--coder", "tty", "--show-context"], env: env)
        defer { close(slave) }
        XCTAssertTrue(live.wait { lastScreen($0).contains("1 of 1") }, live.output)
        let screen = lastScreen(live.output)
        XCTAssertTrue(screen.contains("^[]0;PWNED^G^[[2J<script>alert(1)</script>"), screen)
        XCTAssertTrue(screen.contains("Participant P1 · mentee · w2 (Mid-programme)"), screen)
        XCTAssertFalse(live.output.contains("\u{1B}]0;PWNED"), "the hostile escape never reaches the terminal")
        live.send("2")
        XCTAssertTrue(live.wait { lastScreen($0).contains("> [x] 2") }, lastScreen(live.output))
        live.send("?")
        XCTAssertTrue(live.wait { lastScreen($0).contains("Use when:") }, lastScreen(live.output))
        live.send("\r")
        XCTAssertEqual(live.finish(), 0, live.errors)
        XCTAssertTrue(live.output.contains("\u{1B}[?1049l"), "main screen restored")
        XCTAssertTrue(stripTerminalCodes(live.output).contains("1 decision(s) recorded"), stripTerminalCodes(live.output))
        let line = try String(contentsOfFile: s + "/data/coding/tty.jsonl", encoding: .utf8)
        XCTAssertTrue(line.contains(#""codes":["micro"]"#), line)
    }

    func testAgreementJSONOnTheDemo() throws {
        let r = try WavesProcess.run(["agreement", "--study", Self.demo.path, "--json", "--bootstrap", "200", "--seed", "3"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let o = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        XCTAssertEqual(o["codebook"] as? String, "ecosystem")
        XCTAssertEqual(o["coders"] as? [String], ["coder-a", "coder-b"])
        XCTAssertEqual(o["units"] as? Int, 149)
        let codes = o["codes"] as! [[String: Any]]
        XCTAssertEqual(codes.count, 11)
        for c in codes {
            for k in ["code", "n_units", "percent_agreement", "cohen_kappa", "krippendorff_alpha", "alpha_ci"] { XCTAssertNotNil(c[k], k) }
            let a = c["krippendorff_alpha"] as! Double, ci = c["alpha_ci"] as! [Double]
            XCTAssertTrue(ci[0] <= a && a <= ci[1], "\(c)")
        }
        XCTAssertNotNil((o["overall"] as! [String: Any])["krippendorff_alpha"] as? Double)
        XCTAssertFalse(r.stdout.contains("NaN"))
        XCTAssertEqual(try WavesProcess.run(["agreement", "--study", Self.demo.path, "--json", "--bootstrap", "200", "--seed", "3"]).stdout, r.stdout)
        let table = try WavesProcess.run(["agreement", "--study", Self.demo.path, "--bootstrap", "100"])
        XCTAssertTrue(table.stdout.contains("below .667"), table.stdout)
        XCTAssertTrue(table.stdout.contains("all codes pooled"))
        let bad = try WavesProcess.run(["agreement", "--study", Self.demo.path, "--coders", "coder-a,nobody"])
        XCTAssertEqual(bad.status, 1)
        XCTAssertTrue(bad.stderr.contains("no coder 'nobody' has coded in this study (coders: coder-a, coder-b, consensus)"), bad.stderr)
        let book = try WavesProcess.run(["agreement", "--study", Self.demo.path, "--codebook", "nope"])
        XCTAssertEqual(book.status, 1)
        XCTAssertTrue(book.stderr.contains("no codebook 'nope' (codebooks: ecosystem)"), book.stderr)
        let joint = try WavesProcess.run(["agreement", "--study", Self.demo.path, "--joint", "--scale", "identity", "--json"])
        XCTAssertEqual(joint.status, 0, joint.stderr)
        let j = try JSONSerialization.jsonObject(with: Data(joint.stdout.utf8)) as! [String: Any]
        XCTAssertEqual((j["change"] as! [Any]).count, 11)
        XCTAssertEqual(j["from"] as? String, "w1")
    }

    func testReconcileTornLineAndValidate() throws {
        let s = try demoCopy()
        let r = try WavesProcess.run(["code", "--study", s, "--reconcile", "coder-a,coder-b"], stdin: "q\n")
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("Reconciling coder-a and coder-b"), r.stdout)
        XCTAssertTrue(r.stdout.contains("(applied by coder-"), r.stdout)
        let unknown = try WavesProcess.run(["code", "--study", s, "--reconcile", "coder-a,zed"], stdin: "q\n")
        XCTAssertEqual(unknown.status, 1)
        XCTAssertTrue(unknown.stderr.contains("no coder 'zed'"), unknown.stderr)
        XCTAssertEqual(try WavesProcess.run(["code", "--study", s, "--coder", "../x"]).status, 1)
        // A torn last line: reported by validate and by code, kept, and the next decision starts a new line.
        let file = s + "/data/coding/coder-b.jsonl"
        let before = try Data(contentsOf: URL(fileURLWithPath: file))
        let h = try FileHandle(forWritingTo: URL(fileURLWithPath: file)); h.seekToEndOfFile(); h.write(Data("{\"format\":\"waves.co".utf8)); try h.close()
        let v = try WavesProcess.run(["validate", "--study", s])
        XCTAssertEqual(v.status, 1)
        XCTAssertTrue(v.stderr.contains("data/coding/coder-b.jsonl:150: the last line is incomplete"), v.stderr)
        let c = try WavesProcess.run(["code", "--study", s, "--coder", "coder-b"], stdin: "g 1\n1\nq\n")
        XCTAssertEqual(c.status, 0, c.stderr)
        XCTAssertTrue(c.stdout.contains("Note: data/coding/coder-b.jsonl:150: the last line is incomplete"), c.stdout)
        let after = try Data(contentsOf: URL(fileURLWithPath: file))
        XCTAssertEqual(after.prefix(before.count), before, "nothing earlier is rewritten")
        XCTAssertTrue(String(decoding: after.dropFirst(before.count), as: UTF8.self).hasPrefix("{\"format\":\"waves.co\n{\"format\":\"waves.coding/1\""))
    }

    func testDemoCodingsAreRebuiltByTheDocumentedCommand() throws {
        let s = try demoCopy()
        try FileManager.default.removeItem(atPath: s + "/data")
        let r = try WavesProcess.run(["simulate", "--study", s, "--participants", "40", "--seed", "2026", "--growth", "0.5",
                                      "--write-roster", "--coders", "coder-a,coder-b"])
        XCTAssertEqual(r.status, 0, r.stderr)
        for f in ["responses.jsonl", "coding/coder-a.jsonl", "coding/coder-b.jsonl", "coding/consensus.jsonl"] {
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: s + "/data/" + f)),
                           try Data(contentsOf: Self.demo.appendingPathComponent("data/" + f)), f)
        }
        let again = try WavesProcess.run(["simulate", "--study", s, "--out", dir.appendingPathComponent("x.jsonl").path, "--coders", "a,b"])
        XCTAssertEqual(again.status, 1)
    }

    func testExportQDPXFromTheCommandLine() throws {
        let out = dir.appendingPathComponent("demo.qdpx").path
        let r = try WavesProcess.run(["export", "--study", Self.demo.path, "--format", "qdpx", "--out", out])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("(REFI-QDA: 149 source(s), 11 code(s))"), r.stdout)
        let head = try Data(contentsOf: URL(fileURLWithPath: out)).prefix(2)
        XCTAssertEqual(Array(head), [0x50, 0x4B], "a zip file")
    }
}
