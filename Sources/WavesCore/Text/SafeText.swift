import Foundation

/// The one text-safety layer: every text that comes from a study file, a record or a
/// participant passes through here before it reaches a terminal, a page, a Markdown file,
/// a CSV cell or a syntax file.
///
/// Two ways to neutralise control characters, for two purposes:
/// - `terminal(_:)` *shows* them (`^[` for ESC, `<U+202E>` for C1 and bidirectional
///   controls): what a person reads on a terminal, where hiding a character could hide
///   an attack and interpreting it could retitle the window, clear the screen or reorder text.
/// - `stripControls(_:)` *removes* them, escape sequences in full (CSI, OSC, DCS, APC, PM,
///   SOS): what is stored for a participant's text answer or an imported cell, and the
///   basis of the page and Markdown escapes.
///
/// Controls are every C0 character, DEL, every C1 character, and the Unicode bidirectional
/// embeddings, overrides, isolates and marks (U+202A–U+202E, U+2066–U+2069, U+061C,
/// U+200E, U+200F). Newline is kept or folded to a space on request; tab becomes a space;
/// carriage return is dropped (CRLF line endings).
public enum SafeText {
    /// Whether a scalar is a control character a terminal could act on (newline and tab included).
    public static func isControl(_ u: Unicode.Scalar) -> Bool {
        let v = u.value
        return v < 0x20 || v == 0x7F || (0x80...0x9F).contains(v) || isBidiControl(u)
    }

    /// The bidirectional formatting characters that can make text read differently from its bytes.
    public static func isBidiControl(_ u: Unicode.Scalar) -> Bool {
        let v = u.value
        return (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v) || v == 0x061C
            || v == 0x200E || v == 0x200F
    }

    /// Text for a terminal: controls shown visibly (`^[`, `^G`, `^?`, `<U+009B>`), never interpreted.
    /// Newlines are kept when `keepNewlines` is true, otherwise they become spaces.
    public static func terminal(_ text: String, keepNewlines: Bool = true) -> String {
        // Text without a control (nearly all: ids, numbers, a table of many lines with an en dash)
        // is returned as it is, found by its bytes: a C0 byte (a kept newline aside) or DEL, or
        // the UTF-8 of a C1 or bidirectional control (`isControlAt`); the bytes of any other
        // scalar never match. The same answer as the scalar test below, without decoding scalars.
        let clean: Bool? = text.utf8.withContiguousStorageIfAvailable { b in
            for i in b.indices {
                let c = b[i]
                if c < 0x20 { if c == 0x0A && keepNewlines { continue }; return false }
                if c == 0x7F || (c >= 0x80 && isControlAt(b, i)) { return false }
            }
            return true
        }
        if clean == true { return text }
        // Unchanged when the only controls are kept newlines (a whole table of many lines),
        // which the loop below would copy scalar by scalar to the same text.
        if !text.unicodeScalars.contains(where: { isControl($0) && !(keepNewlines && $0.value == 0x0A) }) { return text }
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
                if isControl(u) {
                    out.append(contentsOf: String(format: "<U+%04X>", u.value).unicodeScalars)
                } else {
                    out.append(u)
                }
            }
        }
        return String(out)
    }

    /// One line for a terminal: `terminal(_:keepNewlines: false)`.
    public static func line(_ text: String) -> String { terminal(text, keepNewlines: false) }

    /// The text with terminal escape sequences removed whole and every other control dropped.
    /// Newlines are kept when `keepNewlines` is true (else they become spaces); tabs become spaces.
    public static func stripControls(_ s: String, keepNewlines: Bool = true) -> String {
        if !s.unicodeScalars.contains(where: isControl) { return s }
        var out = String.UnicodeScalarView()
        var it = Array(s.unicodeScalars)[...]
        func skipCSI() {
            // Parameter and intermediate bytes 0x20-0x3F, then one final byte 0x40-0x7E.
            while let d = it.first, d.value >= 0x20 && d.value <= 0x3F { it.removeFirst() }
            if let d = it.first, d.value >= 0x40 && d.value <= 0x7E { it.removeFirst() }
        }
        func skipString() {
            // OSC, DCS, APC, PM, SOS: up to BEL, ST (0x9C) or ESC \.
            while let d = it.popFirst() {
                if d.value == 0x07 || d.value == 0x9C { return }
                if d.value == 0x1B { if it.first == "\\" { it.removeFirst() }; return }
            }
        }
        while let c = it.popFirst() {
            switch c.value {
            case 0x0A: out.append(keepNewlines ? c : " ")
            case 0x09: out.append(" ")
            case 0x1B:
                guard let next = it.first else { continue }
                if next == "[" { it.removeFirst(); skipCSI() }
                else if "]P_^X".unicodeScalars.contains(next) { it.removeFirst(); skipString() }
                else if next.value >= 0x20 && next.value < 0x7F { it.removeFirst() }
            case 0x9B: skipCSI()
            case 0x9D, 0x90, 0x9F, 0x9E, 0x98: skipString()
            default:
                if !isControl(c) { out.append(c) }
            }
        }
        return String(out)
    }

    /// Text for HTML element content and attribute values: controls stripped, `& < > " '` escaped.
    public static func html(_ s: String) -> String {
        let clean = stripControls(s)
        guard clean.contains(where: { "&<>\"'".contains($0) }) else { return clean }
        var out = ""
        out.reserveCapacity(clean.utf8.count + 16)
        for ch in clean {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(ch)
            }
        }
        return out
    }

    /// `html(s)`'s UTF-8 appended to `out`, byte by byte when walking Characters cannot change
    /// the result: text with no control character (so `stripControls` leaves it as it is) and
    /// either no markup character at all (no Character but the ASCII ones themselves equals
    /// `& < > " '`: copied whole) or no byte above ASCII (every scalar its own Character, CR
    /// being a control: escaped byte by byte). Anything else goes through `html` itself.
    public static func appendHTML(_ s: String, to out: inout [UInt8]) {
        let done = s.utf8.withContiguousStorageIfAvailable { b -> Bool in
            var markup = false, high = false
            var i = 0
            let n = b.count
            while i < n {
                let c = b[i]
                if c < 0x80 {
                    if c < 0x20 || c == 0x7F { return false }
                    if c == 0x26 || c == 0x3C || c == 0x3E || c == 0x22 || c == 0x27 { markup = true }
                } else {
                    high = true
                    if isControlAt(b, i) { return false }
                }
                i += 1
            }
            if !markup {
                out.append(contentsOf: b)
                return true
            }
            if high { return false }
            for c in b {
                switch c {
                case 0x26: out.append(contentsOf: "&amp;".utf8)
                case 0x3C: out.append(contentsOf: "&lt;".utf8)
                case 0x3E: out.append(contentsOf: "&gt;".utf8)
                case 0x22: out.append(contentsOf: "&quot;".utf8)
                case 0x27: out.append(contentsOf: "&#39;".utf8)
                default: out.append(c)
                }
            }
            return true
        }
        if done != true { out.append(contentsOf: html(s).utf8) }
    }

    /// Whether the UTF-8 sequence starting at `i` (a byte above ASCII) encodes one of
    /// `isControl`'s scalars past ASCII: C1 (C2 80-9F), U+061C (D8 9C), U+200E-F (E2 80 8E-8F),
    /// U+202A-E (E2 80 AA-AE), U+2066-9 (E2 81 A6-A9). Continuation bytes never match.
    private static func isControlAt(_ b: UnsafeBufferPointer<UInt8>, _ i: Int) -> Bool {
        switch b[i] {
        case 0xC2: return i + 1 < b.count && b[i + 1] <= 0x9F
        case 0xD8: return i + 1 < b.count && b[i + 1] == 0x9C
        case 0xE2:
            guard i + 2 < b.count else { return false }
            let b1 = b[i + 1], b2 = b[i + 2]
            if b1 == 0x80 { return b2 == 0x8E || b2 == 0x8F || (0xAA...0xAE).contains(b2) }
            if b1 == 0x81 { return (0xA6...0xA9).contains(b2) }
            return false
        default: return false
        }
    }

    /// Text for one Markdown table cell or line: controls stripped, newlines folded, and the
    /// characters that could start markup escaped with a backslash (CommonMark), so a renderer
    /// shows them as text: `\\ | ` * [ ] # &`, `<` before a letter, `/`, `!` or `?` (a tag),
    /// and `_` at a word boundary (intraword underscores are not emphasis).
    public static func markdown(_ s: String) -> String {
        let chars = Array(stripControls(s, keepNewlines: false))
        var out = ""
        out.reserveCapacity(chars.count + 8)
        func wordChar(_ i: Int) -> Bool { i >= 0 && i < chars.count && (chars[i].isLetter || chars[i].isNumber) }
        for (i, ch) in chars.enumerated() {
            switch ch {
            case "\\", "|", "`", "*", "[", "]", "#", "&": out.append("\\"); out.append(ch)
            case "<":
                let next = i + 1 < chars.count ? chars[i + 1] : " "
                if next.isLetter || next == "/" || next == "!" || next == "?" { out.append("\\") }
                out.append(ch)
            case "_":
                if !(wordChar(i - 1) && wordChar(i + 1)) { out.append("\\") }
                out.append(ch)
            default: out.append(ch)
            }
        }
        return out
    }

    /// A Markdown code span: controls stripped, newlines folded, backticks replaced (nothing inside a span needs escaping).
    public static func markdownCode(_ s: String) -> String {
        let clean = stripControls(s, keepNewlines: false).replacingOccurrences(of: "`", with: "'")
            .replacingOccurrences(of: "|", with: "¦")
        return "`" + clean + "`"
    }

    /// An identifier usable in an HTML `id` attribute: letters, digits, `-` and `_` only.
    public static func anchor(_ s: String) -> String {
        String(s.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") ? $0 : "-" })
    }
}
