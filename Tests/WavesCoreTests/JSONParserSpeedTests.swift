import XCTest
import WavesCore

/// Manual throughput check: `WAVES_JSON_SPEED=1 swift test --filter JSONParserSpeedTests`.
///
/// Skipped otherwise (a debug build says little about speed; `make bench` measures
/// release builds through `JSONParserBenchmark`). The 150 MB/s floor applies to release.
final class JSONParserSpeedTests: XCTestCase {
    func testThroughputOnResponseLines() throws {
        let env = ProcessInfo.processInfo.environment
        try XCTSkipUnless(env["WAVES_JSON_SPEED"] == "1", "set WAVES_JSON_SPEED=1 to measure")
        let lines = Int(env["WAVES_JSON_SPEED_LINES"] ?? "") ?? 200_000
        let text = JSONParserBenchmark.sampleResponseLines(count: lines)
        let m = try JSONParserBenchmark.measure(text, runs: 3)
        print("JSONParser: \(m.lines) lines, \(m.bytes) bytes in \(m.seconds) s: \(m.megabytesPerSecond) MB/s")
        XCTAssertEqual(m.lines, lines)
    }
}
