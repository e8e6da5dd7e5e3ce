import Foundation

/// Confidence intervals for standardised effects by inverting noncentral distributions.
///
/// Steiger & Fouladi (1997), "Noncentrality interval estimation and the evaluation of
/// statistical models"; Steiger (2004), Psychological Methods 9(2), 164-182. The
/// distribution function is decreasing in the noncentrality, so each bound is the single
/// root of `P(statistic <= observed | ncp) = q`, found to full double precision.
/// R `effectsize` 0.8.3 finds the same roots with `optim` (Nelder-Mead, `abstol = 1e-9` on a
/// sum of absolute errors), which can stop short of them in the third or fourth digit;
/// the exact roots are the reference (spec/cli.md) and the fixtures record both.
public enum NoncentralInterval {
    /// The interval of the noncentrality of a t statistic: ncp bounds with
    /// `P(T <= t | df, ncp) = (1 + level) / 2` (lower) and `(1 - level) / 2` (upper).
    public static func t(_ t: Double, df: Double, level: Double = 0.95) -> StatInterval? {
        memo.value([0, t.bitPattern, df.bitPattern, level.bitPattern]) { computeT(t, df: df, level: level) }
    }

    /// The intervals already found in this process, by their exact inputs: each is a pure
    /// function of them, and the report asks for the same ones twice (a scale's section and
    /// its results paragraph test the same pairs of waves), each costing hundreds of series.
    static let memo = PureMemo<StatInterval?>()

    private static func computeT(_ t: Double, df: Double, level: Double) -> StatInterval? {
        guard t.isFinite, df > 0, df.isFinite, level > 0, level < 1 else { return nil }
        let upperQ = (1 + level) / 2, lowerQ = (1 - level) / 2
        // Each evaluation sums a series whose length grows with the noncentrality, so the
        // bracket starts at the normal approximation of the bound (T is about N(ncp, 1 +
        // ncp^2 / 2df) for large df; Johnson, Kotz & Balakrishnan 1995, ch. 31) and a fraction of
        // its half-width: at n = 100,000 that takes a handful of evaluations instead of dozens.
        // The bracket grows outward when the approximation is poor (small df), so the root is
        // the same one.
        let spread = (1 + t * t / (2 * df)).squareRoot()
        let z = Distributions.normalQuantile(upperQ)
        func root(_ q: Double, _ guess: Double) -> Double? {
            MonotoneRoot.decreasing({ Noncentral.tLower(t, df: df, ncp: $0) - q }, near: guess,
                                    scale: min(1 + abs(t) / 4, max(0.05, 0.1 * z * spread)))
        }
        guard let lo = root(upperQ, t - z * spread), let hi = root(lowerQ, t + z * spread) else { return nil }
        return StatInterval.finite(lo, hi)
    }

    /// The interval of the noncentrality of an F statistic: lambda bounds with
    /// `P(F <= f | df1, df2, lambda) = (1 + level) / 2` (lower) and `(1 - level) / 2`
    /// (upper), each 0 when even lambda = 0 gives a probability at or below its target.
    public static func f(_ f: Double, df1: Double, df2: Double, level: Double = 0.90) -> StatInterval? {
        memo.value([1, f.bitPattern, df1.bitPattern, df2.bitPattern, level.bitPattern]) { computeF(f, df1: df1, df2: df2, level: level) }
    }

    private static func computeF(_ f: Double, df1: Double, df2: Double, level: Double) -> StatInterval? {
        guard f.isFinite, f >= 0, df1 > 0, df2 > 0, df1.isFinite, df2.isFinite, level > 0, level < 1 else { return nil }
        let central = Distributions.fLower(f, df1: df1, df2: df2)
        func root(_ q: Double) -> Double? {
            if central <= q { return 0 }
            return MonotoneRoot.decreasing({ Noncentral.fLower(f, df1: df1, df2: df2, ncp: max(0, $0)) - q },
                                           near: max(f * df1, 1), scale: max(f * df1, 1) / 2, floor: 0)
        }
        guard let lo = root((1 + level) / 2), let hi = root((1 - level) / 2) else { return nil }
        return StatInterval.finite(lo, hi)
    }
}

/// The root of a decreasing function, bracketed outward from a guess and then narrowed
/// by the Illinois variant of regula falsi (Dowell & Jarratt 1971), which keeps the
/// bracket and converges superlinearly; ends when the bracket is a few ulps wide.
enum MonotoneRoot {
    static func decreasing(_ g: (Double) -> Double, near guess: Double, scale: Double,
                           floor: Double = -.infinity) -> Double? {
        var a = max(guess - scale, floor), b = guess + scale
        var fa = g(a), fb = g(b)
        var step = scale
        var expansions = 0
        while fa < 0 && a > floor && expansions < 200 {
            b = a; fb = fa
            step *= 2
            a = max(a - step, floor); fa = g(a); expansions += 1
        }
        while fb > 0 && expansions < 400 {
            a = b; fa = fb
            step *= 2
            b += step; fb = g(b); expansions += 1
        }
        guard fa.isFinite, fb.isFinite else { return nil }
        if fa == 0 { return a }
        if fb == 0 { return b }
        guard fa > 0, fb < 0 else { return nil }
        var side = 0
        for _ in 0..<200 {
            let width = b - a
            if width <= 4 * Double.ulpOfOne * max(abs(a), abs(b), 1e-300) { break }
            var c = b - fb * (b - a) / (fb - fa)
            if !(c > a && c < b) { c = a + width / 2 }
            let fc = g(c)
            if fc == 0 || !fc.isFinite { return fc == 0 ? c : nil }
            if fc > 0 {
                a = c; fa = fc
                if side == 1 { fb /= 2 }
                side = 1
            } else {
                b = c; fb = fc
                if side == -1 { fa /= 2 }
                side = -1
            }
        }
        return (a + b) / 2
    }
}

/// Results of a pure function kept by the bit patterns of its inputs, shared by threads
/// (a lock around a dictionary; emptied when it holds `capacity` entries, so it stays small).
final class PureMemo<Value>: @unchecked Sendable {
    private var values: [[UInt64]: Value] = [:]
    private let lock = NSLock()
    private let capacity: Int

    init(capacity: Int = 4096) { self.capacity = capacity }

    func value(_ key: [UInt64], _ compute: () -> Value) -> Value {
        lock.lock()
        if let v = values[key] { lock.unlock(); return v }
        lock.unlock()
        // Computed outside the lock: two threads may compute the same value once each, never a different one.
        let v = compute()
        lock.lock()
        if values.count >= capacity { values.removeAll(keepingCapacity: true) }
        values[key] = v
        lock.unlock()
        return v
    }
}
