import Foundation
import XCTest
import WavesCore

/// `waves take` in plain mode through pipes: golden transcripts, interruption and resume,
/// checks before asking, and a whole wave of the shipped instruments.
final class TakePlainTests: XCTestCase {
    var dir: URL!
    var study: String!

    override func setUpWithError() throws {
        dir = WavesProcess.tempDir("take")
        study = try makeTakeStudy(in: dir)
    }
    override func tearDown() { try? FileManager.default.removeItem(at: dir) }

    func take(_ participant: String, _ wave: String, _ extra: [String] = []) -> [String] {
        ["take", "--study", study, "--participant", participant, "--wave", wave] + extra
    }

    /// printf '4\n\n9\n5\nd\ns\nb\n3\n...' | waves take --plain: every kind of answer, and a review edit.
    func testPlainTranscriptAndRecord() throws {
        let input = ["4", "", "9", "5", "d", "s", "b", "3", "2", "1", "?", "4", "5", "x", "6", "2", "y"]
        let r = try WavesProcess.run(take("P002", "w1", ["--instrument", "identity", "--plain"]),
                                     stdin: input.joined(separator: "\n") + "\n")
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stderr, "")
        XCTAssertFalse(r.stdout.contains("\u{1B}"), "plain mode writes no escape codes")
        assertGolden(r.stdout, "take-plain-identity.txt")

        let records = try storeRecords(study)
        XCTAssertEqual(records.count, 1)
        let rec = records[0]
        XCTAssertEqual(rec["participant"] as? String, "P002")
        XCTAssertEqual(rec["role"] as? String, "mentee")
        XCTAssertEqual(rec["wave"] as? String, "w1")
        XCTAssertEqual(rec["mode"] as? String, "plain")
        XCTAssertEqual(rec["study"] as? String, "take")
        let inst = rec["instrument"] as! [String: Any]
        XCTAssertEqual(inst["id"] as? String, "identity")
        XCTAssertEqual(inst["version"] as? String, "1.0.0")
        let bundle = try StudyLoader.load(directory: URL(fileURLWithPath: study))
        XCTAssertEqual(inst["sha256"] as? String, bundle.instrument("identity")!.sha256)
        let answers = rec["answers"] as! [String: Any]
        let expected: [String: Double?] = ["pi01": 4, "pi02": 5, "pi03": nil, "pi04": 3, "pi05": 2, "pi06": 2, "pi07": 4, "pi08": 5]
        XCTAssertEqual(Set(answers.keys), Set(expected.keys), "peer-mentor items are absent for a mentee")
        for (k, v) in expected {
            if let v { XCTAssertEqual(answers[k] as? Double, v, k) } else { XCTAssertTrue(answers[k] is NSNull, k) }
        }
        XCTAssertEqual(rec["declined"] as? [String], ["pi03"])
        XCTAssertNotNil(rec["started_at"] as? String)
        XCTAssertNotNil(rec["submitted_at"] as? String)
        let drafts = try FileManager.default.contentsOfDirectory(atPath: study + "/data/drafts")
        XCTAssertEqual(drafts, [], "the draft is removed after the submission")
    }

    /// The diary at w2: a note, free text, and a show_if on role; the end of input leaves, the next run resumes.
    func testPlainDiaryLeaveAndResumeTranscript() throws {
        var r = try WavesProcess.run(take("P001", "w2", ["--instrument", "diary"]), stdin: "A ward round with Dr A.\n")
        XCTAssertEqual(r.status, 0, r.stderr)
        var transcript = r.stdout
        XCTAssertTrue(try storeRecords(study).isEmpty)
        r = try WavesProcess.run(take("P001", "w2", ["--instrument", "diary"]),
                                 stdin: "y\ns\nMentoring is teaching me patience.\n1\nb\n\nd\nThat I listen more than I talk.\ny\n")
        XCTAssertEqual(r.status, 0, r.stderr)
        transcript += "---- second run ----\n" + r.stdout
        assertGolden(maskTimes(transcript), "take-plain-diary-resume.txt")
        let rec = try XCTUnwrap(try storeRecords(study).first)
        let answers = rec["answers"] as! [String: Any]
        XCTAssertEqual(answers["dy01"] as? String, "That I listen more than I talk.")
        XCTAssertTrue(answers["dy02"] is NSNull)
        XCTAssertEqual(answers["dy03"] as? String, "Mentoring is teaching me patience.")
        XCTAssertNil(answers["dy_note"], "notes are not answered")
        XCTAssertEqual(rec["declined"] as? [String], [])
    }

    /// Ctrl-C (SIGINT) mid-survey through a pipe kept open, then a run that resumes to a complete record.
    func testInterruptThenResumeToCompleteRecord() throws {
        let args = take("P003", "w1", ["--instrument", "identity", "--plain"])
        let first = try LiveWaves.pipes(args)
        XCTAssertTrue(first.waitFor("1 of 8."), first.output)
        first.send("5\n")
        XCTAssertTrue(first.waitFor("2 of 8."))
        first.send("d\n")
        XCTAssertTrue(first.waitFor("3 of 8."))
        first.send("1\n")
        XCTAssertTrue(first.waitFor("4 of 8."))
        first.signal(SIGINT)
        XCTAssertEqual(first.finish(), 130)
        XCTAssertTrue(first.errors.contains("Your answers so far are saved. To continue, run the same command again."), first.errors)
        XCTAssertTrue(try storeRecords(study).isEmpty, "nothing is recorded before the submission")
        let draftDir = study + "/data/drafts"
        let drafts = try FileManager.default.contentsOfDirectory(atPath: draftDir)
        XCTAssertEqual(drafts, ["draft-" + ContentHash.sha256Hex(joining: ["waves.draft", "P003", "w1", "identity"]) + ".json"])
        let mode = try FileManager.default.attributesOfItem(atPath: draftDir + "/" + drafts[0])[.posixPermissions] as? Int
        XCTAssertEqual(mode, 0o600)

        let second = try LiveWaves.pipes(args)
        XCTAssertTrue(second.waitFor("(3 of 8 questions answered"), second.output)
        second.send("y\n")
        XCTAssertTrue(second.waitFor("4 of 8."), second.output)
        XCTAssertFalse(second.output.contains("1 of 8."), "resumes where it stopped")
        for (n, answer) in [(4, "2"), (5, "3"), (6, "4"), (7, "5"), (8, "s")] {
            XCTAssertTrue(second.waitFor("\(n) of 8."), second.output)
            second.send(answer + "\n")
        }
        XCTAssertTrue(second.waitFor("Type y to submit"))
        second.send("y\n")
        XCTAssertEqual(second.finish(), 0, second.errors)
        let records = try storeRecords(study)
        XCTAssertEqual(records.count, 1)
        let answers = records[0]["answers"] as! [String: Any]
        XCTAssertEqual(answers["pi01"] as? Double, 5)
        XCTAssertTrue(answers["pi02"] is NSNull)
        XCTAssertEqual(answers["pi03"] as? Double, 1)
        XCTAssertEqual(answers["pi04"] as? Double, 2)
        XCTAssertEqual(answers["pi05"] as? Double, 3)
        XCTAssertEqual(answers["pi06"] as? Double, 4)
        XCTAssertEqual(answers["pi07"] as? Double, 5)
        XCTAssertTrue(answers["pi08"] is NSNull)
        XCTAssertEqual(answers.count, 8)
        XCTAssertEqual(records[0]["declined"] as? [String], ["pi02"])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: draftDir), [])
    }

    func testChecksBeforeAskingAnything() throws {
        var r = try WavesProcess.run(take("P999", "w1"), stdin: "4\n")
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.stdout, "")
        XCTAssertTrue(r.stderr.contains("Participant 'P999' is not in the roster (roster.csv); check the id, or add them to the roster first."), r.stderr)
        r = try WavesProcess.run(take("P002", "w9"))
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("Wave 'w9' is not in study.yaml (waves: w1, w2, w3)."), r.stderr)
        r = try WavesProcess.run(take("P002", "w1", ["--instrument", "diary"]))
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("Instrument 'diary' is not given at wave 'w1'"), r.stderr)
        r = try WavesProcess.run(take("P002", "w1", ["--role", "peer-mentor"]))
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("The roster gives participant 'P002' the role 'mentee', not 'peer-mentor'"), r.stderr)
        try FileManager.default.removeItem(atPath: study + "/instruments/identity.yaml")
        r = try WavesProcess.run(take("P002", "w1"))
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("The study cannot be used until its files are fixed"), r.stderr)
        XCTAssertEqual(r.stdout, "")
    }

    func testCompletedWaveAsksBeforeAnotherRecord() throws {
        let answers = "1\n2\n3\n4\n5\n1\n2\n3\ny\n"
        var r = try WavesProcess.run(take("P002", "w1", ["--instrument", "identity"]), stdin: answers)
        XCTAssertEqual(r.status, 0, r.stderr)
        r = try WavesProcess.run(take("P002", "w1", ["--instrument", "identity"]), stdin: "n\n")
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.hasPrefix("Professional identity is already complete for P002 at Baseline (submitted "), r.stdout)
        XCTAssertTrue(r.stdout.hasSuffix("Nothing new was recorded.\n"), r.stdout)
        XCTAssertEqual(try storeRecords(study).count, 1)
        r = try WavesProcess.run(take("P002", "w1", ["--instrument", "identity"]), stdin: "y\n" + answers)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try storeRecords(study).count, 2)
        let v = try WavesProcess.run(["validate", "--study", study])
        XCTAssertTrue((v.stdout + v.stderr).contains("P002 w1 identity: 2 submissions"), v.stdout + v.stderr)
    }

    /// Done means: a participant completes every shipped instrument of wave 1 by keyboard alone,
    /// and the store holds exactly the chosen answers.
    func testWholeWaveOfShippedInstruments() throws {
        let bundle = try StudyLoader.load(directory: URL(fileURLWithPath: study))
        let live = try LiveWaves.pipes(take("P001", "w1"))
        var chosen: [String: [String: Double]] = [:]   // instrument -> item -> value
        var rng = SplitMix64(seed: 7)  // WavesCore's seeded generator
        var consumed = 0
        var instrumentIndex = 0
        let instruments = bundle.instruments(at: "w1")
        while true {
            let ok = live.wait(timeout: 10) { out in
                let tail = String(out.dropFirst(consumed))
                return tail.contains("):\n") || tail.contains("to change it (b back, q save and leave):\n")
                    || tail.contains("Everything for this wave is recorded.")
            }
            XCTAssertTrue(ok, "no prompt after: \(String(live.output.dropFirst(consumed)))")
            guard ok else { break }
            let out = live.output
            let tail = String(out.dropFirst(consumed))
            consumed = out.count
            if tail.contains("Everything for this wave is recorded.") { break }
            if tail.contains("Type y to submit") { live.send("y\n"); instrumentIndex += 1; continue }
            let inst = instruments[instrumentIndex]
            // The question line: "N of M. <text>"
            let lines = tail.split(separator: "\n").map(String.init)
            guard let qline = lines.last(where: { $0.range(of: #"^\d+ of \d+\. "#, options: .regularExpression) != nil }) else {
                XCTFail("no question in: \(tail)"); break
            }
            let qtext = String(qline[qline.range(of: ". ")!.upperBound...]).replacingOccurrences(of: " (required)", with: "")
            let item = try XCTUnwrap(inst.items.first { $0.text == qtext }, qtext)
            switch item.type {
            case .likert, .choice:
                let n = Int(rng.next() % UInt64(item.responseSet!.options.count)) + 1
                chosen[inst.id, default: [:]][item.id] = item.responseSet!.options[n - 1].value
                live.send("\(n)\n")
            case .number:
                let v = (item.min ?? 0) + 1
                chosen[inst.id, default: [:]][item.id] = v
                live.send("\(Int(v))\n")
            default:
                XCTFail("unexpected item type at w1: \(item.type)"); live.send("s\n")
            }
        }
        XCTAssertEqual(live.finish(), 0, live.errors)
        let records = try storeRecords(study)
        XCTAssertEqual(records.map { ($0["instrument"] as! [String: Any])["id"] as! String }, instruments.map(\.id))
        for rec in records {
            let id = (rec["instrument"] as! [String: Any])["id"] as! String
            let answers = rec["answers"] as! [String: Any]
            XCTAssertEqual(answers.count, chosen[id]?.count, id)
            for (item, value) in chosen[id] ?? [:] { XCTAssertEqual(answers[item] as? Double, value, "\(id).\(item)") }
            XCTAssertEqual(rec["role"] as? String, "peer-mentor")
            XCTAssertEqual(rec["mode"] as? String, "plain")
        }
    }
}
