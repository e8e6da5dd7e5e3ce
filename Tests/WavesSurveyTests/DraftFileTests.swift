import XCTest
import WavesCore
import WavesStore
@testable import WavesSurvey

/// Draft file names that do not depend on the ids, older drafts still resumed, and a store
/// or drafts folder that cannot be used found before the first question.
final class DraftFileTests: XCTestCase {
    var dir: URL!
    let fm = FileManager.default

    override func setUp() { dir = Fixtures.studyFolder(roster: false) }
    override func tearDown() { try? fm.removeItem(at: dir) }

    var drafts: DraftStore { DraftStore(directory: dir.appendingPathComponent("data/drafts")) }
    var store: ResponseStore { ResponseStore(url: dir.appendingPathComponent("data/responses.jsonl")) }

    func draft(_ participant: String, position: SessionPosition = .item("a2")) -> Draft {
        Draft(study: "test-study", participant: participant, role: "mentee", wave: "w1",
              instrument: InstrumentRef(id: "alpha", version: "1.0.0", sha256: (try? StudyLoader.load(directory: dir))?.instrument("alpha")?.sha256 ?? ""),
              startedAt: "2026-03-01T09:58:12Z", updatedAt: "2026-03-01T10:00:00Z", mode: "plain",
              position: position, responses: ["a1": .answered(.number(4))])
    }

    func run(_ participant: String, _ lines: [String]) throws -> (AdministrationResult, ScriptedConsole) {
        let plan = try TakePlan.make(bundle: try StudyLoader.load(directory: dir), participant: participant, wave: "w1", role: "mentee")
        let console = ScriptedConsole(lines: lines)
        return (try SurveyAdministration(plan: plan, frontEnd: PlainFrontEnd(console: console, echo: false)).run(), console)
    }

    func testNamesHaveOneLengthForAnyIds() throws {
        let ids = [String(repeating: "参加者", count: 9), String(repeating: "a", count: 240), "P 1/é", "../x", "a__b"]
        var names = Set<String>()
        for id in ids {
            let n = drafts.url(participant: id, wave: "w1", instrument: "alpha").lastPathComponent
            XCTAssertEqual(n.utf8.count, 75, id)
            XCTAssertTrue(n.allSatisfy { $0.isASCII && ($0.isHexDigit || "draft-.json".contains($0)) }, n)
            names.insert(n)
            try drafts.save(draft(id))
            XCTAssertEqual(try drafts.load(participant: id, wave: "w1", instrument: "alpha")?.participant, id)
        }
        XCTAssertEqual(names.count, ids.count)
        XCTAssertNotEqual(drafts.url(participant: "a__b", wave: "c", instrument: "d"), drafts.url(participant: "a", wave: "b__c", instrument: "d"))
    }

    func testADraftUnderTheOlderNameIsResumedAndRewrittenUnderTheNewOne() throws {
        // As round 1 wrote it: %-encoded ids joined by "__".
        let folder = dir.appendingPathComponent("data/drafts")
        try fm.createDirectory(at: folder, withIntermediateDirectories: true)
        let legacy = folder.appendingPathComponent("P%201__w1__alpha.json")
        try Data((JSONWriter.string(draft("P 1").json()) + "\n").utf8).write(to: legacy)
        XCTAssertEqual(drafts.legacyName(participant: "P 1", wave: "w1", instrument: "alpha"), legacy.lastPathComponent)
        XCTAssertTrue(drafts.exists(participant: "P 1", wave: "w1", instrument: "alpha"))
        XCTAssertEqual(try drafts.load(participant: "P 1", wave: "w1", instrument: "alpha"), draft("P 1"))

        // The survey offers to resume it; leaving again saves it under the new name only.
        let (left, console) = try run("P 1", ["y", "q"])
        XCTAssertTrue(console.output.hasPrefix("You have unfinished answers to Alpha (1 of 2 questions answered"), console.output)
        XCTAssertTrue(left.draftKept)
        XCTAssertEqual(try fm.contentsOfDirectory(atPath: folder.path),
                       [drafts.url(participant: "P 1", wave: "w1", instrument: "alpha").lastPathComponent])
        // And resumes from there to the end.
        let (done, _) = try run("P 1", ["y", "2", "y"])
        XCTAssertTrue(done.finished)
        let rec = try store.read().records[0].record
        XCTAssertEqual([rec.answer("a1"), rec.answer("a2")], [.number(4), .number(2)])
        XCTAssertEqual(try fm.contentsOfDirectory(atPath: folder.path), [])
    }

    func testRemoveAndSetAsideFindTheOlderName() throws {
        let folder = dir.appendingPathComponent("data/drafts")
        try fm.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data("not json".utf8).write(to: folder.appendingPathComponent("P2__w1__alpha.json"))
        XCTAssertThrowsError(try drafts.load(participant: "P2", wave: "w1", instrument: "alpha"))
        let aside = try drafts.setAside(participant: "P2", wave: "w1", instrument: "alpha")
        XCTAssertEqual(aside.lastPathComponent, "P2__w1__alpha.json.unreadable")
        try Data((JSONWriter.string(draft("P3").json()) + "\n").utf8).write(to: folder.appendingPathComponent("P3__w1__alpha.json"))
        try drafts.remove(participant: "P3", wave: "w1", instrument: "alpha")
        XCTAssertEqual(try fm.contentsOfDirectory(atPath: folder.path), ["P2__w1__alpha.json.unreadable"])
    }

    func testLongAndNonASCIIIdsTakeTheSurveyToTheEnd() throws {
        for id in [String(repeating: "参加者", count: 9), String(repeating: "a", count: 240)] {
            // Answer one item and leave (a draft is saved), then resume and submit.
            let (left, _) = try run(id, ["4", "q"])
            XCTAssertTrue(left.draftKept, id)
            let (done, _) = try run(id, ["y", "5", "y"])
            XCTAssertTrue(done.finished, id)
        }
        XCTAssertEqual(try store.read().records.map(\.record.participant).map(\.count), [27, 240])
    }

    func testAStoreThatIsAFolderStopsBeforeTheFirstQuestion() throws {
        try fm.createDirectory(at: store.url, withIntermediateDirectories: true)
        do {
            _ = try run("P1", ["4", "5", "y"])
            XCTFail("the survey started")
        } catch let e as TakeError {
            guard case .cannotStart = e else { return XCTFail("\(e)") }
            let m = e.localizedDescription
            XCTAssertTrue(m.hasPrefix("The survey cannot start:"), m)
            XCTAssertTrue(m.contains("not a regular file"), m)
            XCTAssertFalse(m.contains("kept in the draft"), m)
        }
        XCTAssertFalse(drafts.exists(participant: "P1", wave: "w1", instrument: "alpha"))
    }

    func testASymlinkedDraftsFolderStopsBeforeTheFirstQuestion() throws {
        let elsewhere = dir.appendingPathComponent("elsewhere")
        try fm.createDirectory(at: elsewhere, withIntermediateDirectories: true)
        try fm.createDirectory(at: dir.appendingPathComponent("data"), withIntermediateDirectories: true)
        try fm.createSymbolicLink(atPath: drafts.directory.path, withDestinationPath: elsewhere.path)
        XCTAssertThrowsError(try run("P1", ["4", "q"])) {
            XCTAssertTrue($0.localizedDescription.contains("symbolic link"), $0.localizedDescription)
        }
        XCTAssertEqual(try fm.contentsOfDirectory(atPath: elsewhere.path), [])
    }
}
