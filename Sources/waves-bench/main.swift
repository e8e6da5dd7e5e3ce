import Foundation
import WavesAnalysis
import WavesCore
import WavesStore

// `make bench`: prints the figures the issues ask for. Each measured task runs in
// a child process (`waves-bench --task NAME`) so its peak memory is its own.

let args = CommandLine.arguments
if args.count >= 3 && args[1] == "--task" {
    exit(Tasks.run(args[2], Array(args.dropFirst(3))))
}

Report.line("Waves benchmarks (release build, \(ProcessInfo.processInfo.activeProcessorCount) cores)")
Report.line("Preparing the benchmark store (\(BenchStudy.participants) participants x 4 waves x 40 items; cached in bench-out/)...")
let (size, prepSecs) = try Measure.time { try BenchStudy.prepare() }
Report.line("  store: \(Report.f(Double(size) / 1e6, 1)) MB (prepared in \(Report.f(prepSecs, 1)) s)")
for task in Tasks.order {
    let o = Measure.child(["--task", task])
    if o.status != 0 { Report.line("  \(task): FAILED (exit \(o.status)) \(o.output)"); continue }
    Report.line(o.output.trimmingCharacters(in: .newlines) + "   [process: \(Report.f(o.seconds)) s, peak \(Report.f(o.peakMB, 0)) MB]")
}
