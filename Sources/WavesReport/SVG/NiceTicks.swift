import Foundation

/// Axis ticks at "nice" values: steps of 1, 2 or 5 times a power of ten.
///
/// Heckbert (1990), "Nice numbers for graph labels", Graphics Gems: the step is the
/// smallest of 1, 2, 5, 10 x 10^k at least (max - min) / target, and the axis runs
/// from the multiple of the step at or below the minimum to the one at or above the maximum.
public struct NiceTicks: Equatable, Sendable {
    public var lower: Double
    public var upper: Double
    public var step: Double
    public var values: [Double]
    /// Decimals needed to print the ticks exactly.
    public var decimals: Int

    /// Ticks covering `min...max` with about `target` intervals.
    public init(min lo: Double, max hi: Double, target: Int = 5) {
        var a = lo.isFinite ? lo : 0, b = hi.isFinite ? hi : 1
        if a > b { swap(&a, &b) }
        if a == b {
            // A flat series: give it a unit-wide axis around the value.
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
        self.decimals = Swift.max(0, Int(-floor(log10(step) + 1e-9)))
    }

    /// The label of a tick value.
    public func label(_ v: Double) -> String {
        let s = String(format: "%.\(decimals)f", v)
        if s.hasPrefix("-"), Double(s) == 0 { return String(s.dropFirst()) }
        return s
    }
}
