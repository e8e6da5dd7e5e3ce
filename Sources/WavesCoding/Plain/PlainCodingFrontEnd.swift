import Foundation
import WavesAnalysis
import WavesCore
import WavesSurvey

/// Plain mode of `waves code`: no escape codes, each part of the screen a line of its own,
/// one command read per line (screen readers, pipes, scripted tests).
///
/// Commands: code numbers toggle codes (`3`, or several: `3 7`); `?3` shows code 3's
/// definition; `m TEXT` sets the memo (`m` alone clears it); Enter or `n` records the unit
/// and goes on; `b` goes back; `g N` goes to unit N; `l` lists the codes again; `q`
/// records what changed and leaves; `h` shows this help. The end of input leaves like `q`.
public final class PlainCodingFrontEnd: CodingFrontEnd {
    public let console: Console
    /// Echo each line read as `> line` (when input is not a terminal, so a transcript reads as a dialogue).
    public let echo: Bool
    public let waveLabels: [String: String]

    public init(console: Console, echo: Bool, waveLabels: [String: String] = [:]) {
        self.console = console; self.echo = echo; self.waveLabels = waveLabels
    }

    public static let help = "Commands: a code number toggles that code (several: 2 5), ?N shows the definition of code N, m TEXT sets the memo (m alone clears it), Enter or n records this unit and goes on, b goes back, g N goes to unit N, l lists the codes, q records and leaves (run the same command again to continue), h this help."

    private func say(_ text: String) { console.write(text + "\n") }

    private func read() -> String? {
        guard let line = console.readLine() else { return nil }
        if echo { console.write("> " + SafeText.line(line) + "\n") }
        return line.trimmingCharacters(in: .whitespaces)
    }

    public func run(_ plan: CodingPlan, record: (CodingDecision) throws -> Void, now: () -> String) throws -> CodingOutcome {
        var s = plan.session
        var written = 0
        func leave(confirm: Bool) throws {
            if let d = s.pendingDecision(confirm: confirm, at: now()) { try record(d); s.didRecord(d); written += 1 }
        }
        let book = s.codebook
        say(SafeText.line("Coding with \(book.title) (\(book.id) \(book.version)) as \(s.coder): \(s.units.count) unit\(s.units.count == 1 ? "" : "s"), \(s.codedCount) coded so far."))
        if let r = plan.reconciling { say(SafeText.line("Reconciling \(r.joined(separator: " and ")): the units where their codes differ. Your decisions are recorded as \(s.coder).")) }
        for n in plan.notices { say("Note: " + SafeText.line(n)) }
        say(Self.help)
        var show = true
        loop: while let u = s.unit {
            if show { screen(s, plan, u) }
            show = false
            say("Command (numbers toggle codes, Enter records and goes on, h help):")
            guard let line = read() else { try leave(confirm: false); break }
            let lower = line.lowercased()
            switch lower {
            case "", "n":
                try leave(confirm: true)
                if s.index == s.units.count - 1 {
                    say("That was the last unit: \(s.codedCount) of \(s.units.count) coded.")
                    if s.codedCount == s.units.count { break loop }
                    s.move(to: s.resumeIndex)
                    say("Going to the first unit without a decision.")
                } else { s.move(to: s.index + 1) }
                show = true
            case "b":
                if s.index == 0 { say("This is the first unit."); continue }
                try leave(confirm: false); s.move(to: s.index - 1); show = true
            case "q": try leave(confirm: false); break loop
            case "h", "?": say(Self.help)
            case "l": codeList(s, plan, u)
            default:
                if lower.hasPrefix("m") && (lower.count == 1 || lower.dropFirst().first == " ") {
                    s.setMemo(String(line.dropFirst()).trimmingCharacters(in: .whitespaces))
                    say(s.memo.isEmpty ? "Memo cleared." : "Memo: " + SafeText.line(s.memo))
                } else if lower.hasPrefix("g "), let n = Int(lower.dropFirst(2).trimmingCharacters(in: .whitespaces)) {
                    guard n >= 1 && n <= s.units.count else { say("There is no unit \(n); type a number from 1 to \(s.units.count)."); continue }
                    try leave(confirm: false); s.move(to: n - 1); show = true
                } else if lower.hasPrefix("?"), let n = Int(lower.dropFirst().trimmingCharacters(in: .whitespaces)) {
                    let rows = s.rows
                    guard n >= 1 && n <= rows.count else { say("There is no code \(n); codes are numbered 1 to \(rows.count)."); continue }
                    if let c = book.code(rows[n - 1].id) { for l in UnitText.definition(c) { say(l) } }
                    else { say(SafeText.line("'\(rows[n - 1].id)' is not in this codebook (it was applied with an earlier version); toggle it to remove it.")) }
                } else {
                    let parts = lower.split(whereSeparator: { $0 == " " || $0 == "," })
                    let numbers = parts.compactMap { Int($0) }
                    let rows = s.rows
                    guard !parts.isEmpty, numbers.count == parts.count, numbers.allSatisfy({ $0 >= 1 && $0 <= rows.count }) else {
                        say("Please type code numbers from 1 to \(rows.count), or h for help."); continue
                    }
                    for n in numbers { s.toggle(rows[n - 1].id) }
                    say("Codes now: " + current(s))
                }
            }
        }
        return CodingOutcome(recorded: written, coded: s.codedCount, total: s.units.count)
    }

    private func current(_ s: CodingSession) -> String {
        let labels = s.rows.enumerated().filter { s.codes.contains($0.element.id) }.map { "\($0.offset + 1) \($0.element.label)" }
        return labels.isEmpty ? "none" : SafeText.line(labels.joined(separator: "; "))
    }

    private func screen(_ s: CodingSession, _ plan: CodingPlan, _ u: CodingUnit) {
        let state = s.recorded[u.id] == nil ? "not coded yet" : "coded"
        say("Unit \(s.progress) (\(state); \(s.codedCount) of \(s.units.count) coded).")
        if let c = UnitText.context(u, plan, waveLabel: waveLabels[u.wave]) { say(c) }
        say("Question: " + UnitText.prompt(u))
        say("Answer:")
        for line in UnitText.answer(u).split(separator: "\n", omittingEmptySubsequences: false) { say("  " + line) }
        for m in UnitText.memos(plan, unit: u.id) { say(m) }
        codeList(s, plan, u)
        say("Memo: " + (s.memo.isEmpty ? "(none)" : SafeText.line(s.memo)))
    }

    private func codeList(_ s: CodingSession, _ plan: CodingPlan, _ u: CodingUnit) {
        say("Codes:")
        for (i, r) in s.rows.enumerated() {
            let mark = s.codes.contains(r.id) ? "[x]" : "[ ]"
            var line = "  \(i + 1) \(mark) " + String(repeating: "  ", count: r.depth) + SafeText.line(r.label)
            if plan.reconciling != nil {
                let by = UnitText.appliedBy(r.id, plan, unit: u.id)
                if !by.isEmpty { line += " (applied by \(by.joined(separator: " and ")))" }
            }
            say(line)
        }
    }
}
