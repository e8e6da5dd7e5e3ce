import XCTest
@testable import WavesReport

final class NiceTicksTests: XCTestCase {
    func testKnownRanges() {
        let a = NiceTicks(min: 3.02, max: 4.94)
        XCTAssertEqual(a.step, 0.5, accuracy: 1e-12)
        XCTAssertEqual(a.values, [3.0, 3.5, 4.0, 4.5, 5.0])
        XCTAssertEqual(a.label(3.5), "3.5")
        let b = NiceTicks(min: 0, max: 1)
        XCTAssertEqual(b.step, 0.2, accuracy: 1e-12)
        XCTAssertEqual(b.values.map { b.label($0) }, ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"])
        let c = NiceTicks(min: 0, max: 27, target: 4)
        XCTAssertEqual(c.step, 10)
        XCTAssertEqual(c.values, [0, 10, 20, 30])
        XCTAssertEqual(c.label(20), "20")
        let d = NiceTicks(min: -0.37, max: 0.12)
        XCTAssertEqual(d.step, 0.1, accuracy: 1e-12)
        XCTAssertEqual(d.values.first!, -0.4, accuracy: 1e-12)
        XCTAssertEqual(d.values.last!, 0.2, accuracy: 1e-12)
        XCTAssertEqual(d.label(0), "0.0")
    }

    func testFlatAndReversedInput() {
        let flat = NiceTicks(min: 4, max: 4)
        XCTAssertLessThan(flat.lower, 4)
        XCTAssertGreaterThan(flat.upper, 4)
        let zero = NiceTicks(min: 0, max: 0)
        XCTAssertTrue(zero.values.contains(0))
        XCTAssertEqual(NiceTicks(min: 5, max: 1).values, NiceTicks(min: 1, max: 5).values)
        XCTAssertFalse(NiceTicks(min: .nan, max: .infinity).values.isEmpty)
    }

    /// Every step is 1, 2 or 5 times a power of ten, the ticks cover the data, and there are 3 to 11 of them.
    func testStepsAreOneTwoFiveAndCoverTheData() {
        var state: UInt64 = 12345
        func next() -> Double { state = state &* 6364136223846793005 &+ 1442695040888963407; return Double(state >> 11) / Double(1 << 53) }
        for _ in 0..<2000 {
            let scale = pow(10, next() * 8 - 4)
            let a = (next() - 0.5) * scale, b = a + next() * scale + 1e-9
            let t = NiceTicks(min: a, max: b)
            let mantissa = t.step / pow(10, floor(log10(t.step)))
            XCTAssertTrue([1, 2, 5, 10].contains { abs($0 - mantissa) < 1e-6 }, "step \(t.step) for \(a)...\(b)")
            XCTAssertLessThanOrEqual(t.lower, a + 1e-9 * scale)
            XCTAssertGreaterThanOrEqual(t.upper, b - 1e-9 * scale)
            XCTAssertTrue((3...11).contains(t.values.count), "\(t.values.count) ticks for \(a)...\(b)")
        }
    }
}
