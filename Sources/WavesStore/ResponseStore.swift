import Foundation
import WavesCore
#if canImport(Glibc)
import Glibc
#endif

/// The append-only JSON Lines store (`data/responses.jsonl`).
///
/// Appends are atomic: all lines of one append go out in one `write` under an
/// exclusive `flock`, followed by `fsync`; the file is created mode 0600.
/// Nothing in Waves ever deletes or rewrites a line of the store.
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
        let path = url.path
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        let fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw StoreError.io(path: path, operation: "open the store", errno: errno) }
        defer { close(fd) }
        guard flock(fd, LOCK_EX) == 0 else { throw StoreError.io(path: path, operation: "lock the store", errno: errno) }
        defer { flock(fd, LOCK_UN) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw StoreError.io(path: path, operation: "inspect the store", errno: errno) }
        let originalSize = st.st_size
        var out = bytes
        // A torn last line (a crash mid-write elsewhere) must not swallow this record:
        // start on a fresh line. The torn line itself stays, reported by readers.
        if originalSize > 0 {
            var last: UInt8 = 0
            if pread(fd, &last, 1, originalSize - 1) == 1, last != UInt8(ascii: "\n") { out.insert(UInt8(ascii: "\n"), at: 0) }
        }
        let written = out.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        if written != out.count {
            let e = errno
            // Never leave half a submission: cut back to what was there before this append.
            _ = ftruncate(fd, originalSize)
            throw StoreError.io(path: path, operation: "append to the store", errno: written < 0 ? e : ENOSPC)
        }
        guard fsync(fd) == 0 else { throw StoreError.io(path: path, operation: "flush the store to disk", errno: errno) }
    }

    /// Reads every line in a streaming pass, calling `body` for each good record
    /// with its line number; malformed lines are returned as problems and reading goes on.
    @discardableResult
    public func scan(_ body: (ResponseRecord, Int) throws -> Void) throws -> [StoreProblem] {
        var problems: [StoreProblem] = []
        var keys = AnswerKeyCache()
        try LineReader.forEachLine(path: url.path) { bytes, lineNo, complete in
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

    public var exists: Bool { FileManager.default.fileExists(atPath: url.path) }
}
