import Foundation
import WavesTestSupport
import XCTest

/// Renders the demo report in headless Chromium and checks the picture is not blank.
final class ReportChromiumTests: XCTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/report-png")

    static func which(_ name: String) -> String? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let p = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        return nil
    }

    /// Runs a program with a time limit; returns its exit status (nil when it had to be stopped).
    static func run(_ path: String, _ args: [String], timeout: TimeInterval) throws -> (status: Int32?, stdout: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = args
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let deadline = Date().addingTimeInterval(timeout)
        while p.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
        if p.isRunning { p.terminate(); p.waitUntilExit(); return (nil, "") }
        return (p.terminationStatus, String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
    }

    func testDemoReportRendersInChromium() throws {
        guard let chromium = Self.which("chromium") ?? Self.which("chromium-browser") ?? Self.which("google-chrome") else {
            print("skipped: Chromium is not installed (apt-get install chromium), so the report is not rendered to a PNG")
            throw XCTSkip("Chromium is not installed (apt-get install chromium)")
        }
        let dir = WavesProcess.tempDir("report-png")
        defer { try? FileManager.default.removeItem(at: dir) }
        let html = dir.appendingPathComponent("report.html"), png = dir.appendingPathComponent("report.png")
        let r = try WavesProcess.run(["report", "--study", WavesProcess.repoRoot.appendingPathComponent("datasets/pmi-demo").path, "--out", html.path, "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let shot = try Self.run(chromium, ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
                                           "--user-data-dir=\(dir.appendingPathComponent("profile").path)",
                                           "--screenshot=\(png.path)", "--window-size=1200,3000", html.absoluteString], timeout: 120)
        XCTAssertEqual(shot.status, 0, "chromium failed or timed out")
        let size = (try FileManager.default.attributesOfItem(atPath: png.path)[.size] as? Int) ?? 0
        // A blank 1200 x 3000 page compresses to a few KB; the rendered report is hundreds of KB.
        XCTAssertGreaterThan(size, 50_000, "the screenshot is suspiciously small (\(size) bytes)")
        if let keep = ProcessInfo.processInfo.environment["WAVES_KEEP_PNG"] { try? FileManager.default.copyItem(at: png, to: URL(fileURLWithPath: keep)) }
        guard let python = Self.which("python3") else {
            print("note: python3 not found; the PNG was checked by size only")
            return
        }
        let stats = try Self.run(python, [Self.fixtures.appendingPathComponent("pngstats.py").path, png.path], timeout: 120)
        XCTAssertEqual(stats.status, 0)
        let s = try JSONSerialization.jsonObject(with: Data(stats.stdout.utf8)) as! [String: Any]
        XCTAssertEqual(s["width"] as? Int, 1200)
        XCTAssertEqual(s["height"] as? Int, 3000)
        // Text, tables and figures: most rows hold more than one colour, many colours, real contrast.
        XCTAssertGreaterThan(s["varied_rows"] as! Double, 0.3, "\(s)")
        XCTAssertGreaterThan(s["colours"] as! Int, 50, "\(s)")
        XCTAssertGreaterThan(s["luminance_var"] as! Double, 200, "\(s)")
    }
}
