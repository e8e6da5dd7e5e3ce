import Foundation

/// Making participant and instrument text safe for a page or a terminal.
///
/// Every string that comes from a study (titles, item texts, participant ids,
/// diary answers) passes through here before it is written: terminal control
/// sequences are removed (ANSI CSI/OSC escapes in full, then any remaining C0
/// and C1 control character except tab and newline, DEL, and the Unicode
/// bidirectional overrides that can disguise text), and the five HTML
/// metacharacters `& < > " '` become entities.
public enum SafeText {
    /// Removes terminal control sequences and control characters (tab and newline are kept).
    public static func strippingControls(_ s: String) -> String {
        // Fast path: nothing to strip.
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

    /// Control characters that are dropped (tab and newline are not).
    static func isControl(_ c: Unicode.Scalar) -> Bool {
        let v = c.value
        if v == 0x09 || v == 0x0A { return false }
        if v < 0x20 || v == 0x7F || (v >= 0x80 && v <= 0x9F) { return true }
        // Bidirectional embeddings, overrides and isolates.
        return (v >= 0x202A && v <= 0x202E) || (v >= 0x2066 && v <= 0x2069)
    }

    /// Text for HTML element content and attribute values: controls stripped, `& < > " '` escaped.
    public static func html(_ s: String) -> String {
        let clean = strippingControls(s)
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

    /// Text for one Markdown table cell or line: controls stripped, newlines folded, and the
    /// characters that could start markup escaped with a backslash (CommonMark), so a renderer
    /// shows them as text: `\\ | ` * [ ] # &`, `<` before a letter, `/`, `!` or `?` (a tag),
    /// and `_` at a word boundary (intraword underscores are not emphasis).
    public static func markdown(_ s: String) -> String {
        let chars = Array(strippingControls(s).replacingOccurrences(of: "\r", with: ""))
        var out = ""
        out.reserveCapacity(chars.count + 8)
        func wordChar(_ i: Int) -> Bool { i >= 0 && i < chars.count && (chars[i].isLetter || chars[i].isNumber) }
        for (i, ch) in chars.enumerated() {
            switch ch {
            case "\n", "\t": out.append(" ")
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
        let clean = strippingControls(s).replacingOccurrences(of: "`", with: "'")
            .replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\t", with: " ").replacingOccurrences(of: "|", with: "¦")
        return "`" + clean + "`"
    }

    /// An identifier usable in an HTML `id` attribute: letters, digits, `-` and `_` only.
    public static func anchor(_ s: String) -> String {
        String(s.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") ? $0 : "-" })
    }
}
