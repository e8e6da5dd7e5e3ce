import Foundation
import WavesAnalysis
import WavesCore
import WavesExport
import WavesStore
import XCTest

/// Paths, temporary folders, golden files and external programs for the export tests.
enum Support {
    static let testsDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let repoDir = testsDir.deletingLastPathComponent().deletingLastPathComponent()
    static let edgeStudy = testsDir.appendingPathComponent("Fixtures/edge-study", isDirectory: true)
    static let demoStudy = repoDir.appendingPathComponent("datasets/pmi-demo", isDirectory: true)
    static let goldenDir = testsDir.appendingPathComponent("Golden", isDirectory: true)
    static let testKey = testsDir.appendingPathComponent("Fixtures/test-key.txt")

    static func load(_ dir: URL) throws -> StudyData { try StudyData.load(directory: dir) }

    /// A fresh empty folder, removed when the test ends.
    static func tempDir(_ test: XCTestCase, _ name: String = #function) throws -> URL {
        let safe = name.filter { $0.isLetter || $0.isNumber }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("waves-export-\(safe)-\(UUID().uuidString.prefix(8))", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        test.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    /// Compares a written file with its golden copy; `WAVES_UPDATE_GOLDEN=1` rewrites the golden copy.
    static func assertGolden(_ file: URL, _ golden: String, file f: StaticString = #filePath, line: UInt = #line) throws {
        let goldenURL = goldenDir.appendingPathComponent(golden)
        let actual = try Data(contentsOf: file)
        if ProcessInfo.processInfo.environment["WAVES_UPDATE_GOLDEN"] == "1" {
            try actual.write(to: goldenURL)
            return
        }
        guard let expected = try? Data(contentsOf: goldenURL) else {
            XCTFail("no golden file \(golden); run the tests once with WAVES_UPDATE_GOLDEN=1 and review it", file: f, line: line)
            return
        }
        if actual != expected {
            let a = String(decoding: actual, as: UTF8.self).components(separatedBy: "\n")
            let e = String(decoding: expected, as: UTF8.self).components(separatedBy: "\n")
            let first = zip(a, e).enumerated().first { $0.element.0 != $0.element.1 }
            let where_ = first.map { "line \($0.offset + 1):\n  got:      \($0.element.0)\n  expected: \($0.element.1)" } ?? "lengths differ (\(a.count) vs \(e.count) lines)"
            XCTFail("\(golden) differs from the golden copy at \(where_)", file: f, line: line)
        }
    }

    /// Copies a study folder without its store (for import round trips).
    static func copyStudyWithoutData(_ src: URL, to dst: URL) throws {
        let fm = FileManager.default
        for name in ["study.yaml", "roster.csv", "instruments"] {
            let s = src.appendingPathComponent(name)
            if fm.fileExists(atPath: s.path) { try fm.copyItem(at: s, to: dst.appendingPathComponent(name)) }
        }
        try fm.createDirectory(at: dst.appendingPathComponent("data"), withIntermediateDirectories: true)
    }

    /// The full path of a program on PATH, or nil.
    static func which(_ program: String) -> String? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let p = "\(dir)/\(program)"
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        return nil
    }

    struct RunResult { var status: Int32; var stdout: String; var stderr: String }

    /// Runs a program in a folder and waits for it.
    static func run(_ path: String, _ args: [String], in dir: URL) throws -> RunResult {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = args
        p.currentDirectoryURL = dir
        let out = dir.appendingPathComponent(".stdout-\(UUID().uuidString)"), err = dir.appendingPathComponent(".stderr-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        p.standardOutput = try FileHandle(forWritingTo: out)
        p.standardError = try FileHandle(forWritingTo: err)
        try p.run()
        p.waitUntilExit()
        defer { try? FileManager.default.removeItem(at: out); try? FileManager.default.removeItem(at: err) }
        return RunResult(status: p.terminationStatus, stdout: (try? String(contentsOf: out, encoding: .utf8)) ?? "",
                         stderr: (try? String(contentsOf: err, encoding: .utf8)) ?? "")
    }

    /// Cronbach's alpha of the complete rows of a participants x items matrix (NaN = missing).
    ///
    /// alpha = k/(k-1) (1 - sum of item variances / variance of the total), variances with n - 1;
    /// the same number as R psych::alpha raw_alpha on complete cases (checked in AlphaFixtureTests).
    static func alpha(_ rows: [[Double]]) -> (n: Int, alpha: Double)? {
        let complete = rows.filter { $0.allSatisfy { !$0.isNaN } }
        guard let k = complete.first?.count, k >= 2, complete.count >= 2 else { return nil }
        let n = Double(complete.count)
        func variance(_ xs: [Double]) -> Double {
            let m = xs.reduce(0, +) / Double(xs.count)
            return xs.reduce(0) { $0 + ($1 - m) * ($1 - m) } / (Double(xs.count) - 1)
        }
        _ = n
        let itemVar = (0..<k).map { j in variance(complete.map { $0[j] }) }.reduce(0, +)
        let totalVar = variance(complete.map { $0.reduce(0, +) })
        guard totalVar > 0 else { return nil }
        return (complete.count, Double(k) / Double(k - 1) * (1 - itemVar / totalVar))
    }
}
