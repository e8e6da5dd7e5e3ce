import Foundation
import WavesCore

/// Axis ticks at "nice" values: steps of 1, 2 or 5 times a power of ten.
///
/// Heckbert (1990), "Nice numbers for graph labels", Graphics Gems: the step is the
/// smallest of 1, 2, 5, 10 x 10^k at least (max - min) / target, and the axis runs
/// from the multiple of the step at or below the minimum to the one at or above the maximum.
///
/// Every input gives an axis: a non-finite end falls back to 0 (min) or 1 (max), ends beyond
/// ±`limit` are clamped to it (so the span stays finite), and a range too narrow for the
/// precision of a double is widened as a flat one.
public struct NiceTicks: Equatable, Sendable {
    public var lower: Double
    public var upper: Double
    public var step: Double
    public var values: [Double]
    /// Decimals needed to print the ticks exactly.
    public var decimals: Int

    /// The largest magnitude an axis reaches.
    public static let limit = 1e300

    /// Ticks covering `min...max` with about `target` intervals.
    public init(min lo: Double, max hi: Double, target: Int = 5) {
        func clamp(_ v: Double) -> Double { Swift.min(Swift.max(v, -Self.limit), Self.limit) }
        var a = lo.isFinite ? clamp(lo) : 0, b = hi.isFinite ? clamp(hi) : 1
        if a > b { swap(&a, &b) }
        if b - a <= Swift.max(abs(a), abs(b)) * 1e-12 {
            // A flat series (or one too narrow to divide): a unit-wide axis around the value.
            let pad = a == 0 ? 1 : Swift.max(abs(a) * 0.1, 0.5)
            a -= pad; b += pad
        }
        let raw = (b - a) / Double(Swift.max(1, target))
        let mag = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 5, 10].map { $0 * mag }.first { $0 >= raw * (1 - 1e-9) } ?? 10 * mag
        let lower = floor(a / step + 1e-9) * step
        let upper = ceil(b / step - 1e-9) * step
        var vals: [Double] = []
        var i = 0
        while true {
            let v = lower + Double(i) * step
            if v > upper + step * 1e-6 || i > 1000 { break }
            // Clean floating noise (0.30000000000000004 -> 0.3).
            vals.append((v / step).rounded() * step)
            i += 1
        }
        self.lower = lower
        self.upper = upper
        self.step = step
        self.values = vals
        // log10 of a finite positive step lies within ±324, so the conversion cannot trap.
        self.decimals = step.isFinite && step > 0 ? Swift.max(0, Int(-floor(log10(step) + 1e-9))) : 0
    }

    /// The label of a tick value: fixed decimals (`NumberText.fixed`), or compact scientific
    /// form ("2e+20") when the axis reaches 1e12 or its step needs more than 9 decimals.
    public func label(_ v: Double) -> String {
        let extent = Swift.max(abs(lower), abs(upper))
        if extent < NumberText.scientificFrom && decimals <= 9 { return NumberText.fixed(v, decimals) }
        // The shortest mantissa that gives the tick's value ("5e+299", "1.5e+20").
        for digits in 0...15 {
            let s = NumberText.scientific(v, digits)
            if let back = Double(s), abs(back - v) <= step * 1e-6 { return s }
        }
        return NumberText.scientific(v, 15)
    }
}
