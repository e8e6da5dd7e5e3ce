import Foundation
import WavesCore
import XCTest

/// The second-round keys of study.yaml and roster.csv: located errors for bad values.
final class LoaderTests: XCTestCase {
    func problems(_ study: TestStudy, edit: (String) -> String, roster: String? = nil) -> [String] {
        let u = study.dir.appendingPathComponent("study.yaml")
        try! edit(try! String(contentsOf: u, encoding: .utf8)).write(to: u, atomically: true, encoding: .utf8)
        if let r = roster { try! r.write(to: study.dir.appendingPathComponent("roster.csv"), atomically: true, encoding: .utf8) }
        do { _ = try StudyLoader.load(directory: study.dir); return [] } catch let e as LoadError {
            return e.problems.filter { $0.severity == .error }.map(\.description)
        } catch { return ["\(error)"] }
    }

    func testGoodWindowTimezoneConsentAndContactsLoad() throws {
        let s = TestStudy(consent: "# Consent", timezone: "Asia/Singapore", w1Window: ("2026-03-02", "2026-03-20"),
                          rosterExtra: "P003,mentee,p3@example.org,Chen\n")
        defer { s.remove() }
        let b = s.bundle
        XCTAssertEqual(b.study.timezone, "Asia/Singapore")
        XCTAssertEqual(b.study.consent, "consent.md")
        XCTAssertEqual(b.study.waves[0].opens, CalendarDate("2026-03-02"))
        XCTAssertEqual(b.study.waves[0].closes, CalendarDate("2026-03-20"))
        XCTAssertNil(b.study.waves[1].opens)
        XCTAssertEqual(b.roster?.entries[0].email, "p1@example.org")
        XCTAssertEqual(b.roster?.entries[0].name, "Ana")
        XCTAssertNil(b.roster?.entries[1].email)
        XCTAssertEqual(b.roster?.entries[1].status, .active)
        XCTAssertTrue(b.warnings.isEmpty, "\(b.warnings)")
    }

    func testBadValuesAreLocatedErrors() {
        let s = TestStudy()
        defer { s.remove() }
        var p = problems(s) { $0.replacingOccurrences(of: "time: 0}", with: "time: 0, opens: 2026-02-30, closes: 2026-03-20}") }
        XCTAssertEqual(p.count, 1)
        XCTAssertTrue(p[0].hasPrefix("study.yaml:6:"), p[0])
        XCTAssertTrue(p[0].contains("'opens' of wave 'w1' must be a date written YYYY-MM-DD"), p[0])

        p = problems(s) { $0.replacingOccurrences(of: "opens: 2026-02-30, closes: 2026-03-20", with: "opens: 2026-03-20, closes: 2026-03-02") }
        XCTAssertEqual(p.count, 1)
        XCTAssertTrue(p[0].contains("wave 'w1' closes on 2026-03-02 before it opens on 2026-03-20"), p[0])

        p = problems(s) { $0.replacingOccurrences(of: "opens: 2026-03-20, closes: 2026-03-02", with: "opens: 2026-03-02") + "timezone: Asia/Singapur\n" }
        XCTAssertEqual(p.count, 1)
        XCTAssertTrue(p[0].hasPrefix("study.yaml:11:"), p[0])
        XCTAssertTrue(p[0].contains("unknown time zone 'Asia/Singapur'"), p[0])

        for bad in ["GMT+3", "utc", "Europe/London "] {
            p = problems(s) { $0.replacingOccurrences(of: #"timezone: .*\n"#, with: "timezone: '\(bad)'\n", options: .regularExpression) }
            XCTAssertEqual(p.count, bad == "Europe/London " ? 0 : 1, "\(bad): \(p)")
        }

        p = problems(s) { $0.replacingOccurrences(of: #"timezone: .*\n"#, with: "consent: missing.md\n", options: .regularExpression) }
        XCTAssertEqual(p.count, 1)
        XCTAssertTrue(p[0].contains("consent file 'missing.md' does not exist"), p[0])
    }

    func testRosterStatusAndEmailAreChecked() {
        let s = TestStudy()
        defer { s.remove() }
        let p = problems(s, edit: { $0 }, roster: "participant,role,email,status\nP001,mentee,a@b.org,active\nP002,mentee,not an address,left\nP003,mentee,\"x@y.org\nBcc: z@w.org\",\n")
        XCTAssertEqual(p.count, 3, "\(p)")
        XCTAssertTrue(p.contains { $0.hasPrefix("roster.csv:3:3:") && $0.contains("email address 'not an address'") }, "\(p)")
        XCTAssertTrue(p.contains { $0.hasPrefix("roster.csv:3:4:") && $0.contains("status 'left'") }, "\(p)")
        XCTAssertTrue(p.contains { $0.hasPrefix("roster.csv:4:3:") }, "a header injection is refused: \(p)")
    }
}
