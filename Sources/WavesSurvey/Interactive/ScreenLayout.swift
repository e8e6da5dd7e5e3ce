import Foundation

/// Measures for one screen: a two-cell margin, text at most 76 cells wide (easier to
/// read than the full width of a wide terminal), and fitting everything to the rows.
struct ScreenLayout {
    let size: TerminalSize
    let style: Style
    let margin = "  "

    init(size: TerminalSize, style: Style) {
        self.size = TerminalSize(columns: max(size.columns, 20), rows: max(size.rows, 6))
        self.style = style
    }

    /// Cells available for text after the margin.
    var width: Int { min(size.columns - 1 - margin.count, 76) }

    var rule: ScreenLine {
        ScreenLine(String(repeating: String(style.rule), count: min(size.columns - 1, width + 2 * margin.count)), .dim)
    }

    /// Title on the left, `right` (e.g. "7 of 24") at the right edge.
    func header(_ title: String, right: String) -> ScreenLine {
        let total = width + margin.count
        let rw = TextLayout.width(right)
        let room = max(total - margin.count - rw - 2, 4)
        var t = title
        if TextLayout.width(t) > room { t = TextLayout.truncate(t, width: max(room - TextLayout.width(style.ellipsis), 1)) + style.ellipsis }
        return ScreenLine(TextLayout.pad(margin + t, width: total - rw) + right, .title)
    }

    /// Wrapped lines with the margin; `indent` starts the first line and is replaced
    /// by spaces on the others (hanging indent).
    func wrap(_ text: String, indent: String = "", kind: LineKind = .plain) -> [ScreenLine] {
        let iw = TextLayout.width(indent)
        let hang = String(repeating: " ", count: iw)
        return TextLayout.wrap(text, width: width - iw).enumerated().map { i, line in
            ScreenLine(margin + (i == 0 ? indent : hang) + line, kind)
        }
    }

    /// Key hints packed into lines, three spaces apart; an entry is never split unless it is wider than a line.
    func hints(_ entries: [String]) -> [ScreenLine] {
        var lines: [ScreenLine] = []
        var line = "", w = 0
        for e in entries {
            let ew = TextLayout.width(e)
            if w > 0 && w + 3 + ew <= width { line += "   " + e; w += 3 + ew; continue }
            if w > 0 { lines.append(ScreenLine(margin + line, .dim)) }
            if ew > width { lines += wrap(e, kind: .dim); line = ""; w = 0 } else { line = e; w = ew }
        }
        if w > 0 { lines.append(ScreenLine(margin + line, .dim)) }
        return lines
    }

    /// Top lines, then as much of `body` as fits (scrolled so that line `focus` shows,
    /// with "more" marks), then `bottom` at the foot of the screen.
    func fit(top: [ScreenLine], body: [ScreenLine], focus: Int, bottom: [ScreenLine]) -> Frame {
        let rows = size.rows
        var top = top, bottom = bottom
        // On very short screens keep the header line, the body and the last hint line.
        if top.count + bottom.count + 3 > rows {
            top = Array(top.prefix(1))
            bottom = bottom.filter { $0.kind == .warning } + Array(bottom.suffix(1))
        }
        let room = max(rows - top.count - bottom.count, 1)
        var shown = body
        if body.count > room {
            let f = min(max(focus, 0), body.count - 1)
            let marks = room > 2
            let avail = marks ? room - 2 : room
            let start = max(0, min(f - avail / 2, body.count - avail))
            let end = start + avail
            shown = []
            if marks { shown.append(start > 0 ? ScreenLine(margin + "\(style.up) more", .dim) : .blank) }
            shown += body[start..<end]
            if marks { shown.append(end < body.count ? ScreenLine(margin + "\(style.down) more", .dim) : .blank) }
        }
        let filler = Array(repeating: ScreenLine.blank, count: max(rows - top.count - shown.count - bottom.count, 0))
        return Frame(top + shown + filler + bottom)
    }
}
