import Foundation
import WavesCore
import WavesAnalysis

/// The report as Markdown for the terminal: the same sections and numbers as the HTML page, tables instead of figures.
struct MarkdownRenderer {
    let report: StudyReport

    static func esc(_ s: String) -> String { SafeText.markdown(s) }
    static func code(_ s: String) -> String { SafeText.markdownCode(s) }

    static func table(_ header: [String], _ rows: [[String]], numeric: Set<Int> = []) -> String {
        var s = "| " + header.map(esc).joined(separator: " | ") + " |\n"
        s += "|" + header.indices.map { numeric.contains($0) ? "---:" : "---" }.joined(separator: "|") + "|\n"
        for r in rows { s += "| " + r.map(esc).joined(separator: " | ") + " |\n" }
        return s
    }

    func render() -> String {
        let o = report.overview, c = report.completion
        var s = "# \(Self.esc(o.title))\n\nWaves study report · study \(Self.code(o.id)) · \(o.participants) participant(s) · \(o.waves.count) wave(s) · \(o.instruments.count) instrument(s)"
        if let g = report.options.generatedAt { s += " · generated \(Self.esc(g))" }
        s += "\n\n## Main findings\n\n" + report.findings.map { "- \(Self.esc($0))\n" }.joined()
        for n in report.notes { s += "\n_\(Self.esc(n))_\n" }

        s += "\n## 1. Study overview\n\nRoles: \(o.roles.map(Self.esc).joined(separator: ", ")) (the first is the reference level). "
            + "\(o.submissions) submission(s) in the store" + (o.rosterSize.map { "; \($0) in the roster" } ?? "") + ".\n\n"
        s += Self.table(["wave", "label", "time", "first submission", "last submission", "submissions", "participants"],
                        o.waves.map { [$0.id, $0.label, NumberText.fixed($0.time, $0.time == $0.time.rounded() ? 0 : 2), HTMLRenderer.date($0.firstSubmitted),
                                       HTMLRenderer.date($0.lastSubmitted), String($0.submissions), String($0.participants)] }, numeric: [2, 5, 6])
        s += "\n" + Self.table(["instrument", "title", "version", "waves", "items", "file SHA-256", "in the records"], o.instruments.map { i in
            [i.id, i.title, i.version, i.waves.joined(separator: ", "), String(i.items), String(i.sha256.prefix(12)) + "…",
             i.hashes.isEmpty ? "no records yet" : (i.changed ? "WARNING: \(i.hashes.count) versions of the file" : (i.differsFromFile ? "WARNING: differs from the current file" : "same file throughout"))]
        }, numeric: [4])
        for i in o.instruments where i.changed || i.differsFromFile {
            s += "\n> **Warning:** instrument \(Self.code(i.id)) " + (i.changed ? "changed during the study" : "was collected with a file that differs from the current one")
                + ": " + i.hashes.map { "\(String($0.sha256.prefix(12)))… (version \($0.versions.joined(separator: ", ")), \($0.records) record(s) at \($0.waves.joined(separator: ", ")))" }.joined(separator: "; ") + ".\n"
        }

        s += "\n## 2. Completion\n\n"
        let roles = o.roles + (c.unknownRole > 0 ? ["unknown"] : [])
        var rows: [[String]] = []
        for inst in c.instruments {
            for w in inst.waves {
                rows.append([inst.instrument, w.wave, String(w.completed), NumberText.percent(w.rate)] + roles.map { r in
                    let n = w.byRole[r] ?? 0, total = r == "unknown" ? c.unknownRole : (c.roleTotals[r] ?? 0)
                    return "\(n) (\(total > 0 ? NumberText.percent(Double(n) / Double(total)) : NumberText.missing))"
                } + [NumberText.percent(w.retention), String(w.lost)])
            }
        }
        s += Self.table(["instrument", "wave", "completed", "of all"] + roles.map { "\($0) (of \(c.roleTotals[$0] ?? c.unknownRole))" } + ["retained of first wave", "lost since first wave"],
                        rows, numeric: Set(2..<(6 + roles.count)))
        s += "\nRepeated submissions: \(c.duplicateCount) (the latest of each is used). Unreadable store lines: \(c.problemCount).\n"
        if !c.duplicates.isEmpty {
            s += "\n" + Self.table(["participant", "wave", "instrument", "store lines (the last is used)"],
                                   c.duplicates.map { [$0.participant, $0.wave, $0.instrument, $0.lines.map(String.init).joined(separator: ", ")] })
        }
        if !c.problems.isEmpty { s += "\n" + Self.table(["line", "problem"], c.problems.map { [String($0.line), $0.message] }, numeric: [0]) }

        s += "\n## 3. Scales\n"
        for (i, sc) in report.scales.enumerated() { s += scale(sc, number: "3.\(i + 1)") }
        s += texts()
        s += "\n## 5. Methods and references\n\n"
        for p in Methods.paragraphs(report) { s += "**\(Self.esc(p.heading)).** \(Self.esc(p.text))\n\n" }
        s += Methods.references(report).enumerated().map { "\($0.offset + 1). \(Self.esc($0.element))\n" }.joined()
        return s
    }

    func texts() -> String {
        var s = "\n## 4. Free-text answers\n\n"
        guard let waves = report.texts else { return s + "Not included (personal data); run `waves report --include-text` to include them.\n" }
        if waves.isEmpty { return s + "No free-text answers in the store.\n" }
        for w in waves {
            s += "### \(Self.esc(w.label)) (\(Self.esc(w.wave)))\n\n"
            for p in w.prompts {
                s += "**\(Self.esc(p.prompt))** (\(Self.code(p.instrument + "." + p.item)))\n\n"
                for a in p.answers { s += "- \(Self.esc(a.participant))\(a.role.map { " (\(Self.esc($0)))" } ?? ""): \(Self.esc(a.text))\n" }
                if p.omitted > 0 { s += "- … \(p.omitted) further answer(s) not listed\n" }
                s += "\n"
            }
        }
        return s
    }
}
