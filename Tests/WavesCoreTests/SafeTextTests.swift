import XCTest
@testable import WavesCore

final class SafeTextTests: XCTestCase {
    func testTerminalShowsControlsVisibly() {
        XCTAssertEqual(SafeText.terminal("plain text\nline two"), "plain text\nline two")
        XCTAssertEqual(SafeText.terminal("a\u{1B}[2Jb\u{07}c\r\nd\te"), "a^[[2Jb^Gc\nd e")
        XCTAssertEqual(SafeText.terminal("x\u{9B}1m\u{7F}\u{202E}y"), "x<U+009B>1m^?<U+202E>y")
        XCTAssertEqual(SafeText.terminal("one\ntwo", keepNewlines: false), "one two")
        // A text whose only controls are kept newlines is returned as it is; any other control
        // among many lines is still shown.
        XCTAssertEqual(SafeText.terminal("a\n\nb ✓\n"), "a\n\nb ✓\n")
        XCTAssertEqual(SafeText.terminal("a\nb\n\u{1B}c\n"), "a\nb\n^[c\n")
        XCTAssertEqual(SafeText.terminal("a\nb\u{2066}\n", keepNewlines: false), "a b<U+2066> ")
        XCTAssertEqual(SafeText.line("PI \u{1B}]0;PWNED\u{07}\u{1B}[2J"), "PI ^[]0;PWNED^G^[[2J")
    }

    func testEscapesTheFiveHTMLMetacharacters() {
        XCTAssertEqual(SafeText.html(#"<a href="x">Tom & Jerry's</a>"#), "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;")
        XCTAssertEqual(SafeText.html("plain text"), "plain text")
    }

    func testStripsTerminalEscapeSequencesWhole() {
        XCTAssertEqual(SafeText.stripControls("\u{1b}[31mred\u{1b}[0m"), "red")
        XCTAssertEqual(SafeText.stripControls("a\u{1b}[1;32;40mb"), "ab")
        XCTAssertEqual(SafeText.stripControls("\u{1b}]0;title\u{07}after"), "after")
        XCTAssertEqual(SafeText.stripControls("\u{1b}]8;;file\u{1b}\\link"), "link")
        XCTAssertEqual(SafeText.stripControls("x\u{9b}2Jy"), "xy")
        XCTAssertEqual(SafeText.stripControls("bell\u{07} nul\u{00} del\u{7f} cr\r"), "bell nul del cr")
        XCTAssertEqual(SafeText.stripControls("bidi \u{202e}txet"), "bidi txet")
        XCTAssertEqual(SafeText.stripControls("tabs\tbecome spaces\nlines stay, ünïcödé ✓"), "tabs become spaces\nlines stay, ünïcödé ✓")
        XCTAssertEqual(SafeText.stripControls("one\ntwo", keepNewlines: false), "one two")
        // An escape sequence goes whole (ESC b is Alt-b), lone controls go alone.
        XCTAssertEqual(SafeText.stripControls("a\u{1B}b\u{0}c\nd"), "ac\nd")
        XCTAssertEqual(SafeText.stripControls("marks \u{200E}\u{200F}\u{061C}gone"), "marks gone")
        XCTAssertEqual(SafeText.stripControls("dangling \u{1b}"), "dangling ")
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
