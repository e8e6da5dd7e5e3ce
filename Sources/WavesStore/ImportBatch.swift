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

    /// Imports `csv` (checked as UTF-8 by the caller) into `store`; throws `ImportError` with
    /// every located problem before anything is written.
    public static func run(csv bytes: [UInt8], file: String, bundle: StudyBundle, instrument: Instrument, wave: String?,
                           store: ResponseStore, batch: String = UUID().uuidString.lowercased(),
                           submittedAt: String = Timestamp.now, sliceRecords: Int = 4096) throws -> Outcome {
        let reader = try LongCSVImporter.Reader(csv: bytes, file: file, bundle: bundle, instrument: instrument, wave: wave)
        try reader.check()
        // One pass over the store: which participants already submitted this instrument at which wave.
        var existing = Set<String>()
        try store.scan { r, _ in if r.instrument.id == instrument.id { existing.insert(r.participant + "\u{1}" + r.wave) } }
        var slice: [ResponseRecord] = []
        slice.reserveCapacity(sliceRecords)
        var count = 0, repeated = 0
        try reader.forEachRecord(submittedAt: submittedAt, makeID: { UUID().uuidString.lowercased() }, extra: [("batch", .string(batch))]) { r in
            if existing.contains(r.participant + "\u{1}" + r.wave) { repeated += 1 }
            slice.append(r)
            count += 1
            if slice.count >= sliceRecords { try store.append(slice, instruments: [instrument]); slice.removeAll(keepingCapacity: true) }
        }
        try store.append(slice, instruments: [instrument])
        if count > 0 { try ImportLog(store: store).complete(batch: batch, instrument: instrument.id, records: count) }
        return Outcome(records: count, batch: batch, repeated: repeated)
    }
}
