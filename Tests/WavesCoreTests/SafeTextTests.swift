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

    /// `terminal` finds text without a control by its bytes; held to the scalar test it replaced
    /// (a copy of the function as it was) on random texts of controls (C0, DEL, C1, every bidi
    /// control), their neighbours (U+061B, U+061D, U+200D, U+2010, U+2029, U+202F, U+2065,
    /// U+206A), newlines, tabs, carriage returns, en dashes, accents and emoji.
    func testTerminalFindsCleanTextByItsBytes() {
        func old(_ text: String, keepNewlines: Bool) -> String {
            if !text.unicodeScalars.contains(where: { SafeText.isControl($0) && !(keepNewlines && $0.value == 0x0A) }) { return text }
            var out = String.UnicodeScalarView()
            for u in text.unicodeScalars {
                switch u.value {
                case 0x0A: out.append(keepNewlines ? u : " ")
                case 0x0D: continue
                case 0x09: out.append(" ")
                case 0x00..<0x20:
                    out.append("^")
                    out.append(Unicode.Scalar(UInt8(u.value + 0x40)))
                case 0x7F: out.append(contentsOf: "^?".unicodeScalars)
                default:
                    if SafeText.isControl(u) { out.append(contentsOf: String(format: "<U+%04X>", u.value).unicodeScalars) } else { out.append(u) }
                }
            }
            return String(out)
        }
        let values: [UInt32] = [0x41, 0x20, 0x7E, 0x0A, 0x09, 0x0D, 0x00, 0x1B, 0x1F, 0x7F, 0x80, 0x85, 0x9B, 0x9F, 0xA0, 0xE9, 0x2013,
                                0x061B, 0x061C, 0x061D, 0x200D, 0x200E, 0x200F, 0x2010, 0x2029, 0x202A, 0x202E, 0x202F, 0x2065, 0x2066,
                                0x2069, 0x206A, 0x1F600, 0x301]
        var g = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            var scalars = String.UnicodeScalarView()
            for _ in 0..<Int.random(in: 0...8, using: &g) {
                // Mostly harmless scalars, so that clean texts are common.
                let v = Int.random(in: 0..<3, using: &g) == 0 ? values.randomElement(using: &g)! : [0x41, 0x2013, 0xE9, 0x20, 0x1F600].randomElement(using: &g)!
                scalars.append(Unicode.Scalar(v)!)
            }
            let text = String(scalars)
            for keep in [true, false] {
                XCTAssertEqual(Array(SafeText.terminal(text, keepNewlines: keep).utf8), Array(old(text, keepNewlines: keep).utf8),
                               "\(text.unicodeScalars.map { String($0.value, radix: 16) }) keep \(keep)")
            }
        }
    }
}
