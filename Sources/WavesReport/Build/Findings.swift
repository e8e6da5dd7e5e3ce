import Foundation
import WavesAnalysis

/// The main findings in a few plain lines (printed by `waves report` and `make demo`).
enum Findings {
    static func lines(_ r: StudyReport) -> [String] {
        var out: [String] = []
        let o = r.overview
        let last = r.completion.instruments.first?.waves.last
        var head = "\(o.participants) participant(s), \(o.waves.count) wave(s), \(o.instruments.count) instrument(s), \(o.submissions) submission(s)"
        if let last, let first = r.completion.instruments.first {
            head += "; \(first.instrument) completed by \(last.completed) at \(last.wave)" + (last.retention.map { " (\(Num.pct($0)) of baseline)" } ?? "")
        }
        out.append(head + ".")
        if r.completion.duplicateCount > 0 || r.completion.problemCount > 0 {
            out.append("Store: \(r.completion.duplicateCount) repeated submission(s) (latest used), \(r.completion.problemCount) unreadable line(s).")
        }
        for i in o.instruments where i.changed {
            out.append("Warning: instrument '\(i.id)' changed during the study (\(i.hashes.count) different file hashes in the records).")
        }
        for s in r.scales { out.append(line(s)) }
        return out.map(SafeText.strippingControls)
    }

    static func line(_ s: ScaleSection) -> String {
        var parts: [String] = []
        if let c = s.change.value, let w = c.corrected.first(where: { $0.effect == "wave" }) {
            let m = c.pooledMeans
            let trend = "mean \(Num.f(m.first ?? nil)) -> \(Num.f(m.last ?? nil)) (\(c.waves.first!) -> \(c.waves.last!), n = \(c.n))"
            parts.append(trend + ", " + ((w.p ?? 1) < 0.05 ? "changed" : "no reliable change") + ": " + w.sentence
                         + (w.ges.map { ", ges = \(Num.f($0, 3))" } ?? ""))
            if let rw = c.corrected.first(where: { $0.effect == "role:wave" }), let p = rw.p, p < 0.05 {
                parts.append("roles changed differently (role x wave p \(Num.p(p).hasPrefix("<") ? Num.p(p) : "= " + Num.p(p)))")
            }
        } else if let why = s.change.reason {
            parts.append("change not tested: \(why)")
        }
        if let rel = s.reliability.value, let first = rel.first {
            parts.append("alpha \(first.wave) = \(Num.f(first.alpha))")
        }
        if let rc = s.rci.value {
            parts.append("reliable change \(rc.from)->\(rc.to): \(rc.summary.increase) up, \(rc.summary.decrease) down, \(rc.summary.noChange) no change")
        }
        return "\(s.label) (\(s.qualifiedName)): " + parts.joined(separator: "; ") + "."
    }
}
