import XCTest
import WavesTestSupport

/// init, import, validate, status and score on a temporary study, against golden output.
final class FoundationCommandsTests: XCTestCase {
    var dir: URL!
    var study: String { dir.appendingPathComponent("study").path }
    let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    override func setUp() { dir = WavesProcess.tempDir("foundation") }
    override func tearDown() { try? FileManager.default.removeItem(at: dir) }

    /// Replaces the temporary folder in output with a stable placeholder.
    func clean(_ s: String) -> String { s.replacingOccurrences(of: dir.path, with: "$TMP") }

    func initStudy() throws {
        let r = try WavesProcess.run(["init", study, "--id", "e2e"])
        XCTAssertEqual(r.status, 0, r.stderr)
        assertGolden(clean(r.stdout), "init.txt")
        try "participant,role\nP001,mentee\nP002,peer-mentor\nP003,mentee\nP004,mentee\n"
            .write(toFile: study + "/roster.csv", atomically: true, encoding: .utf8)
    }

    func testInitImportValidateStatusScore() throws {
        try initStudy()
        var r = try WavesProcess.run(["import", "--study", study, "--instrument", "identity", "--csv", fixtures.appendingPathComponent("identity-w1.csv").path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "Imported 4 response(s) for 'identity' into data/responses.jsonl.\n")
        r = try WavesProcess.run(["import", "--study", study, "--instrument", "identity", "--csv", fixtures.appendingPathComponent("identity-w2.csv").path])
        XCTAssertEqual(r.status, 0, r.stderr)

        r = try WavesProcess.run(["validate", "--study", study])
        XCTAssertEqual(r.status, 0, r.stderr)
        assertGolden(r.stdout, "validate.txt")

        r = try WavesProcess.run(["status", "--study", study])
        XCTAssertEqual(r.status, 0, r.stderr)
        assertGolden(r.stdout, "status.txt")
        r = try WavesProcess.run(["status", "--study", study, "--json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        assertGolden(r.stdout, "status.json")

        r = try WavesProcess.run(["score", "--study", study, "--instrument", "identity"])
        assertGolden(r.stdout, "score.txt")
        r = try WavesProcess.run(["score", "--study", study, "--instrument", "identity", "--csv"])
        assertGolden(r.stdout, "score.csv")
        r = try WavesProcess.run(["score", "--study", study, "--instrument", "identity", "--json"])
        assertGolden(r.stdout, "score.json")
        // Spot-check one score by hand: P001 w1, reversed pi03 (2 -> 4) and pi06 (2 -> 4).
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        let rows = json["scores"] as! [[String: Any]]
        let p1 = rows.first { $0["participant"] as? String == "P001" && $0["wave"] as? String == "w1" && $0["scale"] as? String == "identity" }!
        XCTAssertEqual(p1["score"] as! Double, (4 + 4 + 4 + 4 + 3 + 4 + 5 + 4) / 8.0, accuracy: 1e-12)
        let empty = rows.first { $0["participant"] as? String == "P004" && $0["scale"] as? String == "identity" }!
        XCTAssertTrue(empty["score"] is NSNull, "a row with nothing answered has a null score")
        XCTAssertEqual(empty["answered"] as? Int, 0)
    }

    func testImportReportsEveryProblemAndWritesNothing() throws {
        try initStudy()
        let r = try WavesProcess.run(["import", "--study", study, "--instrument", "identity", "--csv", fixtures.appendingPathComponent("identity-bad.csv").path])
        XCTAssertEqual(r.status, 1)
        assertGolden(clean(r.stderr.replacingOccurrences(of: fixtures.path, with: "$FIXTURES")), "import-bad.txt")
        let size = (try FileManager.default.attributesOfItem(atPath: study + "/data/responses.jsonl")[.size] as? NSNumber)?.intValue
        XCTAssertEqual(size, 0, "nothing is half-imported")
    }

    func testReimportIsKeptAndFlaggedAsDuplicates() throws {
        try initStudy()
        let csv = fixtures.appendingPathComponent("identity-w1.csv").path
        _ = try WavesProcess.run(["import", "--study", study, "--instrument", "identity", "--csv", csv])
        let r = try WavesProcess.run(["import", "--study", study, "--instrument", "identity", "--csv", csv])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("note: 4 of them repeat an earlier submission"), r.stderr)
        let v = try WavesProcess.run(["validate", "--study", study])
        XCTAssertTrue(v.stdout.contains("8 record(s) from 4 participant(s), 4 duplicate(s)"), v.stdout)
    }

    func testValidateReportsStoreProblemsWithLineNumbers() throws {
        try initStudy()
        _ = try WavesProcess.run(["import", "--study", study, "--instrument", "identity", "--csv", fixtures.appendingPathComponent("identity-w1.csv").path])
        let h = try FileHandle(forWritingTo: URL(fileURLWithPath: study + "/data/responses.jsonl"))
        h.seekToEndOfFile()
        h.write(Data("not json\n{\"format\":\"waves.response/1\"".utf8))
        try h.close()
        let r = try WavesProcess.run(["validate", "--study", study])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("data/responses.jsonl:5: not valid JSON"), r.stderr)
        XCTAssertTrue(r.stderr.contains("data/responses.jsonl:6: the last line is incomplete"), r.stderr)
        XCTAssertTrue(r.stdout.contains("2 error(s)"), r.stdout)
    }

    func testBrokenInstrumentFailsWithLocatedMessage() throws {
        try initStudy()
        let path = study + "/instruments/identity.yaml"
        var text = try String(contentsOfFile: path, encoding: .utf8)
        text = text.replacingOccurrences(of: "    response: agree5\n    reverse: true\n  - id: pi04", with: "    response: agree7\n    reverse: true\n  - id: pi04")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        for cmd in ["validate", "status", "score"] {
            let r = try WavesProcess.run([cmd, "--study", study])
            XCTAssertEqual(r.status, 1, cmd)
            XCTAssertTrue(r.stderr.contains("instruments/identity.yaml:31:15: item 'pi03' uses unknown response set 'agree7' (defined: agree5)"), "\(cmd): \(r.stderr)")
        }
    }

    func testUsageErrorsExitWithTwo() throws {
        let r = try WavesProcess.run(["score", "--no-such-flag"])
        XCTAssertEqual(r.status, 2)
        let r2 = try WavesProcess.run(["status", "--study", dir.appendingPathComponent("nowhere").path])
        XCTAssertEqual(r2.status, 1)
        XCTAssertTrue(r2.stderr.contains("no study here"), r2.stderr)
    }

    func testSimulateIsDeterministic() throws {
        try initStudy()
        try "participant,role\n".write(toFile: study + "/roster.csv", atomically: true, encoding: .utf8)
        let a = dir.appendingPathComponent("a.jsonl").path, b = dir.appendingPathComponent("b.jsonl").path
        for out in [a, b] {
            let r = try WavesProcess.run(["simulate", "--study", study, "--participants", "25", "--seed", "7", "--out", out, "--dropout", "0.2"])
            XCTAssertEqual(r.status, 0, r.stderr)
        }
        let da = try Data(contentsOf: URL(fileURLWithPath: a)), db = try Data(contentsOf: URL(fileURLWithPath: b))
        XCTAssertEqual(da, db)
        XCTAssertGreaterThan(da.count, 10_000)
        let r = try WavesProcess.run(["simulate", "--study", study, "--participants", "25", "--seed", "8", "--out", b, "--append"])
        XCTAssertEqual(r.status, 0)
        XCTAssertNotEqual(try Data(contentsOf: URL(fileURLWithPath: b)).suffix(5000), da.suffix(5000))
    }

    func testDemoStudyIsValidAndReproducible() throws {
        let demo = WavesProcess.repoRoot.appendingPathComponent("datasets/pmi-demo")
        let r = try WavesProcess.run(["validate", "--study", demo.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        // Rebuilding the demo with its documented command gives the committed bytes.
        try FileManager.default.copyItem(at: demo, to: dir.appendingPathComponent("demo"))
        let copy = dir.appendingPathComponent("demo")
        try FileManager.default.removeItem(at: copy.appendingPathComponent("data"))
        let s = try WavesProcess.run(["simulate", "--study", copy.path, "--participants", "40", "--seed", "2026", "--growth", "0.5", "--write-roster"])
        XCTAssertEqual(s.status, 0, s.stderr)
        XCTAssertEqual(try Data(contentsOf: copy.appendingPathComponent("data/responses.jsonl")),
                       try Data(contentsOf: demo.appendingPathComponent("data/responses.jsonl")))
    }
}
