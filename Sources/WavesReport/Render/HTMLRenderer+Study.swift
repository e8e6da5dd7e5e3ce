import Foundation
import WavesCore

extension HTMLRenderer {
    func overview() -> String {
        let o = report.overview
        var s = "<section id=\"overview\"><h2>1. Study overview</h2>"
        s += "<p>\(SafeText.html(o.title)) (<code>\(SafeText.html(o.id))</code>): roles \(o.roles.map { "<code>\(SafeText.html($0))</code>" }.joined(separator: ", "))"
            + " (the first is the reference level); \(o.participants) participant(s)"
            + (o.rosterSize.map { ", \($0) in the roster" } ?? ", no roster") + "; \(o.submissions) submission(s) in the store.</p>"
        var w = HTMLTable("waves", caption: "Waves and when the data were collected (submission times, UTC)",
                          header: ["wave", "label", "time", "first submission", "last submission", "submissions", "participants"])
        for x in o.waves {
            w.add([.text(x.id), .text(x.label), .num(NumberText.fixed(x.time, x.time == x.time.rounded() ? 0 : 2)),
                   .num(Self.date(x.firstSubmitted), key: "first"), .num(Self.date(x.lastSubmitted), key: "last"),
                   .num(String(x.submissions), key: "submissions"), .num(String(x.participants), key: "participants")], key: x.id)
        }
        s += w.markup
        var t = HTMLTable("instruments", caption: "Instruments", header: ["instrument", "title", "version", "waves", "items", "scales", "file SHA-256", "in the records"])
        for i in o.instruments {
            let status: Cell
            if i.hashes.isEmpty { status = .text("no records yet") }
            else if i.changed { status = .text("⚠ \(i.hashes.count) versions of the file", cls: "flag") }
            else if i.differsFromFile { status = .text("⚠ differs from the current file", cls: "flag") }
            else { status = .text("✓ same file throughout") }
            t.add([.markup("<code>\(SafeText.html(i.id))</code>"), .text(i.title), .text(i.version, key: "version"), .text(i.waves.joined(separator: ", ")),
                   .num(String(i.items)), .text(i.scales.isEmpty ? "–" : i.scales.joined(separator: "; ")),
                   .markup("<code title=\"\(SafeText.html(i.sha256))\">\(SafeText.html(String(i.sha256.prefix(12))))…</code>"), status], key: i.id)
        }
        s += t.markup
        for i in o.instruments where i.changed || i.differsFromFile {
            s += "<div class=\"warning\" data-warning=\"instrument-changed\"><strong>Instrument <code>\(SafeText.html(i.id))</code> "
            s += i.changed ? "changed during the study." : "was collected with a file that differs from the current one."
            s += "</strong> Scores from different versions may not be comparable. Hashes found in the records:<ul>"
            for h in i.hashes {
                s += "<li><code>\(SafeText.html(String(h.sha256.prefix(16))))…</code> version \(SafeText.html(h.versions.joined(separator: ", "))): "
                    + "\(h.records) record(s) at \(SafeText.html(h.waves.joined(separator: ", ")))"
                    + (h.sha256 == i.sha256 ? " (the current file)" : "") + "</li>"
            }
            s += "</ul></div>"
        }
        if o.unknownRecords > 0 {
            s += "<p class=\"warning\">\(o.unknownRecords) record(s) name a wave or instrument this study does not define; they are left out (see <code>waves validate</code>).</p>"
        }
        return s + "</section>"
    }

    func completion() -> String {
        let c = report.completion
        let o = report.overview
        var s = "<section id=\"completion\"><h2>2. Completion</h2>"
        s += heatMap()
        let roles = o.roles + (c.unknownRole > 0 ? ["unknown"] : [])
        var t = HTMLTable("attrition", caption: "Response and attrition per instrument, wave and role",
                          header: ["instrument", "wave", "completed", "of all"] + roles.map { "\($0) (of \(c.roleTotals[$0] ?? ($0 == "unknown" ? c.unknownRole : 0)))" }
                            + ["retained", "lost"])
        for inst in c.instruments {
            for w in inst.waves {
                let roleCells: [Cell] = roles.map { r in
                    let n = w.byRole[r] ?? 0
                    let total = r == "unknown" ? c.unknownRole : (c.roleTotals[r] ?? 0)
                    return .num("\(n) (\(total > 0 ? NumberText.percent(Double(n) / Double(total)) : NumberText.missing))", key: "role:\(r)")
                }
                t.add([.markup("<code>\(SafeText.html(inst.instrument))</code>"), .text(w.wave), .num(String(w.completed), key: "completed"),
                       .num(NumberText.percent(w.rate), key: "rate")] + roleCells
                      + [.num(NumberText.percent(w.retention), key: "retention"), .num(String(w.lost), key: "lost")], key: "\(inst.instrument):\(w.wave)")
            }
        }
        s += t.markup
        s += "<p class=\"note\">“Retained”: completed at this wave as a share of those who completed the instrument's first wave; “lost”: at the first wave but not at this one (as <code>waves status</code>); "
            + "percentages per role are of the participants in that role.</p>"
        s += "<h3 id=\"store-checks\">Duplicates and store problems</h3>"
        if c.duplicateCount == 0 && c.problemCount == 0 {
            s += "<p data-k=\"store-clean\">No repeated submissions and no unreadable store lines.</p>"
        }
        if c.duplicateCount > 0 {
            s += "<p><strong data-k=\"duplicates\">\(c.duplicateCount)</strong> participant/wave/instrument combination(s) were submitted more than once; the latest submission of each is analysed.</p>"
            var d = HTMLTable("duplicates", header: ["participant", "wave", "instrument", "submissions", "store lines (the last is used)"])
            for x in c.duplicates {
                d.add([.text(x.participant), .text(x.wave), .text(x.instrument), .num(String(x.lines.count)), .text(x.lines.map(String.init).joined(separator: ", "))])
            }
            s += d.markup
            if c.duplicateCount > c.duplicates.count { s += "<p class=\"note\">The first \(c.duplicates.count) are listed; `waves validate` lists all.</p>" }
        }
        if c.problemCount > 0 {
            s += "<p class=\"warning\"><strong data-k=\"problems\">\(c.problemCount)</strong> store line(s) could not be read and were skipped.</p>"
            var p = HTMLTable("problems", header: ["line", "problem"])
            for x in c.problems { p.add([.num(String(x.line)), .text(x.message)]) }
            s += p.markup
            if c.problemCount > c.problems.count { s += "<p class=\"note\">The first \(c.problems.count) are listed; `waves validate` lists all.</p>" }
        }
        return s + "</section>"
    }

    /// Participants x waves (or, for large studies, completion patterns x waves).
    func heatMap() -> String {
        let c = report.completion
        let o = report.overview
        let roleOrder = o.roles
        func rank(_ r: String?) -> Int { r.flatMap { roleOrder.firstIndex(of: $0) } ?? roleOrder.count }
        let ordered = c.rows.enumerated().sorted { (rank($0.element.role), $0.offset) < (rank($1.element.role), $1.offset) }.map(\.element)
        let cols = o.waves.map { "\($0.id)" }
        func value(_ row: Completion.Row, _ w: Int) -> Double? { row.scheduled[w] == 0 ? nil : Double(row.done[w]) / Double(row.scheduled[w]) }
        if c.rows.count <= report.options.maxHeatMapRows {
            let rows = ordered.map { r in HeatRow(label: r.participant, group: r.role ?? "role unknown", values: cols.indices.map { value(r, $0) }) }
            let svg = HeatMap.render(id: "fig-completion", title: "Completion by participant and wave",
                                     desc: "Heat map of \(rows.count) participants (rows, grouped by role) by \(cols.count) waves (columns); each cell shows the share of the wave's instruments the participant submitted.",
                                     columns: cols, rows: rows, cellText: { i, w in
                                        let r = ordered[i]; return r.scheduled[w] == 0 ? nil : "\(r.done[w])/\(r.scheduled[w])" })
            return Self.figure(svg, caption: "Figure 1. Completion: each row is a participant, each column a wave; the cell gives instruments submitted / instruments scheduled.")
        }
        // Patterns: identical rows counted, most frequent first, per role.
        var groups: [(role: String, patterns: [(key: [Int], count: Int)])] = []
        var byRole: [String: [[Int]: Int]] = [:]
        for r in ordered { byRole[r.role ?? "role unknown", default: [:]][r.done, default: 0] += 1 }
        for role in roleOrder + ["role unknown"] {
            guard let pats = byRole[role] else { continue }
            groups.append((role, pats.map { ($0.key, $0.value) }.sorted { $0.count != $1.count ? $0.count > $1.count : $0.key.lexicographicallyPrecedes($1.key) }))
        }
        let scheduled = c.rows.first?.scheduled ?? []
        let perGroup = max(5, report.options.maxHeatMapRows / max(1, groups.count))
        var rows: [HeatRow] = []
        var texts: [[String?]] = []
        var hidden = 0
        for g in groups {
            for (j, p) in g.patterns.enumerated() {
                if j >= perGroup { hidden += p.count; continue }
                rows.append(HeatRow(label: "n = \(p.count)", group: g.role,
                                    values: cols.indices.map { scheduled[$0] == 0 ? nil : Double(p.key[$0]) / Double(scheduled[$0]) }))
                texts.append(cols.indices.map { scheduled[$0] == 0 ? nil : "\(p.key[$0])/\(scheduled[$0])" })
            }
        }
        let svg = HeatMap.render(id: "fig-completion", title: "Completion patterns by wave",
                                 desc: "\(c.rows.count) participants are too many to draw one row each; each row is a completion pattern across \(cols.count) waves with the number of participants who share it, grouped by role.",
                                 columns: cols, rows: rows, cellText: { i, w in texts[i][w] })
        return Self.figure(svg, caption: "Figure 1. Completion patterns: with \(c.rows.count) participants each row is a pattern of instruments submitted / scheduled per wave, labelled with how many participants (n) share it"
                           + (hidden > 0 ? "; \(hidden) participant(s) with rarer patterns are not drawn." : "."))
    }
}
