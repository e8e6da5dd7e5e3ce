import Foundation
import WavesAnalysis
import WavesCore
import WavesSurvey

/// Interactive mode of `waves code`: one unit per screen in a raw terminal.
///
/// Keys: Up/Down move the highlight over the codes; Space or a code's own key (1-9, 0,
/// then letters) toggles a code; `?` shows or hides the highlighted code's definition;
/// `m` edits the memo (Enter keeps it, Escape cancels); Enter or Right records the unit
/// and goes on; Left goes back; PageUp/PageDown scroll a long answer; `q`, Escape or
/// Ctrl-C records what changed and leaves.
public final class InteractiveCodingFrontEnd: CodingFrontEnd {
    public let console: Console
    public let style: Style
    public let waveLabels: [String: String]

    /// Keys for codes, in order: digits, then letters not used by a command (b d g h m n q).
    static let codeKeys: [Character] = Array("1234567890acefijklopr stuvwxyz".replacingOccurrences(of: " ", with: ""))

    public init(console: Console, style: Style, waveLabels: [String: String] = [:]) {
        self.console = console; self.style = style; self.waveLabels = waveLabels
    }

    struct View {
        var highlight = 0
        var scroll = 0
        var showDefinition = false
        var editingMemo: String?
        var message: String?
    }

    public func run(_ plan: CodingPlan, record: (CodingDecision) throws -> Void, now: () -> String) throws -> CodingOutcome {
        var s = plan.session
        var v = View()
        var written = 0
        var clear = true
        v.message = plan.notices.first.map { SafeText.line($0) } ?? (plan.reconciling != nil ? "Reconciling \(plan.reconciling!.joined(separator: " and ")): their codes are marked beside each code." : nil)
        func leave(confirm: Bool) throws {
            if let d = s.pendingDecision(confirm: confirm, at: now()) { try record(d); s.didRecord(d); written += 1 }
        }
        func go(_ i: Int) { s.move(to: i); v.scroll = 0 }
        loop: while s.unit != nil {
            console.write(Frame(screen(s, plan, v)).rendered(size: console.size, style: style, clear: clear))
            clear = false
            guard let key = console.readKey() else { try leave(confirm: false); break }
            if var memo = v.editingMemo {
                switch key {
                case .enter: s.setMemo(memo); v.editingMemo = nil
                case .escape, .interrupt: v.editingMemo = nil
                case .backspace: if !memo.isEmpty { memo.removeLast() }; v.editingMemo = memo
                case .character(let c): memo.append(c); v.editingMemo = memo
                case .resize: clear = true
                default: break
                }
                continue
            }
            v.message = nil
            let rows = s.rows
            switch key {
            case .up: v.highlight = max(v.highlight - 1, 0)
            case .down: v.highlight = min(v.highlight + 1, rows.count - 1)
            case .character(" "): if rows.indices.contains(v.highlight) { s.toggle(rows[v.highlight].id) }
            case .character("?"): v.showDefinition.toggle()
            case .character("m"): v.editingMemo = s.memo
            case .pageDown: v.scroll += 5
            case .pageUp: v.scroll = max(v.scroll - 5, 0)
            case .enter, .right:
                try leave(confirm: true)
                if s.index < s.units.count - 1 { go(s.index + 1) }
                else if s.codedCount == s.units.count { break loop }
                else { go(s.resumeIndex); v.message = "That was the last unit; here is the first one without a decision." }
            case .left:
                if s.index == 0 { v.message = "This is the first unit." } else { try leave(confirm: false); go(s.index - 1) }
            case .character("q"), .escape, .interrupt, .endOfInput: try leave(confirm: false); break loop
            case .resize: clear = true
            case .character(let c):
                if let i = Self.codeKeys.firstIndex(of: c), rows.indices.contains(i) { s.toggle(rows[i].id); v.highlight = i }
                else { v.message = "Space or a code's key toggles a code; Enter records and goes on; ? shows the definition; q leaves." }
            default: break
            }
        }
        return CodingOutcome(recorded: written, coded: s.codedCount, total: s.units.count)
    }

    /// The lines of one screen, fitted to the console's size.
    func screen(_ s: CodingSession, _ plan: CodingPlan, _ v: View) -> [ScreenLine] {
        guard let u = s.unit else { return [] }
        let size = console.size
        let width = max(size.columns - 3, 10)
        let rule = ScreenLine(String(repeating: style.unicode ? "─" : "-", count: max(size.columns - 1, 1)), .dim)
        let title = SafeText.line("\(s.codebook.title) · \(s.coder)")
        let right = "\(s.progress) · \(s.codedCount) coded"
        let gap = max(size.columns - 1 - TextLayout.width(title) - TextLayout.width(right) - 2, 1)
        var top = [ScreenLine("  " + title + String(repeating: " ", count: gap) + right, .title), rule]
        if let c = UnitText.context(u, plan, waveLabel: waveLabels[u.wave]) { top.append(ScreenLine("  " + c, .dim)) }
        top += TextLayout.wrap(UnitText.prompt(u), width: width).map { ScreenLine("  " + $0, .dim) }
        // The code list and its markers.
        let rows = s.rows
        var codeLines: [ScreenLine] = []
        for (i, r) in rows.enumerated() {
            let key = i < Self.codeKeys.count ? String(Self.codeKeys[i]) : " "
            let mark = s.codes.contains(r.id) ? "[x]" : "[ ]"
            var text = "\(i == v.highlight ? ">" : " ") \(mark) \(key) " + String(repeating: "  ", count: r.depth) + SafeText.line(r.label)
            if plan.reconciling != nil {
                let by = UnitText.appliedBy(r.id, plan, unit: u.id)
                if !by.isEmpty { text += "  ← " + by.joined(separator: ", ") }
            }
            codeLines.append(ScreenLine(text, i == v.highlight ? .highlight : (s.codes.contains(r.id) ? .accent : .plain)))
        }
        var bottom: [ScreenLine] = [rule]
        if let m = v.editingMemo {
            bottom.append(ScreenLine("  Memo: " + SafeText.line(m) + "_", .bold))
            bottom.append(ScreenLine("  Type the memo; Enter keeps it, Escape cancels.", .dim))
        } else {
            bottom.append(ScreenLine("  Memo: " + (s.memo.isEmpty ? "(none; m to write one)" : SafeText.line(s.memo))))
            let arrows = style.unicode ? "↑↓" : "Up/Down"
            bottom.append(ScreenLine(v.message.map { "  " + $0 } ?? "  \(arrows) move · Space/key toggle · ? definition · m memo · Enter next · \(style.unicode ? "←" : "Left") back · q leave", v.message == nil ? .dim : .warning))
        }
        // The middle: the answer (or the definition), then the codes, sharing the rows left.
        var middle: [ScreenLine]
        if v.showDefinition, rows.indices.contains(v.highlight), let code = s.codebook.code(rows[v.highlight].id) {
            middle = UnitText.definition(code).flatMap { TextLayout.wrap($0, width: width) }.map { ScreenLine("  " + $0, .bold) }
        } else {
            middle = TextLayout.wrap(UnitText.answer(u), width: width).map { ScreenLine("  " + $0) }
            middle += UnitText.memos(plan, unit: u.id).flatMap { TextLayout.wrap($0, width: width) }.map { ScreenLine("  " + $0, .dim) }
        }
        let free = max(size.rows - top.count - bottom.count - 1, 4)
        let codeRows = min(codeLines.count, max(free / 2, free - middle.count))
        let textRows = max(free - codeRows, 1)
        let scroll = min(v.scroll, max(middle.count - textRows, 0))
        var shownText = Array(middle.dropFirst(scroll).prefix(textRows))
        if middle.count > textRows { shownText[shownText.count - 1] = ScreenLine("  (PageDown/PageUp: more of the text, \(scroll + textRows) of \(middle.count) lines)", .dim) }
        let first = min(max(v.highlight - codeRows / 2, 0), max(codeLines.count - codeRows, 0))
        let shownCodes = Array(codeLines.dropFirst(first).prefix(codeRows))
        return top + shownText + [ScreenLine.init("")] + shownCodes + bottom
    }
}
