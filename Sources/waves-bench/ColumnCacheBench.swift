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
    }
}
