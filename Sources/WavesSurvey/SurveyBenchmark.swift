import Foundation
import Glibc
import WavesCore

/// Timings of the interactive survey, in milliseconds.
public struct SurveyBenchmarkResult: Sendable, Equatable {
    /// Items in the instrument.
    public var items: Int
    /// Key presses measured.
    public var keys: Int
    public var medianMilliseconds: Double
    public var p95Milliseconds: Double
    public var maxMilliseconds: Double
    public var meanMilliseconds: Double
    /// Average bytes written per redraw.
    public var bytesPerFrame: Int

    /// One line for a benchmark report.
    public var summary: String {
        String(format: "survey key->redraw (%d items, %d keys, 80x24): median %.3f ms, p95 %.3f ms, max %.3f ms, %d bytes/frame",
               items, keys, medianMilliseconds, p95Milliseconds, maxMilliseconds, bytesPerFrame)
    }
}

/// Benchmarks for the issue's targets: key to finished redraw under 5 ms for a 24-item
/// instrument, process start-up to the first screen under 100 ms.
public enum SurveyBenchmark {
    /// A likert instrument of `items` items (agree5, decline allowed), with an intro, as a
    /// participant would see it.
    public static func instrument(items: Int = 24) -> Instrument {
        let set = ResponseSet(id: "agree5", options: [
            ResponseOption(value: 1, label: "Strongly disagree"), ResponseOption(value: 2, label: "Disagree"),
            ResponseOption(value: 3, label: "Neither agree nor disagree"), ResponseOption(value: 4, label: "Agree"),
            ResponseOption(value: 5, label: "Strongly agree"),
        ], allowDecline: true)
        let list = (1...max(items, 1)).map { i in
            Item(id: String(format: "b%02d", i), type: .likert,
                 text: "Statement number \(i): in my clinical placements I have come to see myself more and more as a member of the profession, and I say so to others.",
                 responseSet: set)
        }
        return Instrument(id: "bench", version: "1.0.0", title: "Benchmark instrument",
                          intro: "These statements are about how you see yourself.", responseSets: [set], items: list,
                          scales: [], sha256: String(repeating: "0", count: 64), path: "instruments/bench.yaml")
    }

    /// The keys of one pass: begin, then per item Down Down Enter (arrows), a digit on every
    /// third item, Left and Right on every fifth, and on the review Up, Down and Enter on Submit.
    static func script(items: Int) -> [Key] {
        var keys: [Key] = [.enter]
        for i in 0..<items {
            if i % 5 == 4 { keys += [.left, .right] }
            if i % 3 == 0 { keys.append(.character("4")) } else { keys += [.down, .down, .enter] }
        }
        keys += [.up, .up, .down, .down, .enter]
        return keys
    }

    /// Time from a key to the finished redraw (key handled, frame built, escape-coded text
    /// written to a buffer console), over `rounds` complete passes through the instrument.
    public static func keyToRedraw(items: Int = 24, rounds: Int = 20, size: TerminalSize = .standard) -> SurveyBenchmarkResult {
        let inst = instrument(items: items)
        let heading = SurveyHeading(studyTitle: "Benchmark study", instrumentNumber: 1, instrumentCount: 1, waveLabel: "Baseline")
        let style = Style(colors: true, unicode: true)
        let console = ScriptedConsole(size: size)
        var samples: [Double] = []
        var bytes = 0
        for _ in 0..<max(rounds, 1) {
            var controller = InteractiveController(session: SurveySession(instrument: inst, role: "mentee", wave: "w1"),
                                                   heading: heading, style: style)
            console.write(controller.frame(size: console.size).rendered(size: console.size, style: style, clear: true))
            for key in script(items: items) where !controller.isFinished {
                console.clearOutput()
                let t0 = monotonicNanoseconds()
                controller.handle(key)
                if !controller.isFinished {
                    console.write(controller.frame(size: console.size).rendered(size: console.size, style: style))
                }
                let t1 = monotonicNanoseconds()
                samples.append(Double(t1 - t0) / 1e6)
                bytes += console.output.utf8.count
            }
        }
        samples.sort()
        func pct(_ p: Double) -> Double { samples[min(samples.count - 1, Int((Double(samples.count - 1) * p).rounded()))] }
        return SurveyBenchmarkResult(items: items, keys: samples.count, medianMilliseconds: pct(0.5), p95Milliseconds: pct(0.95),
                                     maxMilliseconds: samples.last ?? 0, meanMilliseconds: samples.reduce(0, +) / Double(max(samples.count, 1)),
                                     bytesPerFrame: bytes / max(samples.count, 1))
    }

    /// Writes a study folder with one `items`-item instrument and no roster (take it with `--role mentee`).
    public static func writeStudy(items: Int = 24, to dir: URL) throws {
        let fm = FileManager.default
        try fm.createDirectory(at: dir.appendingPathComponent("instruments"), withIntermediateDirectories: true)
        var yaml = """
        format: waves.instrument/1
        id: bench
        version: 1.0.0
        title: Benchmark instrument
        intro: These statements are about how you see yourself.
        response_sets:
          agree5:
            options:
              - {value: 1, label: Strongly disagree}
              - {value: 2, label: Disagree}
              - {value: 3, label: Neither agree nor disagree}
              - {value: 4, label: Agree}
              - {value: 5, label: Strongly agree}
            allow_decline: true
        items:

        """
        for i in 1...max(items, 1) {
            yaml += "  - id: \(String(format: "b%02d", i))\n    text: Statement number \(i) about professional identity.\n    response: agree5\n"
        }
        try yaml.write(to: dir.appendingPathComponent("instruments/bench.yaml"), atomically: true, encoding: .utf8)
        let study = """
        format: waves.study/1
        id: bench
        title: Benchmark study
        roles: [mentee, peer-mentor]
        waves:
          - {id: w1, label: Baseline, time: 0}
        instruments:
          - path: instruments/bench.yaml

        """
        try study.write(to: dir.appendingPathComponent("study.yaml"), atomically: true, encoding: .utf8)
    }

    /// Milliseconds from starting `waves take --plain` (on a study written by `writeStudy`)
    /// to the first byte of its first screen on stdout, median of `runs`; nil when it cannot run.
    public static func startupToFirstScreen(executable: URL, study: URL, runs: Int = 5) -> Double? {
        var times: [Double] = []
        for _ in 0..<max(runs, 1) {
            let p = Process()
            p.executableURL = executable
            p.arguments = ["take", "--study", study.path, "--participant", "bench", "--role", "mentee", "--wave", "w1", "--plain"]
            let input = Pipe(), output = Pipe()
            p.standardInput = input
            p.standardOutput = output
            p.standardError = FileHandle.nullDevice
            let t0 = monotonicNanoseconds()
            do { try p.run() } catch { return nil }
            let first = output.fileHandleForReading.availableData
            let t1 = monotonicNanoseconds()
            try? input.fileHandleForWriting.close()
            p.waitUntilExit()
            guard !first.isEmpty else { return nil }
            times.append(Double(t1 - t0) / 1e6)
        }
        times.sort()
        return times[times.count / 2]
    }

    static func monotonicNanoseconds() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }
}
