import Foundation
import WavesCore
import WavesAnalysis

/// The main findings in a few plain lines (printed by `waves report` and `make demo`, listed on the page).
///
/// Study and store first, then across scales: which changed (corrected RM-ANOVA, p < .05) and the
/// largest effects, internal consistency, and reliable change. Every number is one the page shows.
enum Findings {
    static func lines(_ r: StudyReport) -> [String] {
        var out: [String] = []
        let o = r.overview
        var head = "\(o.participants) participant(s), \(o.waves.count) wave(s), \(o.instruments.count) instrument(s), \(o.submissions) submission(s)"
        if let first = r.completion.instruments.first, let last = first.waves.last {
            head += "; \(first.instrument) completed by \(last.completed) at \(last.wave)" + (last.retention.map { " (\(NumberText.percent($0)) of its first wave)" } ?? "")
        }
        out.append(head + ".")
        if r.completion.duplicateCount > 0 || r.completion.problemCount > 0 {
            out.append("Store: \(r.completion.duplicateCount) repeated submission(s) (the latest is used), \(r.completion.problemCount) unreadable line(s).")
        }
        for i in o.instruments where i.changed {
            out.append("Warning: instrument '\(i.id)' changed during the study (\(i.hashes.count) different file hashes in the records).")
        }
        out += change(r.scales)
        if let rel = reliability(r.scales) { out.append(rel) }
        if let rc = reliableChange(r.scales) { out.append(rc) }
        return out.map { SafeText.stripControls($0) }
    }

    static func list(_ names: [String], max: Int = 4) -> String {
        names.count <= max ? names.joined(separator: "; ") : names.prefix(max).joined(separator: "; ") + "; and \(names.count - max) more"
    }

    static func change(_ scales: [ScaleSection]) -> [String] {
        var out: [String] = []
        let tested = scales.compactMap { s -> (ScaleSection, ChangeReport, CorrectedEffect)? in
            guard let c = s.change.value, let w = c.corrected.first(where: { $0.effect == "wave" }), w.p != nil else { return nil }
            return (s, c, w)
        }
        let changed = tested.filter { $0.2.p! < 0.05 }
        if !tested.isEmpty {
            var line = "Change across waves: \(changed.count) of \(tested.count) scale(s) changed (repeated-measures ANOVA, corrected, p < .05)"
            let top = changed.sorted { ($0.2.ges ?? 0) > ($1.2.ges ?? 0) }.prefix(3).map { s, c, w -> String in
                let m = c.pooledMeans
                return "\(s.label) \(NumberText.fixed(m.first ?? nil)) -> \(NumberText.fixed(m.last ?? nil)), \(w.sentence), ges = \(NumberText.fixed(w.ges, 3))"
            }
            if !top.isEmpty { line += "; largest: " + top.joined(separator: "; ") }
            out.append(line + ".")
        }
        let unchanged = tested.filter { $0.2.p! >= 0.05 }.map { "\($0.0.label) (p \(NumberText.pEquals($0.2.p)))" }
        if !unchanged.isEmpty { out.append("No reliable change: " + list(unchanged) + ".") }
        let untested = scales.filter { $0.change.value == nil }.map(\.label)
        if !untested.isEmpty { out.append("Change not tested: " + list(untested) + " (see the page for why).") }
        return out
    }

    static func reliability(_ scales: [ScaleSection]) -> String? {
        let all = scales.flatMap { s in (s.reliability.value ?? []).compactMap { r in r.alpha.flatMap { $0.isFinite ? (s.label, r.wave, $0) : nil } } }
        guard let lo = all.min(by: { $0.2 < $1.2 }), let hi = all.max(by: { $0.2 < $1.2 }) else { return nil }
        var line = "Internal consistency: alpha from \(NumberText.fixed(lo.2)) (\(lo.0), \(lo.1)) to \(NumberText.fixed(hi.2)) (\(hi.0), \(hi.1))"
        let weak = scales.filter { s in (s.reliability.value ?? []).contains { ($0.alpha ?? 1) < 0.70 } }.map(\.label)
        if !weak.isEmpty { line += "; below 0.70 at some wave: " + list(weak) }
        return line + "."
    }

    static func reliableChange(_ scales: [ScaleSection]) -> String? {
        let rc = scales.compactMap { s in s.rci.value.map { (s.label, $0) } }
        guard !rc.isEmpty else { return nil }
        let top = rc.sorted { Double($0.1.summary.increase) / Double(max(1, $0.1.n)) > Double($1.1.summary.increase) / Double(max(1, $1.1.n)) }
            .prefix(3).map { "\($0.0) \($0.1.summary.increase) of \($0.1.n)" }
        let decreases = rc.reduce(0) { $0 + $1.1.summary.decrease }
        return "Reliable change (Jacobson-Truax, first to last wave): most often a reliable increase in " + top.joined(separator: "; ")
            + "; \(decreases) reliable decrease(s) across all scales."
    }
}
