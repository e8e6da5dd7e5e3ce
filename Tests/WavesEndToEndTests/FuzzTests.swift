import Foundation
import XCTest
import WavesTestSupport

/// Issue 12's fuzz test: seeded mutated instruments, study files, store lines, rosters, import
/// CSVs, codebooks and coders' files through validate, every analysis, the report and every
/// export (`FuzzHarness`). Bounded by a number of cases, not by time: WAVES_FUZZ_CASES sets it
/// (`make fuzz` runs many more), WAVES_FUZZ_SEED the seed, WAVES_FUZZ_ONLY re-runs one case.
/// A failing case is copied to $TMPDIR/waves-fuzz-failures and printed with its seed.
final class FuzzTests: XCTestCase {
    static let defaultCases = 300
    static let defaultSeed: UInt64 = 20_261_201

    func testMutatedInputsNeverCrashOrLeakControls() throws {
        let env = ProcessInfo.processInfo.environment
        let seed = env["WAVES_FUZZ_SEED"].flatMap { UInt64($0) } ?? FuzzTests.defaultSeed
        let cases = env["WAVES_FUZZ_CASES"].flatMap { Int($0) } ?? FuzzTests.defaultCases
        let only = env["WAVES_FUZZ_ONLY"].flatMap { Int($0) }
        let indices = only.map { [$0] } ?? Array(0..<cases)
        print("fuzz: seed \(seed), \(indices.count) case(s) (WAVES_FUZZ_SEED, WAVES_FUZZ_CASES, WAVES_FUZZ_ONLY)")

        let dir = WavesProcess.tempDir("fuzz")
        defer { try? FileManager.default.removeItem(at: dir) }
        let base = try FuzzHarness.makeBase(in: dir)
        let keep = FileManager.default.temporaryDirectory.appendingPathComponent("waves-fuzz-failures")
        let workers = max(1, min(2, ProcessInfo.processInfo.activeProcessorCount))
        let lock = NSLock()
        nonisolated(unsafe) var failures: [FuzzHarness.Failure] = []
        nonisolated(unsafe) var runs = 0
        nonisolated(unsafe) var statuses: [Int32: Int] = [:]
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            let work = dir.appendingPathComponent("worker\(w)")
            for i in stride(from: w, to: indices.count, by: workers) {
                lock.lock(); let enough = failures.count >= 10; lock.unlock()
                if enough { return }
                let c = FuzzHarness.make(seed: seed, index: indices[i], base: base)
                let (found, exits) = FuzzHarness.run(c, seed: seed, base: base, dir: work, keep: keep)
                lock.lock(); failures += found; runs += c.commands.count; for e in exits { statuses[e, default: 0] += 1 }; lock.unlock()
            }
        }
        let byStatus = statuses.keys.sorted().map { "\(statuses[$0]!) exit \($0)" }.joined(separator: ", ")
        print("fuzz: \(runs) command runs (\(byStatus)), \(failures.count) failure(s)")
        // Most mutated inputs must still get past loading, or the fuzz test tests only the loaders.
        XCTAssertGreaterThan(statuses[0, default: 0], runs / 5, "too few runs got past the first checks: \(byStatus)")
        for f in failures { XCTFail(f.description) }
    }

    /// Issue 14: the derived caches are inputs too. Seeded mutations of a written column cache
    /// and of an index cache (bytes flipped, inserted, deleted, cut) never crash a command and
    /// never change its output: the cache is refused and the store read again (and the cache
    /// rewritten for the next case).
    func testMutatedColumnCachesAreNeverUsed() throws {
        try mutateCache(args: ["reliability", "--scale", "identity", "--json"], prefix: "columns-")
    }

    func testMutatedIndexCachesAreNeverUsed() throws {
        try mutateCache(args: ["status", "--json"], prefix: "index")
    }

    /// A column cache of the store's first lines, extended with the lines appended since
    /// (`ColumnCache.extended`): mutated, it is never used wrongly either.
    func testMutatedColumnCachesOfAPrefixAreNeverExtendedWrongly() throws {
        try mutateCache(args: ["reliability", "--scale", "identity", "--json"], prefix: "columns-", appendedLines: 20)
    }

    /// `appendedLines`: the cache is made from the store without its last lines, which are
    /// appended before the mutated caches are tried (few enough that an extension does not
    /// rewrite the cache), and every case starts from the cache as it was made.
    func mutateCache(args commandArgs: [String], prefix: String, appendedLines: Int = 0) throws {
        let env = ProcessInfo.processInfo.environment
        let seed = env["WAVES_FUZZ_SEED"].flatMap { UInt64($0) } ?? FuzzTests.defaultSeed
        let dir = WavesProcess.tempDir("fuzz-cache")
        defer { try? FileManager.default.removeItem(at: dir) }
        let study = try StudyCopy.demoWithoutCaches(in: dir)
        let data = study.appendingPathComponent("data")
        let args = commandArgs + ["--study", study.path]
        let cacheEnv = ["WAVES_CACHE_SETTLE": "0"]
        let reference = try WavesProcess.run(args, env: ["WAVES_CACHE": "off"])
        XCTAssertEqual(reference.status, 0, reference.stderr)
        let storeURL = data.appendingPathComponent("responses.jsonl")
        let lines = try StudyCopy.lines(of: storeURL)
        if appendedLines > 0 { try lines.dropLast(appendedLines).reduce(Data(), +).write(to: storeURL) }
        _ = try WavesProcess.run(args, env: cacheEnv)
        let caches = try FileManager.default.contentsOfDirectory(atPath: data.path).filter { $0.hasSuffix(".cache") && $0.hasPrefix(prefix) }
        XCTAssertEqual(caches.count, 1, "the first run wrote one \(prefix) cache")
        guard let name = caches.first else { return }
        let made = try [UInt8](Data(contentsOf: data.appendingPathComponent(name)))
        if appendedLines > 0 { try StudyCopy.append(lines.suffix(appendedLines), to: storeURL) }
        var r = FuzzRandom(seed: seed)
        for k in 0..<40 {
            let url = data.appendingPathComponent(name)
            let bytes = appendedLines > 0 ? made : try [UInt8](Data(contentsOf: url))
            let mutated = FuzzMutator.mutateBytes(bytes, &r)
            if mutated == bytes { continue }
            try Data(mutated).write(to: url)
            let run = try WavesProcess.run(args, env: cacheEnv)
            XCTAssertEqual(run.status, 0, "case \(k): \(run.stderr)")
            XCTAssertEqual(run.stdout, reference.stdout, "case \(k): a mutated cache changed the output (seed \(seed))")
            XCTAssertEqual(run.stderr, reference.stderr, "case \(k)")
        }
    }

    /// The checks catch what they are for (so the fuzz test can fail).
    func testChecksCatchCrashesHangsBadJSONAndControls() {
        typealias R = FuzzHarness.RunResult
        let ok = R(status: 0, signal: nil, timedOut: false, stdout: Data("{\"a\": 1}\r\nx\n".utf8), stderr: Data())
        XCTAssertNil(FuzzHarness.problem(R(status: 0, signal: nil, timedOut: false, stdout: Data("{\"a\": 1}\n".utf8), stderr: Data()), json: true))
        XCTAssertNil(FuzzHarness.problem(ok, json: false), "CRLF (CSV) is a line end")
        XCTAssertNotNil(FuzzHarness.problem(R(status: 132, signal: 4, timedOut: false, stdout: Data(), stderr: Data()), json: false))
        XCTAssertNotNil(FuzzHarness.problem(R(status: 0, signal: nil, timedOut: true, stdout: Data(), stderr: Data()), json: false))
        XCTAssertNotNil(FuzzHarness.problem(R(status: 3, signal: nil, timedOut: false, stdout: Data(), stderr: Data()), json: false))
        XCTAssertNotNil(FuzzHarness.problem(R(status: 0, signal: nil, timedOut: false, stdout: Data("{\"a\": NaN}".utf8), stderr: Data()), json: true))
        XCTAssertNotNil(FuzzHarness.problem(R(status: 0, signal: nil, timedOut: false, stdout: Data("[Infinity]".utf8), stderr: Data()), json: true))
        XCTAssertNotNil(FuzzHarness.problem(R(status: 1, signal: nil, timedOut: false, stdout: Data(), stderr: Data("PI \u{1B}]0;x\u{07}".utf8)), json: false))
        XCTAssertNotNil(FuzzHarness.problem(R(status: 0, signal: nil, timedOut: false, stdout: Data("a\u{202E}b".utf8), stderr: Data()), json: false))
        XCTAssertNotNil(FuzzHarness.problem(R(status: 0, signal: nil, timedOut: false, stdout: Data("a\rb".utf8), stderr: Data()), json: false))
        var a = FuzzRandom(seed: 1, case: 5), b = FuzzRandom(seed: 1, case: 5), c = FuzzRandom(seed: 1, case: 6)
        XCTAssertEqual(a.next(), b.next(), "a case is reproduced from its seed")
        XCTAssertNotEqual(a.next(), c.next())
    }
}
