import Foundation
import XCTest
import WavesTestSupport

/// The report's qualitative section (issue 19): the joint display of the demo's coding by wave
/// and role, with exemplar answers only under --include-text, and the numbers of
/// `waves agreement --joint --json`.
final class ReportQualitativeTests: XCTestCase {
    static let study = WavesProcess.repoRoot.appendingPathComponent("datasets/pmi-demo").path

    func testJointDisplayAndExemplarsOnlyWithIncludeText() throws {
        let plain = try WavesProcess.run(["report", "--format", "md", "--study", Self.study])
        XCTAssertEqual(plain.status, 0, plain.stderr)
        let section = try XCTUnwrap(plain.stdout.components(separatedBy: "## Qualitative coding").dropFirst().first)
            .components(separatedBy: "\n## ").first ?? ""
        XCTAssertFalse(section.contains("\n> "), "no quotes without --include-text")
        // Every frequency cell equals the joint display's.
        let j = try WavesProcess.run(["agreement", "--joint", "--json", "--study", Self.study])
        XCTAssertEqual(j.status, 0, j.stderr)
        let d = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(j.stdout.utf8)) as? [String: Any])
        let codes = try XCTUnwrap(d["codes"] as? [[String: Any]])
        let freq = try XCTUnwrap(d["frequencies"] as? [[String: Any]])
        for c in codes.prefix(3) {
            let label = c["label"] as! String
            let row = try XCTUnwrap(section.split(separator: "\n").first { $0.hasPrefix("| \(label) |") }, label)
            let cells = row.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            let mine = freq.filter { $0["code"] as? String == c["code"] as? String && ($0["units_coded"] as? Int ?? 0) > 0 }
            XCTAssertEqual(Array(cells.dropFirst()), mine.map { "\($0["units"] as! Int)/\($0["units_coded"] as! Int)" }, label)
        }
        let with = try WavesProcess.run(["report", "--format", "md", "--include-text", "--study", Self.study])
        XCTAssertEqual(with.status, 0, with.stderr)
        let quoted = try XCTUnwrap(with.stdout.components(separatedBy: "## Qualitative coding").dropFirst().first)
            .components(separatedBy: "\n## ").first ?? ""
        XCTAssertTrue(quoted.contains("\n> "), "quotes with --include-text")
        XCTAssertFalse(quoted.range(of: "P0[0-9][0-9]", options: .regularExpression) != nil, "no participant id next to a quote")
    }
}
