import Foundation
import WavesTestSupport
import WavesCore
import XCTest
@testable import WavesReport

/// A study whose texts try HTML/script injection and terminal escapes (Tests/WavesEndToEndTests/Fixtures/report-hostile).
final class HostileReportTests: XCTestCase {
    static let study = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("WavesEndToEndTests/Fixtures/report-hostile")

    func report(includeText: Bool) throws -> StudyReport {
        var o = ReportOptions()
        o.includeText = includeText
        return try ReportGenerator.build(bundle: try StudyLoader.load(directory: Self.study), options: o)
    }

    func testHTMLShowsHostileTextAsText() throws {
        let html = ReportGenerator.render(try report(includeText: true), format: .html)
        // Nothing executable or external survives; every injected tag is text.
        XCTAssertEqual(HTMLProbe.externalReferences(html), [])
        for raw in ["<script>", "<img", "<svg onload", "onerror=alert(1)>", "<b>", "<em>", "<i>now"] {
            XCTAssertFalse(html.contains(raw), "raw \(raw) in the page")
        }
        XCTAssertEqual(html.components(separatedBy: "<svg ").count - 1, html.components(separatedBy: "<svg class=\"chart\"").count - 1)
        XCTAssertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        XCTAssertTrue(html.contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"))
        XCTAssertTrue(html.contains("P6&quot;&gt;&lt;svg onload=alert(9)&gt;"))
        XCTAssertTrue(html.contains("Tom &amp; Jerry&#39;s &quot;quote&quot; &lt;b&gt;bold&lt;/b&gt;"))
        XCTAssertTrue(html.contains("<h1>Hostile &lt;b&gt;study&lt;/b&gt; &amp; &quot;quotes&quot; &#39;single&#39; red</h1>"))
        // Terminal escapes are removed whole, not left as "[31m".
        XCTAssertFalse(html.contains("\u{1b}"))
        XCTAssertFalse(html.contains("[31m") || html.contains("[0m") || html.contains("]0;"))
        XCTAssertFalse(html.contains("\u{07}") || html.contains("\u{202e}"))
        XCTAssertTrue(html.contains("red alert and a bell"))
        XCTAssertTrue(html.contains("OSC gone; bidi override"))
        // Control characters in general: none but tab and newline.
        XCTAssertFalse(html.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" && $0 != "\t" })
        // The answers are grouped by wave.
        let texts = try XCTUnwrap(HTMLProbe.section(html, id: "texts"))
        XCTAssertTrue(texts.contains("<h3 id=\"texts-w2\">End (w2)</h3>"))
        XCTAssertEqual(texts.components(separatedBy: "<li>").count - 1, 6)
    }

    func testStoreChecksAndChangedInstrumentAreShown() throws {
        let r = try report(includeText: false)
        let html = ReportGenerator.render(r, format: .html)
        XCTAssertEqual(r.completion.duplicateCount, 1)
        XCTAssertEqual(r.completion.duplicates.first?.participant, "P1")
        XCTAssertEqual(r.completion.duplicates.first?.lines, [2, 23])
        XCTAssertEqual(r.completion.problemCount, 1)
        XCTAssertEqual(HTMLProbe.keyed(html.replacingOccurrences(of: "<strong data-k=\"duplicates\">", with: "<p data-k=\"duplicates\">"), key: "duplicates")?.hasPrefix("1"), true)
        let mood = try XCTUnwrap(r.overview.instruments.first { $0.id == "mood" })
        XCTAssertTrue(mood.changed)
        XCTAssertEqual(mood.hashes.count, 2)
        XCTAssertEqual(Set(mood.hashes.flatMap(\.waves)), ["w1", "w2"])
        XCTAssertTrue(html.contains("data-warning=\"instrument-changed\""))
        XCTAssertTrue(html.contains("Instrument <code>mood</code> changed during the study."))
        XCTAssertTrue(r.findings.contains { $0.contains("instrument 'mood' changed") })
        // The unreadable line's text is shown escaped.
        XCTAssertFalse(html.contains("<script>alert('store')"))
        // Free text is left out unless asked for.
        XCTAssertFalse(html.contains("alert(1)"))
    }

    func testMarkdownShowsHostileTextAsText() throws {
        let md = ReportGenerator.render(try report(includeText: true), format: .md)
        XCTAssertFalse(md.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
        XCTAssertNil(md.range(of: "(?<!\\\\)<(script|img|svg|b>|em>)", options: .regularExpression), "an unescaped tag")
        XCTAssertTrue(md.contains("\\<script>alert(1)\\</script>"))
        XCTAssertTrue(md.contains("\\<img src=x onerror=alert(1)>"))
        // A newline inside an answer does not break the list item.
        XCTAssertTrue(md.contains("A plain line. A second line."))
        // Table cells cannot be split by a "|" in the text: every row has its header's number of cell separators.
        var expected: Int?
        for line in md.split(separator: "\n", omittingEmptySubsequences: false) {
            guard line.hasPrefix("|") else { expected = nil; continue }
            let bars = line.replacingOccurrences(of: "\\|", with: "").filter { $0 == "|" }.count
            if let e = expected { XCTAssertEqual(bars, e, String(line)) } else { expected = bars }
        }
    }
}
