import XCTest
@testable import WavesCore

final class NumberTextTests: XCTestCase {
    func testFixedDecimals() {
        XCTAssertEqual(NumberText.fixed(3.14159), "3.14")
        XCTAssertEqual(NumberText.fixed(3.14159, 3), "3.142")
        XCTAssertEqual(NumberText.fixed(2.5, 0), "2")          // printf rounds half to even on the binary value
        XCTAssertEqual(NumberText.fixed(-1.25, 1), "-1.2")
        XCTAssertEqual(NumberText.fixed(999_999_999_999.99), "999999999999.99")
        XCTAssertEqual(NumberText.fixed(12, -3), "12", "negative decimals mean none")
    }

    func testNegativeZeroNeverPrinted() {
        XCTAssertEqual(NumberText.fixed(-0.0), "0.00")
        XCTAssertEqual(NumberText.fixed(-0.004), "0.00")
        XCTAssertEqual(NumberText.fixed(-0.004, 3), "-0.004")
        XCTAssertEqual(NumberText.fixed(-0.4, 0), "0")
        XCTAssertEqual(NumberText.fixed(-1e-300, 2), "0.00")
        XCTAssertEqual(NumberText.percent(-0.001), "0%")
    }

    func testHugeValuesAreCompactScientific() {
        XCTAssertEqual(NumberText.fixed(1e12), "1.00e+12")
        XCTAssertEqual(NumberText.fixed(1e19), "1.00e+19")
        XCTAssertEqual(NumberText.fixed(-1e20, 3), "-1.000e+20")
        XCTAssertEqual(NumberText.fixed(1e308), "1.00e+308")
        XCTAssertEqual(NumberText.fixed(.greatestFiniteMagnitude), "1.80e+308")
        XCTAssertEqual(NumberText.fixed(-.greatestFiniteMagnitude, 0), "-2e+308")
        // No finite double gives more than a couple of dozen characters.
        for e in stride(from: -320, through: 308, by: 7) {
            for sign in [1.0, -1.0] {
                let v = sign * pow(10, Double(e)) * 1.234
                guard v.isFinite else { continue }
                XCTAssertLessThanOrEqual(NumberText.fixed(v, 4).count, 20, "\(v)")
            }
        }
    }

    func testTinyValuesRoundToZero() {
        XCTAssertEqual(NumberText.fixed(1e-20), "0.00")
        XCTAssertEqual(NumberText.fixed(.leastNonzeroMagnitude, 4), "0.0000")
        XCTAssertEqual(NumberText.scientific(1e-20), "1.00e-20")
        XCTAssertEqual(NumberText.scientific(0), "0")
    }

    func testMissingValuesAreTheDash() {
        for v: Double? in [nil, .nan, .infinity, -.infinity, -.nan] {
            XCTAssertEqual(NumberText.fixed(v), "–")
            XCTAssertEqual(NumberText.p(v), "–")
            XCTAssertEqual(NumberText.percent(v), "–")
            XCTAssertEqual(NumberText.scientific(v), "–")
        }
        XCTAssertEqual(NumberText.pEquals(nil), "= –")
        XCTAssertEqual(NumberText.interval(nil, nil), "–")
        XCTAssertEqual(NumberText.interval(0.5, nil), "[0.50, –]")
        XCTAssertEqual(NumberText.plain(.nan), "–")
    }

    func testPValuesInAPAStyle() {
        XCTAssertEqual(NumberText.p(0.012), ".012")
        XCTAssertEqual(NumberText.p(0.0123456), ".012")
        XCTAssertEqual(NumberText.p(0.001), ".001")
        XCTAssertEqual(NumberText.p(0.000999), "< .001")
        XCTAssertEqual(NumberText.p(0), "< .001")
        XCTAssertEqual(NumberText.p(1e-300), "< .001")
        XCTAssertEqual(NumberText.p(0.5), ".500")
        XCTAssertEqual(NumberText.p(1), "1.000")
        XCTAssertEqual(NumberText.p(1.0000000002), "1.000", "rounding noise above 1 is shown as 1")
        XCTAssertEqual(NumberText.pEquals(0.04), "= .040")
        XCTAssertEqual(NumberText.pEquals(0.00001), "< .001")
    }

    func testPercentIntervalAndPlain() {
        XCTAssertEqual(NumberText.percent(0.425), "42%")
        XCTAssertEqual(NumberText.percent(1), "100%")
        XCTAssertEqual(NumberText.percent(1e300), "1e+302%")
        XCTAssertEqual(NumberText.interval(2.5, 3.756), "[2.50, 3.76]")
        XCTAssertEqual(NumberText.interval(-0.001, 1e20, 1), "[0.0, 1.0e+20]")
        XCTAssertEqual(NumberText.plain(16), "16")
        XCTAssertEqual(NumberText.plain(2.5), "2.5")
        XCTAssertEqual(NumberText.plain(-0.0), "0")
        XCTAssertEqual(NumberText.plain(1e20), "1e+20")
        XCTAssertEqual(NumberText.plain(1e308), "1e+308")
        XCTAssertEqual(Double(NumberText.plain(0.1 + 0.2)), 0.1 + 0.2, "plain text reads back as the same value")
    }
    /// `fixed` writes with C's snprintf (issue 14: Foundation's formatter was slow when a
    /// large study's plots are drawn); it must give exactly what `String(format:)` gives, on
    /// random magnitudes, halfway cases and every number of decimals.
    func testFixedMatchesStringFormat() {
        var rng = SystemRandomNumberGenerator()
        var values: [Double] = [0, -0.0, 0.5, 1.5, 2.5, -2.5, 0.125, 0.375, 1e-300, -1e-7, 999_999_999_999.99, 0.045, 1.005, 2.675]
        for _ in 0..<3000 {
            let m = Double.random(in: -1...1, using: &rng) * pow(10, Double(Int.random(in: -8...11, using: &rng)))
            values.append(m)
        }
        for v in values {
            for d in 0...17 {
                var want = String(format: "%.\(d)f", v)
                if want.hasPrefix("-"), !want.contains(where: { $0 >= "1" && $0 <= "9" }) { want.removeFirst() }
                XCTAssertEqual(NumberText.fixed(v, d), want, "\(v) with \(d) decimals")
            }
        }
    }
}
