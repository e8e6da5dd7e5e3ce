import Foundation

/// The sentences of `waves power`: one per result, ready for a protocol or a grant.
///
/// "With 40 participants, 3 waves and 15% attrition per wave, a slope of 0.05 per month is
/// detected with power 0.82 [0.80, 0.84], 2,000 simulations (two-sided test at alpha 0.05;
/// 95% Clopper-Pearson interval)."
public enum PowerText {
    /// A number with up to `digits` significant digits, no trailing zeros ("0.05", "1.5", "12").
    public static func number(_ v: Double, _ digits: Int = 4) -> String {
        guard v.isFinite else { return "–" }
        if v == 0 { return "0" }
        var s = String(format: "%.\(digits)g", v)
        if s.contains("e") { return s }
        if s.contains(".") {
            while s.hasSuffix("0") { s.removeLast() }
            if s.hasSuffix(".") { s.removeLast() }
        }
        return s == "-0" ? "0" : s
    }

    /// A power or a bound with two decimals ("0.82").
    public static func power(_ v: Double) -> String { String(format: "%.2f", v) }

    /// "[0.80, 0.84]".
    public static func interval(_ lo: Double, _ hi: Double) -> String { "[\(power(lo)), \(power(hi))]" }

    /// An integer with thousands separators ("2,000").
    public static func count(_ n: Int) -> String {
        let digits = String(abs(n))
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return (n < 0 ? "-" : "") + out
    }

    /// "15%" or "12.5%".
    public static func percent(_ v: Double) -> String { number(v * 100, 3) + "%" }

    /// "With 40 participants, 3 waves and 15% attrition per wave" (participants omitted when nil).
    static func opening(participants n: Int?, _ s: PowerSettings) -> String {
        let waves = "\(s.waves) waves"
        let attrition = s.attrition > 0 ? "\(percent(s.attrition)) attrition per wave" : "no attrition"
        if let n { return "With \(count(n)) participant\(n == 1 ? "" : "s"), \(waves) and \(attrition)" }
        return "With \(waves) and \(attrition)"
    }

    /// The effect in words: "a slope of 0.05 per month".
    public static func effectPhrase(_ s: PowerSettings, effect: Double, timeUnit: String) -> String {
        let e = number(effect)
        switch s.design {
        case .paired: return "a change from the first to the last wave of d_z = \(e)"
        case .change: return "a change across the waves of Cohen's f = \(e) (correlation between waves \(number(s.rho, 3)))"
        case .lmmSlope: return "a slope of \(e) per \(timeUnit)"
        case .lmmRoleSlope: return "a difference in slope between the roles of \(e) per \(timeUnit)"
        }
    }

    /// The name of the effect alone, for "the smallest … detected": "slope", "d_z", …
    static func effectName(_ s: PowerSettings) -> String {
        switch s.design {
        case .paired: return "first-to-last change (d_z)"
        case .change: return "change across the waves (Cohen's f)"
        case .lmmSlope: return "slope"
        case .lmmRoleSlope: return "difference in slope between the roles"
        }
    }

    static func test(_ s: PowerSettings) -> String {
        "two-sided test at alpha \(number(s.alpha)); 95% Clopper-Pearson interval"
    }

    /// The sentence of one simulated power.
    public static func sentence(_ e: PowerEstimate, _ s: PowerSettings, timeUnit: String) -> String {
        "\(opening(participants: e.participants, s)), \(effectPhrase(s, effect: e.effect, timeUnit: timeUnit)) is detected with power \(power(e.power)) \(interval(e.interval.lower, e.interval.upper)), \(count(e.sims)) simulations (\(test(s)))."
    }

    /// The sentence of a minimum-detectable-effect search.
    public static func sentence(effectSearch r: PowerSearchResult, _ s: PowerSettings, timeUnit: String) -> String {
        let e = r.estimate
        let unit = s.design.isMixedModel ? " per \(timeUnit)" : ""
        return "\(opening(participants: e.participants, s)), the smallest \(effectName(s)) detected with power \(power(r.target)) is \(number(r.value))\(unit) (power there \(power(e.power)) \(interval(e.interval.lower, e.interval.upper)), \(count(e.sims)) simulations per step; search precision ±\(number(r.precision, 2)); \(test(s)))."
    }

    /// The sentence of a sample-size search.
    public static func sentence(participantSearch r: PowerSearchResult, _ s: PowerSettings, timeUnit: String) -> String {
        let e = r.estimate
        let fewer = r.below.flatMap { b in r.evaluations.first { Double($0.participants) == b } }
            .map { "; \(count($0.participants)) give \(power($0.power))" } ?? ""
        return "\(opening(participants: nil, s)), \(count(e.participants)) participants detect \(effectPhrase(s, effect: e.effect, timeUnit: timeUnit)) with power \(power(e.power)) \(interval(e.interval.lower, e.interval.upper)) (the smallest number reaching \(power(r.target))\(fewer)), \(count(e.sims)) simulations per step (\(test(s)))."
    }
}
