import Foundation
import XCTest
import WavesTestSupport

/// `waves flow` (counts, the collection logs read when present and null when absent, the SVG
/// diagram) and `waves feedback` (one participant's page only, mode 0600, hostile text escaped).
final class FlowFeedbackCommandTests: XCTestCase {
    static let demo = WavesProcess.repoRoot.appendingPathComponent("datasets/pmi-demo")

    func json(_ args: [String]) throws -> [String: Any] {
        let r = try WavesProcess.run(args + ["--json"])
        XCTAssertEqual(r.status, 0, "waves \(args.joined(separator: " ")): \(r.stderr)")
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
    }

    /// A copy of the demo study to add logs to.
    func demoCopy(_ name: String) throws -> URL {
        let dir = WavesProcess.tempDir(name)
        try FileManager.default.copyItem(at: Self.demo, to: dir.appendingPathComponent("study"))
        return dir.appendingPathComponent("study")
    }

    func testDemoFlowAgreesWithStatus() throws {
        let flow = try json(["flow", "--study", Self.demo.path])
        let waves = try XCTUnwrap(flow["waves"] as? [[String: Any]])
        XCTAssertEqual(waves.map { $0["wave"] as? String }, ["w1", "w2", "w3"])
        // Without the collection logs, invited and consented are null and the notes say why.
        for w in waves {
            XCTAssertTrue(w["invited"] is NSNull); XCTAssertTrue(w["consented"] is NSNull)
            for k in ["enrolled", "started", "completed", "analysed", "withdrawn", "lost"] { XCTAssertNotNil(w[k] as? Int, k) }
        }
        let notes = try XCTUnwrap(flow["notes"] as? [String]).joined(separator: " ")
        XCTAssertTrue(notes.contains("invitations.jsonl"), notes)
        // Completed = participants with a submission of every instrument given at the wave (from `waves status`).
        let status = try json(["status", "--study", Self.demo.path])
        let insts = try XCTUnwrap(status["instruments"] as? [[String: Any]])
        var done: [String: [String: Set<String>]] = [:]   // wave -> participant -> instruments
        for i in insts {
            for p in i["participants"] as! [[String: Any]] {
                for w in p["completed"] as! [String] { done[w, default: [:]][p["participant"] as! String, default: []].insert(i["instrument"] as! String) }
            }
        }
        for w in waves {
            let wave = w["wave"] as! String
            let given = Set(insts.filter { ($0["waves"] as! [String]).contains(wave) }.map { $0["instrument"] as! String })
            let complete = done[wave, default: [:]].values.filter { given.isSubset(of: $0) }.count
            XCTAssertEqual(w["completed"] as? Int, complete, wave)
            XCTAssertEqual(w["enrolled"] as? Int, status["participants"] as? Int)
            let reasons = try XCTUnwrap(w["lost_reasons"] as? [String: Int])
            XCTAssertEqual(reasons.values.reduce(0, +), w["lost"] as? Int, "\(wave): the reasons add up to lost")
        }
    }

    /// Every kind of participant the flow counts outside the plain case: drafts (one of a
    /// wave the study does not define, one by someone nowhere else), consent decisions of
    /// participants off the roster, roster `withdrawn` statuses (after the first wave, after the
    /// second, after the last, and one with a consent withdrawal, which wins), records of an unknown wave (by a roster participant and by a stranger) and a
    /// record by a participant off the roster; with the roster and without it. The counts were
    /// recorded from the earlier implementation (sets of names), which the one by number
    /// (issue 14) must reproduce exactly.
    func testEveryKindOfParticipantIsCountedOnce() throws {
        let study = try demoCopy("flow-kinds")
        defer { try? FileManager.default.removeItem(at: study.deletingLastPathComponent()) }
        let fm = FileManager.default
        let data = study.appendingPathComponent("data")
        try fm.createDirectory(at: data.appendingPathComponent("drafts"), withIntermediateDirectories: true)
        for (p, w) in [("P003", "w2"), ("P050", "w1"), ("ZZZ", "w3"), ("P004", "w9")] {
            try #"{"format":"waves.draft/1","participant":"\#(p)","wave":"\#(w)"}"#.write(
                to: data.appendingPathComponent("drafts/\(p)-\(w).json"), atomically: true, encoding: .utf8)
        }
        let inv = [("P001", "w1", "issued"), ("P002", "w1", "issued"), ("P002", "w2", "issued"), ("P003", "w2", "revoked"), ("P099", "w3", "issued")]
            .map { #"{"format":"waves.invitation/1","participant":"\#($0.0)","wave":"\#($0.1)","event":"\#($0.2)","at":"2026-03-01T10:00:00Z","code_hash":"ab"}"# }
        try (inv.joined(separator: "\n") + "\n").write(to: data.appendingPathComponent("invitations.jsonl"), atomically: true, encoding: .utf8)
        let consent = [("P001", "w1", "agree"), ("P002", "w1", "agree"), ("P003", "w1", "decline"), ("P002", "w2", "withdraw"),
                       ("P005", "w3", "withdraw"), ("P006", "w1", "agree"), ("P006", "w2", "withdraw"), ("NOPE", "w1", "agree"), ("P007", "w1", "decline")]
            .map { #"{"format":"waves.consent/1","participant":"\#($0.0)","wave":"\#($0.1)","consent_sha256":"00","decision":"\#($0.2)","at":"2026-03-01T10:00:00Z"}"# }
        try (consent.joined(separator: "\n") + "\n").write(to: data.appendingPathComponent("consent.jsonl"), atomically: true, encoding: .utf8)
        let rosterURL = study.appendingPathComponent("roster.csv")
        var roster = try String(contentsOf: rosterURL, encoding: .utf8).split(separator: "\n").map(String.init)
        roster[0] += ",status"
        for i in 1..<roster.count { roster[i] += ["P004", "P006", "P008", "P016"].contains { roster[i].hasPrefix($0 + ",") } ? ",withdrawn" : "," }
        try (roster.joined(separator: "\n") + "\n").write(to: rosterURL, atomically: true, encoding: .utf8)
        let storeURL = data.appendingPathComponent("responses.jsonl")
        let lines = try String(contentsOf: storeURL, encoding: .utf8).split(separator: "\n").prefix(3)
        var added = ""
        for (k, (line, change)) in zip(lines, [("GHOST", "w7"), ("P009", "w8"), ("EXTRA", nil)] as [(String, String?)]).enumerated() {
            var o = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            o["id"] = "x\(k)"; o["participant"] = change.0
            if let w = change.1 { o["wave"] = w }
            added += String(decoding: try JSONSerialization.data(withJSONObject: o), as: UTF8.self) + "\n"
        }
        let h = try FileHandle(forWritingTo: storeURL); try h.seekToEnd(); try h.write(contentsOf: Data(added.utf8)); try h.close()

        func counts(_ flow: [String: Any]) throws -> [[Int]] {
            try XCTUnwrap(flow["waves"] as? [[String: Any]]).map { w in
                let r = try XCTUnwrap(w["lost_reasons"] as? [String: Any])
                return try ["enrolled", "invited", "consented", "started", "completed", "analysed", "withdrawn", "lost"].map { try XCTUnwrap(w[$0] as? Int, $0) }
                    + ["withdrawn", "declined", "incomplete", "no_response"].map { try XCTUnwrap(r[$0] as? Int, $0) }
            }
        }
        XCTAssertEqual(try counts(try json(["flow", "--study", study.path])), [
            [40, 2, 3, 41, 40, 41, 0, 0, 0, 0, 0, 0],
            [40, 1, 1, 35, 35, 35, 3, 5, 2, 0, 0, 3],
            [40, 1, 1, 31, 31, 31, 5, 9, 3, 0, 0, 6]])
        // Without a roster: everyone with a submission (of any wave) or a draft is enrolled.
        let yaml = study.appendingPathComponent("study.yaml")
        try (try String(contentsOf: yaml, encoding: .utf8)).split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.hasPrefix("roster:") }.joined(separator: "\n").write(to: yaml, atomically: true, encoding: .utf8)
        try fm.removeItem(at: rosterURL)
        XCTAssertEqual(try counts(try json(["flow", "--study", study.path])), [
            [44, 2, 3, 42, 40, 41, 0, 4, 0, 0, 2, 2],
            [44, 1, 1, 35, 35, 35, 2, 5, 1, 0, 0, 4],
            [44, 1, 1, 32, 31, 31, 3, 9, 1, 0, 0, 8]])
    }

    func testLogsAreReadWhenPresent() throws {
        let study = try demoCopy("flow-logs")
        defer { try? FileManager.default.removeItem(at: study.deletingLastPathComponent()) }
        let inv = [("P001", "w1", "issued"), ("P002", "w1", "issued"), ("P002", "w1", "issued"), ("P003", "w2", "issued"), ("P001", "w1", "used")]
            .map { #"{"format":"waves.invitation/1","participant":"\#($0.0)","wave":"\#($0.1)","event":"\#($0.2)","at":"2026-03-01T10:00:00Z","code_hash":"ab"}"# }
        try (inv.joined(separator: "\n") + "\nnot json\n").write(to: study.appendingPathComponent("data/invitations.jsonl"), atomically: true, encoding: .utf8)
        let consent = [("P001", "w1", "agree"), ("P002", "w1", "agree"), ("P003", "w1", "decline"), ("P002", "w2", "withdraw")]
            .map { #"{"format":"waves.consent/1","participant":"\#($0.0)","wave":"\#($0.1)","consent_sha256":"00","decision":"\#($0.2)","at":"2026-03-01T10:00:00Z"}"# }
        try (consent.joined(separator: "\n") + "\n").write(to: study.appendingPathComponent("data/consent.jsonl"), atomically: true, encoding: .utf8)
        let flow = try json(["flow", "--study", study.path, "--svg", study.deletingLastPathComponent().appendingPathComponent("flow.svg").path])
        let w = try XCTUnwrap(flow["waves"] as? [[String: Any]])
        XCTAssertEqual(w[0]["invited"] as? Int, 2)
        XCTAssertEqual(w[1]["invited"] as? Int, 1)
        XCTAssertEqual(w[2]["invited"] as? Int, 0)
        XCTAssertEqual(w[0]["consented"] as? Int, 2)
        XCTAssertEqual(w[1]["consented"] as? Int, 1, "P002 withdrew at w2")
        XCTAssertEqual(w[0]["withdrawn"] as? Int, 0)
        XCTAssertEqual(w[1]["withdrawn"] as? Int, 1)
        XCTAssertTrue(try XCTUnwrap(flow["notes"] as? [String]).contains { $0.contains("1 line(s) of invitations.jsonl") })
        // The diagram carries the same numbers.
        let svgURL = study.deletingLastPathComponent().appendingPathComponent("flow.svg")
        let svg = try String(contentsOf: svgURL, encoding: .utf8)
        XCTAssertTrue(svg.hasPrefix("<svg"))
        for x in w {
            XCTAssertTrue(svg.contains("Completed: \(x["completed"] as! Int)"))
            XCTAssertTrue(svg.contains("Lost: \(x["lost"] as! Int)"))
        }
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: svgURL.path)[.posixPermissions] as? Int, 0o600)
    }

    func testFeedbackPagesShowOnlyTheirParticipant() throws {
        let dir = WavesProcess.tempDir("feedback")
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("pages")
        let r = try WavesProcess.run(["feedback", "--all", "--out", out.path, "--study", Self.demo.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        let files = try FileManager.default.contentsOfDirectory(atPath: out.path).sorted()
        let ids = files.map { String($0.dropFirst("feedback-".count).dropLast(".html".count)) }
        XCTAssertEqual(ids.count, 40)
        for (f, id) in zip(files, ids) {
            let path = out.appendingPathComponent(f).path
            XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int, 0o600, f)
            let html = try String(contentsOfFile: path, encoding: .utf8)
            XCTAssertTrue(html.contains(id), f)
            for other in ids where other != id { XCTAssertFalse(html.contains(other), "\(f) mentions \(other)") }
            XCTAssertFalse(html.contains("<script"))
        }
        // The JSON of one participant: their own scores equal `waves score`.
        let fb = try json(["feedback", "--participant", "P001", "--study", Self.demo.path])
        let scores = try json(["score", "--instrument", "identity", "--study", Self.demo.path])["scores"] as! [[String: Any]]
        let own = scores.filter { $0["participant"] as? String == "P001" && $0["scale"] as? String == "identity" }
        let sc = try XCTUnwrap((fb["scales"] as? [[String: Any]])?.first { $0["scale"] as? String == "identity" })
        for w in sc["waves"] as! [[String: Any]] {
            let s = own.first { $0["wave"] as? String == w["wave"] as? String }?["score"]
            XCTAssertEqual((w["score"] as? Double) ?? -1, (s as? Double) ?? -1, accuracy: 1e-12)
        }
        let text = try WavesProcess.run(["feedback", "--participant", "P001", "--study", Self.demo.path])
        XCTAssertEqual(text.status, 0, text.stderr)
        XCTAssertTrue(text.stdout.contains("not yet been validated"), text.stdout)
        let unknown = try WavesProcess.run(["feedback", "--participant", "NOPE", "--study", Self.demo.path])
        XCTAssertEqual(unknown.status, 1)
    }

    func testFeedbackEscapesHostileText() throws {
        let dir = WavesProcess.tempDir("feedback-hostile")
        defer { try? FileManager.default.removeItem(at: dir) }
        let study = dir.appendingPathComponent("study")
        try FileManager.default.copyItem(at: WavesProcess.repoRoot.appendingPathComponent("Tests/Fixtures/hostile-text"), to: study)
        let out = dir.appendingPathComponent("pages")
        var r = try WavesProcess.run(["feedback", "--all", "--out", out.path, "--study", study.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        for f in try FileManager.default.contentsOfDirectory(atPath: out.path) {
            XCTAssertTrue(f.hasPrefix("feedback-") && !f.contains("/") && !f.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x202E }, f)
            let html = try String(contentsOfFile: out.appendingPathComponent(f).path, encoding: .utf8)
            XCTAssertEqual(HostileOutputTests.rawControls(html), [], f)
        }
        r = try WavesProcess.run(["feedback", "--all", "--format", "md", "--out", dir.appendingPathComponent("md").path, "--study", study.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(HostileOutputTests.rawControls(r.stdout), [])
    }
}
