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
    public func append(_ records: [ResponseRecord]) throws {
        guard !records.isEmpty else { return }
        var text = ""
        for r in records { text += r.jsonLine; text += "\n" }
        try appendRaw(Array(text.utf8))
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
    /// with its line number; malformed lines are returned as problems and reading goes on.
    @discardableResult
    public func scan(_ body: (ResponseRecord, Int) throws -> Void) throws -> [StoreProblem] {
        var problems: [StoreProblem] = []
        var keys = AnswerKeyCache()
        try LineReader.forEachLine(log) { bytes, lineNo, complete in
            if bytes.isEmpty && complete { return }
            if !complete {
                problems.append(StoreProblem(line: lineNo, message: "the last line is incomplete (no line end): a torn write; it is kept as it is and ignored"))
                return
            }
            do {
                let record = try ResponseRecord.decode(line: bytes, keys: &keys)
                try body(record, lineNo)
            } catch let e as RecordError {
                problems.append(StoreProblem(line: lineNo, message: e.message))
            } catch let e as LocalizedError where !(e is StoreError) {
                problems.append(StoreProblem(line: lineNo, message: "not valid JSON: \(e.errorDescription ?? "\(e)")"))
            } catch let e as StoreError {
                throw e
            } catch {
                problems.append(StoreProblem(line: lineNo, message: "not valid JSON: \(error)"))
            }
        }
        return problems
    }

    /// Reads the whole store into memory (records with their line numbers, and problems).
    public func read() throws -> StoreContents {
        var records: [StoredRecord] = []
        let problems = try scan { r, line in records.append(StoredRecord(record: r, line: line)) }
        return StoreContents(records: records, problems: problems)
    }

    /// Whether anything is at the store's path (a link counts: reading it is then an error).
    public var exists: Bool { log.exists }
}
