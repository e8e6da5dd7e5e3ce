import Foundation
#if canImport(Glibc)
import Glibc
#endif
import WavesAnalysis
import WavesCore
import WavesStore

/// The benchmark tasks; each prints one summary line.
enum Tasks {
    static let order = ["store-scan", "store-matrix"]

    static func run(_ name: String, _ rest: [String]) -> Int32 {
        do {
            switch name {
            case "store-scan": try storeScan()
            case "store-matrix": try storeMatrix()
            default: Report.line("unknown task \(name)"); return 2
            }
            return 0
        } catch {
            Report.line("error: \(error)")
            return 1
        }
    }

    static var store: ResponseStore { ResponseStore(url: BenchStudy.directory.appendingPathComponent("data/responses.jsonl")) }

    /// Issue 3: store read throughput on one core (parse every line into a record).
    static func storeScan() throws {
        let size = Double((try FileManager.default.attributesOfItem(atPath: store.url.path)[.size] as? Int) ?? 0)
        var n = 0
        let (problems, secs) = try Measure.time { try store.scan { _, _ in n += 1 } }
        Report.line("store read (parse every record): \(n) records, \(Report.f(size / 1e6 / secs, 1)) MB/s, \(Report.f(Double(n) / secs / 1000, 1))k records/s, \(problems.count) problems (target >= 150 MB/s)")
    }

    /// Issue 3: store -> dense participant x wave x item matrix; peak memory vs the matrix size.
    static func storeMatrix() throws {
        let bundle = try StudyLoader.load(directory: BenchStudy.directory)
        let (d, secs) = try Measure.time { try InstrumentData.load(bundle, instrument: bundle.instruments[0]) }
        let matrixMB = Double(d.values.count * 8) / 1e6
        var usage = rusage(); getrusage(RUSAGE_SELF.rawValue, &usage)
        let peak = Double(usage.ru_maxrss) / 1024
        Report.line("store -> answer matrix: \(d.participants.count) participants, \(Report.f(secs)) s, dense matrix \(Report.f(matrixMB, 0)) MB, peak \(Report.f(peak, 0)) MB = \(Report.f(peak / matrixMB)) x matrix (target < 3x)")
    }
}
