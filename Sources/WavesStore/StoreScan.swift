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
/// One line as a decoding thread leaves it for a scan's consumer (`ResponseStore.scan`,
/// `scanWithChain`): blank, a valid record made ready by the scan's `prepare` with its import
/// batch, or a problem. `ResponseStore.deliver` decides what of it counts.
enum CheckedLine<Prepared> {
    case blank
    case record(Prepared, batch: String?)
    case problem(String)

    init(_ outcome: StoreScan.Outcome, prepare: (ResponseRecord) -> Prepared) {
        switch outcome {
        case .blank: self = .blank
        case .record(let r): self = .record(prepare(r), batch: r.batch)
        case .problem(let m): self = .problem(m)
        }
    }
}

enum StoreScan {
    /// What one line turned into.
    enum Outcome {
        case blank
        case record(ResponseRecord)
        case problem(String)
    }

    /// About 2 MB of lines per block (two blocks and their decoded rows are held while reading):
    /// 8 MB blocks cost the report's store scan about 20 MB more at its peak (issue 14, session
    /// 12) and read no faster (user CPU the same within the noise at 100,000 participants).
    static let blockSize = 1 << 21

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
    /// Pipelined: while the workers decode one block, the caller's thread hands over the results
    /// of the block before it (to `body`) and reads the next block from the file, so reading,
    /// decoding and the consumer's own work overlap. Two blocks and two result slabs are kept
    /// and reused, so memory stays at two blocks and their decoded results whatever the store's size.
    ///
    /// `span`, when given, says where to start (after a prefix of whole lines already read) and
    /// learns where the complete lines read end, with their bytes fed to it in order (`StoreSpan`).
    static func forEachLine<State, Result>(_ log: AppendLog, workers: Int, blockSize: Int = StoreScan.blockSize, state: State,
                                           span: StoreSpan? = nil,
                                           decode: @escaping @Sendable (UnsafeRawBufferPointer, inout State) -> Result,
                                           problem: (String) -> Result,
                                           _ body: (Result, Int) throws -> Void) throws {
        let opened: OpenFile?
        if let given = span?.file { opened = given } else {
            do { opened = try log.openForReading() } catch let e as FileIOError { throw StoreError.file(e) }
        }
        guard let file = opened else { return }
        let job = BlockJob(states: [State](repeating: state, count: max(1, workers)), decode: decode)
        var current = LineBlock(capacity: max(1, blockSize)), next = LineBlock(capacity: max(1, blockSize))
        var slab = ResultSlab<Result>(), pending = ResultSlab<Result>()
        var lineNo = span?.lines ?? 0
        var pendingFirstLine = lineNo
        var position = span?.bytes ?? 0
        var atEnd = false
        func load(_ block: LineBlock, carry: UnsafeRawBufferPointer) throws {
            do { try block.load(file, from: &position, carry: carry, atEnd: &atEnd) } catch let e as FileIOError { throw StoreError.file(e) }
            span?.read(block)
        }
        try load(current, carry: UnsafeRawBufferPointer(start: nil, count: 0))
        while !current.lines.isEmpty {
            let group = DispatchGroup()
            job.start(current, into: slab, group: group)
            do {
                try pending.consume(firstLine: pendingFirstLine, body)
                try load(next, carry: current.tail)
            } catch {
                group.wait()
                slab.clear()
                throw error
            }
            group.wait()
            swap(&slab, &pending)
            pendingFirstLine = lineNo + 1
            lineNo += current.lines.count
            swap(&current, &next)
        }
        try pending.consume(firstLine: pendingFirstLine, body)
        if current.filled > 0 { try body(problem(tornMessage), lineNo + 1) }
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

    /// Decodes the lines of `block` into `slab` on the workers: each worker takes chunks of
    /// `chunk` lines in turn until none is left (so a worker slowed by other work on its core
    /// does not hold up the block), each with its own state.
    static func decodeBlock<State, Result>(_ block: LineBlock, into slab: ResultSlab<Result>, states: inout [State], chunk: Int = 256,
                                           _ decodeLine: @escaping @Sendable (UnsafeRawBufferPointer, inout State) -> Result) {
        let lines = block.lines
        slab.prepare(count: lines.count)
        let out = slab.base
        let bytes = UnsafeRawBufferPointer(block.bytes)
        let workers = min(states.count, max(1, lines.count / chunk))
        if workers <= 1 {
            for (k, range) in lines.enumerated() {
                (out + k).initialize(to: decodeLine(UnsafeRawBufferPointer(rebasing: bytes[range]), &states[0]))
            }
            return
        }
        let shared = SharedScanState(states: states, chunks: (lines.count + chunk - 1) / chunk, bytes: bytes, lines: lines, out: out)
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            var state = shared.state(at: w)
            while let c = shared.claim() {
                for k in c * chunk..<min(shared.lines.count, (c + 1) * chunk) {
                    (shared.out + k).initialize(to: decodeLine(UnsafeRawBufferPointer(rebasing: shared.bytes[shared.lines[k]]), &state))
                }
            }
            shared.storeState(state, at: w)
        }
        states = (0..<states.count).map { shared.state(at: $0) }
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

/// Where a scan of the store starts and what it read, so that a derived cache made from the
/// store's first `bytes` (its first `lines` lines, each with its line end) can be extended with
/// only the lines appended since, instead of reading the whole store again (`DerivedCache`,
/// issue 14). The caller proves the prefix unchanged (its hash, on this same open `file`) before
/// it asks for a scan from its end.
///
/// After the scan, `bytes` and `lines` are where the complete lines read end (a torn last line
/// is not counted: it may still be completed), and `feed` has seen every byte of them in order.
public final class StoreSpan {
    /// The store, already opened (nil: the scan opens it).
    public let file: OpenFile?
    public private(set) var bytes: Int64
    public private(set) var lines: Int
    private let feed: ((UnsafeRawBufferPointer) -> Void)?

    /// A scan of `file` (nil: the store, opened by the scan) from byte `bytes`, the end of line
    /// `lines` (0, 0: from the start); `feed` sees the bytes of the complete lines read.
    public init(file: OpenFile? = nil, bytes: Int64 = 0, lines: Int = 0, feed: ((UnsafeRawBufferPointer) -> Void)? = nil) {
        self.file = file; self.bytes = bytes; self.lines = lines; self.feed = feed
    }

    /// Counts a block just read (its complete lines; the carried start of its first line was
    /// not counted before, being no complete line then).
    func read(_ block: LineBlock) {
        let whole = block.whole
        bytes += Int64(whole.count)
        lines += block.lines.count
        feed?(whole)
    }
}

/// The per-thread states and the next chunk to take, shared by the decoding threads of one
/// block. Each thread writes only the result slots of the chunks it claimed and its own state
/// slot, and the block is read-only while they run, so no two threads touch the same memory.
private final class SharedScanState<State, Result>: @unchecked Sendable {
    let bytes: UnsafeRawBufferPointer
    let lines: [Range<Int>]
    let out: UnsafeMutablePointer<Result>
    private var states: [State]
    private var next = 0
    private let chunks: Int
    private let lock = NSLock()

    init(states: [State], chunks: Int, bytes: UnsafeRawBufferPointer, lines: [Range<Int>], out: UnsafeMutablePointer<Result>) {
        self.states = states; self.chunks = chunks; self.bytes = bytes; self.lines = lines; self.out = out
    }

    func claim() -> Int? {
        lock.lock(); defer { lock.unlock() }
        guard next < chunks else { return nil }
        next += 1
        return next - 1
    }

    func state(at w: Int) -> State {
        lock.lock(); defer { lock.unlock() }
        return states[w]
    }

    func storeState(_ state: State, at w: Int) {
        lock.lock(); states[w] = state; lock.unlock()
    }
}

/// A block of the file: whole lines, plus the start of a line cut by the block's end (the
/// tail, carried into the next block). Its memory is kept from block to block.
final class LineBlock: @unchecked Sendable {
    private(set) var storage: UnsafeMutableRawBufferPointer
    private(set) var filled = 0
    /// The complete lines (line end excluded).
    private(set) var lines: [Range<Int>] = []

    init(capacity: Int) { storage = .allocate(byteCount: capacity, alignment: 16) }
    deinit { storage.deallocate() }

    /// The bytes read, complete lines and tail.
    var bytes: UnsafeMutableRawBufferPointer { UnsafeMutableRawBufferPointer(rebasing: storage[0..<filled]) }
    /// The bytes after the last complete line.
    var tail: UnsafeRawBufferPointer {
        let used = lines.last.map { $0.upperBound + 1 } ?? 0
        return UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(storage)[used..<filled])
    }

    /// The bytes of the complete lines, line ends included.
    var whole: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(storage)[0..<(lines.last.map { $0.upperBound + 1 } ?? 0)])
    }

    /// Starts the block with `carry` (the tail of the block before) and reads the file at
    /// `position` (moved past what was read) until the block holds a complete line or the file
    /// ends; a line longer than the block makes the block grow.
    func load(_ file: OpenFile, from position: inout Int64, carry: UnsafeRawBufferPointer, atEnd: inout Bool) throws {
        if carry.count > storage.count { grow(to: carry.count * 2) }
        if carry.count > 0 { storage.baseAddress!.copyMemory(from: carry.baseAddress!, byteCount: carry.count) }
        filled = carry.count
        // The carry is a line's start without its end, so the block has no line until a read.
        lines = []
        while !atEnd && lines.isEmpty {
            if filled == storage.count { grow(to: storage.count * 2) }
            let n = try file.read(at: position, into: UnsafeMutableRawBufferPointer(rebasing: storage[filled...]))
            if n == 0 { atEnd = true } else { filled += n; position += Int64(n) }
            lines = StoreScan.lineRanges(UnsafeRawBufferPointer(bytes))
        }
    }

    private func grow(to capacity: Int) {
        let bigger = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: 16)
        if filled > 0 { bigger.baseAddress!.copyMemory(from: storage.baseAddress!, byteCount: filled) }
        storage.deallocate()
        storage = bigger
    }
}

/// One block's decoded results, handed to the consumer by moving each out (no copy, no
/// retain per field). Its memory is kept from block to block.
final class ResultSlab<Result>: @unchecked Sendable {
    private(set) var base: UnsafeMutablePointer<Result>
    private var capacity = 0
    private var count = 0

    init() { base = .allocate(capacity: 0) }
    deinit { clear(); base.deallocate() }

    /// Room for `n` results, to be initialised by the workers (the slab is empty).
    func prepare(count n: Int) {
        if n > capacity {
            base.deallocate()
            capacity = max(n, capacity * 2)
            base = .allocate(capacity: capacity)
        }
        count = n
    }

    /// Hands each result to `body` in order, moved out of the slab, and empties it. If `body`
    /// throws, the results not handed over are destroyed.
    func consume(firstLine: Int, _ body: (Result, Int) throws -> Void) throws {
        var k = 0
        defer {
            if k < count { (base + k).deinitialize(count: count - k) }
            count = 0
        }
        while k < count {
            let r = (base + k).move()
            k += 1
            try body(r, firstLine + k - 1)
        }
    }

    /// Destroys the results not handed over.
    func clear() {
        if count > 0 { base.deinitialize(count: count) }
        count = 0
    }
}

/// One block's decoding, run on a background thread while the caller consumes the block
/// before it. Only one block is decoded at a time, so `states` is never shared; the caller
/// waits on the group before it touches the block or the slab again.
private final class BlockJob<State, Result>: @unchecked Sendable {
    private var states: [State]
    private let decode: @Sendable (UnsafeRawBufferPointer, inout State) -> Result

    init(states: [State], decode: @escaping @Sendable (UnsafeRawBufferPointer, inout State) -> Result) {
        self.states = states; self.decode = decode
    }

    func start(_ block: LineBlock, into slab: ResultSlab<Result>, group: DispatchGroup) {
        DispatchQueue.global().async(group: group) { [self] in
            StoreScan.decodeBlock(block, into: slab, states: &states, decode)
        }
    }
}
