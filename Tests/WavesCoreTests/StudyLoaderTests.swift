import XCTest
@testable import WavesCore

final class StudyLoaderTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("waves-study-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("instruments"), withIntermediateDirectories: true)
        try """
        format: waves.instrument/1
        id: mini
        version: 1.0.0
        title: Mini
        response_sets:
          a3: {options: [{value: 1, label: A}, {value: 2, label: B}, {value: 3, label: C}]}
        items:
          - {id: q1, text: Q1, response: a3}
        scales:
          - {id: s, items: [q1]}
        """.write(to: dir.appendingPathComponent("instruments/mini.yaml"), atomically: true, encoding: .utf8)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    func write(_ name: String, _ text: String) throws { try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8) }

    func testLoadsStudyWithRoster() throws {
        try write("study.yaml", """
        format: waves.study/1
        id: s1
        title: S
        roles: [mentee, peer-mentor]
        waves:
          - {id: w1, label: Baseline, time: 0}
          - {id: w2, label: Mid, time: 6}
        instruments:
          - path: instruments/mini.yaml
            waves: [w2]
        roster: roster.csv
        """)
        try write("roster.csv", "participant,role,cohort\nP1,mentee,A\nP2,peer-mentor,B\n")
        let b = try StudyLoader.load(directory: dir)
        XCTAssertEqual(b.study.waves.map(\.time), [0, 6])
        XCTAssertEqual(b.instruments(at: "w1").count, 0)
        XCTAssertEqual(b.instruments(at: "w2").map(\.id), ["mini"])
        XCTAssertEqual(b.roster?.role(of: "P2"), "peer-mentor")
        XCTAssertEqual(b.roster?.entries[0].extra["cohort"], "A")
    }

    func testStudyProblemsAreLocated() throws {
        try write("study.yaml", """
        format: waves.study/1
        id: s1
        roles: [mentee]
        waves:
          - {id: w1}
          - {id: w1}
        instruments:
          - path: instruments/missing.yaml
          - path: instruments/mini.yaml
            waves: [w9]
        roster: roster.csv
        """)
        try write("roster.csv", "participant,role\nP1,mentor\nP1,mentee\n")
        XCTAssertThrowsError(try StudyLoader.load(directory: dir)) { e in
            let msgs = (e as! LoadError).problems.filter { $0.severity == .error }.map(\.description)
            XCTAssertEqual(msgs, [
                "study.yaml:6:5: wave 'w1' is listed twice",
                "study.yaml:10:13: unknown wave 'w9' (study waves: w1)",
                "study.yaml:8:5: instrument file 'instruments/missing.yaml' does not exist",
                "roster.csv:2:2: participant 'P1' has unknown role 'mentor' (study roles: mentee)",
            ])
        }
    }

    func testMissingStudyFileSaysWhatToDo() {
        XCTAssertThrowsError(try StudyLoader.load(directory: dir)) { e in
            XCTAssertTrue((e as! LoadError).errorDescription!.contains("waves init"))
        }
    }
}
