import Foundation
import XCTest
import WavesTestSupport

/// A killed `waves import` leaves no partial import visible (issue 14): its lines carry a
/// `batch` id that only counts once the import recorded the batch as finished.
final class ImportKillTests: XCTestCase {
    var dir: URL!
    var study: String { dir.appendingPathComponent("study").path }

    override func setUp() { dir = WavesProcess.tempDir("import-kill") }
    override func tearDown() { try? FileManager.default.removeItem(at: dir) }

    /// Completed w1 submissions of `identity` and repeated submissions, as `waves status --json` counts them.
    func counts() throws -> (completed: Int, duplicates: Int) {
        let r = try WavesProcess.run(["status", "--study", study, "--json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        let inst = (json["instruments"] as! [[String: Any]]).first { $0["instrument"] as? String == "identity" }!
        let w1 = (inst["attrition"] as! [[String: Any]]).first { $0["wave"] as? String == "w1" }!
        return (w1["completed"] as! Int, json["duplicates"] as! Int)
    }

    func importProcess(_ csvPath: String) throws -> Process {
        let p = Process()
        p.executableURL = WavesProcess.executable
        p.arguments = ["import", "--study", study, "--instrument", "identity", "--csv", csvPath]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        return p
    }

    func testKilledImportsNeverShowPartly() throws {
        XCTAssertEqual(try WavesProcess.run(["init", study, "--id", "kill"]).status, 0)
        let n = 10_000
        var roster = "participant,role\n", csv = "participant,wave,role,pi01,pi02,pi03,pi04,pi05,pi06,pi07,pi08\n"
        for p in 0..<n {
            let id = "P\(100_000 + p)"
            roster += "\(id),mentee\n"
            csv += "\(id),w1,,\((p % 5) + 1),3,2,4,3,2,5,\(((p / 5) % 5) + 1)\n"
        }
        try roster.write(toFile: study + "/roster.csv", atomically: true, encoding: .utf8)
        let csvPath = dir.appendingPathComponent("big.csv").path
        try csv.write(toFile: csvPath, atomically: true, encoding: .utf8)

        // A first import runs to its end: its duration sets when the others are killed.
        let start = Date()
        let first = try importProcess(csvPath)
        first.waitUntilExit()
        XCTAssertEqual(first.terminationStatus, 0)
        let took = Date().timeIntervalSince(start)
        XCTAssertEqual(try counts().completed, n)
        var rng = SystemRandomNumberGenerator()
        var killed = 0, finished = 1
        for attempt in 0..<5 {
            // Killed at a random moment of the second half, where the slices are written.
            let p = try importProcess(csvPath)
            usleep(UInt32(took * Double.random(in: 0.4...1.0, using: &rng) * 1e6))
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
            if p.terminationReason == .uncaughtSignal { killed += 1 } else { finished += 1 }
            // Every finished import repeats all n rows once more; a partial one would repeat only some.
            let c = try counts()
            XCTAssertEqual(c.completed, n, "attempt \(attempt)")
            XCTAssertTrue(c.duplicates == 0 || c.duplicates == n, "attempt \(attempt): \(c.duplicates) of \(n) rows repeated; an import is all or nothing")
        }
        // Whatever a killed import left in the store is explained, never counted.
        let store = try String(contentsOfFile: study + "/data/responses.jsonl", encoding: .utf8)
        let lines = store.split(separator: "\n").count
        let v = try WavesProcess.run(["validate", "--study", study])
        if lines > n * finished {
            XCTAssertTrue(v.stdout.contains("did not finish") || v.stderr.contains("did not finish"), v.stdout + v.stderr)
        }
        print("import kill test: \(killed) killed, \(finished) finished, \(lines) store lines for \(n) rows per import")
    }
}
