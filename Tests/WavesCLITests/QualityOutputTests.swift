import Foundation
import XCTest
import WavesAnalysis
import WavesCore
@testable import WavesCLI

/// `waves quality` writes its JSON and its table piece by piece (issue 14: at 100,000
/// participants the whole document held 590 MB); the pieces must join to the bytes the
/// whole-document writers give (`JSONOutput.print`, `TextTable.render()`).
final class QualityOutputTests: XCTestCase {
    static let demo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("datasets/pmi-demo")

    func result(_ submissions: [DataQuality.Submission]) -> QualityCommand.Result {
        QualityCommand.Result(rules: .init(speed_fraction: 0.35, block_min: 3, min_for_median: 2), submissions: submissions,
                              flagged: submissions.filter(\.flagged).count)
    }

    func testPiecesJoinToTheWholeJSONDocument() throws {
        var settings = DataQuality.Settings()
        settings.blockMin = 3; settings.minForMedian = 2
        var subs = DataQuality(try StudyData.load(directory: Self.demo), settings: settings).submissions
        XCTAssertGreaterThan(subs.count, 400)
        subs[0].participant = "P\u{1B}]0;x\u{07}\u{202E}/é"   // escaped controls, a slash, non-ASCII
        for list in [subs, [], Array(subs.prefix(1))] {
            var pieces = ""
            try QualityCommand.writeJSON(result(list)) { pieces += $0 }
            XCTAssertEqual(pieces, try JSONOutput.text(result(list)) + "\n")
        }
    }

    func testTheStreamedTableIsTheHeldTable() {
        let header = ["a", "number", "c"]
        let rows = [["x", "1.5", "y z "], ["long\u{1B}cell", "12", ""], ["", "–", "ü"]].map { $0.map(SafeText.line) }
        var t = TextTable(header, rightAligned: [1])
        for r in rows { t.add(r) }
        var lines: [String] = []
        TextTable.render(header: header, rows: rows, rightAligned: [1]) { lines.append($0) }
        XCTAssertEqual(lines.joined(separator: "\n"), t.render())
        XCTAssertEqual(lines.count, 5)
    }
}
