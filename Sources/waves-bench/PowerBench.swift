import Foundation
import WavesAnalysis

/// `waves power` against the same loop in R with lmerTest (scripts/bench/power.R): 1,000
/// simulations of the random-slope design (lmm-slope) with 60 participants and 4 waves, intercept
/// SD 1, slope SD 0.1, residual SD 1, slope 0.1. Waves is timed on every core and on one; R runs
/// single-threaded, so the one-core ratio is the like-for-like figure. Run alone with
/// `waves-bench --task power`.
enum PowerBench {
    static let sims = 1000, participants = 60, effect = 0.1
    static let times: [Double] = [0, 1, 2, 3]

    /// One timed run in this process (a child of the bench), on `workers` threads.
    static func task(workers: Int) throws {
        let s = PowerSettings(design: .lmmSlope, times: times, effect: effect)
        let (e, secs) = try Measure.time { try PowerSimulation.run(s, participants: participants, sims: sims, seed: 1, workers: workers) }
        Report.line("power by simulation, lmm-slope, \(participants) participants x \(times.count) waves, \(sims) fits on \(workers) thread(s): \(Report.f(secs, 3)) s (power \(Report.f(e.power, 3)), singular \(Report.f(e.singularShare, 3)), failed \(e.failed))")
    }

    static func runAll() {
        Report.line("\n[issue 18] power by simulation")
        let all = Steps.task("power-sim")
        let one = Steps.task("power-sim-1")
        guard let rscript = ["/usr/bin/Rscript", "/usr/local/bin/Rscript"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            Report.line("  R (lmerTest loop): skipped, Rscript is not installed"); return
        }
        // WAVES_BENCH_POWER_R_SIMS runs fewer R simulations (the ratio is per simulation).
        let rSims = ProcessInfo.processInfo.environment["WAVES_BENCH_POWER_R_SIMS"].flatMap(Int.init) ?? sims
        let script = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("scripts/bench/power.R").path
        let o = Measure.run(rscript, [script, String(rSims), String(effect)], quiet: true)
        guard o.status == 0 else { Report.line("  R (lmerTest loop): failed (exit \(o.status)) \(o.output.prefix(200))"); return }
        let fields = o.output.split(whereSeparator: { $0 == " " || $0 == "\n" })
        let rSecs = fields.firstIndex(of: "seconds").flatMap { Double(fields[$0 + 1]) } ?? o.seconds
        let rPer = rSecs / Double(rSims)
        var line = "  R lmerTest loop, \(rSims) simulations: \(Report.f(rSecs, 1)) s computing (\(Report.f(rPer * 1000, 1)) ms per simulation)"
        for (label, w) in [("every core", all), ("one thread", one)] {
            guard let w else { continue }
            let per = w / Double(sims)
            line += "\n    Waves on \(label): \(Report.f(per * 1000, 2)) ms per simulation: \(Report.f(rPer / per, 1))x faster than R (target 50x)"
        }
        Report.line(line + "\n    R said: " + o.output.trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
