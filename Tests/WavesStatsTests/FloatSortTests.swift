import XCTest
import WavesCore
@testable import WavesStats

/// The radix sort gives exactly what the standard library's stable `sorted()` gives, bit for
/// bit (so -0.0 and +0.0 keep their original order), on every kind of double.
final class FloatSortTests: XCTestCase {
    func same(_ values: [Double], file: StaticString = #filePath, line: UInt = #line) {
        let a = FloatSort.ascending(values), b = values.sorted()
        XCTAssertEqual(a.count, b.count, file: file, line: line)
        XCTAssertEqual(a.map(\.bitPattern), b.map(\.bitPattern), "n = \(values.count)", file: file, line: line)
    }

    func testMatchesTheStableSortOnRandomInput() {
        var rng = SplitMix64(seed: 67)
        let specials: [Double] = [0, -0.0, .infinity, -.infinity, .leastNonzeroMagnitude, -.leastNonzeroMagnitude,
                                  .greatestFiniteMagnitude, -.greatestFiniteMagnitude, .leastNormalMagnitude, 1, -1]
        for n in [0, 1, 2, 1023, 1024, 1025, 4096, 100_000] {
            // Continuous values, a few distinct ones (many ties), and specials mixed in.
            same((0..<n).map { _ in Double.random(in: -1e3...1e3, using: &rng) })
            same((0..<n).map { _ in Double(Int.random(in: -3...3, using: &rng)) * (Bool.random(using: &rng) ? 1 : -1) })
            same((0..<n).map { _ in Int.random(in: 0..<4, using: &rng) == 0 ? specials.randomElement(using: &rng)! : Double.random(in: -1...1, using: &rng) })
            // Already sorted and reversed.
            let sorted = (0..<n).map { Double($0) - Double(n) / 2 }
            same(sorted)
            same(sorted.reversed())
        }
        // Only zeros of both signs: their original order is kept.
        same((0..<5000).map { $0 % 3 == 0 ? -0.0 : 0.0 })
        // Every value has the same high digits (a pass is skipped).
        same((0..<5000).map { 1 + Double($0 % 17) * .ulpOfOne })
        // With a NaN the standard sort decides (the radix sort steps aside).
        same((0..<3000).map { $0 == 1500 ? .nan : Double(($0 * 7919) % 3000) })
    }
}

