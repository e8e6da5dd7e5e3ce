import Foundation
import XCTest
@testable import WavesStats

/// Reads the R-made fixtures under Fixtures/reliability-*/ (data.csv, expected.json).
enum ReliabilityFixture {
    static func folder(_ name: String) -> URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures").appendingPathComponent(name)
    }

    /// data.csv as columns of Doubles ("NA" is NaN), with the header names.
    static func csv(_ name: String) throws -> (header: [String], rows: [[Double]]) {
        let text = try String(contentsOf: folder(name).appendingPathComponent("data.csv"), encoding: .utf8)
        var lines = text.split(whereSeparator: \.isNewline).map(String.init)
        let header = lines.removeFirst().split(separator: ",").map { $0.replacingOccurrences(of: "\"", with: "") }
        let rows = try lines.map { line in
            try line.split(separator: ",", omittingEmptySubsequences: false).map { cell -> Double in
                if cell == "NA" { return .nan }
                guard let v = Double(cell) else { throw StatsError.dimension("bad cell \(cell)") }
                return v
            }
        }
        return (header, rows)
    }

    static func expected(_ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: folder(name).appendingPathComponent("expected.json"))
        return try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    static func matrix(_ name: String) throws -> Matrix {
        Matrix(try csv(name).rows)
    }
}

extension Dictionary where Key == String, Value == Any {
    func double(_ key: String) -> Double? { (self[key] as? NSNumber)?.doubleValue }
    func doubles(_ key: String) -> [Double?] {
        (self[key] as? [Any] ?? []).map { ($0 as? NSNumber)?.doubleValue }
    }
}

/// Reliability.analyze against R psych::alpha, factanal and the formulas (script.R in each folder).
final class ReliabilityFixturesTests: XCTestCase {
    /// Closed forms (alpha, CIs, item statistics, split-half) to 1e-6; omega to 1e-4.
    func check(_ name: String, _ m: Matrix, file: StaticString = #filePath, line: UInt = #line) throws {
        let e = try ReliabilityFixture.expected(name)
        let r = try Reliability.analyze(m)
        XCTAssertEqual(r.n, e["n"] as? Int, "\(name) n", file: file, line: line)
        XCTAssertEqual(r.k, e["k"] as? Int, "\(name) k", file: file, line: line)
        let closed = 1e-6
        XCTAssertEqual(try XCTUnwrap(r.alpha), try XCTUnwrap(e.double("alpha")), accuracy: closed, "\(name) alpha", file: file, line: line)
        let ci = e.doubles("alpha_ci")
        XCTAssertEqual(try XCTUnwrap(r.alphaCI?.lower), try XCTUnwrap(ci[0]), accuracy: closed, "\(name) alpha_ci lower", file: file, line: line)
        XCTAssertEqual(try XCTUnwrap(r.alphaCI?.upper), try XCTUnwrap(ci[1]), accuracy: closed, "\(name) alpha_ci upper", file: file, line: line)
        XCTAssertEqual(try XCTUnwrap(r.stdAlpha), try XCTUnwrap(e.double("std_alpha")), accuracy: closed, "\(name) std_alpha", file: file, line: line)
        XCTAssertEqual(try XCTUnwrap(r.averageR), try XCTUnwrap(e.double("average_r")), accuracy: closed, "\(name) average_r", file: file, line: line)
        XCTAssertEqual(try XCTUnwrap(r.splitHalf), try XCTUnwrap(e.double("split_half")), accuracy: closed, "\(name) split_half", file: file, line: line)
        let means = e.doubles("item_mean"), sds = e.doubles("item_sd")
        let drops = e.doubles("r_drop"), ifDeleted = e.doubles("alpha_if_deleted")
        XCTAssertEqual(r.items.count, means.count, file: file, line: line)
        for (i, item) in r.items.enumerated() {
            XCTAssertEqual(item.n, r.n, file: file, line: line)
            XCTAssertEqual(try XCTUnwrap(item.mean), try XCTUnwrap(means[i]), accuracy: closed, "\(name) mean \(i)", file: file, line: line)
            XCTAssertEqual(try XCTUnwrap(item.sd), try XCTUnwrap(sds[i]), accuracy: closed, "\(name) sd \(i)", file: file, line: line)
            XCTAssertEqual(try XCTUnwrap(item.rDrop), try XCTUnwrap(drops[i]), accuracy: closed, "\(name) r_drop \(i)", file: file, line: line)
            XCTAssertEqual(try XCTUnwrap(item.alphaIfDeleted), try XCTUnwrap(ifDeleted[i]), accuracy: closed, "\(name) alpha_if_deleted \(i)", file: file, line: line)
        }
        let uniq = e.doubles("uniquenesses")
        if let omega = e.double("omega_total") {
            XCTAssertEqual(try XCTUnwrap(r.omegaTotal, "\(name): \(r.reasons)"), omega, accuracy: 1e-4, "\(name) omega", file: file, line: line)
            let fit = try XCTUnwrap(r.omegaFit)
            XCTAssertTrue(fit.converged, file: file, line: line)
            for i in 0..<uniq.count {
                XCTAssertEqual(fit.uniquenesses[i], try XCTUnwrap(uniq[i]), accuracy: 1e-4, "\(name) uniqueness \(i)", file: file, line: line)
            }
        } else {
            XCTAssertNil(r.omegaTotal, file: file, line: line)
        }
    }

    func testCompleteData() throws {
        try check("reliability-complete", ReliabilityFixture.matrix("reliability-complete"))
    }

    func testMissingCellsUseListwiseRows() throws {
        let m = try ReliabilityFixture.matrix("reliability-missing")
        XCTAssertEqual(m.rows, 200)
        try check("reliability-missing", m)
    }

    func testReverseKeyedItemsReversedBeforeAnalysis() throws {
        let name = "reliability-reverse"
        let e = try ReliabilityFixture.expected(name)
        var m = try ReliabilityFixture.matrix(name)
        let reverse = e.doubles("reverse_columns").compactMap { $0.map(Int.init) }
        XCTAssertEqual(reverse, [2, 5, 8])
        let lo = try XCTUnwrap(e.double("scale_min")), hi = try XCTUnwrap(e.double("scale_max"))
        // Unreversed, the reverse-worded items pull alpha far down.
        let raw = try Reliability.analyze(m)
        XCTAssertLessThan(try XCTUnwrap(raw.alpha), try XCTUnwrap(e.double("alpha")) - 0.2)
        for r in 0..<m.rows { for c in reverse { m[r, c] = (lo + hi) - m[r, c] } }
        try check(name, m)
    }

    func testSmallSample() throws {
        try check("reliability-small", ReliabilityFixture.matrix("reliability-small"))
    }

    func testHeywoodCaseGivesNoOmega() throws {
        let name = "reliability-heywood"
        let e = try ReliabilityFixture.expected(name)
        XCTAssertEqual(e["heywood"] as? Bool, true, "R's factanal put a uniqueness at 0.005")
        try check(name, ReliabilityFixture.matrix(name))
        let r = try Reliability.analyze(ReliabilityFixture.matrix(name))
        XCTAssertNil(r.omegaTotal)
        XCTAssertEqual(r.omegaFit?.heywoodItems, [0])
        XCTAssertTrue(r.reasons.contains { $0.hasPrefix("omega_total: Heywood case") }, "\(r.reasons)")
        // The other uniquenesses still agree with factanal at its Heywood solution.
        let uniq = e.doubles("uniquenesses")
        let fit = try XCTUnwrap(r.omegaFit)
        for i in 1..<uniq.count {
            XCTAssertEqual(fit.uniquenesses[i], try XCTUnwrap(uniq[i]), accuracy: 1e-4, "uniqueness \(i)")
        }
    }

    /// Odd k: items 1..7 of the complete data. R (from that folder):
    /// d <- read.csv("data.csv")[, 1:7]; psych::alpha(d)$total$raw_alpha;
    /// r <- cor(rowSums(d[, c(1, 3, 5, 7)]), rowSums(d[, c(2, 4, 6)])); 2 * r / (1 + r);
    /// omega from factanal(covmat = cor(d), factors = 1, n.obs = 200) loadings.
    func testOddNumberOfItems() throws {
        let m = try ReliabilityFixture.matrix("reliability-complete").selectingColumns(Array(0..<7))
        let r = try Reliability.analyze(m)
        XCTAssertEqual(try XCTUnwrap(r.alpha), 0.731559925411087, accuracy: 1e-9)
        XCTAssertEqual(try XCTUnwrap(r.splitHalf), 0.689224560314266, accuracy: 1e-9)
        XCTAssertEqual(try XCTUnwrap(r.omegaTotal), 0.73599778514113, accuracy: 1e-4)
    }
}
