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

    /// Any input gives a finite axis with a few readable labels: no trap, no NaN, no 300-digit label.
    func testExtremeAndNonFiniteRanges() {
        let cases: [(Double, Double)] = [(-1e308, 1e308), (1e308, 1e308), (-.greatestFiniteMagnitude, 0), (0, 1e20), (1e20, 1e20),
                                         (.nan, .nan), (-.infinity, .infinity), (.nan, 5), (1, 1 + 1e-15), (0, 1e-300), (-1e-12, 3e-12),
                                         (-0.0, 0), (5e-324, 5e-324), (1e11, 1e11 + 1)]
        for (a, b) in cases {
            let t = NiceTicks(min: a, max: b)
            XCTAssertTrue(t.lower.isFinite && t.upper.isFinite && t.step.isFinite && t.step > 0, "\(a)...\(b): \(t)")
            XCTAssertTrue((2...12).contains(t.values.count), "\(t.values.count) ticks for \(a)...\(b)")
            XCTAssertTrue(t.values.allSatisfy(\.isFinite))
            for v in t.values {
                let label = t.label(v)
                XCTAssertLessThanOrEqual(label.count, 16, "label \(label) for \(a)...\(b)")
                XCTAssertFalse(label.contains("nan") || label.contains("inf") || label.contains("–"), label)
            }
            XCTAssertEqual(Set(t.values.map(t.label)).count, t.values.count, "labels tell ticks apart for \(a)...\(b)")
        }
        let huge = NiceTicks(min: -1e308, max: 1e308)
        XCTAssertEqual(huge.values.map(huge.label), ["-1e+300", "-5e+299", "0", "5e+299", "1e+300"])
        let big = NiceTicks(min: 0, max: 1e20)
        XCTAssertEqual(big.label(2e19), "2e+19")
        let tiny = NiceTicks(min: -1e-12, max: 3e-12)
        XCTAssertTrue(tiny.values.map(tiny.label).contains("1e-12"), "\(tiny.values.map(tiny.label))")
    }
}
