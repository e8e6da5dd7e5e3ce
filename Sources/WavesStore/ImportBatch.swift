import Foundation
import WavesCore

/// The log of finished imports, `data/imports.jsonl` (`format: waves.import/1`).
///
/// Every line of one `waves import` carries the import's `batch` id (spec/formats.md,
/// "Response records gain"). The lines are appended to the store in slices while the CSV is
/// read; only when the last slice is written does the import append one line here
/// (`batch`, `instrument`, `records`, `at`). A record whose `batch` has no line here belongs
/// to an import that was stopped (killed, disk full) and does not count: every reader of the
/// store goes through `ResponseStore.scan`, which sets such lines aside as problems that
/// `waves validate` explains. So a failed import leaves nothing visible to analyses, and an
/// import never holds the whole file's records.
public struct ImportLog: Sendable {
    public static let format = "waves.import/1"
    public let log: AppendLog

    /// The import log beside `store` (in the same `data/` folder).
    public init(store: ResponseStore) {
        log = AppendLog(url: store.url.deletingLastPathComponent().appendingPathComponent("imports.jsonl"), role: "the import log")
    }

    /// Records that import `batch` finished with `records` lines for `instrument`.
    public func complete(batch: String, instrument: String, records: Int, at: String = Timestamp.now) throws {
        let line = JSONWriter.string(.object(JSONObject([
            ("format", .string(Self.format)), ("batch", .string(batch)), ("instrument", .string(instrument)),
            ("records", .number(Double(records))), ("at", .string(at)),
        ])))
        do { try log.append(Array((line + "\n").utf8)) } catch let e as FileIOError { throw StoreError.file(e) }
    }

    /// The ids of every finished import (empty when the log does not exist). Lines that are
    /// not finished-import lines are passed over: the log only ever adds batches that count.
    public func completedBatches() throws -> Set<String> {
        let opened: OpenFile?
        do { opened = try log.openForReading() } catch let e as FileIOError { throw StoreError.file(e) }
        guard let file = opened else { return [] }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n: Int
            do { n = try chunk.withUnsafeMutableBytes { try file.read(into: $0) } } catch let e as FileIOError { throw StoreError.file(e) }
            if n == 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
        }
        var out = Set<String>()
        for line in bytes.split(separator: 0x0A) {
            let value = Array(line).withUnsafeBytes { try? JSONParser.parse($0) }
            guard case .object(let o)? = value, o["format"]?.stringValue == Self.format, let b = o["batch"]?.stringValue else { continue }
            out.insert(b)
        }
        return out
    }
}

extension ResponseRecord {
    /// The import this record came from (`batch`), nil for a record not made by an import.
    public var batch: String? { extra.last { $0.key == "batch" }?.value.stringValue }
}

/// `waves import` without holding the file's rows or records: check every row, then write the
/// records in slices under one `batch` id, then record the batch as finished (`ImportLog`).
public enum StreamingImport {
    public struct Outcome: Sendable {
        public var records: Int
        public var batch: String
        /// Records that repeat an earlier submission of the same participant, wave and instrument.
        public var repeated: Int
    }

    /// The memory the check pass may hold in checked rows for the write pass (`KeptRows`):
    /// about 60 bytes a row of 40 items, a sixth of those rows in the dense answer matrix (one
    /// byte a cell against eight), so the whole benchmark study's CSV (22 MB at 100,000
    /// participants) and the first part of larger ones.
    static let keptRowsBudget = 64 << 20

    /// Imports CSV bytes held in memory into `store` (tests and small files); see `run(reader:)`.
    public static func run(csv bytes: [UInt8], file: String, bundle: StudyBundle, instrument: Instrument, wave: String?,
                           store: ResponseStore, batch: String = UUID().uuidString.lowercased(),
                           submittedAt: String = Timestamp.now, sliceRecords: Int = 4096) throws -> Outcome {
        let reader = try LongCSVImporter.Reader(csv: bytes, file: file, bundle: bundle, instrument: instrument, wave: wave)
        return try run(reader: reader, bundle: bundle, instrument: instrument, store: store, batch: batch, submittedAt: submittedAt, sliceRecords: sliceRecords)
    }

    /// Imports the CSV file at `path` into `store`, reading it a slice at a time.
    public static func run(path: String, bundle: StudyBundle, instrument: Instrument, wave: String?,
                           store: ResponseStore, batch: String = UUID().uuidString.lowercased(),
                           submittedAt: String = Timestamp.now, sliceRecords: Int = 4096) throws -> Outcome {
        let reader = try LongCSVImporter.Reader(path: path, bundle: bundle, instrument: instrument, wave: wave)
        return try run(reader: reader, bundle: bundle, instrument: instrument, store: store, batch: batch, submittedAt: submittedAt, sliceRecords: sliceRecords)
    }

    /// Checks every row (throwing `ImportError` with every located problem before anything is
    /// written), then writes the store lines slice by slice under `batch`, flushes the store
    /// once, and records the batch as finished. The slices are not flushed one by one: until
    /// the batch is recorded no line of it counts, and the store is flushed before that.
    ///
    /// Every row is checked before the first line is written: a file with any problem must
    /// leave the store as it was (the store is append-only, so lines written before a late
    /// problem could never be taken back, and `waves validate` would report them for ever).
    /// The check pass keeps the checked rows of the first slices in a compact form while they
    /// fit in `keepBytes` (`KeptRows`; the whole file, for the benchmark study's), and their
    /// lines are written from those. The slices after them are read a second time: that pass
    /// writes only from slices whose bytes are the ones checked (their SHA-256), and checks
    /// each row again as it writes its line. `sliceRecords` is no longer used (the slices are
    /// the CSV's, about 1 MB).
    static func run(reader: LongCSVImporter.Reader, bundle: StudyBundle, instrument: Instrument,
                    store: ResponseStore, batch: String, submittedAt: String, sliceRecords: Int,
                    keepBytes: Int = keptRowsBudget) throws -> Outcome {
        var problems = reader.headerProblems
        var checked = LongCSVImporter.Reader.CheckOutcome()
        try reader.checkInParallel(problems: &problems, keepBytes: keepBytes, outcome: &checked)
        if !problems.isEmpty { throw ImportError(file: reader.file, problems: problems) }
        let rows = checked.rows
        // One pass over the store: which rows repeat a submission of this instrument at their wave.
        var repeatedKeys = Set<String>()
        try store.scanColumns(ColumnRequest()) { r, _ in
            if r.instrument == instrument.id {
                let k = r.participant + "\u{1}" + r.wave
                if checked.seen[k] != nil { repeatedKeys.insert(k) }
            }
        }
        checked.seen = [:]
        // The instrument version is kept before the first record names it (`InstrumentArchive`).
        if rows > 0 { try InstrumentArchive(store: store).keep(instrument) }
        guard let (header, _) = try LongCSVImporter.Reader.header(reader.slices, file: reader.file),
              header.fields.map({ $0.trimmingCharacters(in: .whitespaces) }) == reader.names else { throw reader.changed() }
        let parts = ImportLineParts(reader: reader, submittedAt: submittedAt, batch: batch)
        // Slices are formatted on every core, then chained and appended on a thread of their
        // own while the next slices are formatted.
        let writer = SliceWriter(store: store)
        var count = 0
        do {
            var pending: [LineSource] = [], spare: [LongCSVImporter.Reader.SliceCopy] = []
            var next = 0
            func flush() throws {
                guard !pending.isEmpty else { return }
                let job = LineJob(reader: reader, sources: pending, parts: parts, writer: writer)
                pending.removeAll()
                DispatchQueue.concurrentPerform(iterations: job.sources.count) { i in job.run(i) }
                let results = job.collect()
                spare += job.takeCopies()
                for result in results {
                    let lines = try result.get()
                    count += lines.count
                    try writer.submit(lines)
                }
            }
            // The rows the check pass kept, formatted without reading their slices again (each
            // is let go once handed over, so the kept rows shrink as the lines are written) ...
            var kept = checked.kept
            checked.kept = []
            for i in kept.indices {
                pending.append(.kept(kept[i]))
                kept[i] = KeptRows()
                next += 1
                if pending.count >= LongCSVImporter.Reader.workers { try flush() }
            }
            try flush()
            kept = []
            // ... then the slices after them, read again and written only from bytes that are the ones checked.
            try reader.slices.forEach(from: checked.keptEnd ?? reader.body) { slice in
                pending.append(.file(LongCSVImporter.Reader.SliceCopy(slice, reusing: spare.popLast()),
                                     digest: next < checked.digests.count ? checked.digests[next] : nil))
                next += 1
                if pending.count >= LongCSVImporter.Reader.workers { try flush() }
                return true
            }
            try flush()
            if next != checked.digests.count || count != rows { throw reader.changed() }
        } catch {
            // The batch is never recorded as finished: whatever was written does not count.
            try? writer.finish()
            throw error
        }
        try writer.finish()
        if count > 0 {
            try store.sync()
            try ImportLog(store: store).complete(batch: batch, instrument: instrument.id, records: count)
        }
        return Outcome(records: count, batch: batch, repeated: repeatedKeys.count)
    }
}

/// Where a slice's lines come from in the write pass: rows the check pass kept, or the slice
/// read again with the digest the check pass took of it.
enum LineSource {
    case kept(KeptRows)
    case file(LongCSVImporter.Reader.SliceCopy, digest: String?)
}

/// Slices' lines formatted side by side: each thread writes only its own result slot.
private final class LineJob: @unchecked Sendable {
    let reader: LongCSVImporter.Reader
    private(set) var sources: [LineSource]
    let parts: ImportLineParts
    let writer: SliceWriter
    private let results: UnsafeMutableBufferPointer<Result<ImportLines, any Error>>

    init(reader: LongCSVImporter.Reader, sources: [LineSource], parts: ImportLineParts, writer: SliceWriter) {
        self.reader = reader; self.sources = sources; self.parts = parts; self.writer = writer
        results = .allocate(capacity: sources.count)
    }

    func run(_ i: Int) {
        (results.baseAddress! + i).initialize(to: Result {
            switch sources[i] {
            case .kept(let kept): return reader.lines(kept: kept, parts: parts, into: writer.reuse())
            case .file(let copy, let digest): return try reader.lines(copy, digest: digest, parts: parts, into: writer.reuse())
            }
        })
    }

    /// The results in slice order (after every `run`).
    func collect() -> [Result<ImportLines, any Error>] { Array(results) }

    /// The copies of the slices read again, to be filled again (after every `run`; the job keeps none).
    func takeCopies() -> [LongCSVImporter.Reader.SliceCopy] {
        defer { sources = [] }
        return sources.compactMap { if case .file(let copy, _) = $0 { return copy } else { return nil } }
    }

    deinit {
        _ = results.deinitialize()
        results.deallocate()
    }
}

/// Appends an import's slices to the store on a thread of its own, in order, at most two
/// slices behind the reader (so memory stays at a few slices); the first failure stops it
/// and is thrown to the reader at its next `submit` or at `finish`.
final class SliceWriter: @unchecked Sendable {
    private let condition = NSCondition()
    private var queue: [ImportLines] = []
    /// Written slices whose buffers are kept to be filled again (`reuse`).
    private var spare: [ImportLines] = []
    private var finishing = false, stopped = false
    private var failure: (any Error)?
    private let store: ResponseStore

    init(store: ResponseStore) {
        self.store = store
        let thread = Thread { [self] in self.loop() }
        thread.start()
    }

    /// Queues a slice, waiting while two are already queued.
    func submit(_ slice: ImportLines) throws {
        condition.lock()
        defer { condition.unlock() }
        while queue.count >= 2 && failure == nil { condition.wait() }
        if let failure { throw failure }
        queue.append(slice)
        condition.broadcast()
    }

    /// An empty slice of lines, with the buffers of one already written when there is one.
    func reuse() -> ImportLines {
        condition.lock()
        defer { condition.unlock() }
        return spare.popLast() ?? ImportLines()
    }

    /// Waits until every queued slice is written; throws the first failure.
    func finish() throws {
        condition.lock()
        defer { condition.unlock() }
        finishing = true
        condition.broadcast()
        while !stopped { condition.wait() }
        if let failure { throw failure }
    }

    private func loop() {
        while true {
            condition.lock()
            while queue.isEmpty && !finishing { condition.wait() }
            if queue.isEmpty {
                stopped = true
                condition.broadcast()
                condition.unlock()
                return
            }
            var slice = queue.removeFirst()
            condition.broadcast()
            condition.unlock()
            do {
                try store.appendChained(&slice)
                // The slice's buffers are used again for a later slice (no fresh pages to fault in).
                slice.bytes.removeAll(keepingCapacity: true)
                slice.ends.removeAll(keepingCapacity: true)
                slice.heads.removeAll(keepingCapacity: true)
                condition.lock()
                if spare.count < 4 { spare.append(slice) }
                condition.unlock()
            } catch {
                condition.lock()
                failure = error
                queue.removeAll()
                stopped = true
                condition.broadcast()
                condition.unlock()
                return
            }
        }
    }
}
