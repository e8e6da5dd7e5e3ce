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

    /// Printable ASCII comes back from `SafeText.terminal` as it is; any control in it does not.
    func testPrintableASCIIIsSafeAsItIs() {
        XCTAssertEqual(SafeText.line("P000001 peer-mentor ~!"), "P000001 peer-mentor ~!")
        XCTAssertEqual(SafeText.line("a\u{7F}b"), "a^?b")
        XCTAssertEqual(SafeText.line("a\u{1F}b"), "a^_b")
        XCTAssertEqual(SafeText.terminal("a\nb"), "a\nb")
        XCTAssertEqual(SafeText.line("a\nb"), "a b")
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

    /// `appendHTML` (the byte-level path of the qdpx export) gives exactly `html`'s bytes, on
    /// texts built from pieces chosen to reach every branch: ASCII with and without markup,
    /// non-ASCII with and without markup, combining marks and a prepended mark on markup
    /// characters (where a Character is not the markup character alone), CR LF, every kind of
    /// control `stripControls` removes (C0, DEL, C1, bidirectional, escape sequences) and
    /// non-controls whose UTF-8 starts like them (U+00A0, U+0600, U+200D, U+2014, U+2029, U+206A).
    func testAppendHTMLIsHTMLsBytes() {
        func check(_ s: String, file: StaticString = #filePath, line: UInt = #line) {
            var out: [UInt8] = [0x2A]
            SafeText.appendHTML(s, to: &out)
            XCTAssertEqual(out, [0x2A] + Array(SafeText.html(s).utf8), s.debugDescription, file: file, line: line)
        }
        let pieces = ["plain", " ", "a&b", "<", ">", "\"", "'", "&amp;", "naïve", "—", "é", "e\u{301}", "<\u{301}", "&\u{338}",
                      "<\u{338}", "\u{600}<", "\u{600}", "'\u{200D}", "\u{200D}", "\u{A0}", "\u{2029}", "\u{206A}", "\u{2065}", "\u{202F}",
                      "👩‍⚕️", "🇩🇪", "\n", "\r\n", "\r", "\t", "\u{07}", "\u{1B}[31m", "\u{1B}]0;title\u{07}", "\u{1B}", "\u{7F}",
                      "\u{85}", "\u{9B}2J", "\u{9F}", "\u{202E}", "\u{2066}", "\u{2069}", "\u{200E}", "\u{200F}", "\u{61C}", "x"]
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let n = Int.random(in: 0...6, using: &rng)
            check((0..<n).map { _ in pieces.randomElement(using: &rng)! }.joined())
        }
        for p in pieces { check(p); check("<" + p); check(p + ">"); check("plain " + p + " text") }
        // Every scalar alone and beside a markup character.
        for v in UInt32(0)...0x10FFFF {
            guard let u = Unicode.Scalar(v) else { continue }
            let c = String(Character(u))
            check(c)
            if v < 0x3000 || v % 7 == 0 { check("<" + c + "&"); check(c + "'") }
        }
    }

    func testAnchorsKeepOnlySafeCharacters() {
        XCTAssertEqual(SafeText.anchor("scale-id.x <y>"), "scale-id-x--y-")
    }
}
