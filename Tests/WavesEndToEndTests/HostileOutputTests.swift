import Foundation
import XCTest

/// Every command on a study whose texts and ids hold terminal escapes, bidirectional overrides
/// and spreadsheet formulas (Tests/Fixtures/hostile-text): nothing reaches stdout, stderr or a
/// written text file raw (adversarial test round 1, F3 and F11), and `--json` keeps the data.
final class HostileOutputTests: XCTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")
    var dir: URL!
    var study: String { dir.appendingPathComponent("study").path }

    override func setUpWithError() throws {
        dir = WavesProcess.tempDir("hostile")
        try FileManager.default.copyItem(at: Self.fixtures.appendingPathComponent("hostile-text"), to: dir.appendingPathComponent("study"))
        // git keeps the fixture's store 0644; private, as a real store is, so stderr holds only what the test looks for.
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: study + "/data/responses.jsonl")
    }
    override func tearDown() { try? FileManager.default.removeItem(at: dir) }

    /// The control characters in `text` other than a line feed, and a carriage return right before one when `crlf`.
    static func rawControls(_ text: String, crlf: Bool = false) -> [String] {
        let s = Array(text.unicodeScalars)
        var found: [String] = []
        for (i, u) in s.enumerated() {
            let v = u.value
            let control = v < 0x20 || v == 0x7F || (0x80...0x9F).contains(v) || (0x202A...0x202E).contains(v)
                || (0x2066...0x2069).contains(v) || v == 0x061C || v == 0x200E || v == 0x200F
            if !control || u == "\n" { continue }
            if crlf, u == "\r", i + 1 < s.count, s[i + 1] == "\n" { continue }
            found.append(String(format: "U+%04X at %d", v, i))
        }
        return found
    }

    /// Runs `waves args`, checks both streams for raw controls, and returns the result.
    @discardableResult
    func run(_ args: [String], stdin: String? = nil, status: Int32? = 0, crlf: Bool = false,
             file: StaticString = #filePath, line: UInt = #line) throws -> WavesProcess.Result {
        let r = try WavesProcess.run(args, stdin: stdin)
        let name = args.prefix(3).joined(separator: " ")
        if let status { XCTAssertEqual(r.status, status, "\(name): \(r.stderr)", file: file, line: line) }
        XCTAssertEqual(Self.rawControls(r.stdout, crlf: crlf), [], "stdout of \(name)", file: file, line: line)
        XCTAssertEqual(Self.rawControls(r.stderr), [], "stderr of \(name)", file: file, line: line)
        return r
    }

    func testTablesAndMessagesOfEveryCommandShowControlsVisibly() throws {
        let s = ["--study", study]
        var r = try run(["score"] + s)
        XCTAssertTrue(r.stdout.hasPrefix("PI ^[]0;PWNED^G^[[2J (pi 1.0.0)\n"), r.stdout)
        XCTAssertTrue(r.stdout.contains("P^[[2J01 "), "participant ids are shown, not interpreted")
        r = try run(["status"] + s)
        XCTAssertTrue(r.stdout.hasPrefix("Study ^[[2J<U+202E>eltit (hostile-text)"), r.stdout)
        XCTAssertTrue(r.stdout.contains("peer<U+202E>-mentor"), r.stdout)
        r = try run(["reliability", "--scale", "pi"] + s)
        XCTAssertTrue(r.stdout.hasPrefix("Identity <U+202E>ytitnedi ^[[2J (pi.pi) at w1"), r.stdout)
        try run(["retest", "--scale", "pi", "--waves", "w1,w2"] + s)
        r = try run(["change", "--scale", "pi", "--between", "role"] + s)
        XCTAssertTrue(r.stdout.hasPrefix("Identity <U+202E>ytitnedi ^[[2J (pi.pi)"), r.stdout)
        try run(["lmm", "--scale", "pi", "--between", "role"] + s)
        r = try run(["rci", "--scale", "pi", "--from", "w1", "--to", "w3"] + s)
        XCTAssertTrue(r.stdout.contains("P^[[2J01"), r.stdout)
        try run(["report", "--format", "md", "--include-text"] + s)
        r = try run(["report", "--out", dir.appendingPathComponent("r.html").path] + s)
        XCTAssertTrue(r.stdout.contains("Main findings:"), r.stdout)
        XCTAssertEqual(Self.rawControls(try String(contentsOf: dir.appendingPathComponent("r.html"), encoding: .utf8)), [])
        try run(["simulate", "--participants", "3", "--out", dir.appendingPathComponent("sim.jsonl").path] + s)

        // Messages that quote the user's input or the store.
        r = try run(["reliability", "--scale", "x\u{1B}[2J\u{202E}"] + s, status: 1)
        XCTAssertTrue(r.stderr.contains("x^[[2J<U+202E>"), r.stderr)
        try run(["score", "--instrument", "\u{1B}]0;PWNED\u{07}"] + s, status: 1)
        try run(["score", "--no-such-\u{1B}[2J"] + s, status: 2)
        try "participant,wave,role,pi01,pi02,pi03,pi04\nQ\u{1B}[31m1,w1,mentee,3,\u{1B}[2J9,3,3\n"
            .write(toFile: dir.appendingPathComponent("in.csv").path, atomically: true, encoding: .utf8)
        r = try run(["import", "--instrument", "pi", "--csv", dir.appendingPathComponent("in.csv").path] + s, status: 1)
        XCTAssertFalse(r.stderr.isEmpty)
        let h = try FileHandle(forWritingTo: URL(fileURLWithPath: study + "/data/responses.jsonl"))
        h.seekToEndOfFile()
        h.write(Data(#"{"format":"waves.response/1","id":"x","study":"hostile-text","participant":"Z\u001b[2J","role":"mentee","wave":"w\u001b]0;PWNED\u0007","instrument":{"id":"pi","version":"1","sha256":"00"},"submitted_at":"2026-01-01T00:00:00Z","mode":"plain","answers":{},"declined":[]}"#.utf8 + [0x0A]))
        h.write(Data("not json \u{1B}[2J\u{9B}\n".utf8))
        try h.close()
        r = try run(["validate"] + s, status: 1)
        XCTAssertTrue(r.stderr.contains("w^[]0;PWNED^G"), r.stderr)
    }

    func testJSONEscapesEveryControlAndKeepsTheData() throws {
        let s = ["--study", study]
        for args in [["score", "--json"], ["status", "--json"], ["reliability", "--scale", "pi", "--json"], ["retest", "--scale", "pi", "--waves", "w1,w3", "--json"],
                     ["change", "--scale", "pi", "--between", "role", "--json"], ["lmm", "--scale", "pi", "--json"],
                     ["rci", "--scale", "pi", "--from", "w1", "--to", "w3", "--json"]] {
            let r = try run(args + s)
            XCTAssertNoThrow(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)), args.joined(separator: " "))
        }
        let r = try run(["score", "--json"] + s)
        XCTAssertTrue(r.stdout.contains(#""participant":"P\u001b[2J01""#), r.stdout)
        XCTAssertTrue(r.stdout.contains(#""role":"peer\u202e-mentor""#), r.stdout)
        let rows = (try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any])["scores"] as! [[String: Any]]
        XCTAssertTrue(rows.contains { $0["participant"] as? String == "P\u{1B}[2J01" }, "the same data, escaped")
        XCTAssertTrue(rows.contains { $0["role"] as? String == "peer\u{202E}-mentor" })
    }

    func testCSVAndExportsNeutraliseControlsAndReportFormulas() throws {
        let s = ["--study", study]
        var r = try run(["score", "--csv"] + s, crlf: true)
        XCTAssertTrue(r.stdout.hasPrefix("participant,role,wave,instrument,scale,score,answered,k\r\nP^[[2J01,mentee,w1,pi,pi,"), r.stdout)
        XCTAssertTrue(r.stdout.contains("\r\n\"=HYPERLINK(\"\"http://x\"\")\","), "kept faithful by default")
        XCTAssertEqual(r.stderr.filter { $0 == "\n" }.count, 1, r.stderr)
        XCTAssertTrue(r.stderr.hasPrefix("warning: 9 text cells begin with = + - @ tab or CR"), r.stderr)
        XCTAssertTrue(r.stderr.contains("column participant); open it with care or use --escape-formulas."), r.stderr)
        r = try run(["score", "--csv", "--escape-formulas"] + s, crlf: true)
        XCTAssertTrue(r.stdout.contains("\r\n\"'=HYPERLINK") && r.stdout.contains("\r\n'@SUM(1+1)") && r.stdout.contains("\r\n'-2+3"), r.stdout)
        XCTAssertTrue(r.stderr.hasPrefix("note: 9 text cells"), r.stderr)
        try run(["score", "--escape-formulas"] + s, status: 2)

        let wide = dir.appendingPathComponent("wide.csv").path
        r = try run(["export", "--format", "csv-wide", "--out", wide] + s)
        XCTAssertTrue(r.stderr.contains("warning: \(wide): "), r.stderr)
        XCTAssertTrue(r.stderr.contains("columns nt01_w2, participant)"), r.stderr)
        let wideText = try String(contentsOfFile: wide, encoding: .utf8)
        XCTAssertEqual(Self.rawControls(wideText, crlf: true), [])
        XCTAssertTrue(wideText.contains("^[]0;evil^Gretitled ^[[2J cleared"), "an answer's escapes are shown, not written")
        r = try run(["export", "--format", "csv-wide", "--escape-formulas", "--out", wide] + s)
        XCTAssertTrue(try String(contentsOfFile: wide, encoding: .utf8).contains("'=cmd|' /C calc'!A0"))
        XCTAssertTrue(r.stderr.contains("note: \(wide): "), r.stderr)

        let long = dir.appendingPathComponent("long").path + "/"
        try FileManager.default.createDirectory(atPath: long, withIntermediateDirectories: true)
        r = try run(["export", "--format", "csv-long", "--out", long] + s)
        XCTAssertEqual(r.stderr.components(separatedBy: "warning: ").count - 1, 2, "one line per file: \(r.stderr)")
        for f in ["pi.csv", "notes.csv"] {
            XCTAssertEqual(Self.rawControls(try String(contentsOfFile: long + f, encoding: .utf8), crlf: true), [], f)
        }
        for (name, crlf) in [("codebook.md", false), ("codebook.csv", true)] {
            let path = dir.appendingPathComponent(name).path
            try run(["export", "--format", "codebook", "--out", path] + s)
            let text = try String(contentsOfFile: path, encoding: .utf8)
            XCTAssertEqual(Self.rawControls(text, crlf: crlf), [], name)
            XCTAssertTrue(text.contains("PI "), name)
        }
        let sav = dir.appendingPathComponent("h.sav").path
        try run(["export", "--format", "sav", "--out", sav] + s)
        for f in ["h.sps", "h.R"] {
            let text = try String(contentsOf: dir.appendingPathComponent(f), encoding: .utf8)
            XCTAssertEqual(Self.rawControls(text), [], f)
        }
        try run(["export", "--format", "sav", "--escape-formulas", "--out", sav] + s, status: 2)
        try run(["export", "--format", "codebook", "--escape-formulas", "--out", dir.appendingPathComponent("c.md").path] + s, status: 2)
        r = try run(["export", "--format", "codebook", "--escape-formulas", "--out", dir.appendingPathComponent("c.csv").path] + s)
        XCTAssertTrue(r.stderr.isEmpty || r.stderr.hasPrefix("note: "), r.stderr)
    }

    func testTakeAndItsClosingLines() throws {
        let r = try run(["take", "--study", study, "--participant", "Q\u{1B}[2J1", "--wave", "w1", "--role", "mentee", "--instrument", "pi", "--plain"],
                        stdin: "3\n3\n3\n3\ny\n")
        XCTAssertTrue(r.stdout.contains("recorded"), r.stdout)
    }

    /// Answers of 1e20 and 1e308 (Tests/Fixtures/large-numbers): compact numbers, no trap, a plain sentence for alpha.
    func testLargeNumbersPrintCompactly() throws {
        let s = ["--study", Self.fixtures.appendingPathComponent("large-numbers").path]
        var r = try run(["score"] + s)
        XCTAssertNil(r.stdout.firstMatch(of: /[0-9]{16,}/), r.stdout)
        XCTAssertTrue(r.stdout.contains("5.00e+19") && r.stdout.contains("-5.00e+307"), r.stdout)
        r = try run(["reliability", "--scale", "workload"] + s)
        XCTAssertTrue(r.stdout.contains("alpha could not be computed"), r.stdout)
        XCTAssertFalse(r.stdout.contains("internal consistency"), r.stdout)
        XCTAssertNil(r.stdout.firstMatch(of: /[0-9]{16,}/), r.stdout)
        r = try run(["report", "--out", dir.appendingPathComponent("big.html").path] + s)
        XCTAssertFalse(r.stdout.contains("alpha from –"), r.stdout)
        try run(["report", "--format", "md"] + s)
        r = try run(["score", "--json"] + s)
        XCTAssertTrue(r.stdout.contains("1e+20") || r.stdout.contains("5e+19"), r.stdout)
    }
}
