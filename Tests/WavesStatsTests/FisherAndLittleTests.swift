import Foundation
import XCTest
@testable import WavesStats

/// Fisher's exact test (R fisher.test) and Little's MCAR test (published naniar example and
/// an independent R implementation): Fixtures/fisher-exact and Fixtures/little-mcar.
final class FisherAndLittleTests: XCTestCase {
    static func folder(_ name: String) -> URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures").appendingPathComponent(name)
    }

    /// p-values to 1e-10 relative (1e-8 for tables of 10,000 and more).
    func testFisherAgainstR() throws {
        let e = try EffectSizeTests.json("fisher-exact")
        for c in try XCTUnwrap(e["tables"] as? [[String: Any]]) {
            let table = (c["table"] as! [[Double]]).map { $0.map { Int($0) } }
            let want = c["p"] as! Double
            let got = try XCTUnwrap(FisherExact.pValue(table).p, "\(table)")
            // Table probabilities come from log-gamma values; for tables of 10,000 and more
            // (logs of 1e4 to 1e5) about 9 significant digits of p remain, so those are held to
            // 1e-8 relative, the smaller ones to 1e-10.
            let n = table.joined().reduce(0, +)
            let relative = n >= 10_000 ? 1e-8 : 1e-10
            XCTAssertEqual(got, want, accuracy: relative * max(want, 1e-300), "\(table)")
            // The transposed 2 x r table gives the same answer.
            let transposed = [table.map { $0[0] }, table.map { $0[1] }]
            XCTAssertEqual(try XCTUnwrap(FisherExact.pValue(transposed).p), got, accuracy: max(1e-14, relative * got))
        }
        XCTAssertNil(FisherExact.pValue([[3, 4]]).p)   // one role only
        XCTAssertNil(FisherExact.pValue([[1, 2, 3], [1, 2, 3], [1, 1, 1]]).p)
        XCTAssertEqual(FisherExact.pValue([[0, 0], [0, 0]]).p, 1)
    }

    /// An r x 2 table too large to enumerate is declined with a reason (not minutes of work);
    /// 2 x 2 tables of any size are summed directly (the large ones in the fixture).
    func testLargeTablesAreDeclinedOrSummedDirectly() {
        let big = FisherExact.pValue([[40000, 9800], [30000, 7900], [20000, 5000]])
        XCTAssertNil(big.p)
        XCTAssertTrue(big.reason?.contains("too large") ?? false, big.reason ?? "")
        XCTAssertNotNil(FisherExact.pValue([[400, 98], [300, 79], [200, 50]]).p, "a 3 x 2 table of a cohort is still exact")
    }

    /// A larger table finishes (the pruning is what makes it fast) and equals R:
    /// fisher.test(matrix(c(50, 30, 45, 35, 60, 20, 40, 41), 4, byrow = TRUE))$p.value
    func testFisherLargerTable() throws {
        let got = try XCTUnwrap(FisherExact.pValue([[50, 30], [45, 35], [60, 20], [40, 41]]).p)
        XCTAssertEqual(got, 0.0067346477464986, accuracy: 1e-12)
    }

    static func readCSV(_ url: URL) throws -> (header: [String], rows: [[String]]) {
        let lines = try String(contentsOf: url, encoding: .utf8).split(whereSeparator: \.isNewline).map(String.init)
        let split = { (l: String) in l.split(separator: ",", omittingEmptySubsequences: false).map { $0.replacingOccurrences(of: "\"", with: "") } }
        return (split(lines[0]), lines.dropFirst().map(split))
    }

    func testLittleOnAirquality() throws {
        let csv = try Self.readCSV(Self.folder("little-mcar").appendingPathComponent("airquality.csv"))
        let m = Matrix(csv.rows.map { $0.map { Double($0) ?? .nan } })
        XCTAssertEqual(m.rows, 153); XCTAssertEqual(m.cols, 6)
        let r = try LittleMCAR.test(m)
        let e = try EffectSizeTests.json("little-mcar")
        let want = e["airquality"] as! [String: Any]
        // naniar's published mcar_test(airquality): 35.1, df 14, p 0.00142, 4 patterns.
        XCTAssertEqual((r.chisq * 10).rounded() / 10, 35.1)
        XCTAssertEqual(r.df, 14)
        XCTAssertEqual((try XCTUnwrap(r.p) * 1e5).rounded() / 1e5, 0.00142)
        XCTAssertEqual(r.patterns, 4)
        XCTAssertTrue(r.converged)
        // The independent R implementation, both EMs converged: 1e-6 relative.
        XCTAssertEqual(r.chisq, want["chisq"] as! Double, accuracy: 1e-6 * (want["chisq"] as! Double))
        XCTAssertEqual(try XCTUnwrap(r.p), want["p"] as! Double, accuracy: 1e-6 * (want["p"] as! Double))
        for (g, w) in zip(r.mean, want["mean"] as! [Double]) { XCTAssertEqual(g, w, accuracy: 1e-6 * max(1, abs(w))) }
        for (g, w) in zip(r.covariance, want["covariance"] as! [Double]) { XCTAssertEqual(g, w, accuracy: 1e-6 * max(1, abs(w))) }
    }

    func testLittleOnTheDemoIdentityScores() throws {
        let csv = try Self.readCSV(Self.folder("little-mcar").appendingPathComponent("demo-identity.csv"))
        let col = { (name: String) in csv.header.firstIndex(of: name)! }
        var byParticipant: [String: [Double]] = [:]
        for row in csv.rows where row[col("scale")] == "identity" {
            let w = ["w1": 0, "w2": 1, "w3": 2][row[col("wave")]]!
            byParticipant[row[col("participant")], default: [.nan, .nan, .nan]][w] = Double(row[col("score")]) ?? .nan
        }
        let m = Matrix(byParticipant.keys.sorted().map { byParticipant[$0]! })
        let r = try LittleMCAR.test(m)
        let want = try EffectSizeTests.json("little-mcar")["demo_identity"] as! [String: Any]
        XCTAssertEqual(r.chisq, want["chisq"] as! Double, accuracy: 1e-6 * (want["chisq"] as! Double))
        XCTAssertEqual(r.df, want["df"] as? Int)
        XCTAssertEqual(r.patterns, want["patterns"] as? Int)
        XCTAssertEqual(r.n, want["n"] as? Int)
    }

    func testLittleEdgeCases() throws {
        // No missing values: df 0, no p.
        let complete = try LittleMCAR.test(Matrix([[1, 2], [2, 1], [3, 5], [4, 4]]))
        XCTAssertEqual(complete.df, 0); XCTAssertNil(complete.p); XCTAssertEqual(complete.chisq, 0, accuracy: 1e-12)
        // A single wave: nothing to test.
        let single = try LittleMCAR.test(Matrix([[1], [2], [.nan], [4]]))
        XCTAssertEqual(single.df, 0); XCTAssertNil(single.p)
        // A wave nobody answered, a constant wave, too few rows: errors, not crashes.
        XCTAssertThrowsError(try LittleMCAR.test(Matrix([[1, .nan], [2, .nan], [3, .nan]])))
        XCTAssertThrowsError(try LittleMCAR.test(Matrix([[3, 1], [3, .nan], [3, 4], [3, 2]])))
        XCTAssertThrowsError(try LittleMCAR.test(Matrix([[1, 2], [.nan, .nan]])))
    }
}
