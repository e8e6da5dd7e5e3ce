import Foundation
import XCTest
@testable import WavesStats

/// Agreement statistics against independent references: Fixtures/agreement/expected.json,
/// made by make.py beside it (Python `krippendorff` for alpha, scikit-learn for kappa,
/// percent agreement from its definition) on Krippendorff's (2011) worked examples and
/// on seeded random data.
final class AgreementTests: XCTestCase {
    struct Set_ { var name: String; var ratings: NominalRatings; var alpha: Double; var kappa: Double?
        var percent: Double?; var published: Double? }

    static func sets() throws -> [Set_] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/agreement/expected.json")
        let root = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        return (root["sets"] as! [[String: Any]]).map { s in
            let units = (s["units"] as! [[Any]]).map { row in row.map { $0 as? Int } }
            return Set_(name: s["name"] as! String, ratings: NominalRatings(units), alpha: s["alpha"] as! Double,
                        kappa: s["kappa"] as? Double, percent: s["percent_agreement"] as? Double,
                        published: s["published_alpha"] as? Double)
        }
    }

    func testAlphaMatchesKrippendorffPackageAndPaper() throws {
        let sets = try Self.sets()
        XCTAssertEqual(sets.count, 10)
        for s in sets {
            let a = try XCTUnwrap(KrippendorffAlpha.nominal(s.ratings), s.name)
            XCTAssertEqual(a, s.alpha, accuracy: 1e-12, s.name)
            // The paper prints three decimals.
            if let p = s.published { XCTAssertEqual(a, p, accuracy: 0.0005, s.name) }
        }
    }

    func testKappaMatchesScikitLearn() throws {
        var checked = 0
        for s in try Self.sets() {
            guard let k = s.kappa else { continue }
            let a = s.ratings.values.map { $0[0] }, b = s.ratings.values.map { $0[1] }
            XCTAssertEqual(try XCTUnwrap(Agreement.cohenKappa(a, b)), k, accuracy: 1e-12, s.name)
            checked += 1
        }
        XCTAssertEqual(checked, 6)
    }

    func testPercentAgreementMatchesDefinition() throws {
        for s in try Self.sets() {
            XCTAssertEqual(try XCTUnwrap(Agreement.percentAgreement(s.ratings)), try XCTUnwrap(s.percent), accuracy: 1e-12, s.name)
        }
    }

    func testUndefinedCases() {
        // Every value the same: no expected disagreement, alpha and kappa undefined.
        let same = NominalRatings([[1, 1], [1, 1], [1, nil]])
        XCTAssertNil(KrippendorffAlpha.nominal(same))
        XCTAssertNil(Agreement.cohenKappa([1, 1, 1], [1, 1, 1]))
        XCTAssertEqual(Agreement.percentAgreement(same), 1)
        // No pairable unit.
        let lone = NominalRatings([[1, nil], [nil, 0]])
        XCTAssertNil(KrippendorffAlpha.nominal(lone))
        XCTAssertNil(Agreement.percentAgreement(lone))
        XCTAssertNil(Agreement.cohenKappa([1, nil], [nil, 0]))
        XCTAssertEqual(lone.pairable.unitCount, 0)
        // Perfect agreement with variation: alpha = kappa = 1.
        let perfect = NominalRatings([[1, 1], [0, 0], [1, 1], [0, 0]])
        XCTAssertEqual(KrippendorffAlpha.nominal(perfect), 1)
        XCTAssertEqual(Agreement.cohenKappa([1, 0, 1, 0], [1, 0, 1, 0]), 1)
    }

    func testBootstrapIsSeededAndBracketsTheEstimate() throws {
        let s = try Self.sets().first { $0.name.hasPrefix("random-2") }!
        let a = try XCTUnwrap(KrippendorffAlpha.bootstrapInterval(s.ratings, replicates: 500, seed: 11))
        let b = try XCTUnwrap(KrippendorffAlpha.bootstrapInterval(s.ratings, replicates: 500, seed: 11))
        let c = try XCTUnwrap(KrippendorffAlpha.bootstrapInterval(s.ratings, replicates: 500, seed: 12))
        XCTAssertEqual(a.lower, b.lower); XCTAssertEqual(a.upper, b.upper)
        XCTAssertNotEqual(a.lower, c.lower)
        XCTAssertLessThan(a.lower, s.alpha); XCTAssertGreaterThan(a.upper, s.alpha)
        XCTAssertLessThan(a.upper - a.lower, 0.5)
        XCTAssertGreaterThan(a.upper - a.lower, 0.05)
        // Too few units or replicates: no interval.
        XCTAssertNil(KrippendorffAlpha.bootstrapInterval(NominalRatings([[1, 0]]), replicates: 100, seed: 1))
        XCTAssertNil(KrippendorffAlpha.bootstrapInterval(s.ratings, replicates: 0, seed: 1))
    }

    func testQuantileType7() {
        // R: quantile(c(1,2,3,4,10), c(.025,.975)) = 1.1, 9.4
        XCTAssertEqual(KrippendorffAlpha.quantile7([1, 2, 3, 4, 10], 0.025), 1.1, accuracy: 1e-12)
        XCTAssertEqual(KrippendorffAlpha.quantile7([1, 2, 3, 4, 10], 0.975), 9.4, accuracy: 1e-12)
    }
}
