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
        let opened: OpenFile?
        do { opened = try log.openForReading() } catch let e as FileIOError { throw StoreError.file(e) }
        guard let file = opened else { return }
        let workers = max(1, workers)
        var caches = [AnswerKeyCache](repeating: AnswerKeyCache(), count: workers)
        var buffer = [UInt8](repeating: 0, count: max(1, blockSize))
        var filled = 0
        var lineNo = 0
        var atEnd = false
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
                let outcomes = decode(bytes, lines: lines, caches: &caches)
                for (k, o) in outcomes.enumerated() { try body(o, lineNo + k + 1) }
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
        if filled > 0 { try body(.problem(tornMessage), lineNo + 1) }
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
    static func decode(_ bytes: UnsafeRawBufferPointer, lines: [Range<Int>], caches: inout [AnswerKeyCache]) -> [Outcome] {
        let workers = min(caches.count, max(1, lines.count / 256))
        if workers <= 1 {
            return lines.map { decodeLine(UnsafeRawBufferPointer(rebasing: bytes[$0]), cache: &caches[0]) }
        }
        let results = UnsafeMutableBufferPointer<Outcome>.allocate(capacity: lines.count)
        defer { results.deallocate() }
        let shared = SharedScanState(bytes: bytes, lines: lines, results: results, caches: caches)
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            let lo = lines.count * w / workers, hi = lines.count * (w + 1) / workers
            var cache = shared.cache(at: w)
            for k in lo..<hi {
                (shared.results.baseAddress! + k).initialize(to: decodeLine(UnsafeRawBufferPointer(rebasing: shared.bytes[shared.lines[k]]), cache: &cache))
            }
            shared.storeCache(cache, at: w)
        }
        caches = (0..<caches.count).map { shared.cache(at: $0) }
        let out = Array(results)
        _ = results.deinitialize()
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

/// The block, the result slots and the key caches, shared by the decoding threads of one
/// block. Each thread writes only its own share of `results` and its own cache slot, and
/// the block is read-only while they run, so no two threads touch the same memory.
private final class SharedScanState: @unchecked Sendable {
    let bytes: UnsafeRawBufferPointer
    let lines: [Range<Int>]
    let results: UnsafeMutableBufferPointer<StoreScan.Outcome>
    private(set) var caches: [AnswerKeyCache]
    private let lock = NSLock()

    init(bytes: UnsafeRawBufferPointer, lines: [Range<Int>], results: UnsafeMutableBufferPointer<StoreScan.Outcome>, caches: [AnswerKeyCache]) {
        self.bytes = bytes; self.lines = lines; self.results = results; self.caches = caches
    }

    func cache(at w: Int) -> AnswerKeyCache {
        lock.lock(); defer { lock.unlock() }
        return caches[w]
    }

    func storeCache(_ cache: AnswerKeyCache, at w: Int) {
        lock.lock(); caches[w] = cache; lock.unlock()
    }
}
