import Foundation
import WavesTestSupport
import XCTest

/// Issue 14: every analysis gives identical output whether the store is read through the
/// columnar fast path (the default) or only through the strict decoder (`WAVES_SCAN=strict`),
/// or the columns come from the column cache,
/// on the demo study and on a copy whose store holds lines at the edges of the fast path's
/// shape: repeated answer ids with a rejected value, other answer orders, escaped ids,
/// numbers written as 4.0 and 4e0, text in a numeric item, unknown keys, a null role,
/// out-of-range numbers, a mutated and a torn line.
final class ScanPathsTests: XCTestCase {
    static let demo = WavesProcess.repoRoot.appendingPathComponent("datasets/pmi-demo")
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("waves-scanpaths-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: Self.demo, to: dir)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    static let commands: [[String]] = [
        ["reliability", "--json"], ["change", "--json"], ["change", "--between", "role", "--json"],
        ["lmm", "--time", "linear", "--json"], ["retest", "--waves", "w1,w3", "--json"],
        ["rci", "--from", "w1", "--to", "w3", "--reliability", "0.8", "--json"], ["attrition", "--json"],
        ["score", "--json"], ["status", "--json"], ["report", "--format", "md", "--include-text"],
    ]

    func compare(study: URL, file: StaticString = #filePath, line: UInt = #line) throws {
        for args in Self.commands {
            // The column cache off, so that each run reads the store its own way.
            let fast = try WavesProcess.run(args + ["--study", study.path], env: ["WAVES_CACHE": "off"])
            let strict = try WavesProcess.run(args + ["--study", study.path], env: ["WAVES_SCAN": "strict", "WAVES_CACHE": "off"])
            // And with the cache written by a first run and read by a second: the same output.
            _ = try WavesProcess.run(args + ["--study", study.path], env: ["WAVES_CACHE_SETTLE": "0"])
            let cached = try WavesProcess.run(args + ["--study", study.path], env: ["WAVES_CACHE_SETTLE": "0"])
            XCTAssertEqual(Self.withoutClock(cached.stdout), Self.withoutClock(fast.stdout), "\(args): stdout differs with the cache", file: file, line: line)
            XCTAssertEqual(cached.stderr, fast.stderr, "\(args): stderr differs with the cache", file: file, line: line)
            XCTAssertEqual(fast.status, strict.status, "\(args)", file: file, line: line)
            // The report names the minute it was made; the rest must be identical.
            XCTAssertEqual(Self.withoutClock(fast.stdout), Self.withoutClock(strict.stdout), "\(args): stdout differs", file: file, line: line)
            XCTAssertEqual(fast.stderr, strict.stderr, "\(args): stderr differs", file: file, line: line)
            XCTAssertFalse(fast.stdout.isEmpty, "\(args): \(fast.stderr)", file: file, line: line)
        }
    }

    static func withoutClock(_ s: String) -> String {
        s.replacingOccurrences(of: #"[Gg]enerated[^\n]*"#, with: "generated", options: .regularExpression)
    }

    func testDemoStudyGivesTheSameOutputThroughEitherPath() throws {
        try compare(study: dir)
    }

    func testEdgeLinesGiveTheSameOutputThroughEitherPath() throws {
        let store = dir.appendingPathComponent("data/responses.jsonl")
        let lines = try String(contentsOf: store, encoding: .utf8).split(separator: "\n").map(String.init)
        var extra: [String] = []
        for (k, l) in lines.enumerated() where l.contains("\"instrument\":{\"id\":\"identity\"") && k % 3 == 0 {
            switch (k / 3) % 10 {
            case 0: extra.append(l.replacingOccurrences(of: "\"pi01\":", with: "\"pi01\":99,\"pi01\":"))   // repeated id, first rejected
            case 1: extra.append(l.replacingOccurrences(of: "\"pi02\":", with: "\"pi02\":2,\"pi02\":"))    // repeated id
            case 2: extra.append(l.replacingOccurrences(of: "\"pi01\":", with: "\"p\\u0069\\u0030\\u0031\":"))
            case 3: extra.append(l.replacingOccurrences(of: "\"answers\":{", with: "\"answers\":{\"pm02\":1,").replacingOccurrences(of: ",\"pm02\":5", with: ""))
            case 4: extra.append(l.replacingOccurrences(of: "\"pi03\":2", with: "\"pi03\":2.0").replacingOccurrences(of: "\"pi04\":3", with: "\"pi04\":3e0"))
            case 5: extra.append(l.replacingOccurrences(of: "\"pi05\":3", with: "\"pi05\":\"three\""))
            case 6: extra.append(l.replacingOccurrences(of: "\"declined\":[]", with: "\"declined\":[],\"note\":{\"a\":[1,2,{}]},\"batch\":null"))
            case 7: extra.append(l.replacingOccurrences(of: "\"role\":\"peer-mentor\"", with: "\"role\":null").replacingOccurrences(of: "\"role\":\"mentee\"", with: "\"role\":null"))
            case 8: extra.append(l.replacingOccurrences(of: "\"pi06\":", with: "\"pi06\":1e400,\"x\":"))
            default: extra.append(l.replacingOccurrences(of: "\"pi07\":", with: "\"pi07\":-7,\"pi08x\":"))
            }
        }
        XCTAssertGreaterThan(extra.count, 30)
        extra.append(String(lines[5].dropLast(3)))
        let text = (lines + extra).joined(separator: "\n") + "\n" + String(lines[7].prefix(100))
        try Data(text.utf8).write(to: store)
        try compare(study: dir)
    }
}
