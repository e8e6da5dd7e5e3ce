import Foundation

/// Display width and word wrapping for terminal text.
///
/// Width counts grapheme clusters, two cells for East Asian wide and full-width
/// characters and emoji presentation (a close approximation of `wcwidth`).
public enum TextLayout {
    /// Cells a character occupies.
    public static func width(of ch: Character) -> Int {
        guard let u = ch.unicodeScalars.first else { return 0 }
        if ch.unicodeScalars.count > 1, ch.unicodeScalars.contains(where: { $0.properties.isEmojiPresentation }) { return 2 }
        return isWide(u) ? 2 : 1
    }

    static func isWide(_ u: Unicode.Scalar) -> Bool {
        let v = u.value
        if v < 0x1100 { return false }
        if u.properties.isEmojiPresentation { return true }
        return (0x1100...0x115F).contains(v) || (0x2E80...0x303E).contains(v) || (0x3041...0x33FF).contains(v)
            || (0x3400...0x4DBF).contains(v) || (0x4E00...0x9FFF).contains(v) || (0xA000...0xA4CF).contains(v)
            || (0xAC00...0xD7A3).contains(v) || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v)
            || (0xFF00...0xFF60).contains(v) || (0xFFE0...0xFFE6).contains(v) || (0x20000...0x3FFFD).contains(v)
    }

    /// Cells a string occupies (no escape sequences inside).
    public static func width(_ s: String) -> Int {
        if s.utf8.allSatisfy({ $0 < 0x80 }) { return s.utf8.count }
        var w = 0
        for ch in s { w += width(of: ch) }
        return w
    }

    /// Wraps text to `width` cells: explicit newlines start new lines, words move to
    /// the next line whole, and a word longer than a line is broken.
    public static func wrap(_ text: String, width: Int) -> [String] {
        let width = max(width, 8)
        var lines: [String] = []
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = "", lineWidth = 0
            for word in paragraph.split(separator: " ", omittingEmptySubsequences: true) {
                var word = String(word)
                var ww = TextLayout.width(word)
                if lineWidth > 0 && lineWidth + 1 + ww <= width {
                    line += " " + word; lineWidth += 1 + ww; continue
                }
                if lineWidth > 0 { lines.append(line); line = ""; lineWidth = 0 }
                while ww > width {
                    var head = "", hw = 0
                    var rest = Substring(word)
                    while let c = rest.first, hw + TextLayout.width(of: c) <= width { head.append(c); hw += TextLayout.width(of: c); rest = rest.dropFirst() }
                    lines.append(head)
                    word = String(rest); ww = TextLayout.width(word)
                }
                line = word; lineWidth = ww
            }
            lines.append(line)
        }
        return lines
    }

    /// The string cut to at most `width` cells.
    public static func truncate(_ s: String, width: Int) -> String {
        if s.utf8.allSatisfy({ $0 < 0x80 }) { return s.utf8.count <= width ? s : String(s.prefix(max(width, 0))) }
        var out = "", w = 0
        for ch in s {
            let cw = self.width(of: ch)
            if w + cw > width { break }
            out.append(ch); w += cw
        }
        return out
    }

    /// The string padded with spaces to `width` cells.
    public static func pad(_ s: String, width: Int) -> String {
        let w = self.width(s)
        return w >= width ? s : s + String(repeating: " ", count: width - w)
    }
}
