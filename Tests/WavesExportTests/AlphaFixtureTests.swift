import Foundation
import XCTest

/// The covariance formula the client tests use as their reference alpha equals R's
/// psych::alpha raw_alpha (Fixtures/alpha: items.csv, alpha.R, expected.json).
final class AlphaFixtureTests: XCTestCase {
    func testFormulaMatchesPsychAlpha() throws {
        let dir = Support.testsDir.appendingPathComponent("Fixtures/alpha")
        let text = try String(contentsOf: dir.appendingPathComponent("items.csv"), encoding: .utf8)
        let rows = text.split(separator: "\n").dropFirst().map { line in
            line.split(separator: ",").map { $0 == "NA" ? Double.nan : Double($0)! }
        }
        let expected = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("expected.json"))) as! [String: Any]
        let got = try XCTUnwrap(Support.alpha(rows))
        XCTAssertEqual(got.n, expected["n"] as? Int)
        XCTAssertEqual(got.alpha, expected["raw_alpha"] as! Double, accuracy: 1e-12)
    }
}
