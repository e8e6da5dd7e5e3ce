import XCTest
@testable import WavesStats

/// Retest.analyze and ReliableChange.compute against R psych::ICC and the
/// Jacobson-Truax formulas (Fixtures/reliability-retest/script.R).
final class ReliabilityRetestTests: XCTestCase {
    private func waves() throws -> (x: [Double], y: [Double]) {
        let rows = try ReliabilityFixture.csv("reliability-retest").rows
        return (rows.map { $0[0] }, rows.map { $0[1] })
    }

    func testICCAgainstPsych() throws {
        let e = try ReliabilityFixture.expected("reliability-retest")
        let (x, y) = try waves()
        let r = try Retest.analyze(x: x, y: y)
        XCTAssertEqual(r.n, e["n"] as? Int)
        XCTAssertEqual(r.reasons, [])
        let tol = 1e-6
        XCTAssertEqual(try XCTUnwrap(r.pearsonR), try XCTUnwrap(e.double("pearson_r")), accuracy: tol)
        XCTAssertEqual(try XCTUnwrap(r.iccA1), try XCTUnwrap(e.double("icc_a1")), accuracy: tol)
        XCTAssertEqual(try XCTUnwrap(r.iccC1), try XCTUnwrap(e.double("icc_c1")), accuracy: tol)
        let a = e.doubles("icc_a1_ci"), c = e.doubles("icc_c1_ci")
        XCTAssertEqual(try XCTUnwrap(r.iccA1CI?.lower), try XCTUnwrap(a[0]), accuracy: tol)
        XCTAssertEqual(try XCTUnwrap(r.iccA1CI?.upper), try XCTUnwrap(a[1]), accuracy: tol)
        XCTAssertEqual(try XCTUnwrap(r.iccC1CI?.lower), try XCTUnwrap(c[0]), accuracy: tol)
        XCTAssertEqual(try XCTUnwrap(r.iccC1CI?.upper), try XCTUnwrap(c[1]), accuracy: tol)
    }

    func testReliableChangeAgainstR() throws {
        let e = try ReliabilityFixture.expected("reliability-retest")
        let (x, y) = try waves()
        let rel = try XCTUnwrap(e.double("reliability"))
        let r = ReliableChange.compute(x1: x, x2: y, reliability: rel)
        XCTAssertEqual(r.reasons, [])
        XCTAssertEqual(r.n, e["n"] as? Int)
        XCTAssertEqual(try XCTUnwrap(r.sdBaseline), try XCTUnwrap(e.double("sd_baseline")), accuracy: 1e-9)
        XCTAssertEqual(try XCTUnwrap(r.sDiff), try XCTUnwrap(e.double("s_diff")), accuracy: 1e-9)
        let index = e.doubles("pair_index").map { Int($0!) }
        let rc = e.doubles("rc")
        let categories = e["category"] as? [String] ?? []
        XCTAssertEqual(r.pairs.map(\.index), index)
        XCTAssertEqual(r.pairs.count, rc.count)
        for (p, (want, cat)) in zip(r.pairs, zip(rc, categories)) {
            XCTAssertEqual(try XCTUnwrap(p.rc), try XCTUnwrap(want), accuracy: 1e-6, "pair \(p.index)")
            XCTAssertEqual(p.category?.rawValue, cat, "pair \(p.index)")
            XCTAssertEqual(p.x1, x[p.index])
            XCTAssertEqual(p.x2, y[p.index])
        }
        XCTAssertEqual(r.summary, RCIResult.Summary(increase: e["increase"] as? Int ?? -1,
                                                    decrease: e["decrease"] as? Int ?? -1,
                                                    noChange: e["no_change"] as? Int ?? -1))
    }

    func testRetestMismatchedLengthsThrow() {
        XCTAssertThrowsError(try Retest.analyze(x: [1, 2, 3], y: [1, 2])) { error in
            guard case StatsError.dimension = error else { return XCTFail("\(error)") }
        }
    }

    func testRetestTooFewPairs() throws {
        let r = try Retest.analyze(x: [1, 2, .nan, 4], y: [2, .nan, 3, 5])
        XCTAssertEqual(r.n, 2)
        XCTAssertNil(r.pearsonR); XCTAssertNil(r.iccA1); XCTAssertNil(r.iccC1)
        XCTAssertEqual(r.reasons.count, 3)
        let empty = try Retest.analyze(x: [], y: [])
        XCTAssertEqual(empty.n, 0)
        XCTAssertNil(empty.iccA1CI)
    }

    func testRetestPerfectAgreementHasICCButNoInterval() throws {
        let x: [Double] = [1, 2, 3, 4, 5]
        let r = try Retest.analyze(x: x, y: x)
        XCTAssertEqual(try XCTUnwrap(r.iccA1), 1, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(r.iccC1), 1, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(r.pearsonR), 1, accuracy: 1e-12)
        XCTAssertNil(r.iccA1CI); XCTAssertNil(r.iccC1CI)
        XCTAssertTrue(r.reasons.contains { $0.hasPrefix("icc_a1_ci:") })
    }

    func testRetestConstantScores() throws {
        let r = try Retest.analyze(x: [3, 3, 3, 3], y: [3, 3, 3, 3])
        XCTAssertNil(r.pearsonR); XCTAssertNil(r.iccA1); XCTAssertNil(r.iccC1)
        XCTAssertTrue(r.reasons.contains { $0.hasPrefix("pearson_r:") })
        XCTAssertTrue(r.reasons.contains { $0.hasPrefix("icc_a1:") })
    }

    /// Hand-checked: x1 = 1, 2, 3 has sd 1; rel 0.5 gives s_diff = 1; rc = x2 - x1.
    func testReliableChangeCategoriesAndBoundary() {
        let r = ReliableChange.compute(x1: [1, 2, 3, .nan], x2: [3.5, 0, 4.5, 9], reliability: 0.5)
        XCTAssertEqual(r.n, 3)
        XCTAssertEqual(try XCTUnwrap(r.sDiff), 1, accuracy: 1e-15)
        XCTAssertEqual(r.pairs.map(\.category), [.increase, .decrease, .noChange])
        XCTAssertEqual(r.summary, RCIResult.Summary(increase: 1, decrease: 1, noChange: 1))
        XCTAssertEqual(ReliableChange.classify(1.96), .noChange)
        XCTAssertEqual(ReliableChange.classify(-1.9600001), .decrease)
    }

    func testReliableChangeInvalidInputsGiveReasons() {
        let perfect = ReliableChange.compute(x1: [1, 2, 3], x2: [2, 2, 2], reliability: 1)
        XCTAssertNil(perfect.sDiff)
        XCTAssertEqual(perfect.pairs.count, 3)
        XCTAssertTrue(perfect.pairs.allSatisfy { $0.rc == nil && $0.category == nil })
        XCTAssertTrue(perfect.reasons.contains { $0.hasPrefix("s_diff:") })
        XCTAssertNil(ReliableChange.compute(x1: [1, 2], x2: [1, 2], reliability: .nan).sDiff)
        let constant = ReliableChange.compute(x1: [2, 2, 2], x2: [1, 2, 3], reliability: 0.8)
        XCTAssertEqual(constant.sdBaseline, 0)
        XCTAssertNil(constant.sDiff)
        let one = ReliableChange.compute(x1: [2, .nan], x2: [3, 1], reliability: 0.8)
        XCTAssertEqual(one.n, 1)
        XCTAssertNil(one.sdBaseline)
        let uneven = ReliableChange.compute(x1: [1, 2, 3], x2: [1, 2], reliability: 0.8)
        XCTAssertEqual(uneven.n, 2)
        XCTAssertTrue(uneven.reasons.contains { $0.hasPrefix("pairs:") })
    }
}
