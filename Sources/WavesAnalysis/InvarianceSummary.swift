import Foundation
import WavesCore
import WavesStats

/// The sentence under the invariance table: what held by Chen's (2007) rules, what did
/// not (with the score test that points at the item), and what that licenses
/// (Vandenberg & Lance 2000; Putnick & Bornstein 2016): metric licenses comparing
/// relations (correlations, regressions) across occasions, scalar licenses comparing
/// means, strict licenses comparing observed-score variances.
enum InvarianceSummary {
    /// Numbers in the sentence through the one formatter (`NumberText`).
    static func f(_ v: Double?, _ d: Int = 3) -> String { NumberText.fixed(v, d) }
    static func signed(_ v: Double) -> String { (v >= 0 ? "+" : "−") + NumberText.fixed(abs(v), 2) }
    static func p(_ v: Double) -> String { "p " + NumberText.pEquals(v) }

    /// The highest level that held, and the sentence.
    static func sentence(_ r: InvarianceResult, comparisons: [InvarianceReport.Comparison]) -> (String, String) {
        let waves = r.design.across == .waves
        let everywhere = waves ? "at every wave" : "in every group"
        guard let configural = r.levels.first?.fit else {
            return ("none", "The configural model could not be fitted (\(r.levels.first?.error ?? "unknown reason")), so invariance cannot be tested.")
        }
        var parts: [String] = []
        let c = configural.measures
        let cfi = c.cfi ?? .nan
        let quality = cfi >= 0.95 && c.rmsea <= 0.06 ? "well" : (cfi >= 0.90 && c.rmsea <= 0.08 ? "acceptably" : "poorly")
        parts.append("The configural model (the same one-factor structure \(everywhere)) fits \(quality) (CFI \(f(cfi)), RMSEA \(f(c.rmsea)))" + (quality == "poorly" ? ", so the structure itself is in doubt and the steps below should be read with care." : "."))
        if !configural.converged { parts.append("It did not converge, so nothing below can be trusted.") }
        var highest = "configural"
        let names = ["metric", "scalar", "strict"]
        for (k, name) in names.enumerated() {
            let level = r.levels.count > k + 1 ? r.levels[k + 1] : nil
            guard let fit = level?.fit, fit.converged, k < comparisons.count, let held = comparisons[k].held else {
                parts.append("The \(name) model could not be fitted or did not converge, so \(name) invariance is untested.")
                break
            }
            let cmp = comparisons[k]
            let deltas = "ΔCFI \(f(cmp.deltaCFI ?? .nan)), ΔRMSEA \(f(cmp.deltaRMSEA))"
            if held {
                highest = name
                continue
            }
            let heldPrefix = highest == "configural" ? "" : "\(highestList(highest)) invariance held; "
            var s = "\(heldPrefix)\(name) invariance did not\(heldPrefix.isEmpty ? " hold" : "") (\(deltas))"
            if name != "strict", let top = r.scoreTests.first(where: { name == "metric" ? $0.kind == "loading" : true }) {
                let at = waves ? "at \(top.other)" : "for \(top.other)"
                s += ": item \(top.item)'s \(top.kind) changed \(at) (score test χ²(1) = \(f(top.chisq, 1)), \(p(top.p)))"
            }
            switch name {
            case "metric":
                s += ". The items do not relate to the construct in the same way \(everywhere), so neither scale scores nor latent means should be compared."
            case "scalar":
                s += ". Differences in mean scores mix real change with item bias; free that \(r.scoreTests.first?.kind ?? "intercept") (partial invariance) before comparing means."
            default:
                s += ". Means can be compared; observed-score variances and reliabilities may differ."
            }
            parts.append(s.prefix(1).uppercased() + s.dropFirst())
            break
        }
        if highest == "scalar" || highest == "strict" {
            let means = r.latentMeans.map { "\($0.occasion) \(signed($0.estimate))" + ($0.se.map { " (SE \(f($0, 2)))" } ?? "") }
            let reference = r.design.occasions.first ?? ""
            parts.append("\(highestList(highest).prefix(1).uppercased() + highestList(highest).dropFirst()) invariance held, so latent means can be compared: relative to \(reference), \(means.joined(separator: ", ")).")
        }
        return (highest, parts.joined(separator: " "))
    }

    /// "metric", "metric and scalar", "metric, scalar and strict".
    static func highestList(_ level: String) -> String {
        switch level {
        case "metric": return "metric"
        case "scalar": return "metric and scalar"
        case "strict": return "metric, scalar and strict"
        default: return "configural"
        }
    }
}
