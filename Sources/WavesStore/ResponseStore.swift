import Foundation
import WavesCore

/// The append-only JSON Lines store (`data/responses.jsonl`).
///
/// Appends go through `AppendLog` (all lines of one append in one `write` under an exclusive
/// `flock`, then `fsync`; created 0600; a symbolic link at the store or at `data/` is
/// refused, never followed). Nothing in Waves ever deletes or rewrites a line of the store.
public struct ResponseStore: Sendable {
    public let url: URL

    public init(url: URL) { self.url = url }

    /// Appends one record as one line.
    public func append(_ record: ResponseRecord) throws {
        try append([record])
    }

    /// Appends records all together: either every line lands or none does.
    ///
    /// Each record gets `prev`, the SHA-256 of the line before it (spec formats.md), computed
    /// under the store's lock from the file's last complete line, so concurrent writers
    /// (take, import, simulate, the kiosk) keep one hash chain (`HashChain.verify`).
    ///
    /// With `durable: false` the lines are not flushed here (an import's slices): the caller
    /// calls `sync()` before anything that counts on them (`ImportLog`).
    public func append(_ records: [ResponseRecord], durable: Bool = true) throws {
        guard !records.isEmpty else { return }
        do {
            try log.withLockedFile { locked in
                var prev = try locked.lastLine().map { ContentHash.sha256Hex($0) }
                var bytes: [UInt8] = []
                bytes.reserveCapacity(records.count * 1024)
                for var r in records {
                    r.prev = prev
                    let start = bytes.count
                    r.writeJSONLine(into: &bytes)
                    prev = bytes.withUnsafeBytes { ContentHash.sha256Hex(UnsafeRawBufferPointer(rebasing: $0[start...])) }
                    bytes.append(0x0A)
                }
                try locked.append(bytes, durable: durable)
            }
        } catch let e as FileIOError { throw StoreError.file(e) }
    }

    /// Flushes the store to the disk (`fsync`): after appends that were not `durable`.
    public func sync() throws {
        do { try log.withLockedFile { try $0.sync() } } catch let e as FileIOError { throw StoreError.file(e) }
    }

    /// Appends bytes that already hold complete lines (each ending in `\n`).
    func appendRaw(_ bytes: [UInt8]) throws {
        do { try log.append(bytes) } catch let e as FileIOError { throw StoreError.file(e) }
    }

    /// The store as an append-only log under `data/` (locked, no links followed, 0600).
    public var log: AppendLog { AppendLog(url: url, role: "the store") }

    /// Checks that records can be appended (before a participant's first answer): the store
    /// and `data/` are not links, the store is a regular file (or can be created).
    public func checkUsable() throws {
        do { try log.checkUsable() } catch let e as FileIOError { throw StoreError.file(e) }
    }

    /// The permission bits of an existing store that other users can read (group or others
    /// have read permission), else nil: the caller warns, since the store holds the answers.
    public var exposedPermissions: UInt16? {
        guard let p = log.permissions, p & 0o044 != 0 else { return nil }
        return p
    }

    /// Reads every line in a streaming pass, calling `body` for each good record
    /// with its line number, in store order; malformed lines are returned as problems and
    /// reading goes on. Records of an import that did not finish (`ImportLog`) are problems too.
    /// Lines are decoded on `workers` threads (every core by default,
    /// `StoreScan`); `body` runs on the caller's thread, one record at a time.
    @discardableResult
    public func scan(workers: Int? = nil, _ body: (ResponseRecord, Int) throws -> Void) throws -> [StoreProblem] {
        try scan(workers: workers, transform: { $0 }, body)
    }

    /// `scan`, with each record's own work (`transform`) done on the decoding threads: `body`
    /// gets what `transform` made of each good record, with its line number, in store order,
    /// on the caller's thread. The same lines count, with the same problems, as in `scan`
    /// (`StoreScanTests`). For a pass whose work per record outweighs the decoding (`waves
    /// quality`), which on the one consuming thread left the other cores idle.
    @discardableResult
    public func scan<T>(workers: Int? = nil, transform: @escaping @Sendable (ResponseRecord) -> T,
                        _ body: (T, Int) throws -> Void) throws -> [StoreProblem] {
        // Without a plan the fast record path (`FastRecordScan.swift`) is off: every line is strict.
        try scan(workers: workers, plan: nil, transformFast: { _ in nil }, transform: transform, body)
    }

    /// Hands a decoded line to `body`, or notes its problem: the one place where a scan's
    /// consumer decides what counts (a valid record of a finished import).
    static func deliver<T>(_ checked: CheckedLine<T>, line lineNo: Int, finished: Set<String>, problems: inout [StoreProblem],
                           _ body: (T, Int) throws -> Void) throws {
        switch checked {
        case .blank: return
        case .record(let value, let batch):
            if let problem = unfinishedImport(batch, finished: finished, line: lineNo) {
                problems.append(problem)
                return
            }
            try body(value, lineNo)
        case .problem(let message): problems.append(StoreProblem(line: lineNo, message: message))
        }
    }

    /// Reads the whole store into memory (records with their line numbers, and problems).
    public func read() throws -> StoreContents {
        var records: [StoredRecord] = []
        let problems = try scan { r, line in records.append(StoredRecord(record: r, line: line)) }
        return StoreContents(records: records, problems: problems)
    }

    /// Whether anything is at the store's path (a link counts: reading it is then an error).
    public var exists: Bool { log.exists }

    /// About how many lines the store holds: its size over the mean length of the lines in its
    /// first 64 KB (0 for an empty or missing store). Only a hint for sizing buffers before a
    /// scan; never a count.
    public func estimatedLineCount() -> Int {
        guard let file = try? log.openForReading(), let size = try? file.size(), size > 0 else { return 0 }
        var sample = [UInt8](repeating: 0, count: Int(min(size, 1 << 16)))
        let n = (try? sample.withUnsafeMutableBytes { try file.read(into: $0) }) ?? 0
        let ends = sample.prefix(n).reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
        guard ends > 0 else { return 1 }
        return Int((Double(size) * Double(ends) / Double(n)).rounded(.up))
    }
}
