import Foundation
import WavesCore
import WavesTestSupport

/// The fuzz test's cases and checks (issue 12): a small simulated study is copied for each case,
/// one of its files (an instrument, study.yaml, the store, the roster, a codebook, a coder's
/// file) or an import CSV is mutated by `FuzzMutator`, and `waves` commands run on it. A case
/// fails on a crash (a signal), a hang, an exit status other than 0, 1 or 2, `--json` output that
/// is not strict JSON (NaN and Infinity are not JSON), or a raw control character or bidi
/// override on stdout or stderr.
enum FuzzHarness {
    enum Target: String, CaseIterable { case instrument, study, store, roster, importCSV = "import-csv", codebook, coding }

    struct Case {
        var index: Int
        var target: Target
        /// The mutated file, relative to the case folder, and its bytes.
        var file: String
        var bytes: [UInt8]
        var commands: [[String]]
    }

    struct Failure: CustomStringConvertible {
        var seed: UInt64, fuzzCase: Case, command: [String], reason: String, stdout: String, stderr: String, kept: String
        var description: String {
            let content = FuzzHarness.shown(fuzzCase.bytes, limit: 3000)
            return """
            fuzz failure: \(reason)
              seed \(seed), case \(fuzzCase.index) (re-run: WAVES_FUZZ_SEED=\(seed) WAVES_FUZZ_ONLY=\(fuzzCase.index))
              command: waves \(command.joined(separator: " "))   (in \(kept))
              mutated \(fuzzCase.target.rawValue) file \(fuzzCase.file):
            \(content)
              stdout: \(FuzzHarness.shown(Array(stdout.utf8), limit: 600))
              stderr: \(FuzzHarness.shown(Array(stderr.utf8), limit: 600))
            """
        }
    }

    static let scales = ["identity", "identity", "belonging", "self_reflection", "micro", "innate"]

    /// A study made by `waves init` and `waves simulate` (12 participants, two coders), shared by every case.
    static func makeBase(in dir: URL) throws -> URL {
        let study = dir.appendingPathComponent("base")
        var r = try WavesProcess.run(["init", study.path, "--id", "fuzz"])
        guard r.status == 0 else { throw NSError(domain: "fuzz", code: 1, userInfo: [NSLocalizedDescriptionKey: r.stderr]) }
        r = try WavesProcess.run(["simulate", "--study", study.path, "--participants", "12", "--seed", "5", "--write-roster", "--coders", "A,B"])
        guard r.status == 0 else { throw NSError(domain: "fuzz", code: 2, userInfo: [NSLocalizedDescriptionKey: r.stderr]) }
        try addSurveyKeys(study.appendingPathComponent("data/responses.jsonl"))
        return study
    }

    /// Gives a third of the store's records the keys `waves take` writes (`timings`, and
    /// `dont_know` on an item left unanswered, `duration_ms`), with the hash chain made again, so
    /// that mutations reach the lines the fast record path reads with them.
    static func addSurveyKeys(_ store: URL) throws {
        let lines = try String(contentsOf: store, encoding: .utf8).split(separator: "\n").map(String.init)
        var out = ""
        var prev: String?
        for (k, line) in lines.enumerated() {
            var r = try Array(line.utf8).withUnsafeBytes { try ResponseRecord.decode(line: $0) }
            if k % 3 == 0 {
                r.timings = r.answers.enumerated().map { ($1.id, Double(900 + 37 * $0)) }
                r.durationMs = Double(20_000 + k)
                if let skipped = r.answers.first(where: { $0.value.isMissing }) { r.dontKnow = [skipped.id] }
            }
            if k > 0 { r.prev = prev }
            let text = r.jsonLine
            prev = ContentHash.sha256Hex(Array(text.utf8))
            out += text + "\n"
        }
        try Data(out.utf8).write(to: store)
    }

    /// Commands that read the whole study: validation, every analysis, the report and every export.
    static func analysisCommands(_ r: inout FuzzRandom) -> [[String]] {
        let s = r.pick(scales)
        return [
            ["validate"], ["quality"], ["quality", "--json"], ["status", "--json"], ["status"], ["score", "--json"], ["score", "--csv"], ["score"],
            ["reliability", "--scale", s, "--json"], ["reliability", "--scale", s],
            ["change", "--scale", s, "--json"], ["change", "--scale", s, "--between", "role"],
            ["lmm", "--scale", s, "--json"], ["lmm", "--scale", s, "--time", "linear"],
            ["rci", "--scale", s, "--from", "w1", "--to", "w2", "--json"], ["retest", "--scale", s, "--waves", "w1,w2", "--json"],
            ["report", "--out", "r.html"], ["report", "--format", "md"],
            ["export", "--format", "csv-long", "--out", "l.csv"], ["export", "--format", "csv-wide", "--scores", "--out", "w.csv"],
            ["export", "--format", "codebook", "--out", "cb.md"], ["export", "--format", "codebook", "--out", "cb.csv"],
            ["export", "--format", "sav", "--out", "o.sav"], ["export", "--format", "dta", "--layout", "long", "--out", "o.dta"],
            ["export", "--format", "qdpx", "--out", "o.qdpx"], ["export", "--format", "codebook-qdc", "--out", "o.qdc"],
            ["export", "--format", "csv-wide", "--deidentify", "--key-file", "key.bin", "--out", "d.csv"],
            ["agreement", "--json", "--bootstrap", "20"], ["agreement", "--joint", "--scale", "identity", "--json"],
        ]
    }

    /// The case `index` of a run seeded with `seed`.
    static func make(seed: UInt64, index: Int, base: URL) -> Case {
        var r = FuzzRandom(seed: seed, case: index)
        let target = r.pick(Target.allCases)
        let pool = analysisCommands(&r)
        // One command per mutated file (more files in the same time); an import is followed by one.
        var commands = [r.pick(pool)]
        let file: String
        switch target {
        case .instrument: file = "S/instruments/" + r.pick(["identity.yaml", "reflection.yaml", "ecosystem.yaml", "personhood.yaml", "diary.yaml"])
        case .study: file = "S/study.yaml"
        case .store: file = "S/data/responses.jsonl"
        case .roster: file = "S/roster.csv"
        case .codebook: file = "S/codebooks/ecosystem.yaml"
            commands[0] = r.pick([["agreement", "--json", "--bootstrap", "20"], ["export", "--format", "qdpx", "--out", "o.qdpx"], ["validate"]])
        case .coding: file = "S/data/coding/" + r.pick(["A.jsonl", "B.jsonl", "consensus.jsonl"])
            commands[0] = r.pick([["agreement", "--json", "--bootstrap", "20"], ["agreement", "--joint", "--scale", "identity", "--json"],
                                  ["export", "--format", "qdpx", "--out", "o.qdpx"]])
        case .importCSV: file = "in.csv"
            commands = [["import", "--instrument", r.pick(["identity", "identity", "diary", "ecosystem"]), "--csv", "in.csv"]
                        + (r.chance(0.3) ? ["--wave", "w2"] : []), r.pick(pool)]
        }
        let original: [UInt8]
        if target == .importCSV { original = Array(importCSV(&r).utf8) }
        else { original = (try? [UInt8](Data(contentsOf: base.appendingPathComponent(String(file.dropFirst(2)))))) ?? [] }
        return Case(index: index, target: target, file: file, bytes: FuzzMutator.mutateBytes(original, &r), commands: commands)
    }

    /// An import CSV of a few rows, before mutation.
    static func importCSV(_ r: inout FuzzRandom) -> String {
        var s = "participant,role,wave," + (1...8).map { String(format: "pi%02d", $0) }.joined(separator: ",") + ",dy01\n"
        for i in 0..<(1 + r.below(5)) {
            s += "X\(i),\(r.pick(["mentee", "peer-mentor"])),\(r.pick(["w1", "w2", "w3"])),"
            s += (1...8).map { _ in r.chance(0.1) ? "" : String(1 + r.below(5)) }.joined(separator: ",") + ",\"a, b\"\n"
        }
        return s
    }

    /// Runs one case in `dir` (a copy of the base study as `S`); the failures found and the exit statuses.
    static func run(_ c: Case, seed: UInt64, base: URL, dir: URL, keep: URL) -> ([Failure], [Int32]) {
        let fm = FileManager.default
        try? fm.removeItem(at: dir)
        try? fm.createDirectory(at: dir, withIntermediateDirectories: true)
        try? fm.copyItem(at: base, to: dir.appendingPathComponent("S"))
        var key = FuzzRandom(seed: seed, case: -1 - c.index)
        fm.createFile(atPath: dir.appendingPathComponent("key.bin").path, contents: Data((0..<32).map { _ in UInt8(truncatingIfNeeded: key.next()) }))
        fm.createFile(atPath: dir.appendingPathComponent(c.file).path, contents: Data(c.bytes))
        var failures: [Failure] = [], exits: [Int32] = []
        for command in c.commands {
            let args = [command[0], "--study", "S"] + command.dropFirst()
            let result = runWaves(args, cwd: dir)
            exits.append(result.status)
            if let reason = problem(result, json: command.contains("--json")) {
                let kept = keep.appendingPathComponent("seed\(seed)-case\(c.index)")
                try? fm.removeItem(at: kept)
                try? fm.createDirectory(at: keep, withIntermediateDirectories: true)
                try? fm.copyItem(at: dir, to: kept)
                failures.append(Failure(seed: seed, fuzzCase: c, command: args, reason: reason,
                                        stdout: String(decoding: result.stdout, as: UTF8.self),
                                        stderr: String(decoding: result.stderr, as: UTF8.self), kept: kept.path))
            }
        }
        return (failures, exits)
    }

    struct RunResult { var status: Int32; var signal: Int32?; var timedOut: Bool; var stdout: Data; var stderr: Data }

    /// Runs `waves` with output to files (no pipe can fill), killed after `timeout` seconds.
    static func runWaves(_ args: [String], cwd: URL, timeout: TimeInterval = 60) -> RunResult {
        let p = Process()
        p.executableURL = WavesProcess.executable
        p.arguments = args
        p.currentDirectoryURL = cwd
        var env = ProcessInfo.processInfo.environment
        env["WAVES_INSTRUMENTS"] = WavesProcess.repoRoot.appendingPathComponent("instruments").path
        env["SWIFT_BACKTRACE"] = "enable=no"
        p.environment = env
        let outURL = cwd.appendingPathComponent(".stdout"), errURL = cwd.appendingPathComponent(".stderr")
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        guard let out = try? FileHandle(forWritingTo: outURL), let err = try? FileHandle(forWritingTo: errURL) else {
            return RunResult(status: -1, signal: nil, timedOut: false, stdout: Data(), stderr: Data("cannot open output files".utf8))
        }
        p.standardOutput = out; p.standardError = err; p.standardInput = FileHandle.nullDevice
        let done = DispatchSemaphore(value: 0)
        p.terminationHandler = { _ in done.signal() }
        do { try p.run() } catch { return RunResult(status: -1, signal: nil, timedOut: false, stdout: Data(), stderr: Data("\(error)".utf8)) }
        var timedOut = false
        if done.wait(timeout: .now() + timeout) == .timedOut { timedOut = true; p.terminate(); done.wait() }
        try? out.close(); try? err.close()
        let stdout = (try? Data(contentsOf: outURL)) ?? Data(), stderr = (try? Data(contentsOf: errURL)) ?? Data()
        let signaled = p.terminationReason == .uncaughtSignal
        return RunResult(status: signaled ? 128 + p.terminationStatus : p.terminationStatus,
                         signal: signaled ? p.terminationStatus : nil, timedOut: timedOut, stdout: stdout, stderr: stderr)
    }

    /// What is wrong with a run, or nil.
    static func problem(_ r: RunResult, json: Bool) -> String? {
        if r.timedOut { return "no answer within the time limit (a hang)" }
        if let s = r.signal { return "crashed: killed by signal \(s)" }
        if ![0, 1, 2].contains(r.status) { return "exit status \(r.status)" }
        if json && r.status == 0 {
            if (try? JSONSerialization.jsonObject(with: r.stdout, options: [.fragmentsAllowed])) == nil {
                return "--json output is not strict JSON (NaN or Infinity, or broken)"
            }
        }
        if let where_ = rawControl(r.stdout) { return "raw control character on stdout: \(where_)" }
        if let where_ = rawControl(r.stderr) { return "raw control character on stderr: \(where_)" }
        return nil
    }

    /// The first control character (other than a line end, LF or CRLF), C1 control or bidi
    /// control in `data`, described; nil when there is none.
    static func rawControl(_ data: Data) -> String? {
        let bytes = [UInt8](data)
        for (i, b) in bytes.enumerated() {
            if b == 0x0A { continue }
            if b == 0x0D && i + 1 < bytes.count && bytes[i + 1] == 0x0A { continue }
            if b < 0x20 || b == 0x7F { return String(format: "byte 0x%02X at offset %d", b, i) }
        }
        for u in String(decoding: bytes, as: UTF8.self).unicodeScalars {
            if (0x80...0x9F).contains(u.value) || (0x202A...0x202E).contains(u.value) || (0x2066...0x2069).contains(u.value) {
                return String(format: "U+%04X", u.value)
            }
        }
        return nil
    }

    /// Bytes shown safely (controls escaped), cut to `limit` characters.
    static func shown(_ bytes: [UInt8], limit: Int) -> String {
        var s = ""
        for u in String(decoding: bytes.prefix(limit * 4), as: UTF8.self).unicodeScalars.prefix(limit) {
            if u == "\n" { s += "\n    " }
            else if u.value < 0x20 || u.value == 0x7F || (0x80...0x9F).contains(u.value) || (0x202A...0x202E).contains(u.value)
                        || (0x2066...0x2069).contains(u.value) { s += String(format: "\\u{%X}", u.value) }
            else { s.unicodeScalars.append(u) }
        }
        return "    " + s + (bytes.count > limit ? " …(\(bytes.count) bytes)" : "")
    }
}
