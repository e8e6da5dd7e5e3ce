import Foundation
import XCTest

/// `waves power` as a user runs it: the JSON contract, the same bytes on one or two cores, the
/// refusals, --from-study and --items on a simulated study, and the power curve file.
final class PowerCommandTests: XCTestCase {
    func json(_ r: WavesProcess.Result) throws -> [String: Any] {
        XCTAssertEqual(r.status, 0, r.stderr)
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
    }

    /// The contract's keys: {"design","sims","seed","alpha","results":[{"participants","power","ci","failed_fits"}]}.
    func testJSONContractWithoutAStudyFolder() throws {
        let dir = WavesProcess.tempDir("power-json")
        let r = try WavesProcess.run(["power", "--design", "change", "--participants", "10,20", "--waves", "3", "--effect", "0.3",
                                      "--sims", "200", "--seed", "3", "--json"], cwd: dir)
        let o = try json(r)
        XCTAssertEqual(o["design"] as? String, "change")
        XCTAssertEqual(o["sims"] as? Int, 200)
        XCTAssertEqual(o["seed"] as? Int, 3)
        XCTAssertEqual(o["alpha"] as? Double, 0.05)
        let results = try XCTUnwrap(o["results"] as? [[String: Any]])
        XCTAssertEqual(results.map { $0["participants"] as? Int }, [10, 20])
        for row in results {
            let p = try XCTUnwrap(row["power"] as? Double), ci = try XCTUnwrap(row["ci"] as? [Double])
            XCTAssertEqual(ci.count, 2)
            XCTAssertTrue(ci[0] <= p && p <= ci[1])
            XCTAssertEqual(row["failed_fits"] as? Double, 0)
        }
        XCTAssertLessThan(results[0]["power"] as! Double, results[1]["power"] as! Double)
        XCTAssertFalse(r.stdout.contains("NaN") || r.stdout.contains("Infinity"))
    }

    func testSameSeedSameBytesOnOneOrTwoCores() throws {
        let args = ["power", "--design", "lmm-slope", "--participants", "15,25", "--waves", "4", "--effect", "0.2",
                    "--attrition", "0.1", "--sims", "60", "--seed", "9"]
        for extra in [["--json"], []] {
            let one = try WavesProcess.run(args + extra + ["--jobs", "1"])
            let two = try WavesProcess.run(args + extra + ["--jobs", "2"])
            XCTAssertEqual(one.status, 0, one.stderr)
            XCTAssertEqual(one.stdout, two.stdout)
            XCTAssertEqual(one.stderr, "", "no progress bar when stderr is not a terminal")
        }
    }

    func testRefusalsAreSentences() throws {
        let single = try WavesProcess.run(["power", "--design", "paired", "--participants", "20", "--waves", "1", "--effect", "0.5"])
        XCTAssertEqual(single.status, 1)
        XCTAssertEqual(single.stderr, "error: power needs at least two waves: with a single wave there is no change to detect\n")
        let nobody = try WavesProcess.run(["power", "--design", "paired", "--participants", "20", "--waves", "3", "--effect", "0.5", "--attrition", "1"])
        XCTAssertEqual(nobody.status, 1)
        XCTAssertTrue(nobody.stderr.contains("nobody stays past the first wave"), nobody.stderr)
        let few = try WavesProcess.run(["power", "--design", "lmm-slope", "--participants", "2", "--waves", "3", "--effect", "0.5"])
        XCTAssertEqual(few.status, 1)
        XCTAssertTrue(few.stderr.contains("2 participants are too few"), few.stderr)
        let design = try WavesProcess.run(["power", "--design", "anova", "--participants", "20", "--waves", "3"])
        XCTAssertEqual(design.status, 2)
    }

    /// A simulated study: --from-study takes its values (and says which), --items goes through its
    /// instrument, and the curve is written 0600 but never into data/ or over study files.
    func testFromStudyItemsAndTheCurveFile() throws {
        let dir = WavesProcess.tempDir("power-study")
        let study = dir.appendingPathComponent("S").path
        XCTAssertEqual(try WavesProcess.run(["init", study]).status, 0)
        XCTAssertEqual(try WavesProcess.run(["simulate", "--study", study, "--participants", "40", "--seed", "1", "--write-roster"]).status, 0)
        let svg = dir.appendingPathComponent("curve.svg").path
        let r = try WavesProcess.run(["power", "--study", study, "--design", "lmm-slope", "--from-study", "--scale", "identity",
                                      "--items", "--participants", "30,60", "--sims", "40", "--time-unit", "month", "--svg", svg, "--json"])
        let o = try json(r)
        let taken = try XCTUnwrap(o["from_study"] as? [[String: Any]]).compactMap { $0["name"] as? String }
        for name in ["effect", "intercept_sd", "slope_sd", "cor", "residual_sd", "attrition"] { XCTAssertTrue(taken.contains(name), name) }
        let settings = try XCTUnwrap(o["settings"] as? [String: Any])
        XCTAssertEqual(settings["times"] as? [Double], [0, 6, 12])
        let items = try XCTUnwrap(settings["items"] as? [String: Any])
        XCTAssertEqual(items["scale"] as? String, "identity")
        let attrs = try FileManager.default.attributesOfItem(atPath: svg)
        XCTAssertEqual((attrs[.posixPermissions] as? NSNumber)?.intValue, 0o600)
        let chart = try String(contentsOfFile: svg, encoding: .utf8)
        XCTAssertTrue(chart.contains("xmlns=\"http://www.w3.org/2000/svg\""))
        XCTAssertTrue(chart.contains("Participants"))
        // A given option wins over the study's value and is not listed as taken.
        let given = try json(WavesProcess.run(["power", "--study", study, "--design", "lmm-slope", "--from-study", "--scale", "identity",
                                               "--effect", "0.05", "--participants", "30", "--sims", "20", "--json"]))
        XCTAssertFalse(try XCTUnwrap(given["from_study"] as? [[String: Any]]).contains { $0["name"] as? String == "effect" })
        XCTAssertEqual((given["settings"] as? [String: Any])?["effect"] as? Double, 0.05)
        // Study files are refused before any simulation.
        let before = try Data(contentsOf: URL(fileURLWithPath: study + "/study.yaml"))
        for target in [study + "/data/power.svg", study + "/study.yaml", study + "/roster.csv", study + "/instruments/identity.yaml"] {
            let x = try WavesProcess.run(["power", "--study", study, "--design", "paired", "--participants", "20", "--waves", "2",
                                          "--effect", "0.5", "--sims", "10", "--svg", target])
            XCTAssertEqual(x.status, 1, target)
            XCTAssertTrue(x.stderr.contains("write the chart elsewhere"), x.stderr)
        }
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: study + "/study.yaml")), before)
        XCTAssertFalse(FileManager.default.fileExists(atPath: study + "/data/power.svg"))
    }

    func testTargetPowerSearchStatesItsPrecision() throws {
        let r = try WavesProcess.run(["power", "--design", "paired", "--participants", "20", "--waves", "2", "--target-power", "0.8",
                                      "--sims", "200"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("the smallest first-to-last change (d_z) detected with power 0.80 is"), r.stdout)
        XCTAssertTrue(r.stdout.contains("search precision ±"), r.stdout)
        let n = try json(WavesProcess.run(["power", "--design", "paired", "--waves", "2", "--effect", "0.5", "--target-power", "0.8",
                                           "--search", "participants", "--sims", "200", "--json"]))
        let search = try XCTUnwrap(n["search"] as? [String: Any])
        XCTAssertEqual(search["parameter"] as? String, "participants")
        let row = try XCTUnwrap((n["results"] as? [[String: Any]])?.first)
        XCTAssertGreaterThanOrEqual(row["power"] as? Double ?? 0, 0.8)
    }
}
