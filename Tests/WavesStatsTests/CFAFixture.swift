import Foundation
import XCTest
@testable import WavesStats

/// Reads the lavaan fixtures under Fixtures/cfa-*/ (data.csv, expected.json, script.R)
/// and compares fits with them.
enum CFAFixture {
    static func folder(_ name: String) -> URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures").appendingPathComponent(name)
    }

    /// data.csv: header and rows; "NA" is NaN; quoted text cells are kept as text.
    static func csv(_ name: String) throws -> (header: [String], rows: [[String]]) {
        let text = try String(contentsOf: folder(name).appendingPathComponent("data.csv"), encoding: .utf8)
        var lines = text.split(whereSeparator: \.isNewline).map(String.init)
        let header = lines.removeFirst().split(separator: ",").map { $0.replacingOccurrences(of: "\"", with: "") }
        let rows = lines.map { $0.split(separator: ",", omittingEmptySubsequences: false).map { $0.replacingOccurrences(of: "\"", with: "") } }
        return (header, rows)
    }

    /// The named columns as a matrix, optionally split by a grouping column (groups in `order`).
    static func matrices(_ name: String, columns: [String], groupBy: String? = nil, order: [String] = []) throws -> [Matrix] {
        let (header, rows) = try csv(name)
        let idx = try columns.map { c in try XCTUnwrap(header.firstIndex(of: c), "no column \(c)") }
        func value(_ s: String) throws -> Double { s == "NA" ? .nan : try XCTUnwrap(Double(s), "bad cell \(s)") }
        guard let g = groupBy else {
            return [Matrix(try rows.map { r in try idx.map { try value(r[$0]) } })]
        }
        let gi = try XCTUnwrap(header.firstIndex(of: g))
        return try order.map { label in
            Matrix(try rows.filter { $0[gi] == label }.map { r in try idx.map { try value(r[$0]) } })
        }
    }

    static func expected(_ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: folder(name).appendingPathComponent("expected.json"))
        return try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// lavaan's (lhs, op, rhs) of a model parameter, with the names lavaan uses.
    static func key(_ model: FactorModel, _ i: Int, observed: (Int) -> String, factor: (Int) -> String) -> (String, String, String, Int) {
        let q = model.parameters[i]
        switch q.block {
        case .loading: return (factor(q.col), "=~", observed(q.row), q.group + 1)
        case .intercept: return (observed(q.row), "~1", "", q.group + 1)
        case .factorMean: return (factor(q.row), "~1", "", q.group + 1)
        case .residual: return (observed(q.row), "~~", observed(q.col), q.group + 1)
        case .factorCovariance: return (factor(q.row), "~~", factor(q.col), q.group + 1)
        }
    }

    /// The index of each lavaan parameter row in the model (symmetric ones in either order).
    static func match(_ model: FactorModel, _ rows: [[String: Any]], observed: (Int) -> String, factor: (Int) -> String) throws -> [Int] {
        var byKey: [String: Int] = [:]
        for i in model.parameters.indices {
            let (l, o, r, g) = key(model, i, observed: observed, factor: factor)
            byKey["\(l)|\(o)|\(r)|\(g)"] = i
            if o == "~~" { byKey["\(r)|\(o)|\(l)|\(g)"] = i }
        }
        return try rows.map { row in
            let k = "\(row["lhs"]!)|\(row["op"]!)|\(row["rhs"]!)|\(row["group"]!)"
            return try XCTUnwrap(byKey[k], "lavaan parameter \(k) is not in the model")
        }
    }

    /// Compares one fit with one lavaan fit (`fit_json` in common.R).
    static func compare(_ fit: FactorFit, _ e: [String: Any], observed: (Int) -> String, factor: (Int) -> String,
                        label: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let m = try XCTUnwrap(e["fit"] as? [String: Any])
        func num(_ k: String) -> Double? { (m[k] as? NSNumber)?.doubleValue }
        let f = fit.measures
        XCTAssertTrue(fit.converged, "\(label): \(fit.notes)", file: file, line: line)
        XCTAssertEqual(f.npar, m["npar"] as? Int, "\(label) npar", file: file, line: line)
        XCTAssertEqual(f.n, m["ntotal"] as? Int, "\(label) n", file: file, line: line)
        XCTAssertEqual(f.df, m["df"] as? Int, "\(label) df", file: file, line: line)
        let chisq = try XCTUnwrap(num("chisq"))
        XCTAssertEqual(f.chisq, chisq, accuracy: 1e-4 * max(1, chisq), "\(label) chisq", file: file, line: line)
        let bchisq = try XCTUnwrap(num("baseline.chisq"))
        XCTAssertEqual(f.baselineChisq, bchisq, accuracy: 1e-4 * max(1, bchisq), "\(label) baseline chisq", file: file, line: line)
        XCTAssertEqual(f.baselineDf, m["baseline.df"] as? Int, "\(label) baseline df", file: file, line: line)
        let pairs: [(String, Double?)] = [("pvalue", f.p), ("cfi", f.cfi), ("tli", f.tli), ("rmsea", f.rmsea),
                                          ("rmsea.ci.lower", f.rmseaLower), ("rmsea.ci.upper", f.rmseaUpper), ("srmr", f.srmr)]
        for (k, v) in pairs {
            if let want = num(k) {
                XCTAssertEqual(try XCTUnwrap(v, "\(label) \(k)"), want, accuracy: 1e-4, "\(label) \(k)", file: file, line: line)
            } else {
                XCTAssertNil(v, "\(label) \(k) should be null", file: file, line: line)
            }
        }
        for (k, v) in [("aic", f.aic), ("bic", f.bic), ("logl", f.logLikelihood), ("unrestricted.logl", f.unrestrictedLogLikelihood)] {
            let want = try XCTUnwrap(num(k))
            XCTAssertEqual(v, want, accuracy: 1e-4 * max(1, abs(want)), "\(label) \(k)", file: file, line: line)
        }
        let rows = try XCTUnwrap(e["parameters"] as? [[String: Any]])
        let idx = try match(fit.model, rows, observed: observed, factor: factor)
        XCTAssertEqual(Set(idx).count, fit.model.parameters.count, "\(label): the model has parameters lavaan does not", file: file, line: line)
        for (row, i) in zip(rows, idx) {
            let est = fit.estimates[i]
            let name = "\(label) \(fit.model.describe(i))"
            XCTAssertEqual(est.free, row["free"] as? Bool, "\(name) free", file: file, line: line)
            XCTAssertEqual(est.estimate, try XCTUnwrap((row["est"] as? NSNumber)?.doubleValue), accuracy: 1e-4, "\(name) est", file: file, line: line)
            if est.free {
                XCTAssertEqual(try XCTUnwrap(est.se, name), try XCTUnwrap((row["se"] as? NSNumber)?.doubleValue), accuracy: 1e-3, "\(name) se", file: file, line: line)
            }
            if let s = (row["std_all"] as? NSNumber)?.doubleValue {
                XCTAssertEqual(try XCTUnwrap(est.std, name), s, accuracy: 1e-4, "\(name) std.all", file: file, line: line)
            }
        }
    }
}
