import Dispatch
import Foundation
import Glibc
import WavesCore

/// Reads a store in blocks of whole lines and decodes the lines of each block on every core.
///
/// The file is read in blocks of about `blockSize` bytes; each block is cut at its last line
/// end (the rest is carried into the next block), its lines are split into one contiguous
/// share per worker, and every worker decodes its share with the one strict record decoder
/// (`ResponseRecord.decode`, the same grammar and rules as `JSONParser` +
/// `ResponseRecord(json:)`). The records are then handed to the caller one by one in store
/// order, on the caller's thread, so a consumer sees exactly what a serial scan gives it.
/// Memory stays at one block and its decoded records, whatever the store's size.
///
/// Written by hand because no library here splits and decodes JSON Lines in parallel; it is
/// the only place in Waves that runs store decoding on several threads.
enum StoreScan {
    /// What one line turned into.
    enum Outcome {
        case blank
        case record(ResponseRecord)
        case problem(String)
    }

    static let blockSize = 1 << 23

    /// The number of decoding threads to use by default: every core.
    static var defaultWorkers: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }

    /// Calls `body` for each line in store order: its outcome and its 1-based line number.
    /// A last line without a line end is reported as torn, as every reader of `data/` logs does.
    static func forEachOutcome(_ log: AppendLog, workers: Int, blockSize: Int = StoreScan.blockSize, _ body: (Outcome, Int) throws -> Void) throws {
        try forEachLine(log, workers: workers, blockSize: blockSize, state: AnswerKeyCache(),
                        decode: { line, cache in decodeLine(line, cache: &cache) },
                        problem: { .problem($0) }, body)
    }

    /// The block reader behind every scan: decodes each line with `decode` (each thread with its
    /// own copy of `state`) and calls `body` with the results in store order on the caller's thread.
    ///
    /// Pipelined: while the caller's `body` consumes one block's results, the next block is
    /// already being read and decoded, so a consumer's own work overlaps the decoding.
    static func forEachLine<State, Result>(_ log: AppendLog, workers: Int, blockSize: Int = StoreScan.blockSize, state: State,
                                           decode: @escaping @Sendable (UnsafeRawBufferPointer, inout State) -> Result,
                                           problem: (String) -> Result,
                                           _ body: (Result, Int) throws -> Void) throws {
        let opened: OpenFile?
        do { opened = try log.openForReading() } catch let e as FileIOError { throw StoreError.file(e) }
        guard let file = opened else { return }
        let job = BlockJob(states: [State](repeating: state, count: max(1, workers)), decode: decode)
        var buffer = [UInt8](repeating: 0, count: max(1, blockSize))
        var filled = 0
        var lineNo = 0
        var atEnd = false
        var pending: (results: [Result], firstLine: Int) = ([], 0)
        func consume() throws {
            for (k, o) in pending.results.enumerated() { try body(o, pending.firstLine + k) }
            pending.results = []
        }
        while !atEnd {
            // Fill the buffer after the carried partial line; grow it when one line fills it.
            if filled == buffer.count { buffer.append(contentsOf: repeatElement(0, count: buffer.count)) }
            let n: Int
            do {
                n = try buffer.withUnsafeMutableBytes { raw in
                    try file.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[filled...]))
                }
            } catch let e as FileIOError { throw StoreError.file(e) }
            if n == 0 { atEnd = true } else { filled += n }
            let used: Int = try buffer.withUnsafeBytes { raw in
                let bytes = UnsafeRawBufferPointer(rebasing: raw[0..<filled])
                let lines = lineRanges(bytes)
                guard !lines.isEmpty else { return 0 }
                // Decode this block on the workers while the previous one is consumed here.
                let group = DispatchGroup()
                job.start(bytes, lines: lines, group: group)
                do { try consume() } catch { group.wait(); throw error }
                group.wait()
                pending = (job.takeResults(), lineNo + 1)
                lineNo += lines.count
                return lines.last!.upperBound + 1
            }
            if used > 0 {
                buffer.withUnsafeMutableBytes { raw in
                    if filled > used { memmove(raw.baseAddress!, raw.baseAddress! + used, filled - used) }
                }
                filled -= used
            }
        }
        try consume()
        if filled > 0 { try body(problem(tornMessage), lineNo + 1) }
    }

    static let tornMessage = "the last line is incomplete (no line end): a torn write; it is kept as it is and ignored"

    /// The byte ranges of the complete lines (line end excluded) in `bytes`.
    static func lineRanges(_ bytes: UnsafeRawBufferPointer) -> [Range<Int>] {
        var out: [Range<Int>] = []
        guard let base = bytes.baseAddress else { return out }
        var start = 0
        while start < bytes.count, let p = memchr(base + start, 0x0A, bytes.count - start) {
            let nl = base.distance(to: UnsafeRawPointer(p))
            out.append(start..<nl)
            start = nl + 1
        }
        return out
    }

    /// Decodes the lines in parallel: worker `w` takes the `w`-th contiguous share.
    static func decodeBlock<State, Result>(_ bytes: UnsafeRawBufferPointer, lines: [Range<Int>], states: inout [State],
                                           _ decodeLine: @escaping @Sendable (UnsafeRawBufferPointer, inout State) -> Result) -> [Result] {
        let workers = min(states.count, max(1, lines.count / 256))
        if workers <= 1 {
            return lines.map { decodeLine(UnsafeRawBufferPointer(rebasing: bytes[$0]), &states[0]) }
        }
        var shared: SharedScanState<State, Result>?
        let out = [Result](unsafeUninitializedCapacity: lines.count) { results, count in
            let s = SharedScanState(bytes: bytes, lines: lines, results: results, states: states)
            DispatchQueue.concurrentPerform(iterations: workers) { w in
                let lo = lines.count * w / workers, hi = lines.count * (w + 1) / workers
                var state = s.state(at: w)
                for k in lo..<hi {
                    (s.results.baseAddress! + k).initialize(to: decodeLine(UnsafeRawBufferPointer(rebasing: s.bytes[s.lines[k]]), &state))
                }
                s.storeState(state, at: w)
            }
            count = lines.count
            shared = s
        }
        if let shared { states = (0..<states.count).map { shared.state(at: $0) } }
        return out
    }

    /// One line through the strict decoder, with the messages `ResponseStore.scan` has always given.
    static func decodeLine(_ line: UnsafeRawBufferPointer, cache: inout AnswerKeyCache) -> Outcome {
        if line.isEmpty { return .blank }
        do {
            return .record(try ResponseRecord.decode(line: line, keys: &cache))
        } catch let e as RecordError {
            return .problem(e.message)
        } catch let e as LocalizedError {
            return .problem("not valid JSON: \(e.errorDescription ?? "\(e)")")
        } catch {
            return .problem("not valid JSON: \(error)")
        }
    }
}

/// The block, the result slots and the per-thread states, shared by the decoding threads of
/// one block. Each thread writes only its own share of `results` and its own state slot, and
/// the block is read-only while they run, so no two threads touch the same memory.
private final class SharedScanState<State, Result>: @unchecked Sendable {
    let bytes: UnsafeRawBufferPointer
    let lines: [Range<Int>]
    let results: UnsafeMutableBufferPointer<Result>
    private var states: [State]
    private let lock = NSLock()

    init(bytes: UnsafeRawBufferPointer, lines: [Range<Int>], results: UnsafeMutableBufferPointer<Result>, states: [State]) {
        self.bytes = bytes; self.lines = lines; self.results = results; self.states = states
    }

    func state(at w: Int) -> State {
        lock.lock(); defer { lock.unlock() }
        return states[w]
    }

    func storeState(_ state: State, at w: Int) {
        lock.lock(); states[w] = state; lock.unlock()
    }
}

/// One block's decoding, run on a background thread while the caller consumes the block
/// before it. Only one block is decoded at a time, so `states` is never shared; the caller
/// waits on the group before it touches the buffer or the results again.
private final class BlockJob<State, Result>: @unchecked Sendable {
    private var states: [State]
    private let decode: @Sendable (UnsafeRawBufferPointer, inout State) -> Result
    private var results: [Result] = []

    init(states: [State], decode: @escaping @Sendable (UnsafeRawBufferPointer, inout State) -> Result) {
        self.states = states; self.decode = decode
    }

    private var bytes = UnsafeRawBufferPointer(start: nil, count: 0)
    private var lines: [Range<Int>] = []

    func start(_ bytes: UnsafeRawBufferPointer, lines: [Range<Int>], group: DispatchGroup) {
        self.bytes = bytes
        self.lines = lines
        DispatchQueue.global().async(group: group) { [self] in
            results = StoreScan.decodeBlock(self.bytes, lines: self.lines, states: &states, decode)
        }
    }

    func takeResults() -> [Result] {
        defer { results = [] }
        return results
    }
}
