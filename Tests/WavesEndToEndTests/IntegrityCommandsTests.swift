import Foundation
import XCTest
import WavesCore
import WavesTestSupport

/// `waves verify`, `waves instruments diff`, `waves quality` and the `prev`/`timings` keys,
/// through the built binary on studies made by `waves init` (docs/integrity.md).
final class IntegrityCommandsTests: XCTestCase {
    var dir: URL!
    var study: String!
    let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    override func setUpWithError() throws {
        dir = WavesProcess.tempDir("integrity")
        study = try makeTakeStudy(in: dir)
        try "participant,role\nP001,mentee\nP002,peer-mentor\nP003,mentee\nP004,mentee\n".write(toFile: study + "/roster.csv", atomically: true, encoding: .utf8)
    }
    override func tearDown() { try? FileManager.default.removeItem(at: dir) }

    var storePath: String { study + "/data/responses.jsonl" }

    func importWave(_ n: Int) throws {
        let r = try WavesProcess.run(["import", "--study", study, "--instrument", "identity", "--csv", fixtures.appendingPathComponent("identity-w\(n).csv").path])
        XCTAssertEqual(r.status, 0, r.stderr)
    }

    func storeLines() throws -> [String] {
        try String(contentsOfFile: storePath, encoding: .utf8).split(separator: "\n").map(String.init)
    }

    func verifyJSON() throws -> (Int32, [String: Any]) {
        let r = try WavesProcess.run(["verify", "--study", study, "--json"])
        return (r.status, try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any])
    }

    func testVerifyAfterImportsThenAfterEveryKindOfTampering() throws {
        try importWave(1)
        try importWave(2)
        let lines = try storeLines()
        XCTAssertEqual(lines.count, 6)
        var (status, j) = try verifyJSON()
        XCTAssertEqual(status, 0)
        XCTAssertEqual(j["records"] as? Int, 6)
        XCTAssertEqual(j["chained"] as? Int, 5)
        XCTAssertTrue(j["first_break"] is NSNull)
        XCTAssertEqual(j["head"] as? String, ContentHash.sha256Hex(Array(lines[5].utf8)))
        let text = try WavesProcess.run(["verify", "--study", study])
        XCTAssertEqual(text.status, 0)
        XCTAssertTrue(text.stdout.contains("6 record(s), 5 chained line(s); the chain holds"), text.stdout)
        XCTAssertTrue(text.stdout.contains("head: \(ContentHash.sha256Hex(Array(lines[5].utf8)))"), text.stdout)

        func tampered(_ ls: [String], expectLine: Int, _ what: String) throws {
            try (ls.joined(separator: "\n") + "\n").write(toFile: storePath, atomically: false, encoding: .utf8)
            (status, j) = try verifyJSON()
            XCTAssertEqual(status, 1, what)
            XCTAssertEqual((j["first_break"] as? [String: Any])?["line"] as? Int, expectLine, what)
            let v = try WavesProcess.run(["validate", "--study", study])
            XCTAssertEqual(v.status, 1, what)
            XCTAssertTrue(v.stderr.contains("data/responses.jsonl:\(expectLine): the hash chain breaks here"), what + ": " + v.stderr)
        }
        var edited = lines
        edited[4] = edited[4].replacingOccurrences(of: "\"pi01\":", with: "\"pi01\": ")
        try tampered(edited, expectLine: 6, "edited line 5")
        var deleted = lines; deleted.remove(at: 2)
        try tampered(deleted, expectLine: 3, "deleted line 3")
        var inserted = lines; inserted.insert(lines[5], at: 3)
        try tampered(inserted, expectLine: 4, "inserted at line 4")
        var reordered = lines; reordered.swapAt(3, 4)
        try tampered(reordered, expectLine: 4, "lines 4 and 5 swapped")
        // Truncated: a torn last line is reported, the chain up to it holds.
        try (lines.joined(separator: "\n") + "\n" + String(lines[5].prefix(40))).write(toFile: storePath, atomically: false, encoding: .utf8)
        (status, j) = try verifyJSON()
        XCTAssertEqual(status, 0)
        XCTAssertEqual(j["torn_line"] as? Int, 7)
        XCTAssertEqual(j["head"] as? String, ContentHash.sha256Hex(Array(lines[5].utf8)))
    }

    func testARound1StoreSaysWhereTheChainStarts() throws {
        // Round-1 lines: records without prev, written before the chain existed.
        try importWave(1)
        let old = try storeLines().map { l -> String in
            let r = try ResponseRecord(json: JSONParser.parse(l))
            var plain = r; plain.prev = nil
            return plain.jsonLine
        }
        try (old.joined(separator: "\n") + "\n").write(toFile: storePath, atomically: false, encoding: .utf8)
        var r = try WavesProcess.run(["verify", "--study", study])
        XCTAssertEqual(r.status, 0)
        XCTAssertTrue(r.stdout.contains("no record carries \"prev\""), r.stdout)
        try importWave(2)
        r = try WavesProcess.run(["verify", "--study", study])
        XCTAssertEqual(r.status, 0, r.stdout)
        XCTAssertTrue(r.stdout.contains("no chain before line 5"), r.stdout)
        let v = try WavesProcess.run(["validate", "--study", study])
        XCTAssertEqual(v.status, 0, v.stderr)
        XCTAssertTrue(v.stderr.contains("note: no hash chain before line 5"), v.stderr)
    }

    func testInstrumentVersionsAreKeptAndDiffedAndAScoringChangeWarns() throws {
        try importWave(1)
        let instPath = study + "/instruments/identity.yaml"
        let v1 = try Data(contentsOf: URL(fileURLWithPath: instPath))
        let h1 = ContentHash.sha256Hex(v1)
        let kept = study + "/data/instruments/\(h1).yaml"
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: kept)), v1)
        XCTAssertEqual((try FileManager.default.attributesOfItem(atPath: kept)[.posixPermissions] as? NSNumber)?.intValue, 0o600)
        // Version 1.1.0: pi04 reversed, pi01 reworded, option 3 relabelled.
        var text = String(decoding: v1, as: UTF8.self)
        text = text.replacingOccurrences(of: "version: 1.0.0", with: "version: 1.1.0")
        text = text.replacingOccurrences(of: "  - id: pi04\n    text: The values of medicine are becoming my own values.\n    response: agree5\n",
                                         with: "  - id: pi04\n    text: The values of medicine are becoming my own values.\n    response: agree5\n    reverse: true\n")
        text = text.replacingOccurrences(of: "When I picture my future, I see myself working as a doctor.", with: "I see myself working as a doctor.")
        XCTAssertNotEqual(text, String(decoding: v1, as: UTF8.self))
        try text.write(toFile: instPath, atomically: true, encoding: .utf8)
        try importWave(2)
        let h2 = ContentHash.sha256Hex(Array(text.utf8))
        XCTAssertTrue(FileManager.default.fileExists(atPath: study + "/data/instruments/\(h2).yaml"))

        let d = try WavesProcess.run(["instruments", "diff", "--study", study, "--instrument", "identity"])
        XCTAssertEqual(d.status, 0, d.stderr)
        assertGolden(d.stdout.replacingOccurrences(of: String(h1.prefix(12)), with: "<v1>").replacingOccurrences(of: String(h2.prefix(12)), with: "<v2>"),
                     "instruments-diff.txt")
        let dj = try WavesProcess.run(["instruments", "diff", "--study", study, "--json"])
        let json = try JSONSerialization.jsonObject(with: Data(dj.stdout.utf8)) as! [String: Any]
        let identity = (json["instruments"] as! [[String: Any]]).first { $0["instrument"] as? String == "identity" }!
        let versions = identity["versions"] as! [[String: Any]]
        XCTAssertEqual(versions.map { $0["sha256"] as? String }, [h1, h2])
        XCTAssertEqual(versions.map { $0["records"] as? Int }, [4, 2])
        XCTAssertEqual(versions.map { $0["waves"] as? [String] }, [["w1"], ["w2"]])

        let v = try WavesProcess.run(["validate", "--study", study])
        XCTAssertTrue(v.stderr.contains("warning: scale 'identity' of instrument 'identity': 4 record(s) at wave(s) w1 were made with version 1.0.0"), v.stderr)
        XCTAssertTrue(v.stderr.contains("item pi04: reverse keying off -> on"), v.stderr)
        XCTAssertFalse(v.stderr.contains("scale 'belonging'") && v.stderr.contains("pi01"), "wording changes never warn")
        let s = try WavesProcess.run(["score", "--study", study, "--instrument", "identity"])
        XCTAssertTrue(s.stderr.contains("scores differently from the current file: item pi04: reverse keying off -> on"), s.stderr)
        // `waves flow` keeps no record: it warns from the index's chosen submissions, the same lines.
        let f = try WavesProcess.run(["flow", "--study", study])
        XCTAssertEqual(f.status, 0, f.stderr)
        func drifts(_ t: String) -> [Substring] { t.split(separator: "\n").filter { $0.hasPrefix("warning: scale") } }
        XCTAssertFalse(drifts(f.stderr).isEmpty, f.stderr)
        XCTAssertEqual(drifts(f.stderr), drifts(s.stderr))
    }

    func testTakeRecordsTimingsAndQualityFlagsThem() throws {
        let input = ["4", "4", "4", "4", "4", "4", "4", "4", "y"]
        let r = try WavesProcess.run(["take", "--study", study, "--participant", "P001", "--wave", "w1", "--instrument", "identity", "--plain"],
                                     stdin: input.joined(separator: "\n") + "\n")
        XCTAssertEqual(r.status, 0, r.stderr)
        let rec = try storeRecords(study)[0]
        let timings = try XCTUnwrap(rec["timings"] as? [String: Double])
        XCTAssertEqual(Set(timings.keys), Set((1...8).map { String(format: "pi%02d", $0) }))
        XCTAssertNotNil(rec["duration_ms"] as? Double)
        XCTAssertNil(rec["prev"], "the first line has no prev")
        let q = try WavesProcess.run(["quality", "--study", study, "--json"])
        XCTAssertEqual(q.status, 0, q.stderr)
        let j = try JSONSerialization.jsonObject(with: Data(q.stdout.utf8)) as! [String: Any]
        let sub = (j["submissions"] as! [[String: Any]])[0]
        XCTAssertEqual(sub["longstring"] as? Int, 8)
        XCTAssertEqual(sub["straightlining"] as? Bool, true)
        XCTAssertEqual(sub["speeding"] as? Bool, false, "one duration is no median")
        XCTAssertEqual(sub["missing_rate"] as? Double, 0)
    }

    /// A Malay translation of the shipped identity instrument, generated from its own texts.
    func addTranslation(dropping: String? = nil) throws -> String {
        let path = study + "/instruments/identity.yaml"
        let inst = try InstrumentLoader.load(url: URL(fileURLWithPath: path))
        var t = "translations:\n  ms:\n    title: \"MS \(inst.title)\"\n"
        if let intro = inst.intro { t += "    intro: \"MS \(intro)\"\n" }
        t += "    items:\n"
        for item in inst.items where item.id != dropping { t += "      \(item.id): \"MS \(item.text)\"\n" }
        t += "    options:\n"
        for set in inst.responseSets {
            t += "      \(set.id): {" + set.options.map { "\(JSONWriter.number($0.value)): \"MS \($0.label)\"" }.joined(separator: ", ") + "}\n"
        }
        t += "    scales:\n"
        for sc in inst.scales { t += "      \(sc.id): \"MS \(sc.label)\"\n" }
        var text = try String(contentsOfFile: path, encoding: .utf8)
        if !text.hasSuffix("\n") { text += "\n" }
        try (text + t).write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func testATranslatedInstrumentTakenInPlainMode() throws {
        _ = try addTranslation()
        let v = try WavesProcess.run(["validate", "--study", study])
        XCTAssertEqual(v.status, 0, v.stderr)
        let input = ["4", "4", "3", "2", "5", "4", "4", "3", "y"]
        let r = try WavesProcess.run(["take", "--study", study, "--participant", "P001", "--wave", "w1", "--instrument", "identity", "--plain", "--language", "ms"],
                                     stdin: input.joined(separator: "\n") + "\n")
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("MS When I picture my future, I see myself working as a doctor."), r.stdout)
        XCTAssertTrue(r.stdout.contains("MS Strongly agree"), r.stdout)
        XCTAssertFalse(r.stdout.contains("\n1 of 8. When I picture"), "the English text is not shown")
        let rec = try storeRecords(study)[0]
        XCTAssertEqual(rec["language"] as? String, "ms")
        XCTAssertEqual((rec["answers"] as? [String: Any])?["pi01"] as? Double, 4, "the same values in every language")
        let bad = try WavesProcess.run(["take", "--study", study, "--participant", "P003", "--wave", "w1", "--instrument", "identity", "--plain", "--language", "fr"], stdin: "")
        XCTAssertEqual(bad.status, 1)
        XCTAssertTrue(bad.stderr.contains("instrument 'identity' is not available in 'fr' (its languages: en, ms)"), bad.stderr)
    }

    func testValidateReportsAnIncompleteTranslationWithFileAndLine() throws {
        _ = try addTranslation(dropping: "pi05")
        let v = try WavesProcess.run(["validate", "--study", study])
        XCTAssertEqual(v.status, 1)
        XCTAssertTrue(v.stderr.range(of: #"instruments/identity\.yaml:\d+:\d+: translation 'ms' has no text for item 'pi05'"#, options: .regularExpression) != nil, v.stderr)
    }
}
