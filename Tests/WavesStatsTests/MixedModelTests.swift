import Foundation
import XCTest
@testable import WavesStats

/// REML fits compared with R lme4 1.1-31 + lmerTest 3.1-3 (Fixtures/lmm-*/script.R).
///
/// Tolerances: estimates 1e-5 relative, standard errors 1e-4 relative, Satterthwaite df 1e-2
/// absolute, logLik and AIC 1e-4 absolute, variance components 1e-4 relative.
final class MixedModelTests: XCTestCase {
    func assertRelative(_ a: Double?, _ b: Double, _ tol: Double, floor: Double = 1e-8, _ what: String,
                        file: StaticString = #filePath, line: UInt = #line) {
        guard let a else { return XCTFail("\(what): nil, expected \(b)", file: file, line: line) }
        XCTAssertEqual(a, b, accuracy: tol * max(abs(b), floor), what, file: file, line: line)
    }

    /// Compares a fit with every expected value of a fixture.
    func check(_ name: String, file: StaticString = #filePath, line: UInt = #line) throws -> MixedModelResult {
        let fx = try MixedModelFixture(name)
        let r = try fx.fit()
        XCTAssertEqual(r.nObs, fx.nObs, file: file, line: line)
        XCTAssertEqual(r.nSubjects, fx.nSubjects, file: file, line: line)
        XCTAssertEqual(r.fixed.count, fx.fixed.count, file: file, line: line)
        for (got, want) in zip(r.fixed, fx.fixed) {
            let w = "\(name) \(want.term)"
            // Estimates near zero are compared relative to their standard error.
            assertRelative(got.estimate, want.estimate, 1e-5, floor: want.se, "\(w) estimate", file: file, line: line)
            assertRelative(got.se, want.se, 1e-4, "\(w) se", file: file, line: line)
            XCTAssertEqual(got.df ?? .nan, want.df, accuracy: 1e-2, "\(w) df", file: file, line: line)
            XCTAssertEqual(got.t, want.t, accuracy: 1e-4 * max(1, abs(want.t)), "\(w) t", file: file, line: line)
            assertRelative(got.p, want.p, 1e-3, floor: 1e-300, "\(w) p", file: file, line: line)
        }
        XCTAssertEqual(r.logLik, fx.loglik, accuracy: 1e-4, "\(name) logLik", file: file, line: line)
        XCTAssertEqual(r.aic, fx.aic, accuracy: 1e-4, "\(name) AIC", file: file, line: line)
        XCTAssertEqual(r.parameterCount, fx.loglikDF, file: file, line: line)
        assertRelative(r.random.residualVar, fx.random["residual_var"]!, 1e-4, "\(name) residual_var", file: file, line: line)
        XCTAssertEqual(r.random.participantVar, fx.random["participant_var"]!,
                       accuracy: 1e-4 * max(fx.random["participant_var"]!, 1e-4), "\(name) participant_var",
                       file: file, line: line)
        if fx.hasSlope {
            XCTAssertTrue(r.hasRandomSlope)
            XCTAssertEqual(r.random.slopeVar ?? .nan, fx.random["slope_var"]!,
                           accuracy: 1e-4 * max(fx.random["slope_var"]!, 1e-4), "\(name) slope_var", file: file, line: line)
            XCTAssertEqual(r.random.interceptSlopeCor ?? .nan, fx.random["intercept_slope_cor"]!,
                           accuracy: 1e-3, "\(name) cor", file: file, line: line)
        } else {
            XCTAssertNil(r.random.slopeVar); XCTAssertNil(r.random.interceptSlopeCor)
        }
        XCTAssertEqual(r.singular, fx.singular, "\(name) singular", file: file, line: line)
        XCTAssertTrue(r.converged, "\(name) converged; warnings: \(r.warnings)", file: file, line: line)
        for c in fx.contrasts {
            let got = try r.contrast(c.l)
            assertRelative(got.estimate, c.estimate, 1e-5, floor: c.se, "\(name) contrast estimate", file: file, line: line)
            assertRelative(got.se, c.se, 1e-4, "\(name) contrast se", file: file, line: line)
            XCTAssertEqual(got.df ?? .nan, c.df, accuracy: 1e-2, "\(name) contrast df", file: file, line: line)
            assertRelative(got.p, c.p, 1e-3, floor: 1e-300, "\(name) contrast p", file: file, line: line)
        }
        return r
    }

    func testInterceptCategoricalBalanced() throws {
        let r = try check("lmm-a-intercept-categorical")
        XCTAssertFalse(r.singular)
        XCTAssertTrue(r.warnings.isEmpty, "\(r.warnings)")
    }

    func testDropoutLinearTime() throws {
        _ = try check("lmm-b-dropout-linear")
    }

    func testCorrelatedRandomSlopes() throws {
        let r = try check("lmm-c-slopes-role")
        let fx = try MixedModelFixture("lmm-c-slopes-role")
        for (a, b) in zip(r.theta, fx.theta) { XCTAssertEqual(a, b, accuracy: 1e-4) }
    }

    func testFewSubjects() throws {
        let r = try check("lmm-d-small")
        XCTAssertEqual(r.nSubjects, 12)
    }

    /// The singular random-slope fit is reported, with R's numbers, not hidden.
    func testSingularRandomSlopes() throws {
        let r = try check("lmm-e-singular-slopes")
        XCTAssertTrue(r.singular)
        XCTAssertEqual(r.theta[2], 0, accuracy: 1e-4)
        XCTAssertTrue(r.warnings.contains { $0.hasPrefix("singular fit") }, "\(r.warnings)")
        let cor = try XCTUnwrap(r.random.interceptSlopeCor)
        XCTAssertEqual(abs(cor), 1, accuracy: 1e-6)
    }

    /// A random-intercept variance at zero: singular, variance exactly 0, reported in warnings.
    func testSingularInterceptVariance() throws {
        let r = try check("lmm-f-singular-intercept")
        XCTAssertTrue(r.singular)
        XCTAssertEqual(r.random.participantVar, 0)
        XCTAssertTrue(r.warnings.contains { $0.contains("participant variance is estimated at zero") }, "\(r.warnings)")
    }

    /// Pooling participants with the same design block changes nothing but the cost.
    func testPooledPatternsEqualPerParticipantBlocks() throws {
        for (name, thetas) in [("lmm-c-slopes-role", [[1.0, 0.0, 1.0], [1.87, 0.064, 0.737], [-0.4, 2.0, 0.0]]),
                               ("lmm-b-dropout-linear", [[1.0], [0.0], [3.5]])] {
            let fx = try MixedModelFixture(name)
            let data = MixedModel.complete(y: fx.y, subject: fx.subject, fixed: fx.x, slope: fx.hasSlope ? fx.slope : nil)
            let ols = try MixedModel.leastSquaresStart(y: data.y, x: data.x, terms: fx.terms)
            let pooled = ProfiledREML(y: data.y, subjectIndex: data.subjectIndex, nSubjects: data.nSubjects,
                                      x: data.x, slope: data.slope, ols: ols)
            let single = ProfiledREML(y: data.y, subjectIndex: data.subjectIndex, nSubjects: data.nSubjects,
                                      x: data.x, slope: data.slope, ols: ols, pool: false)
            XCTAssertEqual(single.nPatterns, fx.nSubjects)
            XCTAssertLessThan(pooled.nPatterns, fx.nSubjects / 4)
            for theta in thetas {
                let a = try pooled.evaluate(theta: theta, inverse: true)
                let b = try single.evaluate(theta: theta, inverse: true)
                XCTAssertEqual(a.deviance, b.deviance, accuracy: 1e-10 * abs(b.deviance))
                XCTAssertEqual(a.pwrss, b.pwrss, accuracy: 1e-11 * b.pwrss)
                for (u, v) in zip(a.beta, b.beta) { XCTAssertEqual(u, v, accuracy: 1e-11) }
                for (u, v) in zip(a.xtxInverse!, b.xtxInverse!) { XCTAssertEqual(u, v, accuracy: 1e-12 * max(1, abs(v))) }
            }
        }
    }

    /// Row order and subject labels do not matter.
    func testRowOrderAndLabelsInvariance() throws {
        let fx = try MixedModelFixture("lmm-c-slopes-role")
        let base = try fx.fit()
        let n = fx.y.count
        let order = (0..<n).map { ($0 * 7919) % n }   // 7919 is prime and does not divide n
        XCTAssertEqual(Set(order).count, n)
        var xv: [Double] = []
        for r in order { xv.append(contentsOf: fx.x.row(r)) }
        let shuffled = try MixedModel.fit(
            y: order.map { fx.y[$0] }, subject: order.map { 1000 - 3 * fx.subject[$0] },
            fixed: Matrix(rows: n, cols: fx.x.cols, values: xv), terms: fx.terms,
            randomSlope: order.map { fx.slope[$0] })
        for (a, b) in zip(shuffled.fixed, base.fixed) {
            XCTAssertEqual(a.estimate, b.estimate, accuracy: 1e-7)
            XCTAssertEqual(a.df!, b.df!, accuracy: 1e-3)
        }
        XCTAssertEqual(shuffled.logLik, base.logLik, accuracy: 1e-8)
    }
}
