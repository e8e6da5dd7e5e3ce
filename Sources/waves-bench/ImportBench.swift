import Foundation
import WavesCore
import WavesStore

/// Issue 14: `waves import` of the benchmark study's answers (one long CSV, every wave),
/// into an empty copy of the study: time, CSV MB/s and peak memory.
enum ImportBench {
    static var folder: URL { BenchStudy.directory.deletingLastPathComponent() }
    static var study: URL { folder.appendingPathComponent("import-study-\(BenchStudy.participants)") }
    static var csv: URL { folder.appendingPathComponent("import-\(BenchStudy.participants).csv") }

    /// Writes the CSV once (streamed from the store, 4 MB at a time) and a fresh empty study to import into.
    static func prepare() throws {
        try? FileManager.default.removeItem(at: study)
        try FileManager.default.createDirectory(at: study.appendingPathComponent("instruments"), withIntermediateDirectories: true)
        for f in ["study.yaml", "instruments/bench.yaml"] {
            try FileManager.default.copyItem(at: BenchStudy.directory.appendingPathComponent(f), to: study.appendingPathComponent(f))
        }
        if FileManager.default.fileExists(atPath: csv.path) { return }
        let bundle = try StudyLoader.load(directory: BenchStudy.directory)
        let items = bundle.instruments[0].items.map(\.id)
        let part = csv.appendingPathExtension("part")
        FileManager.default.createFile(atPath: part.path, contents: nil)
        let out = try FileHandle(forWritingTo: part)
        var buffer = "participant,wave,role," + items.joined(separator: ",") + "\n"
        try ResponseStore(url: bundle.study.storeURL).scan { r, _ in
            var cells = [String](repeating: "", count: items.count)
            for (k, id) in items.enumerated() {
                if case .number(let v)? = r.answer(id) { cells[k] = JSONWriter.number(v) }
            }
            if r.declined.isEmpty == false { for d in r.declined { if let k = items.firstIndex(of: d) { cells[k] = "declined" } } }
            buffer += "\(r.participant),\(r.wave),\(r.role ?? ""),\(cells.joined(separator: ","))\n"
            if buffer.utf8.count > 1 << 22 { out.write(Data(buffer.utf8)); buffer = "" }
        }
        out.write(Data(buffer.utf8))
        try out.close()
        try FileManager.default.moveItem(at: part, to: csv)
    }

    /// Runs the release `waves import` on the CSV and prints its figures.
    static func run() {
        guard Steps.task("import-inputs") != nil || FileManager.default.fileExists(atPath: csv.path) else { return }
        let exe = Steps.wavesExecutable.path
        guard FileManager.default.isExecutableFile(atPath: exe) else { Report.line("  waves import: waves binary not built"); return }
        let size = Double((try? FileManager.default.attributesOfItem(atPath: csv.path)[.size] as? Int) ?? 0)
        let o = Measure.run(exe, ["import", "--study", study.path, "--instrument", "bench", "--csv", csv.path])
        if o.status != 0 { Report.line("  waves import: failed (exit \(o.status)) \(o.output.prefix(300))"); return }
        Report.line("  waves import of a \(Report.f(size / 1e6, 1)) MB long CSV: \(Report.f(o.seconds)) s, \(Report.f(size / 1e6 / o.seconds, 1)) MB/s, peak \(Report.f(o.peakMB, 0)) MB (targets >= 50 MB/s, peak <= 2x the dense matrix)")
    }
}
