import Foundation
import Glibc

/// Issue 14: the three-command bundle with the column cache (`data/columns-*.cache`): the
/// first command reads the store and writes the cache, the next ones read the cache.
enum ColumnCacheBench {
    static var data: URL { BenchStudy.directory.appendingPathComponent("data") }

    /// Removes the benchmark study's column caches.
    static func clear() {
        for f in (try? FileManager.default.contentsOfDirectory(atPath: data.path)) ?? [] where f.hasSuffix(".cache") {
            try? FileManager.default.removeItem(at: data.appendingPathComponent(f))
        }
    }

    static func run(rComputing: Double?) {
        unsetenv("WAVES_CACHE")
        defer { setenv("WAVES_CACHE", "off", 1) }
        clear()
        let rel = ["reliability", "--scale", "total", "--wave", "w1", "--json"]
        let ch = ["change", "--scale", "total", "--between", "role", "--json"]
        let lm = ["lmm", "--scale", "total", "--time", "linear", "--between", "role", "--slopes", "--json"]
        guard let cold = Steps.cli("waves reliability, column cache cold (reads the store, writes the cache)", rel),
              let a = Steps.cli("waves reliability, cache warm", rel), let b = Steps.cli("waves change --between role, cache warm", ch),
              let c = Steps.cli("waves lmm --slopes, cache warm", lm) else { return }
        let warm = a.seconds + b.seconds + c.seconds
        let first = cold.seconds + b.seconds + c.seconds
        var line = "  issue 14 bundle with the column cache: \(Report.f(warm)) s warm, \(Report.f(first)) s when its first command writes the cache"
        if let r = rComputing {
            line += "; R computing the same: \(Report.f(r)) s: Waves is \(Report.f(r / warm, 1))x (warm) / \(Report.f(r / first, 1))x (first) faster (target 20x)"
        }
        Report.line(line)
        appended(rComputing: rComputing, rel: rel, ch: ch, lm: lm)
    }

    /// The same bundle, and `waves status`, after submissions were appended to the store since
    /// the caches were made: each command extends the caches with the new lines alone
    /// (`ColumnCache.extended`, `IndexCache.extended`). The appended lines are copies of the
    /// store's last ones (valid lines; they count as duplicates); the store is cut back to its
    /// size afterwards.
    static func appended(rComputing: Double?, rel: [String], ch: [String], lm: [String], lines count: Int = 1000) {
        let store = data.appendingPathComponent("responses.jsonl")
        guard Steps.cli("waves status, index cache made", ["status"]) != nil, let handle = try? FileHandle(forUpdating: store),
              let size = try? handle.seekToEnd() else { return }
        defer { try? handle.truncate(atOffset: size); try? handle.close() }
        let tailBytes = min(UInt64(count) * 2048, size)
        try? handle.seek(toOffset: size - tailBytes)
        guard let tail = try? handle.readToEnd() else { return }
        let lines = tail.split(separator: 0x0A).dropFirst().suffix(count)
        var appended = Data()
        for l in lines { appended += l; appended.append(0x0A) }
        guard (try? handle.seekToEnd()) != nil, (try? handle.write(contentsOf: appended)) != nil else { return }
        Report.line("  appended \(lines.count) submissions (\(Report.f(Double(appended.count) / 1e6, 1)) MB) to the store:")
        guard let a = Steps.cli("waves reliability, extending the column cache", rel), let b = Steps.cli("waves change --between role, extending it", ch),
              let c = Steps.cli("waves lmm --slopes, extending it", lm), Steps.cli("waves status, extending the index cache", ["status"]) != nil else { return }
        let total = a.seconds + b.seconds + c.seconds
        var line = "  issue 14 bundle after \(lines.count) appended submissions: \(Report.f(total)) s"
        if let r = rComputing { line += ": Waves is \(Report.f(r / total, 1))x faster than R computing the same (target 20x)" }
        Report.line(line)
    }
}
