import Foundation

/// Makes untrusted text (instrument text, participant answers, ids) safe to print on a terminal.
///
/// Terminal control sequences could move the cursor, recolour or hide text, retitle the
/// window or rewrite the screen; bidirectional overrides could reorder what is read.
/// Every C0 control except newline, DEL, every C1 control and the bidi embedding,
/// override and isolate characters are shown visibly instead (`^[` for ESC, `<U+009B>`
/// for C1 and bidi controls), so nothing is hidden and nothing is interpreted. Tab
/// becomes a space; carriage returns are dropped (CRLF line endings).
public enum SafeText {
    /// Whether a scalar is a control character the terminal could act on.
    public static func isControl(_ u: Unicode.Scalar) -> Bool {
        let v = u.value
        return v < 0x20 || v == 0x7F || (0x80...0x9F).contains(v) || isBidiControl(u)
    }

    static func isBidiControl(_ u: Unicode.Scalar) -> Bool {
        let v = u.value
        return (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v) || v == 0x061C
            || v == 0x200E || v == 0x200F
    }

    /// The text with controls neutralised; newlines are kept when `keepNewlines` is true,
    /// otherwise they become spaces.
    public static func clean(_ text: String, keepNewlines: Bool = true) -> String {
        // Fast path: nothing to change.
        if !text.unicodeScalars.contains(where: { isControl($0) }) { return text }
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

    /// Participant input with controls removed (not shown as `^X`): what is stored for a text answer.
    /// Newlines are kept when `keepNewlines` is true; tabs become spaces.
    public static func stripControls(_ text: String, keepNewlines: Bool = true) -> String {
        var out = String.UnicodeScalarView()
        for u in text.unicodeScalars {
            if u == "\n" { if keepNewlines { out.append(u) } else { out.append(" ") }; continue }
            if u == "\t" { out.append(" "); continue }
            if isControl(u) { continue }
            out.append(u)
        }
        return String(out)
    }
}
