import XCTest
@testable import WavesStats

/// Distributions.fQuantileByInversion against R (values printed with %.15g).
///
/// For df2 <= 4e5, R `qf`. For df2 > 4e5 R's qf switches to the approximation
/// `qchisq(p, df1) / df1` (pf(qf(.975, 99999, 3899961)) is 0.97351, not
/// 0.975), so the reference there is the root of R's `pf`:
/// `uniroot(function(l) pf(exp(l), d1, d2) - p, c(-30, 30), tol = 1e-15)`
/// (upper tail `lower.tail = FALSE` for p > .5).
final class ReliabilityFQuantileTests: XCTestCase {
    func testAgainstR() throws {
        let cases: [(Double, Double, Double, Double)] = [
            (0.975, 99999, 99999 * 39, 1.00889735177454),   // root of pf
            (0.025, 99999, 99999 * 39, 0.991143503229506),  // root of pf
            (0.5, 3.3, 1e6, 0.80682567452036),              // root of pf
            (0.975, 4, 8, 5.05263221736351),                // qf
            (0.025, 4, 8, 0.111363778014429),               // qf
            (0.975, 140, 1.7, 69.0851138705589),            // qf
            (1e-10, 2, 3, 1.00000008274037e-10),            // qf(1e-10, 2, 3)
        ]
        for (p, d1, d2, want) in cases {
            let got = try XCTUnwrap(Distributions.fQuantileByInversion(p, df1: d1, df2: d2))
            XCTAssertEqual(got, want, accuracy: 1e-11 * max(1, want), "qf(\(p), \(d1), \(d2))")
        }
    }

    func testInvalidArguments() {
        XCTAssertNil(Distributions.fQuantileByInversion(0, df1: 2, df2: 3))
        XCTAssertNil(Distributions.fQuantileByInversion(1, df1: 2, df2: 3))
        XCTAssertNil(Distributions.fQuantileByInversion(0.5, df1: 0, df2: 3))
        XCTAssertNil(Distributions.fQuantileByInversion(0.5, df1: 2, df2: .nan))
    }
}
