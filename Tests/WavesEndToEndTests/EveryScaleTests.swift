import Foundation
import WavesTestSupport
import XCTest

/// Issue 12.14: the per-scale analyses given no `--scale` run on every scale of the study, one
/// table per scale, and with `--json` an array of the per-scale objects (spec/cli.md, "Added
/// in the second round"); each object equals the one the command gives for that scale alone.
final class EveryScaleTests: XCTestCase {
    static let demo = WavesProcess.repoRoot.appendingPathComponent("datasets/pmi-demo")
    /// The demo's scales in study order (study.yaml's instruments, each instrument's scales).
    static let scales = ["identity.identity", "identity.belonging", "identity.mentor_role",
                         "reflection.self_reflection", "reflection.insight", "reflection.reflective_communication", "reflection.reflection",
                         "ecosystem.micro", "ecosystem.meso", "ecosystem.macro",
                         "personhood.innate", "personhood.individual", "personhood.relational", "personhood.societal"]

    func json(_ args: [String], study: URL = demo) throws -> (Any, WavesProcess.Result) {
        let r = try WavesProcess.run(args + ["--study", study.path, "--json"])
        XCTAssertEqual(r.status, 0, "waves \(args.joined(separator: " ")): \(r.stderr)")
        return (try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)), r)
    }

    func name(_ o: [String: Any]) -> String { "\(o["instrument"] as? String ?? "?").\(o["scale"] as? String ?? "?")" }

    /// Every scale once, in study order; the first and last equal their single-scale runs.
    func checkEveryScale(_ args: [String], scales: [String] = scales, file: StaticString = #filePath, line: UInt = #line) throws {
        let (all, r) = try json(args)
        let rows = try XCTUnwrap(all as? [[String: Any]], "\(args): not an array", file: file, line: line)
        XCTAssertEqual(rows.map(name), scales, "\(args)", file: file, line: line)
        for s in Self.scales where !scales.contains(s) {
            XCTAssertTrue(r.stderr.contains("warning: scale \(s) left out:"), "\(args): no warning for \(s): \(r.stderr)", file: file, line: line)
        }
        guard rows.count == scales.count else { return }
        for i in [0, rows.count - 1] {
            let (one, _) = try json(args + ["--scale", scales[i]])
            let single = try XCTUnwrap(one as? [String: Any], file: file, line: line)
            XCTAssertEqual(NSDictionary(dictionary: rows[i]), NSDictionary(dictionary: single), "\(args) \(scales[i])", file: file, line: line)
        }
    }

    func testChangeRetestRCIAndLMMWithoutScale() throws {
        try checkEveryScale(["change"])
        try checkEveryScale(["retest", "--waves", "w1,w3"])
        // mentor_role's alpha at w1 is 0 (it cannot serve as a reliability): left out with a
        // warning, unless a reliability is given.
        try checkEveryScale(["rci", "--from", "w1", "--to", "w3"], scales: Self.scales.filter { $0 != "identity.mentor_role" })
        try checkEveryScale(["rci", "--from", "w1", "--to", "w3", "--reliability", "0.8"])
        try checkEveryScale(["lmm", "--time", "linear"])
        try checkEveryScale(["reliability", "--wave", "w2"])
    }

    /// Without --scale and --wave: one object per scale and wave, scale by scale.
    func testReliabilityWithoutScaleOrWave() throws {
        let (all, _) = try json(["reliability"])
        let rows = try XCTUnwrap(all as? [[String: Any]])
        XCTAssertEqual(rows.map { name($0) + "@" + ($0["wave"] as? String ?? "") },
                       Self.scales.flatMap { s in ["w1", "w2", "w3"].map { s + "@" + $0 } })
        let (one, _) = try json(["reliability", "--scale", "reflection.insight"])
        let per = try XCTUnwrap(one as? [[String: Any]])
        guard rows.count == 3 * Self.scales.count else { return XCTFail("\(rows.count) objects") }
        XCTAssertEqual(NSArray(array: Array(rows[12..<15])), NSArray(array: per))
    }

    /// The readable output: one table per scale, each headed by its scale.
    func testTextHasOneTablePerScale() throws {
        let r = try WavesProcess.run(["change", "--study", Self.demo.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        for s in Self.scales {
            XCTAssertTrue(r.stdout.contains("(\(s)) over w1, w2, w3"), "no change table for \(s)")
        }
        XCTAssertEqual(r.stdout.components(separatedBy: "Repeated-measures ANOVA, Type III").count - 1, Self.scales.count)
        let rci = try WavesProcess.run(["rci", "--study", Self.demo.path, "--from", "w1", "--to", "w2"])
        XCTAssertEqual(rci.status, 0, rci.stderr)
        XCTAssertEqual(rci.stdout.components(separatedBy: "Reliable change of ").count - 1, Self.scales.count - 1)
        XCTAssertTrue(rci.stderr.contains("warning: scale identity.mentor_role left out: alpha of 'mentor_role' at w1"), rci.stderr)
    }

    /// A scale that cannot be analysed is left out with a warning naming it; the others are reported.
    func testScalesWithoutDataAreLeftOutWithAWarning() throws {
        let dir = WavesProcess.tempDir("every-scale")
        defer { try? FileManager.default.removeItem(at: dir) }
        let study = dir.appendingPathComponent("demo")
        try FileManager.default.copyItem(at: Self.demo, to: study)
        let store = study.appendingPathComponent("data/responses.jsonl")
        let lines = try String(contentsOf: store, encoding: .utf8).split(separator: "\n")
        try (lines.filter { $0.contains("\"instrument\":{\"id\":\"identity\"") }.joined(separator: "\n") + "\n")
            .write(to: store, atomically: true, encoding: .utf8)
        let (all, r) = try json(["change"], study: study)
        let rows = try XCTUnwrap(all as? [[String: Any]])
        XCTAssertEqual(rows.map(name), Array(Self.scales.prefix(3)))
        for s in Self.scales.dropFirst(3) {
            XCTAssertTrue(r.stderr.contains("warning: scale \(s) left out:"), "no warning for \(s): \(r.stderr)")
        }
    }

    /// When no scale can be analysed the command fails with the reason (exit 1), as with --scale.
    func testNoScaleAnalysableFails() throws {
        let r = try WavesProcess.run(["change", "--study", Self.demo.path, "--waves", "w2"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("change needs at least two waves"), r.stderr)
        XCTAssertEqual(r.stdout, "")
    }
}
