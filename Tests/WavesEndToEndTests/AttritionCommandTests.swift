import Foundation
import XCTest
import WavesTestSupport

/// `waves attrition` on the demo study against R (Fixtures/attrition-r/script.R: t.test,
/// effectsize::hedges_g 0.8.3, fisher.test, Little's test by EM in base R, cross-checked with
/// WavesStatsTests/Fixtures/little-mcar), and its edge cases on small temporary studies.
final class AttritionCommandTests: XCTestCase {
    static let study = WavesProcess.repoRoot.appendingPathComponent("datasets/pmi-demo").path

    func expected() throws -> [[String: Any]] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/attrition-r/expected.json")
        let obj = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        return try XCTUnwrap(obj["cases"] as? [[String: Any]])
    }

    func waves(_ args: [String], study: String = study) throws -> Any {
        let r = try WavesProcess.run(args + ["--study", study, "--json"])
        XCTAssertEqual(r.status, 0, "waves \(args.joined(separator: " ")): \(r.stderr)")
        XCTAssertFalse(r.stdout.contains("NaN") || r.stdout.contains("Infinity"))
        return try JSONSerialization.jsonObject(with: Data(r.stdout.utf8))
    }

    func near(_ a: Any?, _ e: Any?, _ tol: Double, _ what: String) {
        guard let x = (a as? NSNumber)?.doubleValue, let y = (e as? NSNumber)?.doubleValue else {
            return XCTFail("\(what): Waves \(String(describing: a)), R \(String(describing: e))")
        }
        XCTAssertEqual(x, y, accuracy: tol * max(1, abs(y)), what)
    }

    func testDemoAgainstR() throws {
        for e in try expected() {
            let scale = e["scale"] as! String, to = e["to"] as! String
            let name = "\(scale) to \(to)"
            let a = try XCTUnwrap(try waves(["attrition", "--scale", "identity.\(scale)", "--to", to]) as? [String: Any])
            XCTAssertEqual(a["baseline_wave"] as? String, "w1")
            XCTAssertEqual(a["to_wave"] as? String, to)
            for g in ["completers", "dropouts"] {
                let x = try XCTUnwrap(a[g] as? [String: Any]), y = try XCTUnwrap(e[g] as? [String: Any])
                XCTAssertEqual(x["n"] as? Int, y["n"] as? Int, "\(name) \(g) n")
                near(x["mean"], y["mean"], 1e-12, "\(name) \(g) mean")
                near(x["sd"], y["sd"], 1e-12, "\(name) \(g) sd")
            }
            let w = try XCTUnwrap(a["welch"] as? [String: Any]), ew = try XCTUnwrap(e["welch"] as? [String: Any])
            for k in ["t", "df", "p"] { near(w[k], ew[k], 1e-6, "\(name) welch \(k)") }
            near(a["hedges_g"], e["hedges_g"], 1e-6, "\(name) hedges_g")
            let ci = try XCTUnwrap(a["g_ci"] as? [Any]), eci = try XCTUnwrap(e["g_ci"] as? [Any])
            near(ci[0], eci[0], 1e-6, "\(name) g_ci lower"); near(ci[1], eci[1], 1e-6, "\(name) g_ci upper")
            near(a["fisher_p"], e["fisher_p"], 1e-6, "\(name) fisher_p")
            let roles = try XCTUnwrap(a["roles"] as? [[String: Any]]), eroles = try XCTUnwrap(e["roles"] as? [[String: Any]])
            XCTAssertEqual(roles.count, eroles.count)
            for (r, er) in zip(roles, eroles) {
                XCTAssertEqual(r["role"] as? String, er["role"] as? String)
                XCTAssertEqual(r["completers"] as? Int, er["completers"] as? Int, "\(name) \(er["role"]!) completers")
                XCTAssertEqual(r["dropouts"] as? Int, er["dropouts"] as? Int, "\(name) \(er["role"]!) dropouts")
            }
            let l = try XCTUnwrap(a["little_mcar"] as? [String: Any]), el = try XCTUnwrap(e["little_mcar"] as? [String: Any])
            near(l["chisq"], el["chisq"], 1e-3, "\(name) little chisq")
            XCTAssertEqual(l["df"] as? Int, el["df"] as? Int)
            near(l["p"], el["p"], 1e-3, "\(name) little p")
            XCTAssertEqual(l["patterns"] as? Int, el["patterns"] as? Int)
            // The sentence carries the same numbers as the JSON, rounded as printed.
            let s = try XCTUnwrap(a["sentence"] as? String)
            XCTAssertTrue(s.contains("(n = \(e["dropouts"].flatMap { ($0 as? [String: Any])?["n"] } as! Int))"), s)
            XCTAssertTrue(s.contains(String(format: "t(%.2f) = %.2f", ew["df"] as! Double, ew["t"] as! Double)), s)
            XCTAssertTrue(s.contains(String(format: "χ²(%d) = %.2f", el["df"] as! Int, el["chisq"] as! Double)), s)
        }
    }

    /// Without --scale every scale of the study is analysed (an array of per-scale objects).
    func testEveryScale() throws {
        let all = try XCTUnwrap(try waves(["attrition"]) as? [[String: Any]])
        XCTAssertGreaterThan(all.count, 2)
        XCTAssertTrue(all.contains { $0["scale"] as? String == "belonging" })
        let text = try WavesProcess.run(["attrition", "--scale", "identity", "--study", Self.study])
        XCTAssertEqual(text.status, 0, text.stderr)
        XCTAssertTrue(text.stdout.contains("Participants lost by w3"), text.stdout)
        XCTAssertTrue(text.stdout.contains("Little's MCAR test"), text.stdout)
    }

    // MARK: - edge cases on tiny studies

    /// A study folder with one likert scale, the given roles and the rows `participant,role,wave,a,b`.
    func tinyStudy(_ name: String, waves: [String], rows: [String]) throws -> URL {
        let dir = WavesProcess.tempDir(name)
        let fm = FileManager.default
        try fm.createDirectory(at: dir.appendingPathComponent("instruments"), withIntermediateDirectories: true)
        try fm.createDirectory(at: dir.appendingPathComponent("data"), withIntermediateDirectories: true)
        let study = """
        format: waves.study/1
        id: tiny
        title: Tiny
        roles: [mentee, mentor]
        waves:
        \(waves.enumerated().map { "  - {id: \($1), label: \($1), time: \($0)}" }.joined(separator: "\n"))
        instruments:
          - path: instruments/s.yaml
        """
        try study.write(to: dir.appendingPathComponent("study.yaml"), atomically: true, encoding: .utf8)
        let inst = """
        format: waves.instrument/1
        id: s
        version: 1.0.0
        title: S
        response_sets:
          five:
            options:
              - {value: 1, label: one}
              - {value: 2, label: two}
              - {value: 3, label: three}
              - {value: 4, label: four}
              - {value: 5, label: five}
        items:
          - {id: a, type: likert, text: A, response: five}
          - {id: b, type: likert, text: B, response: five}
        scales:
          - {id: sc, label: Scale, items: [a, b]}
        """
        try inst.write(to: dir.appendingPathComponent("instruments/s.yaml"), atomically: true, encoding: .utf8)
        let csv = dir.appendingPathComponent("in.csv")
        try (["participant,role,wave,a,b"] + rows).joined(separator: "\n").appending("\n").write(to: csv, atomically: true, encoding: .utf8)
        let r = try WavesProcess.run(["import", "--study", dir.path, "--instrument", "s", "--csv", csv.path])
        XCTAssertEqual(r.status, 0, "import: \(r.stderr) \(r.stdout)")
        return dir
    }

    func testNoDropoutsAnswersWithNulls() throws {
        let dir = try tinyStudy("attr-none", waves: ["w1", "w2"], rows: [
            "P1,mentee,w1,3,4", "P1,mentee,w2,4,4", "P2,mentor,w1,2,2", "P2,mentor,w2,3,3", "P3,mentee,w1,5,4", "P3,mentee,w2,5,5"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let a = try XCTUnwrap(try waves(["attrition", "--scale", "sc"], study: dir.path) as? [String: Any])
        XCTAssertEqual((a["dropouts"] as? [String: Any])?["n"] as? Int, 0)
        XCTAssertTrue(a["welch"] is NSNull)
        XCTAssertTrue(a["hedges_g"] is NSNull)
        XCTAssertTrue(a["fisher_p"] is NSNull)
        XCTAssertTrue((a["sentence"] as? String)?.contains("no attrition") ?? false)
    }

    func testEveryoneDroppedAndSingleWaveAndOneRole() throws {
        let dir = try tinyStudy("attr-all", waves: ["w1", "w2"], rows: ["P1,mentee,w1,3,4", "P2,mentee,w1,2,2", "P3,mentee,w1,5,4"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let a = try XCTUnwrap(try waves(["attrition", "--scale", "sc"], study: dir.path) as? [String: Any])
        XCTAssertEqual((a["completers"] as? [String: Any])?["n"] as? Int, 0)
        XCTAssertEqual((a["dropouts"] as? [String: Any])?["n"] as? Int, 3)
        XCTAssertTrue(a["welch"] is NSNull)
        XCTAssertTrue(a["little_mcar"] is NSNull, "one wave with scores: nothing to test")
        XCTAssertEqual((a["roles"] as? [[String: Any]])?.count, 1)

        let one = try tinyStudy("attr-one", waves: ["w1"], rows: ["P1,mentee,w1,3,4"])
        defer { try? FileManager.default.removeItem(at: one) }
        let r = try WavesProcess.run(["attrition", "--scale", "sc", "--study", one.path])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("first wave"), r.stderr)
    }

    func testThreeParticipants() throws {
        let dir = try tinyStudy("attr-three", waves: ["w1", "w2"], rows: [
            "P1,mentee,w1,3,4", "P1,mentee,w2,4,4", "P2,mentor,w1,2,2", "P2,mentor,w2,3,3", "P3,mentee,w1,5,4"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let a = try XCTUnwrap(try waves(["attrition", "--scale", "sc"], study: dir.path) as? [String: Any])
        XCTAssertEqual((a["completers"] as? [String: Any])?["n"] as? Int, 2)
        XCTAssertTrue(a["hedges_g"] is NSNull, "one dropout: no g")
        XCTAssertNotNil(a["fisher_p"] as? Double)
    }
}
