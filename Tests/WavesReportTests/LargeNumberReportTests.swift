import Foundation
import WavesCore
import XCTest
@testable import WavesReport

/// Reports of the shared fixture studies (Tests/Fixtures): answers of 1e20 and 1e308 in a scale
/// (adversarial test round 1, F2: the report trapped), and hostile text in every field.
final class LargeNumberReportTests: XCTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    func render(_ study: String, includeText: Bool = true) throws -> (html: String, md: String, report: StudyReport) {
        var o = ReportOptions()
        o.includeText = includeText
        let report = try ReportGenerator.build(bundle: try StudyLoader.load(directory: Self.fixtures.appendingPathComponent(study)), options: o)
        return (ReportGenerator.render(report, format: .html), ReportGenerator.render(report, format: .md), report)
    }

    func testHugeAnswersRenderInHTMLAndMarkdown() throws {
        let (html, md, report) = try render("large-numbers")
        XCTAssertEqual(report.scales.count, 1)
        for text in [html, md] {
            XCTAssertNil(text.firstMatch(of: /[0-9]{16,}/), "a number printed with 16 or more digits")
            // Swift prints non-finite doubles as "nan", "-nan", "inf" (a message may say "NaN or infinite" in words).
            let words = Set(text.split { !$0.isLetter }.map(String.init))
            XCTAssertTrue(words.isDisjoint(with: ["nan", "inf"]), "a non-finite number printed as text")
        }
        // The huge means are in the tables in scientific form, and both charts are drawn.
        XCTAssertTrue(md.contains("e+307") || md.contains("e+19"), md)
        // Updated for issue 15: + the flow diagram and 3 diagnostic plots per scale with a mixed model.
        let diagnostics = 3 * report.scales.filter { $0.diagnostics != nil }.count
        XCTAssertEqual(html.components(separatedBy: "<svg class=\"chart\"").count - 1, 3 + 1 + diagnostics, "completion, means, trajectories, flow, diagnostics")
        XCTAssertFalse(html.contains(">nan<") || html.contains(">inf<"))
        XCTAssertFalse(report.findings.contains { $0.contains("alpha from –") }, "\(report.findings)")
    }

    func testHostileTextReportHasNoRawControls() throws {
        let (html, md, _) = try render("hostile-text")
        for text in [html, md] {
            XCTAssertFalse(text.unicodeScalars.contains { SafeText.isControl($0) && $0 != "\n" }, "a raw control character")
            XCTAssertFalse(text.contains("]0;PWNED"), "an OSC sequence survives as text")
        }
        XCTAssertTrue(html.contains("PI "), "the instrument title is still shown")
    }
}
