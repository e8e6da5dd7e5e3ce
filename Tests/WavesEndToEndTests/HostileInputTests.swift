import XCTest

/// The adversarial review's reproductions (issue 12 items 4, 6, 10, 11, 12) no longer work.
/// `S` is made as the review made it: `waves init S && waves simulate --study S --participants 40 --seed 1 --write-roster`.
final class HostileInputTests: XCTestCase {
    var dir: URL!
    var s: String { dir.appendingPathComponent("S").path }
    var store: URL { dir.appendingPathComponent("S/data/responses.jsonl") }
    var original: String?

    override func setUpWithError() throws {
        dir = WavesProcess.tempDir("hostile")
        XCTAssertEqual(try WavesProcess.run(["init", s]).status, 0)
        let r = try WavesProcess.run(["simulate", "--study", s, "--participants", "40", "--seed", "1", "--write-roster"])
        XCTAssertEqual(r.status, 0, r.stderr)
    }

    override func tearDown() { try? FileManager.default.removeItem(at: dir) }

    /// Sets the identity instrument's `path:` in the study.yaml that `init` wrote.
    func setInstrumentPath(_ path: String) throws {
        let url = dir.appendingPathComponent("S/study.yaml")
        if original == nil { original = try String(contentsOf: url, encoding: .utf8) }
        try original!.replacingOccurrences(of: "path: instruments/identity.yaml", with: "path: \(path)").write(to: url, atomically: true, encoding: .utf8)
    }

    // MARK: item 4: instrument paths stay inside the study, and nothing is echoed

    func testTraversalAbsoluteAndProcPathsAreRefusedWithoutEcho() throws {
        try setInstrumentPath("../../../../../etc/passwd")
        var r = try WavesProcess.run(["validate", "--study", s])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("study.yaml:10:5: '../../../../../etc/passwd' leads outside the study folder; an instrument file must be inside it"), r.stderr)
        XCTAssertFalse(r.stderr.contains("root:"), r.stderr)
        for cmd in [["score"], ["reliability", "--scale", "identity"], ["status"]] {
            r = try WavesProcess.run(cmd + ["--study", s])
            XCTAssertEqual(r.status, 1, "\(cmd)")
            XCTAssertTrue(r.stderr.contains("leads outside the study folder"), "\(cmd): \(r.stderr)")
        }
        try setInstrumentPath("../../../../../proc/self/environ")
        r = try WavesProcess.run(["validate", "--study", s], env: ["WAVES_CANARY": "canary-value-42"])
        XCTAssertFalse(r.stderr.contains("canary-value-42"), r.stderr)
        XCTAssertTrue(r.stderr.contains("leads outside the study folder"), r.stderr)
    }

    func testAbsolutePathIsRefusedForWhatItIs() throws {
        try setInstrumentPath("/etc/passwd")
        let r = try WavesProcess.run(["validate", "--study", s])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("absolute paths are not allowed: /etc/passwd"), r.stderr)
        XCTAssertFalse(r.stderr.contains("does not exist"), r.stderr)
    }

    func testSymlinkedInstrumentIsRefused() throws {
        let link = dir.appendingPathComponent("S/instruments/identity.yaml")
        try FileManager.default.removeItem(at: link)
        try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: "/etc/passwd")
        let r = try WavesProcess.run(["validate", "--study", s])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("'instruments/identity.yaml' is a symbolic link; Waves does not follow links inside a study folder"), r.stderr)
        XCTAssertFalse(r.stderr.contains("root:"), r.stderr)
    }

    func testForeignFileCopiedInIsNotQuoted() throws {
        let secret = "root:*:20228:0:99999:7::"
        try "\(secret)\ndaemon:*:20228:0:99999:7::\nfoo: bar\n".write(to: dir.appendingPathComponent("S/instruments/identity.yaml"), atomically: true, encoding: .utf8)
        let r = try WavesProcess.run(["validate", "--study", s])
        XCTAssertEqual(r.status, 1)
        XCTAssertFalse(r.stderr.contains("root"), r.stderr)
        XCTAssertFalse(r.stderr.contains("foo"), r.stderr)
    }

    // MARK: item 11: plain messages

    func testEmptyPathAndFolderAndInvalidUTF8GetPlainLocatedSentences() throws {
        try setInstrumentPath("\"\"")
        var r = try WavesProcess.run(["validate", "--study", s])
        XCTAssertTrue(r.stderr.contains("study.yaml:10:5: the instrument file path is empty"), r.stderr)
        XCTAssertFalse(r.stderr.contains("NSCocoaErrorDomain"), r.stderr)
        try setInstrumentPath("instruments")
        r = try WavesProcess.run(["validate", "--study", s])
        XCTAssertTrue(r.stderr.contains("study.yaml:10:5: 'instruments' is a folder, not an instrument file"), r.stderr)
        XCTAssertFalse(r.stderr.contains("NSCocoaErrorDomain"), r.stderr)
        // The review's invalid UTF-8: a 0xFF byte on line 12 of reflection.yaml.
        let refl = dir.appendingPathComponent("S/instruments/reflection.yaml")
        var lines = try String(contentsOf: refl, encoding: .utf8).components(separatedBy: "\n")
        var bytes = Data()
        for (i, l) in lines.enumerated() {
            if i == 11 { bytes.append(Data(l.utf8.prefix(6))); bytes.append(0xFF); bytes.append(Data(l.utf8.dropFirst(6))) } else { bytes.append(Data(l.utf8)) }
            if i < lines.count - 1 { bytes.append(0x0A) }
        }
        lines.removeAll()
        try bytes.write(to: refl)
        r = try WavesProcess.run(["validate", "--study", s])
        XCTAssertTrue(r.stderr.contains("instruments/reflection.yaml:12: byte 7: not valid UTF-8 (0xFF)"), r.stderr)
    }

    func testInitSimulateValidateIsClean() throws {
        let t = dir.appendingPathComponent("T").path
        XCTAssertEqual(try WavesProcess.run(["init", t]).status, 0)
        let sim = try WavesProcess.run(["simulate", "--study", t, "--participants", "40", "--seed", "1"])
        XCTAssertEqual(sim.status, 0, sim.stderr)
        XCTAssertTrue(sim.stdout.contains("Added 40 simulated participant(s) to roster.csv"), sim.stdout)
        let v = try WavesProcess.run(["validate", "--study", t])
        XCTAssertEqual(v.status, 0, v.stderr)
        XCTAssertTrue(v.stdout.hasSuffix("OK: no errors, 0 warning(s)\n"), v.stdout)
        XCTAssertEqual(v.stderr, "")
    }

    func testOneInstrumentEditIsOneWarningLine() throws {
        let url = dir.appendingPathComponent("S/instruments/identity.yaml")
        let text = try String(contentsOf: url, encoding: .utf8)
        try text.replacingOccurrences(of: "title: Professional identity", with: "title: Professional identity (edited)").write(to: url, atomically: true, encoding: .utf8)
        let r = try WavesProcess.run(["validate", "--study", s])
        XCTAssertEqual(r.status, 0, r.stderr)
        let lines = r.stderr.split(separator: "\n")
        XCTAssertEqual(lines.count, 1, r.stderr)
        XCTAssertTrue(lines[0].hasPrefix("data/responses.jsonl: warning: instrument 'identity' changed since 109 records were made (lines 1, "), r.stderr)
    }

    // MARK: item 6: out-of-range stored answers are set aside

    /// Replaces the first `"pi01":N` of store line `line` with `value` (the review's `sed`).
    func setPi01(line: Int, to value: String) throws {
        var lines = try String(contentsOf: store, encoding: .utf8).components(separatedBy: "\n")
        let r = lines[line - 1].range(of: #""pi01":(null|[0-9]+)"#, options: .regularExpression)!
        lines[line - 1].replaceSubrange(r, with: "\"pi01\":\(value)")
        try lines.joined(separator: "\n").write(to: store, atomically: true, encoding: .utf8)
    }

    func alpha(_ extra: [String] = []) throws -> (alpha: Double, setAside: Int, stderr: String) {
        let r = try WavesProcess.run(["reliability", "--study", s, "--scale", "identity", "--wave", "w1", "--json"] + extra)
        XCTAssertEqual(r.status, 0, r.stderr)
        let j = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        return (j["alpha"] as! Double, j["set_aside"] as! Int, r.stderr)
    }

    func testOutOfRangeAnswerIsSetAsideWithANote() throws {
        try setPi01(line: 1, to: "null")
        let missing = try alpha()
        try setPi01(line: 1, to: "99")
        let out = try alpha()
        XCTAssertEqual(out.alpha, missing.alpha, "99 counts exactly as a missing answer")
        XCTAssertEqual(out.alpha, 0.905, accuracy: 0.001, "the review's alpha at w1 (0.277 when 99 was used)")
        XCTAssertEqual(out.setAside, 1)
        XCTAssertEqual(missing.setAside, 0)
        let note = "note: 1 answer outside its item's range was set aside as missing: line 1 pi01 = 99 (see `waves validate`)"
        XCTAssertEqual(out.stderr, note + "\n")
        for cmd in [["score"], ["retest", "--scale", "identity", "--waves", "w1,w2"], ["change", "--scale", "identity"],
                    ["lmm", "--scale", "identity"], ["rci", "--scale", "identity", "--from", "w1", "--to", "w3"]] {
            let r = try WavesProcess.run(cmd + ["--study", s, "--json"])
            XCTAssertEqual(r.status, 0, "\(cmd): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains(note), "\(cmd): \(r.stderr)")
            let j = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
            XCTAssertEqual(j["set_aside"] as? Int, 1, "\(cmd)")
        }
        let rep = try WavesProcess.run(["report", "--study", s, "--out", dir.appendingPathComponent("r.html").path, "--quiet"])
        XCTAssertEqual(rep.status, 0, rep.stderr)
        XCTAssertTrue(rep.stderr.contains(note), rep.stderr)
        // P001's identity score at w1 is the mean of the other answered items, not pulled towards 99.
        let sc = try WavesProcess.run(["score", "--study", s, "--instrument", "identity", "--json"])
        let rows = (try JSONSerialization.jsonObject(with: Data(sc.stdout.utf8)) as! [String: Any])["scores"] as! [[String: Any]]
        let p1 = rows.first { $0["participant"] as? String == "P001" && $0["wave"] as? String == "w1" && $0["scale"] as? String == "identity" }!
        XCTAssertLessThanOrEqual(p1["score"] as! Double, 5)
        XCTAssertEqual(p1["answered"] as? Int, (p1["k"] as! Int) - 1)
        let v = try WavesProcess.run(["validate", "--study", s])
        XCTAssertEqual(v.status, 1)
        XCTAssertTrue(v.stderr.contains("data/responses.jsonl:1: value 99 is not in the response set of 'pi01' (allowed: 1, 2, 3, 4, 5); analyses set it aside as missing"), v.stderr)
    }

    // MARK: item 12: lenient numbers in import

    func testLenientNumbersAreRefusedOnImport() throws {
        let b = dir.appendingPathComponent("B").path
        XCTAssertEqual(try WavesProcess.run(["init", b]).status, 0)
        let csv = dir.appendingPathComponent("in.csv")
        try "participant,wave,role,pi01,pi02,pi03,pi04\nA,w1,mentee,0x4,0x1p2,+4,4e0\nB,w1,mentee,\"4\u{0}\",inf,NaN,4\n"
            .write(to: csv, atomically: true, encoding: .utf8)
        let study = dir.appendingPathComponent("B/study.yaml")
        try String(contentsOf: study, encoding: .utf8).replacingOccurrences(of: "roster: roster.csv\n", with: "").write(to: study, atomically: true, encoding: .utf8)
        let r = try WavesProcess.run(["import", "--study", b, "--instrument", "identity", "--csv", csv.path])
        XCTAssertEqual(r.status, 1)
        for cell in ["line 2, column 4 (pi01): '0x4'", "line 2, column 5 (pi02): '0x1p2'", "line 2, column 6 (pi03): '+4'",
                     "line 3, column 4 (pi01): '4^@'", "line 3, column 5 (pi02): 'inf'", "line 3, column 6 (pi03): 'NaN'"] {
            XCTAssertTrue(r.stderr.contains(cell), "\(cell): \(r.stderr)")
        }
        XCTAssertFalse(r.stderr.contains("column 7"), "4e0 is a number")
        XCTAssertTrue(r.stderr.contains("Nothing was imported."))
        XCTAssertEqual(try Data(contentsOf: dir.appendingPathComponent("B/data/responses.jsonl")).count, 0)
        var bad = Data("participant,wave,role,pi01\nA,w1,mentee,4\n".utf8)
        bad.append(contentsOf: [0x42, 0xFF, 0x2C])
        try bad.write(to: csv)
        let u = try WavesProcess.run(["import", "--study", b, "--instrument", "identity", "--csv", csv.path])
        XCTAssertEqual(u.status, 1)
        XCTAssertTrue(u.stderr.contains("in.csv: line 3: byte 2: not valid UTF-8 (0xFF)"), u.stderr)
    }

    // MARK: item 10: de-identification keys

    func testKeysWithoutEntropyAreRefusedAndKeysInTheStudyWarned() throws {
        let out = dir.appendingPathComponent("w.csv").path
        let key = dir.appendingPathComponent("k")
        for bytes in [Data(repeating: 0, count: 32), Data("0123456789abcdef".utf8), Data(repeating: 0x61, count: 40)] {
            try bytes.write(to: key)
            let r = try WavesProcess.run(["export", "--study", s, "--format", "csv-wide", "--deidentify", "--key-file", key.path, "--out", out])
            XCTAssertEqual(r.status, 1, r.stderr)
            XCTAssertTrue(r.stderr.contains("cannot serve as a key"), r.stderr)
        }
        let inside = dir.appendingPathComponent("S/pmi.key")
        try Data("8f3a1c9e4b7d2f60a5e1c8b3d9f7024e\n".utf8).write(to: inside)
        let r = try WavesProcess.run(["export", "--study", s, "--format", "csv-wide", "--deidentify", "--key-file", inside.path, "--out", out])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("warning: the key file \(inside.path) is inside the study folder"), r.stderr)
    }
}
