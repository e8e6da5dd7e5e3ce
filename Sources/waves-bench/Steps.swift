import Foundation

/// How each benchmark step is run and reported.
enum Steps {
    /// Runs a `waves-bench --task` child and prints its line with time and peak memory.
    /// Returns the computation seconds the task printed as "…: X s" (nil when absent).
    @discardableResult
    static func task(_ name: String) -> Double? {
        let o = Measure.child(["--task", name])
        if o.status != 0 { Report.line("  \(name): FAILED (exit \(o.status)) \(o.output.prefix(400))"); return nil }
        Report.line(o.output.trimmingCharacters(in: .newlines).split(separator: "\n").map { "  " + $0 }.joined(separator: "\n")
                    + "   [process \(Report.f(o.seconds)) s, peak \(Report.f(o.peakMB, 0)) MB]")
        let words = o.output.split(whereSeparator: { $0 == " " || $0 == "\n" })
        guard let i = words.firstIndex(of: "s"), i > 0 else { return nil }
        return Double(words[i - 1])
    }

    /// The release `waves` binary, beside this one.
    static var wavesExecutable: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent().appendingPathComponent("waves")
    }

    /// Runs the release `waves` binary on the benchmark study.
    @discardableResult
    static func cli(_ label: String, _ args: [String]) -> Measure.Outcome? {
        let exe = wavesExecutable.path
        guard FileManager.default.isExecutableFile(atPath: exe) else { Report.line("  \(label): waves binary not built"); return nil }
        let o = Measure.run(exe, args + ["--study", BenchStudy.directory.path])
        if o.status != 0 {
            Report.line("  \(label): not available (exit \(o.status)) \(o.output.prefix(200))")
            return nil
        }
        Report.line("  \(label): \(Report.f(o.seconds)) s, peak \(Report.f(o.peakMB, 0)) MB")
        return o
    }

    /// Times the R twin of a step on the same data, when Rscript is installed, and prints the ratio.
    /// Returns R's computing seconds (nil without R).
    @discardableResult
    static func compareWithR(_ label: String, script: String, input: String, wavesCore: Double?, wavesWhole: Double?, target: Double) -> Double? {
        guard let rscript = ["/usr/bin/Rscript", "/usr/local/bin/Rscript"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            Report.line("  R (\(label)): skipped, Rscript is not installed"); return nil
        }
        let inputs = BenchStudy.rInputs
        let file = inputs.appendingPathComponent(input)
        if !FileManager.default.fileExists(atPath: file.path) {
            let o = Measure.child(["--task", "r-inputs", inputs.path])
            if o.status != 0 { Report.line("  R (\(label)): cannot write inputs: \(o.output)"); return nil }
        }
        let scriptPath = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("scripts/bench/\(script)").path
        let o = Measure.run(rscript, [scriptPath, file.path], quiet: true)
        guard o.status == 0 else { Report.line("  R (\(label)): failed (exit \(o.status)) \(o.output.prefix(200))"); return nil }
        // The script reports the seconds of the computation itself (after reading the CSV).
        let fields = o.output.split(separator: " ")
        let rSecs = fields.firstIndex(of: "seconds").flatMap { Double(fields[$0 + 1]) } ?? o.seconds
        var line = "  R \(label): \(Report.f(rSecs)) s computing (\(Report.f(o.seconds)) s with start-up and CSV reading), peak \(Report.f(o.peakMB, 0)) MB"
        if let c = wavesCore {
            line += "\n    computation vs computation: Waves \(Report.f(c, 3)) s, R \(Report.f(rSecs, 2)) s: Waves is \(Report.f(rSecs / max(c, 1e-6), 1))x faster (target \(Report.f(target, 0))x)"
        }
        if let w = wavesWhole {
            line += "\n    whole Waves command (256 MB store read included) vs R computation alone: \(Report.f(rSecs / w, 1))x"
        }
        Report.line(line + "\n    R said: " + o.output.trimmingCharacters(in: .whitespacesAndNewlines))
        return rSecs
    }
}
