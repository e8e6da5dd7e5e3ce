import Dispatch
import Foundation

/// Independent pieces of work run at once on every core, results in input order.
///
/// For coarse tasks (a report's scale sections, a store index beside them): each task is a
/// pure function of its input, so the result does not depend on which finishes first.
/// Written here because the Swift packages available (swift-collections, swift-numerics,
/// swift-system, NIO) offer no ordered parallel map over a thread pool; it is a thin layer
/// over `DispatchQueue.concurrentPerform`.
public enum Parallel {
    /// `inputs.map(body)`, with the calls spread over `workers` threads (every core by
    /// default); tasks are taken in input order, so put the longest first.
    public static func map<Input: Sendable, Output: Sendable>(_ inputs: [Input], workers: Int = ProcessInfo.processInfo.activeProcessorCount,
                                                              _ body: @Sendable (Input) -> Output) -> [Output] {
        let n = inputs.count
        let threads = max(1, min(workers, n))
        if threads == 1 { return inputs.map(body) }
        let slots = Slots<Output>(count: n)
        DispatchQueue.concurrentPerform(iterations: threads) { _ in
            while let k = slots.claim() { slots.store(body(inputs[k]), at: k) }
        }
        return slots.results()
    }

    /// `render(range)` for each chunk of `chunk` indices of `range`, on every core, each chunk's
    /// result handed to `write` in order; at most two chunks per core are held at once. For
    /// output formatted in pieces and written in order (`waves score`'s rows, CSV exports).
    public static func forEachChunk<T: Sendable>(_ range: Range<Int>, chunk: Int, workers: Int = ProcessInfo.processInfo.activeProcessorCount,
                                                 _ render: @Sendable (Range<Int>) -> T, write: (T) throws -> Void) rethrows {
        let size = max(1, chunk)
        let chunks = stride(from: range.lowerBound, to: range.upperBound, by: size).map { $0..<min($0 + size, range.upperBound) }
        let batch = 2 * max(1, workers)
        for start in stride(from: 0, to: chunks.count, by: batch) {
            for out in map(Array(chunks[start..<min(start + batch, chunks.count)]), workers: workers, render) { try write(out) }
        }
    }

    /// The next task to take and the finished results, behind one lock.
    private final class Slots<Output: Sendable>: @unchecked Sendable {
        private let lock = NSLock()
        private var next = 0
        private var out: [Output?]
        init(count: Int) { out = Array(repeating: nil, count: count) }
        func claim() -> Int? {
            lock.lock(); defer { lock.unlock() }
            guard next < out.count else { return nil }
            next += 1
            return next - 1
        }
        func store(_ value: Output, at k: Int) { lock.lock(); out[k] = value; lock.unlock() }
        func results() -> [Output] { lock.lock(); defer { lock.unlock() }; return out.map { $0! } }
    }
}
