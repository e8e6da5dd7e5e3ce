import Foundation

/// Issue 14, item 4: every command that reads the study, run as a user runs it on the benchmark
/// study, with its wall time and peak memory, once with the caches as a second run finds them
/// (column and index caches warm) and once reading the store (`WAVES_CACHE=off`); each is held
/// to the "done means" (well under a second) and to twice the dense answer matrix.
enum CommandSurvey {
    struct Command {
        var label: String
        var args: [String]
        /// Writes a file instead of printing (exports, the report): given `--out` in the exports folder.
        var out: String?
    }

    static let commands: [Command] = [
        .init(label: "validate", args: ["validate"]),
        .init(label: "verify", args: ["verify"]),
        .init(label: "status", args: ["status"]),
        .init(label: "instruments diff", args: ["instruments", "diff"]),
        .init(label: "score", args: ["score"]),
        .init(label: "quality", args: ["quality"]),
        .init(label: "reliability (every scale and wave)", args: ["reliability"]),
        .init(label: "retest --waves w1,w2", args: ["retest", "--waves", "w1,w2"]),
        .init(label: "rci --from w1 --to w4", args: ["rci", "--from", "w1", "--to", "w4"]),
        .init(label: "change --between role", args: ["change", "--between", "role"]),
        .init(label: "lmm --time linear --between role --slopes", args: ["lmm", "--time", "linear", "--between", "role", "--slopes"]),
        .init(label: "cfa --wave w1", args: ["cfa", "--wave", "w1"]),
        .init(label: "invariance --across role", args: ["invariance", "--across", "role"]),
        .init(label: "invariance --scale part1 (across waves)", args: ["invariance", "--scale", "part1"]),
        .init(label: "invariance --scale total (across waves, 160 variables)", args: ["invariance", "--scale", "total"]),
        .init(label: "attrition", args: ["attrition"]),
        .init(label: "flow", args: ["flow"]),
        .init(label: "feedback --participant P000001", args: ["feedback", "--participant", "P000001", "--format", "md"]),
        .init(label: "results", args: ["results"]),
        .init(label: "export --format csv-long", args: ["export", "--format", "csv-long"], out: "survey-long.csv"),
        .init(label: "export --format csv-wide", args: ["export", "--format", "csv-wide"], out: "survey-wide.csv"),
        .init(label: "export --format sav", args: ["export", "--format", "sav"], out: "survey.sav"),
        .init(label: "export --format dta", args: ["export", "--format", "dta"], out: "survey.dta"),
        .init(label: "export --format codebook", args: ["export", "--format", "codebook"], out: "survey-codebook.md"),
        .init(label: "report", args: ["report"], out: "survey-report.html"),
    ]

    /// The dense participants x waves x items answer matrix of the benchmark study, in MB.
    static var matrixMB: Double { Double(BenchStudy.participants * 4 * 40 * 8) / 1e6 }

    static func run(exports: URL) {
        let exe = Steps.wavesExecutable.path
        guard FileManager.default.isExecutableFile(atPath: exe) else { Report.line("  waves binary not built"); return }
        let limit = 2 * matrixMB
        Report.line("  (caches warm, then reading the store; targets: well under 1 s, peak <= \(Report.f(limit, 0)) MB = 2x the dense matrix; stdout to /dev/null)")
        let saved = ProcessInfo.processInfo.environment["WAVES_CACHE"]
        defer { if let saved { setenv("WAVES_CACHE", saved, 1) } else { unsetenv("WAVES_CACHE") } }
        var underSecond = 0, withinMemory = 0, runs = 0, failed = 0
        for c in commands {
            var parts: [String] = []
            for mode in ["warm", "store"] {
                if mode == "warm" { unsetenv("WAVES_CACHE") } else { setenv("WAVES_CACHE", "off", 1) }
                let out = c.out.map { ["--out", exports.appendingPathComponent($0).path] } ?? []
                let o = Measure.run(exe, c.args + out + ["--study", BenchStudy.directory.path], quiet: true, keepOutput: false)
                guard o.status == 0 else {
                    parts.append("\(mode): failed (exit \(o.status))"); failed += 1; continue
                }
                runs += 1
                if o.seconds < 1 { underSecond += 1 }
                if o.peakMB <= limit { withinMemory += 1 }
                let flags = (o.seconds >= 1 ? " [>= 1 s]" : "") + (o.peakMB > limit ? " [> 2x matrix]" : "")
                parts.append("\(mode) \(Report.f(o.seconds)) s, \(Report.f(o.peakMB, 0)) MB\(flags)")
            }
            Report.line("  \(c.label): " + parts.joined(separator: "; "))
        }
        Report.line("  every command: \(underSecond) of \(runs) runs under 1 s, \(withinMemory) of \(runs) within 2x the dense matrix"
                    + (failed > 0 ? ", \(failed) failed" : ""))
        Report.line("  not timed here: import (above), take/kiosk/serve (a participant's pace), invite/remind/withdraw (they write the study), code/agreement (no free text in this study), power (no store), init/simulate")
    }
}
