import Foundation
import XCTest
@testable import WavesStats

/// Edge cases of RepeatedMeasures.analyze: what happens, and that nothing is ever NaN.
/// Fixture values themselves are compared with R in RepeatedMeasuresFixtureTests.
final class RepeatedMeasuresEdgeTests: XCTestCase {
    typealias Fixtures = RepeatedMeasuresFixtureTests

    /// Two waves: no sphericity test, epsilons exactly 1, corrected p equal to p.
    func testTwoWavesHaveNoSphericityAndUnitEpsilons() throws {
        let fx = try Fixtures.load("anova-twowave")
        let r = try RepeatedMeasures.analyze(fx.scores, groups: fx.groups)
        XCTAssertNil(r.sphericity)
        XCTAssertTrue(r.sphericityNote?.contains("two waves") ?? false)
        XCTAssertEqual(r.recommendedCorrection, RepeatedMeasuresResult.Correction.none)
        for term in [RepeatedMeasuresResult.Term.wave, .roleByWave] {
            let e = try XCTUnwrap(r.effect(term))
            XCTAssertEqual(e.ggEpsilon, 1)
            XCTAssertEqual(e.hfEpsilon, 1)
            XCTAssertEqual(try XCTUnwrap(e.pGG), try XCTUnwrap(e.p), accuracy: 1e-15)
            XCTAssertEqual(try XCTUnwrap(e.pHF), try XCTUnwrap(e.p), accuracy: 1e-15)
        }
        XCTAssertFalse(try XCTUnwrap(r.effect(.role)).hasWithinPart)
        XCTAssertNil(r.effect(.role)?.ggEpsilon)
    }

    /// Everyone scores 3.0 at wave 2: that wave's SD is 0 and its interval is [3, 3];
    /// the ANOVA, sphericity and post hoc are still defined (the differences vary).
    func testConstantWaveGivesZeroSDAndDefinedTests() throws {
        let fx = try Fixtures.load("anova-constant")
        let r = try RepeatedMeasures.analyze(fx.scores)
        let d = try XCTUnwrap(r.descriptives.first { $0.wave == 1 && $0.group == nil })
        XCTAssertEqual(d.sd, 0)
        XCTAssertEqual(d.ci, RepeatedMeasuresResult.Interval(lower: 3, upper: 3))
        let wave = try XCTUnwrap(r.effect(.wave))
        XCTAssertNotNil(wave.f)
        XCTAssertNotNil(wave.ggEpsilon)
        XCTAssertNotNil(r.sphericity)
        XCTAssertTrue(r.posthoc.allSatisfy { $0.t != nil && $0.dz != nil })
        XCTAssertNotNil(r.friedman.chisq)
        Self.assertNoNonFinite(r)
    }

    /// A group of one: its mean is reported, its SD and interval are nil (n - 1 = 0);
    /// the model still uses it (it adds no within-group error).
    func testSingleParticipantGroup() throws {
        let fx = try Fixtures.load("anova-singleton")
        let r = try RepeatedMeasures.analyze(fx.scores, groups: fx.groups)
        let lone = r.descriptives.filter { $0.group == 1 }
        XCTAssertEqual(lone.count, 3)
        for d in lone {
            XCTAssertEqual(d.n, 1)
            XCTAssertEqual(try XCTUnwrap(d.mean), fx.scores[fx.scores.rows - 1, d.wave], accuracy: 1e-12)
            XCTAssertNil(d.sd)
            XCTAssertNil(d.ci)
        }
        XCTAssertEqual(r.errorDF, 11)
        XCTAssertTrue(r.anova.allSatisfy { $0.f != nil && $0.p != nil })
    }

    /// n <= waves: the error SSP matrix is singular. F and p remain (univariate traces);
    /// Mauchly and the epsilons are nil with a reason, no correction is recommended.
    func testSingularErrorMatrixGivesNilEpsilonsWithReason() throws {
        let fx = try Fixtures.load("anova-singular")
        let r = try RepeatedMeasures.analyze(fx.scores)
        XCTAssertNil(r.sphericity)
        XCTAssertTrue(r.sphericityNote?.contains("singular") ?? false, r.sphericityNote ?? "")
        let wave = try XCTUnwrap(r.effect(.wave))
        XCTAssertNotNil(wave.f)
        XCTAssertNil(wave.ggEpsilon)
        XCTAssertNil(wave.hfEpsilon)
        XCTAssertNil(wave.pGG)
        XCTAssertNil(wave.pHF)
        XCTAssertNil(r.recommendedCorrection)
        Self.assertNoNonFinite(r)
    }

    /// y = person + wave effect exactly: no within-participant error, so F, Mauchly and
    /// the t-tests are undefined (nil with notes); Friedman ranks agree perfectly (W = 1).
    func testIdenticalChangeForEveryoneHasNoWithinError() throws {
        let rows = (0..<8).map { i in [2.0, 2.5, 3.5].map { $0 + Double(i) * 0.25 } }
        let r = try RepeatedMeasures.analyze(Matrix(rows))
        let wave = try XCTUnwrap(r.effect(.wave))
        XCTAssertNil(wave.f)
        XCTAssertNil(wave.p)
        XCTAssertNotNil(wave.note)
        XCTAssertEqual(try XCTUnwrap(wave.pes), 1, accuracy: 1e-12)
        XCTAssertNil(r.sphericity)
        XCTAssertNotNil(r.sphericityNote)
        XCTAssertTrue(r.posthoc.allSatisfy { $0.t == nil && $0.p == nil && $0.note != nil })
        XCTAssertEqual(try XCTUnwrap(r.friedman.kendallW), 1, accuracy: 1e-12)
        Self.assertNoNonFinite(r)
    }

    /// Every score identical: nothing to test, but no crash and no NaN.
    func testAllScoresIdentical() throws {
        let r = try RepeatedMeasures.analyze(Matrix(rows: 6, cols: 3, repeating: 4),
                                             groups: [0, 0, 0, 1, 1, 1])
        XCTAssertTrue(r.anova.allSatisfy { $0.f == nil && $0.ges == nil && $0.note != nil })
        XCTAssertNil(r.friedman.chisq)
        XCTAssertNotNil(r.friedman.note)
        XCTAssertTrue(r.descriptives.allSatisfy { $0.sd == 0 })
        Self.assertNoNonFinite(r)
    }

    /// A group slot without participants is reported (n = 0) and left out of the model:
    /// the ANOVA equals the one without that slot.
    func testEmptyGroupSlotIsLeftOut() throws {
        let fx = try Fixtures.load("anova-unbalanced")
        let two = try RepeatedMeasures.analyze(fx.scores, groups: fx.groups)
        let three = try RepeatedMeasures.analyze(fx.scores, groups: fx.groups, groupCount: 3)
        XCTAssertEqual(three.groupCount, 3)
        XCTAssertEqual(three.groupsUsed, 2)
        XCTAssertEqual(three.anova, two.anova)
        XCTAssertEqual(three.sphericity, two.sphericity)
        let empty = three.descriptives.filter { $0.group == 2 }
        XCTAssertEqual(empty.count, 4)
        XCTAssertTrue(empty.allSatisfy { $0.n == 0 && $0.mean == nil && $0.sd == nil })
        XCTAssertTrue(three.notes.contains { $0.contains("group 2") })
    }

    /// Groups given but only one used: role terms exist with nil statistics and a note;
    /// the wave effect is the one-group analysis.
    func testSingleUsedGroupGivesNilRoleEffects() throws {
        let fx = try Fixtures.load("anova-balanced")
        let plain = try RepeatedMeasures.analyze(fx.scores)
        let r = try RepeatedMeasures.analyze(fx.scores, groups: Array(repeating: 0, count: fx.scores.rows),
                                             groupCount: 2)
        XCTAssertEqual(r.effect(.wave), plain.effect(.wave))
        for term in [RepeatedMeasuresResult.Term.role, .roleByWave] {
            let e = try XCTUnwrap(r.effect(term))
            XCTAssertNil(e.f)
            XCTAssertNil(e.ges)
            XCTAssertTrue(e.note?.contains("fewer than two groups") ?? false)
        }
        Self.assertNoNonFinite(r)
    }

    /// Type III with sum-to-zero contrasts does not depend on which group is first.
    func testGroupOrderDoesNotMatter() throws {
        let fx = try Fixtures.load("anova-unbalanced")
        let a = try RepeatedMeasures.analyze(fx.scores, groups: fx.groups)
        let b = try RepeatedMeasures.analyze(fx.scores, groups: fx.groups!.map { 1 - $0 })
        for (x, y) in zip(a.anova, b.anova) {
            XCTAssertEqual(try XCTUnwrap(x.f), try XCTUnwrap(y.f), accuracy: 1e-10 * max(1, abs(x.f ?? 0)))
            XCTAssertEqual(try XCTUnwrap(x.ges), try XCTUnwrap(y.ges), accuracy: 1e-12)
        }
    }

    func testRejectsMissingScores() {
        var m = Matrix([[1, 2, 3], [2, 3, 4], [3, 4, 5]])
        m[1, 2] = .nan
        XCTAssertThrowsError(try RepeatedMeasures.analyze(m)) { error in
            guard case StatsError.insufficientData(let s) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(s.contains("row 2, wave 3"), s)
        }
    }

    func testRejectsBadShapes() {
        let m = Matrix([[1, 2, 3], [2, 3, 5], [3, 4, 4]])
        XCTAssertThrowsError(try RepeatedMeasures.analyze(Matrix([[1], [2], [3]])))
        XCTAssertThrowsError(try RepeatedMeasures.analyze(m, groups: [0, 1]))
        XCTAssertThrowsError(try RepeatedMeasures.analyze(m, groups: [0, 1, -1]))
        XCTAssertThrowsError(try RepeatedMeasures.analyze(m, groups: [0, 1, 2], groupCount: 2))
        // Three participants in three groups leave no error degrees of freedom.
        XCTAssertThrowsError(try RepeatedMeasures.analyze(m, groups: [0, 1, 2])) { error in
            guard case StatsError.insufficientData = error else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try RepeatedMeasures.analyze(Matrix([[1, 2, 3]])))
    }

    /// More than 16 waves (the general sort path) with heavy ties. R:
    /// y <- outer(0:5, 0:17, function(i, j) ((i*7 + j*3 + i*j) %% 5)); friedman.test(y)
    func testFriedmanManyWavesWithTiesAgainstR() throws {
        var rows: [[Double]] = []
        for i in 0..<6 {
            var row: [Double] = []
            for j in 0..<18 {
                let code: Int = (i * 7 + j * 3 + i * j) % 5
                row.append(Double(code))
            }
            rows.append(row)
        }
        let f = RepeatedMeasures.friedman(Matrix(rows))
        XCTAssertEqual(try XCTUnwrap(f.chisq), 38.89731471535983, accuracy: 1e-9)
        XCTAssertEqual(try XCTUnwrap(f.p), 0.0018470154823010067, accuracy: 1e-12)
        XCTAssertEqual(f.df, 17)
    }

    /// R: p.adjust(c(0.01, NA, 0.04, 0.03, 0.005, 0.04), "holm" / "bonferroni").
    func testHolmAndBonferroniAgainstR() {
        let p: [Double?] = [0.01, nil, 0.04, 0.03, 0.005, 0.04]
        let holm = RepeatedMeasures.adjustHolm(p)
        let bonf = RepeatedMeasures.adjustBonferroni(p)
        let wantHolm: [Double?] = [0.04, nil, 0.09, 0.09, 0.025, 0.09]
        let wantBonf: [Double?] = [0.05, nil, 0.2, 0.15, 0.025, 0.2]
        for i in p.indices {
            XCTAssertEqual(holm[i] == nil, wantHolm[i] == nil)
            XCTAssertEqual(bonf[i] == nil, wantBonf[i] == nil)
            if let h = holm[i], let w = wantHolm[i] { XCTAssertEqual(h, w, accuracy: 1e-15) }
            if let b = bonf[i], let w = wantBonf[i] { XCTAssertEqual(b, w, accuracy: 1e-15) }
        }
    }

    /// 100,000 participants x 4 waves, 2 groups: the fixture replicated. Means, epsilons
    /// and Mauchly's W are invariant to replication (every SSP matrix scales by the
    /// factor), so they must equal the fixture's; F grows, and nothing is NaN.
    func testHundredThousandParticipants() throws {
        let fx = try Fixtures.load("anova-unbalanced")
        let copies = 100_000 / fx.scores.rows + 1
        var values: [Double] = []
        values.reserveCapacity(copies * fx.scores.values.count)
        var groups: [Int] = []
        for _ in 0..<copies {
            values.append(contentsOf: fx.scores.values)
            groups.append(contentsOf: fx.groups!)
        }
        let big = Matrix(rows: copies * fx.scores.rows, cols: 4, values: values)
        let start = Date()
        let r = try RepeatedMeasures.analyze(big, groups: groups)
        let seconds = Date().timeIntervalSince(start)
        let small = try RepeatedMeasures.analyze(fx.scores, groups: fx.groups)
        XCTAssertEqual(try XCTUnwrap(r.effect(.wave)?.ggEpsilon), try XCTUnwrap(small.effect(.wave)?.ggEpsilon),
                       accuracy: 1e-9)
        XCTAssertEqual(try XCTUnwrap(r.sphericity?.w), try XCTUnwrap(small.sphericity?.w), accuracy: 1e-9)
        for (x, y) in zip(r.descriptives, small.descriptives) {
            XCTAssertEqual(try XCTUnwrap(x.mean), try XCTUnwrap(y.mean), accuracy: 1e-9)
        }
        XCTAssertGreaterThan(try XCTUnwrap(r.effect(.wave)?.f), try XCTUnwrap(small.effect(.wave)?.f))
        Self.assertNoNonFinite(r)
        XCTAssertLessThan(seconds, 30, "debug-build time for 100k x 4: \(seconds) s")
    }

    // MARK: - Helpers

    /// Walks every stored Double (optionals and arrays included) and fails on NaN or infinity.
    static func assertNoNonFinite(_ value: Any, path: String = "result",
                                  file: StaticString = #filePath, line: UInt = #line) {
        if let d = value as? Double {
            XCTAssertTrue(d.isFinite, "\(path) is \(d)", file: file, line: line)
            return
        }
        let mirror = Mirror(reflecting: value)
        for (i, child) in mirror.children.enumerated() {
            assertNoNonFinite(child.value, path: "\(path).\(child.label ?? String(i))", file: file, line: line)
        }
    }
}
