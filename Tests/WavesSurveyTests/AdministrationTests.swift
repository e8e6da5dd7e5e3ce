import XCTest
import WavesCore
import WavesStore
@testable import WavesSurvey

/// Checks before asking, drafts, resume, completed waves and the records written.
final class AdministrationTests: XCTestCase {
    var dir: URL!

    override func setUp() { dir = Fixtures.studyFolder() }
    override func tearDown() { try? FileManager.default.removeItem(at: dir) }

    func bundle() throws -> StudyBundle { try StudyLoader.load(directory: dir) }

    func plainRun(_ lines: [String], participant: String = "P1", wave: String = "w2", instrument: String? = nil,
                  clock: Date = Date(timeIntervalSince1970: 1_772_000_000)) throws -> (AdministrationResult, ScriptedConsole) {
        let plan = try TakePlan.make(bundle: try bundle(), participant: participant, wave: wave, instrument: instrument)
        let console = ScriptedConsole(lines: lines)
        let admin = SurveyAdministration(plan: plan, frontEnd: PlainFrontEnd(console: console, echo: false), clock: { clock })
        return (try admin.run(), console)
    }

    var store: ResponseStore { ResponseStore(url: dir.appendingPathComponent("data/responses.jsonl")) }
    var draftStore: DraftStore { DraftStore(directory: dir.appendingPathComponent("data/drafts")) }

    func testChecksBeforeAnythingIsAsked() throws {
        let b = try bundle()
        func message(_ f: () throws -> TakePlan) -> String? {
            do { _ = try f(); return nil } catch { return error.localizedDescription }
        }
        XCTAssertEqual(message { try TakePlan.make(bundle: b, participant: "P9", wave: "w1") },
                       "Participant 'P9' is not in the roster (roster.csv); check the id, or add them to the roster first.")
        XCTAssertEqual(message { try TakePlan.make(bundle: b, participant: "P1", wave: "w1", role: "peer-mentor") },
                       "The roster gives participant 'P1' the role 'mentee', not 'peer-mentor'; leave out --role.")
        XCTAssertEqual(message { try TakePlan.make(bundle: b, participant: "P1", wave: "w7") },
                       "Wave 'w7' is not in study.yaml (waves: w1, w2).")
        XCTAssertEqual(message { try TakePlan.make(bundle: b, participant: "P1", wave: "w1", instrument: "gamma") },
                       "Instrument 'gamma' is not in this study (instruments: alpha, beta).")
        XCTAssertEqual(message { try TakePlan.make(bundle: b, participant: "P1", wave: "w1", instrument: "beta") },
                       "Instrument 'beta' is not given at wave 'w1' (instruments at that wave: alpha).")
        XCTAssertEqual(message { try TakePlan.make(bundle: b, participant: " ", wave: "w1") },
                       "The participant id is empty; give it with --participant.")
        let ok = try TakePlan.make(bundle: b, participant: "P2", wave: "w2")
        XCTAssertEqual(ok.role, "peer-mentor")
        XCTAssertEqual(ok.instruments.map(\.id), ["alpha", "beta"])

        let open = Fixtures.studyFolder(roster: false)
        defer { try? FileManager.default.removeItem(at: open) }
        let nb = try StudyLoader.load(directory: open)
        XCTAssertEqual(message { try TakePlan.make(bundle: nb, participant: "X", wave: "w1") },
                       "This study has no roster, so give the participant's role with --role (one of: mentee, peer-mentor).")
        XCTAssertEqual(message { try TakePlan.make(bundle: nb, participant: "X", wave: "w1", role: "tutor") },
                       "Role 'tutor' is not one of the study's roles (mentee, peer-mentor).")
        XCTAssertEqual(try TakePlan.make(bundle: nb, participant: "X", wave: "w1", role: "mentee").role, "mentee")
    }

    func testCompleteRunWritesOneRecordPerInstrumentAndNoDraft() throws {
        let (result, console) = try plainRun(["4", "5", "d", "y", "150", "42", "Met my mentor.", "y"])
        XCTAssertTrue(result.finished)
        XCTAssertEqual(result.submitted.count, 2)
        let records = try store.read().records.map(\.record)
        XCTAssertEqual(records.count, 2)
        let a = records[0]
        let b = try bundle()
        XCTAssertEqual(a.study, "test-study")
        XCTAssertEqual(a.participant, "P1")
        XCTAssertEqual(a.role, "mentee")
        XCTAssertEqual(a.wave, "w2")
        XCTAssertEqual(a.mode, "plain")
        XCTAssertEqual(a.instrument, InstrumentRef(id: "alpha", version: "1.0.0", sha256: b.instrument("alpha")!.sha256))
        XCTAssertEqual(a.instrument.sha256.count, 64)
        XCTAssertEqual(a.startedAt, "2026-02-25T06:13:20Z")
        XCTAssertEqual(a.submittedAt, "2026-02-25T06:13:20Z")
        XCTAssertEqual(a.answer("a1"), .number(4))
        XCTAssertEqual(a.answer("a2"), .number(5))
        XCTAssertEqual(a.answer("a3"), .missing)
        let lines = try String(contentsOf: store.url, encoding: .utf8).split(separator: "\n")
        // A fixed clock: every screen took 0 ms (ScreenTimerTests times a moving clock).
        XCTAssertTrue(lines[0].contains(#""mode":"plain","via":"terminal","answers":{"a1":4,"a2":5,"a3":null},"declined":["a3"],"duration_ms":0,"timings":{"a1":0,"a2":0,"a3":0}}"#), String(lines[0]))
        XCTAssertTrue(lines[1].contains(#""answers":{"age":42,"story":"Met my mentor."},"declined":[],"duration_ms":0,"timings":{"age":0,"story":0},"prev":""#), String(lines[1]))
        XCTAssertEqual(a.declined, ["a3"])
        XCTAssertTrue(console.output.contains("150 is above the highest allowed value, 90"))
        XCTAssertTrue(console.output.contains("Thank you. Your answers to Alpha are recorded."))
        let drafts = (try? FileManager.default.contentsOfDirectory(atPath: draftStore.directory.path)) ?? []
        XCTAssertEqual(drafts, [], "drafts are removed after submission")
        let storeMode = try FileManager.default.attributesOfItem(atPath: store.url.path)[.posixPermissions] as? Int
        XCTAssertEqual(storeMode, 0o600)
    }

    func testLeaveThenResumeFromDraft() throws {
        let (first, _) = try plainRun(["4", "q"], wave: "w1", clock: Date(timeIntervalSince1970: 1_772_000_000))
        XCTAssertEqual(first.leftDuring, "alpha")
        XCTAssertTrue(first.draftKept)
        XCTAssertEqual(store.exists ? try store.read().records.count : 0, 0, "nothing recorded before submission")
        let url = draftStore.url(participant: "P1", wave: "w1", instrument: "alpha")
        let mode = try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? Int
        XCTAssertEqual(mode, 0o600)
        let draft = try XCTUnwrap(try draftStore.load(participant: "P1", wave: "w1", instrument: "alpha"))
        XCTAssertEqual(draft.responses, ["a1": .answered(.number(4))])
        XCTAssertEqual(draft.position, .item("a2"))

        // Resume: the offer, then straight to a2 with a1 kept.
        let (second, console) = try plainRun(["", "y", "2", "y"], wave: "w1", clock: Date(timeIntervalSince1970: 1_772_000_600))
        XCTAssertTrue(second.finished)
        XCTAssertTrue(console.output.hasPrefix("You have unfinished answers to Alpha (1 of 2 questions answered, saved 2026-02-25 06:13 UTC). Resume where you left off? Type y to resume or n to start over:\n"), console.output)
        XCTAssertTrue(console.output.contains("2 of 2. Second alpha statement. (required)"))
        let records = try store.read().records.map(\.record)
        XCTAssertEqual(records.count, 1)
        XCTAssertEqual(records[0].answer("a1"), .number(4))
        XCTAssertEqual(records[0].answer("a2"), .number(2))
        XCTAssertEqual(records[0].answers.count, 2)
        XCTAssertEqual(records[0].startedAt, "2026-02-25T06:13:20Z", "started_at comes from the first session")
        XCTAssertEqual(records[0].submittedAt, "2026-02-25T06:23:20Z")
        XCTAssertNil(try draftStore.load(participant: "P1", wave: "w1", instrument: "alpha"))
    }

    func testStartOverDiscardsTheDraft() throws {
        _ = try plainRun(["4", "q"], wave: "w1")
        let (r, _) = try plainRun(["n", "1", "1", "y"], wave: "w1")
        XCTAssertTrue(r.finished)
        let rec = try store.read().records[0].record
        XCTAssertEqual([rec.answer("a1"), rec.answer("a2")], [.number(1), .number(1)])
    }

    func testResumeInInteractiveMode() throws {
        _ = try plainRun(["5", "q"], wave: "w1")
        let plan = try TakePlan.make(bundle: try bundle(), participant: "P1", wave: "w1")
        let console = ScriptedConsole(keys: [.character("y"), .character("3"), .enter])
        let admin = SurveyAdministration(plan: plan, frontEnd: InteractiveFrontEnd(console: console, style: Style(colors: false, unicode: false)))
        let r = try admin.run()
        XCTAssertTrue(r.finished)
        let rec = try store.read().records[0].record
        XCTAssertEqual(rec.mode, "terminal")
        XCTAssertEqual([rec.answer("a1"), rec.answer("a2")], [.number(5), .number(3)])
    }

    func testCompletedWaveAsksBeforeRecordingAnother() throws {
        _ = try plainRun(["1", "1", "y"], wave: "w1")
        let (kept, console) = try plainRun(["n"], wave: "w1")
        XCTAssertTrue(console.output.hasPrefix("Alpha is already complete for P1 at Baseline (submitted 2026-02-25 06:13 UTC). Record another response?"), console.output)
        XCTAssertEqual(kept.keptComplete, ["alpha"])
        XCTAssertEqual(try store.read().records.count, 1)
        let (again, _) = try plainRun(["y", "2", "2", "y"], wave: "w1")
        XCTAssertEqual(again.submitted.count, 1)
        let contents = try store.read()
        XCTAssertEqual(contents.records.count, 2)
        XCTAssertEqual(contents.latest().duplicates.count, 1, "the store flags the second submission")
    }

    func testUnreadableDraftIsSetAsideAndSurveyStartsAgain() throws {
        try FileManager.default.createDirectory(at: draftStore.directory, withIntermediateDirectories: true)
        let url = draftStore.url(participant: "P1", wave: "w1", instrument: "alpha")
        try "{not json".write(to: url, atomically: true, encoding: .utf8)
        let (r, console) = try plainRun(["3", "3", "y"], wave: "w1")
        XCTAssertTrue(r.finished)
        XCTAssertTrue(console.output.hasPrefix("Earlier unfinished answers to Alpha could not be read"), console.output)
        XCTAssertTrue(FileManager.default.fileExists(atPath: url.path + ".unreadable"))
    }
}
