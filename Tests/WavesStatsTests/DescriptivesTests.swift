import XCTest
@testable import WavesStats

/// Descriptives and multiple-comparison adjustments against R (the R call is quoted per test).
final class DescriptivesTests: XCTestCase {
    /// R: x <- c(3.1, 4.2, 2.8, 3.9, 4.4, 3.3); mean(x); sd(x); sd(x)/sqrt(6); t.test(x)$conf.int
    func testMeanSDAndTIntervalAgainstR() throws {
        let d = Descriptives([3.1, 4.2, 2.8, .nan, 3.9, 4.4, 3.3])
        XCTAssertEqual(d.n, 6)
        XCTAssertEqual(try XCTUnwrap(d.mean), 3.6166666666666667, accuracy: 1e-14)
        XCTAssertEqual(try XCTUnwrap(d.sd), 0.64316923641190027, accuracy: 1e-14)
        XCTAssertEqual(try XCTUnwrap(d.se), 0.26257274124410646, accuracy: 1e-14)
        let ci = try XCTUnwrap(d.ci)
        XCTAssertEqual(ci.lower, 2.9417019474913331, accuracy: 1e-12)
        XCTAssertEqual(ci.upper, 4.2916313858420008, accuracy: 1e-12)
    }

    func testSmallSamplesAnswerWithNils() {
        let none = Descriptives([])
        XCTAssertEqual(none.n, 0)
        XCTAssertNil(none.mean); XCTAssertNil(none.sd); XCTAssertNil(none.ci)
        let one = Descriptives([2.5, .nan])
        XCTAssertEqual(one.n, 1)
        XCTAssertEqual(one.mean, 2.5)
        XCTAssertNil(one.sd); XCTAssertNil(one.se); XCTAssertNil(one.ci)
        let equal = Descriptives([3, 3, 3])
        XCTAssertEqual(equal.sd, 0)
        XCTAssertEqual(equal.ci, StatInterval(lower: 3, upper: 3))
        XCTAssertNil(Descriptives.sd([1]))
    }

    /// The moments route and the values route agree.
    func testMomentsEqualValues() {
        let x = [1.5, 2.25, 4.0, 3.5]
        let m = Descriptives.mean(x)
        XCTAssertEqual(Descriptives(x), Descriptives(n: 4, mean: m, sumOfSquares: Descriptives.sumOfSquares(x, about: m)))
    }

    /// R: p <- c(0.01, NA, 0.04, 0.03, 0.005, 0.04, 0.2, 0.5); p.adjust(p, "BH"), "holm", "bonferroni"
    func testAdjustmentsAgainstR() {
        let p: [Double?] = [0.01, nil, 0.04, 0.03, 0.005, 0.04, 0.2, 0.5]
        let want: [MultipleComparisons.Method: [Double?]] = [
            .benjaminiHochberg: [0.035000000000000003, nil, 0.055999999999999994, 0.055999999999999994,
                                 0.035000000000000003, 0.055999999999999994, 0.23333333333333336, 0.5],
            .holm: [0.06, nil, 0.16, 0.15, 0.035, 0.16, 0.4, 0.5],
            .bonferroni: [0.07, nil, 0.28, 0.21, 0.035, 0.28, 1, 1],
        ]
        for (method, expected) in want {
            let got = MultipleComparisons.adjust(p, method: method)
            for i in p.indices {
                XCTAssertEqual(got[i] == nil, expected[i] == nil, "\(method) \(i)")
                if let g = got[i], let w = expected[i] { XCTAssertEqual(g, w, accuracy: 1e-15, "\(method) \(i)") }
            }
        }
        XCTAssertEqual(MultipleComparisons.adjust([], method: .benjaminiHochberg).count, 0)
        XCTAssertEqual(MultipleComparisons.holm([nil, nil]).compactMap { $0 }.count, 0)
    }
}
