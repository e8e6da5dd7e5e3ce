import Foundation
import WavesAnalysis
import WavesCore
import WavesStore

/// The benchmark study: 4 waves, 2 roles, one 40-item instrument (four 10-item
/// subscales and the 40-item total), simulated for 100,000 participants.
/// Built once into `bench-out/` (ignored by git) and reused.
enum BenchStudy {
    static let participants = Int(ProcessInfo.processInfo.environment["WAVES_BENCH_N"] ?? "") ?? 100_000

    static var directory: URL {
        URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("bench-out/study-\(participants)")
    }

    /// Where the benchmark's exports, reports and survey outputs are written.
    static var exports: URL { directory.deletingLastPathComponent().appendingPathComponent("exports") }

    /// The R twins' inputs, written from this study (so one folder per size: a million-participant
    /// run must not time R on the 100,000-participant CSVs of an earlier run).
    static var rInputs: URL {
        directory.deletingLastPathComponent().appendingPathComponent("r-inputs-\(participants)")
    }

    static func instrumentYAML() -> String {
        var s = """
        format: waves.instrument/1
        id: bench
        version: 1.0.0
        title: Benchmark scale (40 items)
        response_sets:
          agree5:
            options:
              - {value: 1, label: Strongly disagree}
              - {value: 2, label: Disagree}
              - {value: 3, label: Neither}
              - {value: 4, label: Agree}
              - {value: 5, label: Strongly agree}
            allow_decline: true
        items:

        """
        for i in 1...40 {
            s += "  - {id: b\(String(format: "%02d", i)), text: Benchmark item \(i), response: agree5\(i % 7 == 0 ? ", reverse: true" : "")}\n"
        }
        s += "scales:\n  - {id: total, items: [\((1...40).map { String(format: "b%02d", $0) }.joined(separator: ", "))], min_answered: 0.8}\n"
        for g in 0..<4 {
            s += "  - {id: part\(g + 1), items: [\((1...10).map { String(format: "b%02d", g * 10 + $0) }.joined(separator: ", "))], min_answered: 0.8}\n"
        }
        return s
    }

    /// Creates the study and its store if they are not there yet; returns the store size in bytes.
    @discardableResult
    static func prepare() throws -> Int {
        let dir = directory
        let store = dir.appendingPathComponent("data/responses.jsonl")
        let done = dir.appendingPathComponent("data/.complete")
        if FileManager.default.fileExists(atPath: done.path),
           let size = (try? FileManager.default.attributesOfItem(atPath: store.path))?[.size] as? Int { return size }
        // A half-made store (an interrupted run) is made again from scratch.
        try? FileManager.default.removeItem(at: dir)
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("instruments"), withIntermediateDirectories: true)
        try instrumentYAML().write(to: dir.appendingPathComponent("instruments/bench.yaml"), atomically: true, encoding: .utf8)
        try """
        format: waves.study/1
        id: bench
        title: Benchmark study
        roles: [mentee, peer-mentor]
        waves:
          - {id: w1, label: Baseline, time: 0}
          - {id: w2, label: Mid, time: 4}
          - {id: w3, label: End, time: 8}
          - {id: w4, label: Follow-up, time: 12}
        instruments:
          - path: instruments/bench.yaml
        """.write(to: dir.appendingPathComponent("study.yaml"), atomically: true, encoding: .utf8)
        let bundle = try StudyLoader.load(directory: dir)
        var o = SimulationOptions()
        o.seed = 42
        o.dropout = 0.05
        o.missing = 0.01
        let chunk = 10_000
        var written = 0
        var index = 0
        while written < participants {
            // Simulate in slices of participants so memory stays small; ids stay unique.
            o.participants = min(chunk, participants - written)
            o.seed = 42 &+ UInt64(index)
            var out = try Simulator.simulate(bundle, o)
            for i in out.records.indices {
                let n = Int(out.records[i].participant.dropFirst())! + written
                out.records[i].participant = String(format: "P%06d", n)
            }
            try ResponseStore(url: store).append(out.records)
            written += o.participants
            index += 1
        }
        // Owner-only, as everything under data/ is.
        FileManager.default.createFile(atPath: done.path, contents: Data(), attributes: [.posixPermissions: 0o600])
        return (try FileManager.default.attributesOfItem(atPath: store.path)[.size] as? Int) ?? 0
    }
}
