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
    /// result handed to `write` in order on the calling thread; at most two chunks per core are
    /// rendered and not yet written at once. For output formatted in pieces and written in order
    /// (`waves score`'s rows, CSV exports, the quality table, sav/dta pass 1, rci's table).
    /// Call it from a command's own thread, never from inside `map`'s workers: its workers are
    /// the global queue's threads, and waiting for them from one of those could starve them.
    public static func forEachChunk<T: Sendable>(_ range: Range<Int>, chunk: Int, workers: Int = ProcessInfo.processInfo.activeProcessorCount,
                                                 _ render: @Sendable (Range<Int>) -> T, write: (T) throws -> Void) rethrows {
        let size = max(1, chunk)
        let chunks = stride(from: range.lowerBound, to: range.upperBound, by: size).map { $0..<min($0 + size, range.upperBound) }
        let threads = max(1, min(workers, chunks.count))
        if threads == 1 {
            for c in chunks { try write(render(c)) }
            return
        }
        // Pipelined: the workers render ahead (at most two chunks per core not yet written) while
        // the calling thread writes the chunks in order, so writing (a file's or a pipe's system
        // calls, ReadStat's rows) overlaps the rendering of the next chunks. Until session 13 a
        // batch of chunks was rendered, then written while every worker waited.
        let window = Window<T>(count: chunks.count, ahead: 2 * threads)
        try withoutActuallyEscaping(render) { render in
            let group = DispatchGroup()
            for _ in 0..<threads {
                DispatchQueue.global().async(group: group) {
                    while let k = window.claim() { window.store(render(chunks[k]), at: k) }
                }
            }
            // On a write's error the workers stop taking chunks; they are waited for either way
            // (`render` must not outlive this call).
            defer { window.stop(); group.wait() }
            for k in chunks.indices { try write(window.take(k)) }
        }
    }

    /// The chunks of `forEachChunk`: the next to render (never more than `ahead` past the first
    /// not yet taken), the rendered ones, and a stop; one condition for every wait.
    private final class Window<Output: Sendable>: @unchecked Sendable {
        private let condition = NSCondition()
        private var next = 0, taken = 0, stopped = false
        private var out: [Output?]
        private let ahead: Int
        init(count: Int, ahead: Int) { out = Array(repeating: nil, count: count); self.ahead = max(1, ahead) }

        /// The next chunk to render, once it is within `ahead` of the writer; nil when none is left.
        func claim() -> Int? {
            condition.lock(); defer { condition.unlock() }
            while !stopped && next < out.count && next >= taken + ahead { condition.wait() }
            guard !stopped, next < out.count else { return nil }
            next += 1
            return next - 1
        }
        func store(_ value: Output, at k: Int) {
            condition.lock(); out[k] = value; condition.broadcast(); condition.unlock()
        }
        /// Waits for chunk `k` (taken in order) and hands it over.
        func take(_ k: Int) -> Output {
            condition.lock(); defer { condition.unlock() }
            while out[k] == nil { condition.wait() }
            let value = out[k]!
            out[k] = nil
            taken = k + 1
            condition.broadcast()
            return value
        }
        func stop() { condition.lock(); stopped = true; condition.broadcast(); condition.unlock() }
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
