import XCTest
@testable import WavesStats

/// The new statistics answer (a value, nil with a reason, or a thrown StatsError) instead of
/// crashing on the small and degenerate inputs a study can produce.
final class SmallSampleEdgeTests: XCTestCase {
    func testThreeParticipants() throws {
        let r = try RepeatedMeasures.analyze(Matrix([[3.0, 3.5, 4.1], [2.5, 3.2, 3.1], [4.0, 4.2, 4.9]]))
        for p in r.posthoc {
            let ci = try XCTUnwrap(p.dzCI)
            XCTAssertTrue(ci.lower < p.dz! && p.dz! < ci.upper)
        }
        let wave = try XCTUnwrap(r.effect(.wave))
        let pes = try XCTUnwrap(wave.pesCI)
        XCTAssertTrue(pes.lower >= 0 && pes.upper <= 1)
    }

    func testAllEqualScores() throws {
        let r = try RepeatedMeasures.analyze(Matrix(rows: 5, cols: 3, repeating: 3))
        XCTAssertNil(r.effect(.wave)?.f)
        XCTAssertNil(r.effect(.wave)?.pesCI)
        XCTAssertTrue(r.posthoc.allSatisfy { $0.dzCI == nil })
        let same = try RepeatedMeasures.analyze(Matrix([[1, 2], [2, 3], [4, 5]]))   // everyone +1
        XCTAssertNil(same.posthoc[0].dzCI)
        XCTAssertNil(WelchTest.test([3, 3, 3], [3, 3]).result)
        XCTAssertNil(EffectSizes.hedgesG([3, 3, 3], [3, 3]))
        XCTAssertEqual(FisherExact.pValue([[4, 0], [3, 0]]).p, 1)
    }

    /// A single wave: one observation per participant leaves no within-participant variance.
    func testSingleWaveMixedModelThrows() {
        let x = Matrix(rows: 4, cols: 1, repeating: 1)
        XCTAssertThrowsError(try MixedModel.fit(y: [1, 2, 3, 4], subject: [1, 2, 3, 4], fixed: x, terms: ["(Intercept)"],
                                                degreesOfFreedom: .kenwardRoger)) { error in
            XCTAssertTrue(error is StatsError)
        }
        XCTAssertEqual(try LittleMCAR.test(Matrix([[1], [2], [3]])).df, 0)
    }

    /// Constant scores under Kenward-Roger: an error that says why, not a trap.
    func testConstantScoresMixedModel() {
        let x = Matrix(rows: 6, cols: 2, values: [1, 0, 1, 1, 1, 0, 1, 1, 1, 0, 1, 1])
        XCTAssertThrowsError(try MixedModel.fit(y: [3, 3, 3, 3, 3, 3], subject: [1, 1, 2, 2, 3, 3], fixed: x,
                                                terms: ["(Intercept)", "wave[w2]"], degreesOfFreedom: .kenwardRoger))
    }
}
