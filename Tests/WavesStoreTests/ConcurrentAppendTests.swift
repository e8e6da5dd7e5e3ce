import Foundation
import XCTest
@testable import WavesCore
@testable import WavesStore

/// Eight processes append 500 records each to one store at the same time.
///
/// The test re-runs this test binary eight times with `WAVES_APPEND_WORKER` set;
/// in that mode `testWorker` appends its records and the parent checks that all
/// 4000 arrive intact (no interleaved or lost line).
final class ConcurrentAppendTests: XCTestCase {
    func testWorker() throws {
        let env = ProcessInfo.processInfo.environment
        guard let path = env["WAVES_APPEND_WORKER"], let id = env["WAVES_APPEND_ID"] else {
            throw XCTSkip("runs only as a child process of testEightProcessesAppendConcurrently")
        }
        let store = ResponseStore(url: URL(fileURLWithPath: path))
        for i in 0..<500 {
            var r = ResponseStoreTests.record("W\(id)-\(i)", value: Double(i % 5 + 1))
            r.answers.append(("pad", .text(String(repeating: "p", count: 1000 + i))))
            try store.append(r)
        }
    }

    func testEightProcessesAppendConcurrently() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("waves-conc-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("data/responses.jsonl").path
        let exe = ProcessInfo.processInfo.arguments[0]
        var procs: [Process] = []
        for w in 0..<8 {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: exe)
            p.arguments = ["WavesStoreTests.ConcurrentAppendTests/testWorker"]
            var env = ProcessInfo.processInfo.environment
            env["WAVES_APPEND_WORKER"] = path
            env["WAVES_APPEND_ID"] = String(w)
            p.environment = env
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            procs.append(p)
        }
        for p in procs { p.waitUntilExit(); XCTAssertEqual(p.terminationStatus, 0) }
        let c = try ResponseStore(url: URL(fileURLWithPath: path)).read()
        XCTAssertEqual(c.problems, [])
        XCTAssertEqual(c.records.count, 4000)
        XCTAssertEqual(Set(c.records.map(\.record.participant)).count, 4000)
        // Every writer computed `prev` under the lock: one unbroken hash chain of 4000 lines.
        let chain = try HashChain.verify(ResponseStore(url: URL(fileURLWithPath: path)))
        XCTAssertNil(chain.firstBreak)
        XCTAssertEqual(chain.records, 4000)
        XCTAssertEqual(chain.chained, 3999)
        for s in c.records {
            let i = Int(s.record.participant.split(separator: "-")[1])!
            XCTAssertEqual(s.record.answer("pad")?.text?.count, 1000 + i)
            XCTAssertEqual(s.record.answer("id01"), .number(Double(i % 5 + 1)))
        }
    }
}
