import Foundation
import XCTest
import WavesTestSupport

/// Issue 14, through the command line: after submissions are appended to a store whose caches
/// were made before (so every command extends its column or index cache, `ColumnCache.extended`,
/// `IndexCache.extended`), each command that reads them prints exactly what it prints with the
/// caches off. `waves status` takes the store's submissions from the extended index (its pass
/// sees none of the rows), the report reads the index with texts and every instrument's columns.
final class AppendedStoreTests: XCTestCase {
    static let commands: [[String]] = [
        ["status", "--json"],
        ["reliability", "--json"],
        ["change", "--scale", "identity", "--json"],
        ["lmm", "--scale", "identity", "--json"],
        ["attrition", "--json"],
        ["flow"],
        ["results", "--json"],
    ]

    func testCommandsAfterAppendsPrintWhatTheStorePrints() throws {
        let dir = WavesProcess.tempDir("appended")
        defer { try? FileManager.default.removeItem(at: dir) }
        let study = try StudyCopy.demoWithoutCaches(in: dir)
        let data = study.appendingPathComponent("data")
        let store = data.appendingPathComponent("responses.jsonl")
        let lines = try StudyCopy.lines(of: store)
        // The caches are made from the first 440 lines; the other 50 come in two appends, few
        // enough that the caches are extended without being rewritten.
        try lines.prefix(440).reduce(Data(), +).write(to: store)
        let cacheEnv = ["WAVES_CACHE_SETTLE": "0"]
        let report = dir.appendingPathComponent("report.html").path
        for args in Self.commands + [["report", "--out", report], ["report", "--include-text", "--out", report]] {
            let r = try WavesProcess.run(args + ["--study", study.path], env: cacheEnv)
            XCTAssertEqual(r.status, 0, "\(args): \(r.stderr)")
        }
        let made = try FileManager.default.contentsOfDirectory(atPath: data.path).filter { $0.hasSuffix(".cache") }
        XCTAssertTrue(made.contains("index.cache") && made.contains("index-texts.cache") && made.contains { $0.hasPrefix("columns-") }, "\(made)")
        for piece in [lines[440..<460], lines[460...]] {
            try StudyCopy.append(piece, to: store)
            for args in Self.commands {
                let extended = try WavesProcess.run(args + ["--study", study.path], env: cacheEnv)
                let whole = try WavesProcess.run(args + ["--study", study.path], env: ["WAVES_CACHE": "off"])
                XCTAssertEqual(extended.status, whole.status, "\(args)")
                XCTAssertEqual(extended.stdout, whole.stdout, "\(args): the extended caches print what the store prints")
                XCTAssertEqual(extended.stderr, whole.stderr, "\(args)")
            }
            for texts in [[], ["--include-text"]] {
                let extendedReport = dir.appendingPathComponent("extended.html").path, wholeReport = dir.appendingPathComponent("whole.html").path
                XCTAssertEqual(try WavesProcess.run(["report"] + texts + ["--out", extendedReport, "--study", study.path], env: cacheEnv).status, 0)
                XCTAssertEqual(try WavesProcess.run(["report"] + texts + ["--out", wholeReport, "--study", study.path], env: ["WAVES_CACHE": "off"]).status, 0)
                XCTAssertEqual(try Self.withoutTime(extendedReport), try Self.withoutTime(wholeReport), "the report \(texts) from the extended caches")
            }
        }
    }

    /// A report without its "generated" time (the only thing two runs differ in).
    static func withoutTime(_ path: String) throws -> String {
        try String(contentsOfFile: path, encoding: .utf8)
            .replacingOccurrences(of: #"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"#, with: "TIME", options: .regularExpression)
    }
}
