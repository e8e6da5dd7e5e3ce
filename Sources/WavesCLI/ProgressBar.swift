import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A progress bar on standard error for long computations.
///
/// Drawn only when standard error is a terminal and the work has run for more than a second
/// (never in pipes, files or tests), redrawn at most ten times a second, erased at the end.
/// `advance` may be called from any thread.
final class ProgressBar: @unchecked Sendable {
    private let lock = NSLock()
    private let total: Int?
    private let unit: String
    private let enabled: Bool
    private let start = DispatchTime.now().uptimeNanoseconds
    private var done = 0
    private var lastDraw: UInt64 = 0
    private var drawn = false

    /// - Parameters: `total` nil when the amount of work is not known in advance (a search).
    init(total: Int?, unit: String) {
        self.total = total
        self.unit = unit
        enabled = isatty(STDERR_FILENO) == 1
    }

    func advance(_ k: Int) {
        guard enabled else { return }
        lock.lock(); defer { lock.unlock() }
        done += k
        let now = DispatchTime.now().uptimeNanoseconds
        guard now - start > 1_000_000_000, now - lastDraw > 100_000_000 else { return }
        lastDraw = now
        drawn = true
        let secs = Int(Double(now - start) / 1e9)
        var line: String
        if let total, total > 0 {
            let frac = min(1, Double(done) / Double(total))
            let filled = Int(frac * 30)
            line = "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: 30 - filled) + "] "
                + String(format: "%3.0f%%", frac * 100) + " \(done)/\(total) \(unit)"
        } else {
            line = "\(done) \(unit)"
        }
        line += ", \(secs) s"
        Output.write(STDERR_FILENO, "\r\u{1B}[K" + line)
    }

    /// Erases the bar if it was drawn.
    func finish() {
        lock.lock(); defer { lock.unlock() }
        if drawn { Output.write(STDERR_FILENO, "\r\u{1B}[K") }
        drawn = false
    }
}
