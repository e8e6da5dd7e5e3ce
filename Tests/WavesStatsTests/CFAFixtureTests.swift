import Foundation
import XCTest
@testable import WavesStats

/// Single-group CFA fits against lavaan 0.6-14 (Fixtures/cfa-*/script.R).
final class CFAFixtureTests: XCTestCase {
    let hsFactors: [(name: String, items: [Int])] = [("visual", [0, 1, 2]), ("textual", [3, 4, 5]), ("speed", [6, 7, 8])]
    let hsItems = (1...9).map { "x\($0)" }

    func single(_ name: String, observed: [String], factors: [(name: String, items: [Int])], missing: FactorData.Missing = .listwise) throws -> FactorFit {
        let data = try FactorData(groups: try CFAFixture.matrices(name, columns: observed), missing: missing)
        let model = FactorModel.correlatedFactors(observed: observed, factors: factors, meanStructure: missing == .fiml)
        let fit = try ConfirmatoryFactorAnalysis.fit(model, to: data)
        let e = try XCTUnwrap(CFAFixture.expected(name)["single"] as? [String: Any])
        try CFAFixture.compare(fit, e, observed: { observed[$0] }, factor: { factors[$0].name }, label: name)
        return fit
    }

    func testHolzingerSwineford() throws {
        let fit = try single("cfa-hs", observed: hsItems, factors: hsFactors)
        XCTAssertTrue(fit.notes.isEmpty, "\(fit.notes)")
        XCTAssertEqual(fit.information, "expected")
    }

    func testSmallSample() throws {
        _ = try single("cfa-small", observed: (1...5).map { "s\($0)" }, factors: [("f", [0, 1, 2, 3, 4])])
    }

    func testHeywoodCaseIsReportedNotHidden() throws {
        let fit = try single("cfa-heywood", observed: (1...4).map { "h\($0)" }, factors: [("f", [0, 1, 2, 3])])
        let residual = try XCTUnwrap(fit.estimates.first { fit.model.parameters[$0.parameter].block == .residual && fit.model.parameters[$0.parameter].row == 0 })
        XCTAssertLessThan(residual.estimate, 0)
        XCTAssertTrue(fit.notes.contains { $0.contains("Heywood case") && $0.contains("h1") && $0.contains("negative") }, "\(fit.notes)")
    }

    func testFullInformationML() throws {
        let fit = try single("cfa-fiml", observed: hsItems, factors: hsFactors, missing: .fiml)
        XCTAssertEqual(fit.information, "observed")
        // The EM estimate of the unrestricted moments, as lavaan's sampstat.h1.
        let e = try XCTUnwrap((CFAFixture.expected("cfa-fiml")["single"] as? [String: Any])?["h1"] as? [String: Any])
        let data = try FactorData(groups: try CFAFixture.matrices("cfa-fiml", columns: hsItems), missing: .fiml)
        let mean = try XCTUnwrap(e["mean"] as? [Double]), cov = try XCTUnwrap(e["cov"] as? [[Double]])
        for i in 0..<9 {
            XCTAssertEqual(data.groups[0].h1Mean[i], mean[i], accuracy: 1e-4)
            for j in 0..<9 { XCTAssertEqual(data.groups[0].h1Cov[i * 9 + j], cov[i][j], accuracy: 1e-4) }
        }
    }
}
