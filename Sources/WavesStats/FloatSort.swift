import Foundation

/// Sorting many doubles, as the standard library's stable `sorted()` would, but by radix.
///
/// For the normal Q-Q plots of a large study's residuals (400,000 per scale at the benchmark
/// study), where the comparison sort was the largest part of drawing the diagnostics. Written
/// by hand because none of the packages here (swift-collections, swift-numerics, swift-algorithms
/// is not among them) offers a radix sort.
public enum FloatSort {
    /// `values.sorted()`: ascending, ties (including -0.0 and +0.0, which compare equal) in their
    /// original order. Values without NaN go through a stable least-significant-digit radix sort
    /// on an order-preserving key; small inputs, and any input with a NaN (whose place the
    /// comparison sort decides), through `sorted()` itself.
    public static func ascending(_ values: [Double]) -> [Double] {
        let n = values.count
        if n < 1024 || values.contains(where: \.isNaN) { return values.sorted() }
        // Key: the bits, with negative numbers' bits inverted and positive numbers' sign bit set,
        // so that unsigned order is numeric order; both zeros get the key of +0.0 (a tie).
        var keys = [UInt64](unsafeUninitializedCapacity: n) { out, count in
            for (i, v) in values.enumerated() {
                let bits = v == 0 ? 0 : v.bitPattern
                out[i] = bits >> 63 == 1 ? ~bits : bits | (1 << 63)
            }
            count = n
        }
        var spare = [UInt64](repeating: 0, count: n)
        // Four passes of 16 bits; a pass whose digit is the same for every key is skipped.
        var counts = [Int](repeating: 0, count: 1 << 16)
        for shift in stride(from: 0, to: 64, by: 16) {
            for k in counts.indices { counts[k] = 0 }
            for key in keys { counts[Int((key >> UInt64(shift)) & 0xFFFF)] += 1 }
            if counts.contains(n) { continue }
            var total = 0
            for k in counts.indices { let c = counts[k]; counts[k] = total; total += c }
            keys.withUnsafeBufferPointer { from in
                spare.withUnsafeMutableBufferPointer { to in
                    for key in from {
                        let d = Int((key >> UInt64(shift)) & 0xFFFF)
                        to[counts[d]] = key
                        counts[d] += 1
                    }
                }
            }
            swap(&keys, &spare)
        }
        spare = []   // let go before the values are made (at 400,000 values each array is 3 MB)
        // Back from keys to values. A key stands for one value, except +0.0's key, which stands
        // for both zeros: those are given back in their original order (a stable sort's).
        var zeros = values.lazy.filter { $0 == 0 }.makeIterator()
        return keys.map { key in
            let bits = key >> 63 == 1 ? key & ~(1 << 63) : ~key
            return bits == 0 ? zeros.next()! : Double(bitPattern: bits)
        }
    }
}
