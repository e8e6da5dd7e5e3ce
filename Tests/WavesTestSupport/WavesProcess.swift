import Foundation
import XCTest

/// Runs the built `waves` binary the way a user does, for end-to-end tests.
public enum WavesProcess {
    public struct Result {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    /// The `waves` binary of the build configuration under test is missing: the test fails
    /// (it is never skipped, and never runs another configuration's binary).
    public struct MissingBinary: Error, CustomStringConvertible {
        public var looked: String
        public var description: String { "no waves binary at \(looked): build it in the same configuration as the tests (swift build --build-tests builds both)" }
    }

    /// The repository root (two levels above this file's folder).
    public static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// The build products folder of the running tests (.build/<triple>/<configuration>): the
    /// folder of the test bundle, which SwiftPM places beside the products it built.
    public static var productsFolder: URL {
        var dir = URL(fileURLWithPath: ProcessInfo.processInfo.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        // On Linux the bundle is <products>/WavesPackageTests.xctest; on macOS the binary is inside it.
        while dir.pathExtension == "xctest" || dir.lastPathComponent == "MacOS" || dir.lastPathComponent == "Contents" {
            dir = dir.deletingLastPathComponent()
        }
        return dir
    }

    /// The `waves` executable beside the test bundle (same build configuration).
    public static var executable: URL { productsFolder.appendingPathComponent("waves") }

    /// The executable, or `MissingBinary` (a thrown error fails the calling test).
    public static func checkedExecutable() throws -> URL {
        let exe = executable
        guard FileManager.default.isExecutableFile(atPath: exe.path) else { throw MissingBinary(looked: exe.path) }
        return exe
    }

    /// Runs `waves args…` with optional standard input; waits for it to finish.
    @discardableResult
    public static func run(_ args: [String], stdin: String? = nil, cwd: URL? = nil, env: [String: String] = [:]) throws -> Result {
        let p = Process()
        p.executableURL = try checkedExecutable()
        p.arguments = args
        if let cwd { p.currentDirectoryURL = cwd }
        var e = ProcessInfo.processInfo.environment
        e["WAVES_INSTRUMENTS"] = repoRoot.appendingPathComponent("instruments").path
        for (k, v) in env { e[k] = v }
        p.environment = e
        let out = Pipe(), err = Pipe(), inp = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = inp
        try p.run()
        if let stdin { inp.fileHandleForWriting.write(Data(stdin.utf8)) }
        try inp.fileHandleForWriting.close()
        // Read both pipes concurrently so a full pipe never blocks the child.
        nonisolated(unsafe) var errData = Data()
        let g = DispatchGroup()
        g.enter()
        DispatchQueue.global().async { errData = err.fileHandleForReading.readDataToEndOfFile(); g.leave() }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        g.wait()
        p.waitUntilExit()
        return Result(status: p.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
    }

    /// A fresh temporary folder.
    public static func tempDir(_ name: String) -> URL {
        let u = FileManager.default.temporaryDirectory.appendingPathComponent("waves-e2e-\(name)-\(UUID().uuidString.prefix(8))")
        try? FileManager.default.createDirectory(at: u, withIntermediateDirectories: true)
        return u
    }
}

/// Compares text with a committed golden file; `WAVES_UPDATE_GOLDEN=1` rewrites it.
public func assertGolden(_ text: String, _ name: String, file: StaticString = #filePath, line: UInt = #line) {
    let url = URL(fileURLWithPath: "\(file)").deletingLastPathComponent().appendingPathComponent("Golden/\(name)")
    if ProcessInfo.processInfo.environment["WAVES_UPDATE_GOLDEN"] == "1" {
        try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try? text.write(to: url, atomically: true, encoding: .utf8)
        return
    }
    guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
        XCTFail("missing golden file \(url.path); run with WAVES_UPDATE_GOLDEN=1 to create it", file: file, line: line)
        return
    }
    if expected != text {
        let a = expected.split(separator: "\n", omittingEmptySubsequences: false), b = text.split(separator: "\n", omittingEmptySubsequences: false)
        let i = (0..<min(a.count, b.count)).first { a[$0] != b[$0] } ?? min(a.count, b.count)
        XCTFail("output differs from Golden/\(name) at line \(i + 1):\n expected: \(i < a.count ? String(a[i]) : "<end>")\n   actual: \(i < b.count ? String(b[i]) : "<end>")", file: file, line: line)
    }
}
