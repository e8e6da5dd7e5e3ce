import XCTest
@testable import WavesStats

/// `IntKeys` gives what a `Set` or a `Dictionary` gives, on dense, sparse and negative keys.
final class IntKeysTests: XCTestCase {
    func reference(_ keys: [Int]) -> (sorted: [Int], numbers: [Int], count: Int) {
        var index: [Int: Int] = [:]
        var numbers: [Int] = []
        for k in keys {
            if let i = index[k] { numbers.append(i) } else { index[k] = index.count; numbers.append(index.count - 1) }
        }
        return (Array(Set(keys)).sorted(), numbers, index.count)
    }

    func testMatchesHashedCollections() {
        var g = SystemRandomNumberGenerator()
        let cases: [[Int]] = [[], [0], [5, 5, 5], [3, 1, 2, 1, 3, 0], [-1, 4, -1, 2], [1_000_000_000, 2, 1_000_000_000],
                              (0..<5000).map { _ in Int.random(in: 0..<300, using: &g) },
                              (0..<5000).map { _ in Int.random(in: -50..<50, using: &g) },
                              (0..<2000).map { _ in Int.random(in: 0..<Int(Int32.max), using: &g) }]
        for keys in cases {
            let want = reference(keys)
            XCTAssertEqual(IntKeys.sortedDistinct(keys), want.sorted, "\(keys.prefix(8))")
            let got = IntKeys.firstAppearance(keys)
            XCTAssertEqual(got.numbers, want.numbers, "\(keys.prefix(8))")
            XCTAssertEqual(got.count, want.count)
        }
    }
}
