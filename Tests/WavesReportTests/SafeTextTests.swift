import XCTest
@testable import WavesReport

final class SafeTextTests: XCTestCase {
    func testEscapesTheFiveHTMLMetacharacters() {
        XCTAssertEqual(SafeText.html(#"<a href="x">Tom & Jerry's</a>"#), "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;")
        XCTAssertEqual(SafeText.html("plain text"), "plain text")
    }

    func testStripsTerminalEscapeSequencesWhole() {
        XCTAssertEqual(SafeText.strippingControls("\u{1b}[31mred\u{1b}[0m"), "red")
        XCTAssertEqual(SafeText.strippingControls("a\u{1b}[1;32;40mb"), "ab")
        XCTAssertEqual(SafeText.strippingControls("\u{1b}]0;title\u{07}after"), "after")
        XCTAssertEqual(SafeText.strippingControls("\u{1b}]8;;file\u{1b}\\link"), "link")
        XCTAssertEqual(SafeText.strippingControls("x\u{9b}2Jy"), "xy")
        XCTAssertEqual(SafeText.strippingControls("bell\u{07} nul\u{00} del\u{7f} cr\r"), "bell nul del cr")
        XCTAssertEqual(SafeText.strippingControls("bidi \u{202e}txet"), "bidi txet")
        XCTAssertEqual(SafeText.strippingControls("keeps\ttabs\nand lines, ünïcödé ✓"), "keeps\ttabs\nand lines, ünïcödé ✓")
        XCTAssertEqual(SafeText.strippingControls("dangling \u{1b}"), "dangling ")
    }

    func testHTMLOfHostileText() {
        let s = SafeText.html("\"><img src=x onerror=alert(1)>\u{1b}[31m")
        XCTAssertEqual(s, "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;")
        XCTAssertFalse(s.contains("<"))
        XCTAssertFalse(s.contains("\u{1b}"))
    }

    func testMarkdownEscapesMarkupButStaysReadable() {
        XCTAssertEqual(SafeText.markdown("<script>alert(1)</script>"), "\\<script>alert(1)\\</script>")
        XCTAssertEqual(SafeText.markdown("a | b\nc"), "a \\| b c")
        XCTAssertEqual(SafeText.markdown("w1 -> w3, p < .001"), "w1 -> w3, p < .001")
        XCTAssertEqual(SafeText.markdown("mentor_role _em_ *x*"), "mentor_role \\_em\\_ \\*x\\*")
        XCTAssertEqual(SafeText.markdown("[link](x) & `code`"), "\\[link\\](x) \\& \\`code\\`")
        XCTAssertEqual(SafeText.markdownCode("a`b\u{1b}[1m|c"), "`a'b¦c`")
    }

    func testAnchorsKeepOnlySafeCharacters() {
        XCTAssertEqual(SafeText.anchor("scale-id.x <y>"), "scale-id-x--y-")
    }
}
