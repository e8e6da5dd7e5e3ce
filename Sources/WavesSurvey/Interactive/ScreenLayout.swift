import Foundation

/// Measures for one screen: a two-cell margin, text at most 76 cells wide (easier to
/// read than the full width of a wide terminal), and fitting everything to the rows.
struct ScreenLayout {
    let size: TerminalSize
    let style: Style
    let margin = "  "

    /// The window as it is (`size` is at least 20 x 6, for arithmetic on tiny windows).
    let actual: TerminalSize

    init(size: TerminalSize, style: Style) {
        self.actual = size
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

    /// Top lines, then as much of `body` as fits, then `message` (a warning or notice, may be
    /// empty) and the key `hints` at the foot of the screen.
    ///
    /// When everything does not fit, the screen is made compact step by step: blank spacer lines
    /// go, then the hints shrink to their first and last line, then to the first line (the main
    /// keys). The body lines `keep` (the options of a question, the answer field, the editor)
    /// stay visible together when they fit, with as much of the question above them as there is
    /// room for; otherwise the body scrolls so that line `focus` shows. "more" marks say where
    /// lines are hidden.
    func fit(top: [ScreenLine], body: [ScreenLine], focus: Int, keep: Range<Int>? = nil,
             message: [ScreenLine] = [], hints: [ScreenLine]) -> Frame {
        let rows = size.rows
        let full = [ScreenLine.blank] + (message.isEmpty ? [.blank] : message) + [rule] + hints
        if top.count + body.count + full.count <= rows {
            let filler = Array(repeating: ScreenLine.blank, count: rows - top.count - body.count - full.count)
            return Frame(top + body + filler + full)
        }
        // Compact: no spacer lines.
        let ctop = top.filter { $0 != .blank }
        var cbody: [ScreenLine] = [], map: [Int] = []   // map[i]: index in cbody of body line i
        for line in body {
            map.append(cbody.count)
            if line != .blank { cbody.append(line) }
        }
        map.append(cbody.count)
        let f = body.isEmpty ? 0 : min(map[min(max(focus, 0), body.count - 1)], max(cbody.count - 1, 0))
        let region: Range<Int> = {
            guard let k = keep, !k.isEmpty, k.lowerBound < body.count else { return f..<(f + 1) }
            let lo = map[k.lowerBound], hi = max(map[min(k.upperBound, body.count)], lo + 1)
            return min(lo, f)..<max(hi, f + 1)
        }()
        let first = Array(hints.prefix(1)), last = hints.count > 1 ? [hints[hints.count - 1]] : []
        let candidates: [[ScreenLine]] = [message + [rule] + hints, message + first + last, message + first]
        // The whole question with fewer hints beats more hints with the question cut.
        let bottom = candidates.first { rows - ctop.count - $0.count >= cbody.count }
            ?? candidates.first { rows - ctop.count - $0.count >= region.count + 2 }
            ?? candidates[candidates.count - 1]
        let avail = max(rows - ctop.count - bottom.count, 1)
        let shown = cbody.count <= avail ? cbody : window(cbody, region: region, focus: f, rows: avail)
        let filler = Array(repeating: ScreenLine.blank, count: max(rows - ctop.count - shown.count - bottom.count, 0))
        return Frame(ctop + shown + filler + bottom)
    }

    /// `rows` lines of `body` (more lines than fit) showing `region` whole when it fits, else `focus`.
    private func window(_ body: [ScreenLine], region: Range<Int>, focus: Int, rows: Int) -> [ScreenLine] {
        let count = body.count
        let up = ScreenLine(margin + "\(style.up) more", .dim), down = ScreenLine(margin + "\(style.down) more", .dim)
        guard rows >= 3 else {
            let start = max(0, min(focus - rows / 2, count - rows))
            return Array(body[start..<(start + rows)])
        }
        // Only a mark below: the region ends within the first rows - 1 lines.
        if region.upperBound <= rows - 1 { return Array(body[0..<(rows - 1)]) + [down] }
        // Only a mark above: the region starts within the last rows - 1 lines.
        if region.lowerBound >= count - (rows - 1) && region.count <= rows - 1 { return [up] + Array(body[(count - rows + 1)..<count]) }
        let inner = rows - 2
        let start: Int
        if region.count <= inner { start = max(0, min(region.lowerBound, region.upperBound - inner)) }
        else { start = max(0, min(focus - inner / 2, count - inner)) }
        let end = min(start + inner, count)
        return [start > 0 ? up : .blank] + Array(body[start..<end]) + [end < count ? down : .blank]
    }

    /// True when the window is below the smallest size the survey is laid out for.
    var tooSmall: Bool { actual.columns < ScreenLayout.minimum.columns || actual.rows < ScreenLayout.minimum.rows }

    /// The smallest window in which every screen keeps its options and keys visible.
    static let minimum = TerminalSize(columns: 40, rows: 12)

    /// What a window below `minimum` shows instead of a question: what is wrong and how to fix it.
    func tooSmallFrame() -> Frame {
        let width = max(actual.columns - 1, 8)
        let text = "This window is too small for the survey (\(actual.columns) x \(actual.rows)). "
            + "Please make it at least \(ScreenLayout.minimum.columns) columns wide and \(ScreenLayout.minimum.rows) rows high: "
            + "maximise the window, drag its corner, or make the text smaller (Ctrl and -). "
            + "Your answers are kept; q leaves."
        return Frame(TextLayout.wrap(text, width: width).map { ScreenLine($0, .warning) })
    }
}
