import ArgumentParser
import Foundation

/// `make bench`: prints the figures the issues ask for. Each measured task runs in
/// its own process (`waves-bench --task NAME`, or the `waves` binary itself) so
/// that its peak memory is its own. R is timed on the same data when installed.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "waves-bench",
        abstract: "Waves benchmarks: store, psychometrics, change, exports, report, survey (with R twins when installed).")

    @Option(help: "Run one measured task in this process (used by the parent run).")
    var task: String?

    @Argument(help: "Arguments of the task.")
    var taskArguments: [String] = []

    func run() throws {
        if let task {
            let status = Tasks.run(task, taskArguments)
            if status != 0 { throw ExitCode(status) }
            return
        }
        Bench.runAll()
    }

    static func runAll() {
        Report.line("Waves benchmarks (release build, \(ProcessInfo.processInfo.activeProcessorCount) cores)")
        Report.line("Preparing the benchmark store (\(BenchStudy.participants) participants x 4 waves x 40 items; cached in bench-out/)...")
        // Prepared in a child too: this parent stays small, because on Linux a spawned child
        // inherits its parent's peak-memory mark, which would hide the child's own figure.
        Steps.task("prepare")
        // Every step reads the store unless it says otherwise: the column cache (issue 14) is
        // measured on its own below, cold and warm.
        setenv("WAVES_CACHE", "off", 1)
        ColumnCacheBench.clear()

        Report.line("\n[issue 3] store")
        for task in ["json-parse", "store-scan", "store-matrix"] { Steps.task(task) }

        Report.line("\n[issue 5] psychometrics")
        let relCore = Steps.task("reliability-core")
        let rel = Steps.cli("waves reliability --scale total --wave w1", ["reliability", "--scale", "total", "--wave", "w1", "--json"])
        Steps.cli("waves reliability --scale total (4 waves)", ["reliability", "--scale", "total", "--json"])
        Steps.cli("waves retest --scale total --waves w1,w2", ["retest", "--scale", "total", "--waves", "w1,w2", "--json"])
        Steps.cli("waves rci --scale total --from w1 --to w4", ["rci", "--scale", "total", "--from", "w1", "--to", "w4", "--json"])
        let rRel = Steps.compareWithR("psych::alpha, 40 items x \(BenchStudy.participants)", script: "alpha.R", input: "items-w1.csv",
                           wavesCore: relCore, wavesWhole: rel?.seconds, target: 20)

        Report.line("\n[issue 6] change across waves")
        let chCore = Steps.task("change-core")
        let ch = Steps.cli("waves change --scale total --between role", ["change", "--scale", "total", "--between", "role", "--json"])
        let rCh = Steps.compareWithR("afex::aov_ez role x wave", script: "anova.R", input: "scores-long.csv", wavesCore: chCore, wavesWhole: ch?.seconds, target: 10)
        let lmCore = Steps.task("lmm-core")
        let lm = Steps.cli("waves lmm --time linear --between role --slopes", ["lmm", "--scale", "total", "--time", "linear", "--between", "role", "--slopes", "--json"])
        let rLm = Steps.compareWithR("lmerTest::lmer (1 + time | participant)", script: "lmm.R", input: "scores-long.csv", wavesCore: lmCore, wavesWhole: lm?.seconds, target: 1)

        if let rel, let ch, let lm {
            let total = rel.seconds + ch.seconds + lm.seconds
            var line = "  issue 14 bundle (reliability + change --between role + lmm --slopes as three waves commands, whole wall time): \(Report.f(total)) s"
            if let a = rRel, let b = rCh, let c = rLm {
                line += "; R computing the same: \(Report.f(a + b + c)) s: Waves is \(Report.f((a + b + c) / total, 1))x faster (target 20x)"
            } else {
                line += "; R not measured"
            }
            Report.line(line)
            ColumnCacheBench.run(rComputing: rRel.flatMap { a in rCh.flatMap { b in rLm.map { a + b + $0 } } })
        }

        Report.line("\n[issue 7] exports")
        let outDir = BenchStudy.exports
        try? FileManager.default.createDirectory(at: outDir, withIntermediateDirectories: true)
        Steps.cli("waves export --format sav", ["export", "--format", "sav", "--out", outDir.appendingPathComponent("bench.sav").path])
        Steps.cli("waves export --format csv-wide", ["export", "--format", "csv-wide", "--out", outDir.appendingPathComponent("bench-wide.csv").path])

        Report.line("\n[issue 14] import")
        ImportBench.run()

        Report.line("\n[issue 8] report")
        Steps.cli("waves report", ["report", "--out", outDir.appendingPathComponent("report.html").path])
        unsetenv("WAVES_CACHE")
        // The first run with caches on writes the index cache (the column cache is already
        // written by the bundle above); the second reads both.
        Steps.cli("waves report (writing the index cache)", ["report", "--out", outDir.appendingPathComponent("report.html").path])
        Steps.cli("waves report (column and index caches warm)", ["report", "--out", outDir.appendingPathComponent("report.html").path])
        setenv("WAVES_CACHE", "off", 1)

        Report.line("\n[issue 14] every command")
        CommandSurvey.run(exports: outDir)

        Report.line("\n[issue 16] measurement invariance")
        let cfaCore = Steps.task("cfa-ladder")
        Steps.compareWithR("lavaan invariance ladder across 4 waves, 10 items x \(FactorBench.participants)", script: "cfa.R",
                           input: "cfa-long.csv", wavesCore: cfaCore, wavesWhole: nil, target: 1)

        Report.line("\n[issue 4] survey")
        Steps.task("survey")

        PowerBench.runAll()
    }
}
