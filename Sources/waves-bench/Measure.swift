import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs one benchmark task in a child process (this binary with `--task NAME`)
/// so that its peak memory is its own, and reports wall time and peak RSS.
enum Measure {
    struct Outcome {
        var seconds: Double
        /// Peak resident memory in MB of 10^6 bytes, the unit of the targets (the dense
        /// matrix of 100,000 participants is 128 MB); before session 11 this was MiB labelled MB.
        var peakMB: Double
        var output: String
        var status: Int32
    }

    static func child(_ args: [String]) -> Outcome {
        let exe = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().path
        return run(exe, args)
    }

    /// Runs a program, capturing stdout (or sending it to /dev/null with `keepOutput` false: a
    /// command that prints a million lines), and measures it with wait4's rusage.
    static func run(_ path: String, _ args: [String], quiet: Bool = false, keepOutput: Bool = true) -> Outcome {
        let start = Date()
        var pid: pid_t = 0
        var fa: posix_spawn_file_actions_t = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&fa)
        let outPath = FileManager.default.temporaryDirectory.appendingPathComponent("waves-bench-\(UUID().uuidString).out").path
        posix_spawn_file_actions_addopen(&fa, 1, keepOutput ? outPath : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        // R prints warnings (e.g. afex listing every participant with a missing wave) on stderr.
        if quiet { posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0) }
        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + args).map { strdup($0) } + [nil]
        defer { for a in argv { free(a) } ; posix_spawn_file_actions_destroy(&fa) }
        guard posix_spawn(&pid, path, &fa, nil, argv, environ) == 0 else {
            return Outcome(seconds: 0, peakMB: 0, output: "cannot start \(path)", status: -1)
        }
        var status: Int32 = 0
        var usage = rusage()
        _ = wait4(pid, &status, 0, &usage)
        let secs = Date().timeIntervalSince(start)
        let out = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(atPath: outPath)
        let exit = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return Outcome(seconds: secs, peakMB: megabytes(kibibytes: Double(usage.ru_maxrss)), output: out, status: exit)
    }

    /// MB (10^6 bytes) from the KiB that rusage and /proc report.
    static func megabytes(kibibytes: Double) -> Double { kibibytes * 1024 / 1e6 }

    /// The process's CPU time so far (user + system, every thread).
    static func cpuSeconds() -> Double {
        var u = rusage()
        getrusage(RUSAGE_SELF.rawValue, &u)
        func s(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return s(u.ru_utime) + s(u.ru_stime)
    }

    /// The process's resident memory now, in MB of 10^6 bytes (`/proc/self/statm`; 0 where it cannot be read).
    static func residentMB() -> Double {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Double(fields[1]) else { return 0 }
        return pages * Double(sysconf(Int32(_SC_PAGESIZE))) / 1e6
    }

    /// The process's peak resident memory since the last `resetPeak` (VmHWM of `/proc/self/status`), in MB.
    static func peakResidentMB() -> Double {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kb = line.split(separator: " ").dropFirst().first.flatMap({ Double($0) }) else { return 0 }
        return megabytes(kibibytes: kb)
    }

    /// Sets the peak resident memory back to the current one (Linux `clear_refs`, value 5).
    static func resetPeak() {
        try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
    }

    /// Wall time of a closure in this process.
    static func time<T>(_ body: () throws -> T) rethrows -> (T, Double) {
        let t0 = DispatchTime.now().uptimeNanoseconds
        let r = try body()
        return (r, Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
    }
}

/// Lines of the benchmark report.
enum Report {
    static func line(_ s: String) { FileHandle.standardOutput.write(Data((s + "\n").utf8)) }
    static func f(_ v: Double, _ d: Int = 2) -> String { String(format: "%.\(d)f", v) }
}
