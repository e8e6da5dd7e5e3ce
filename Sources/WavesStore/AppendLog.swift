import Foundation
import WavesCore

/// An append-only JSON Lines file under the study's `data/` folder: the response store now,
/// and the consent (`data/consent.jsonl`), invitation and coding logs next.
///
/// One primitive for every append to `data/` (DESIGN.md): the folder and the file are opened
/// without following symbolic links (a link at either is an error with a clear sentence),
/// created 0700 and 0600, and every append holds an exclusive `flock`, closes a torn last
/// line (a crash elsewhere) with a line end first, writes all its lines in one `write`, cuts
/// the file back if that write fails (never half a submission), and `fsync`s before the lock
/// is released. Readers see whole lines only.
public struct AppendLog: Sendable {
    public let url: URL
    /// What the log is to the user ("the store", "the consent log"), for messages.
    public let role: String

    public init(url: URL, role: String = "the log") {
        self.url = url
        self.role = role
    }

    /// Appends bytes that hold complete lines (each ending in `\n`): all of them or none.
    public func append(_ lines: [UInt8]) throws {
        guard !lines.isEmpty else { return }
        try withLockedFile { try $0.append(lines) }
    }

    /// Opens (creating when missing) and locks the log, then runs `body`: for appends that
    /// depend on what is already there (a hash chain's `prev`, a consent decision).
    public func withLockedFile<T>(_ body: (LockedLog) throws -> T) throws -> T {
        let folder = try Folder.open(url.deletingLastPathComponent(), create: 0o700, role: "the data folder")
        let file = try folder.openForAppending(url.lastPathComponent, permissions: 0o600, role: role)
        return try file.withLock { try body(LockedLog(file: file)) }
    }

    /// Opens the log for reading without following a link; nil when it does not exist yet.
    public func openForReading() throws -> OpenFile? {
        let folder: Folder
        do { folder = try Folder.open(url.deletingLastPathComponent(), role: "the data folder") } catch let e as FileIOError {
            if e.errno == ENOENT { return nil }
            throw e
        }
        return try folder.openForReading(url.lastPathComponent, role: role)
    }

    /// Whether anything (a file, a folder, a link) is at the log's path.
    public var exists: Bool { FileIO.permissions(at: url.path) != nil }

    /// The permission bits of the existing log (not following a link), or nil.
    public var permissions: UInt16? { FileIO.permissions(at: url.path) }

    /// Checks, without changing anything, that appends can succeed: the folder and the file
    /// are not links, the file (when present) is a regular file that can be opened for
    /// appending, and otherwise the folder can be created or written. Call it before a
    /// participant's first answer.
    public func checkUsable() throws {
        let folderURL = url.deletingLastPathComponent()
        if FileIO.permissions(at: folderURL.path) == nil {
            // data/ will be created: its parent must be writable.
            let parent = folderURL.deletingLastPathComponent().path
            guard FileManager.default.isWritableFile(atPath: parent) else {
                throw FileIOError(path: folderURL.path, operation: "create the data folder", kind: .system(EACCES))
            }
            return
        }
        let folder = try Folder.open(folderURL, role: "the data folder")
        switch try folder.kind(of: url.lastPathComponent) {
        case nil:
            guard FileManager.default.isWritableFile(atPath: folderURL.path) else {
                throw FileIOError(path: url.path, operation: "create \(role)", kind: .system(EACCES))
            }
        case .symbolicLink?:
            throw FileIOError(path: url.path, operation: "open \(role)", kind: .symbolicLink)
        case .folder?, .other?:
            throw FileIOError(path: url.path, operation: "open \(role)", kind: .notAFile)
        case .file?:
            _ = try folder.openForAppending(url.lastPathComponent, role: role)
        }
    }
}

/// A log opened and locked by `AppendLog.withLockedFile`.
public struct LockedLog {
    let file: OpenFile

    /// The last complete line (without its line end), or nil when the log holds none.
    /// A torn fragment after the last line end is not a line and is passed over.
    public func lastLine() throws -> [UInt8]? {
        var end = try file.size()
        var tail: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var sawEnd = false
        while end > 0 {
            let start = max(0, end - Int64(chunk.count))
            let n = try chunk.withUnsafeMutableBytes { try file.read(at: start, into: UnsafeMutableRawBufferPointer(rebasing: $0[0..<Int(end - start)])) }
            guard n > 0 else { break }
            tail.insert(contentsOf: chunk[0..<n], at: 0)
            end = start
            // Find the end of the last complete line, then the line end before it.
            if !sawEnd, let nl = tail.lastIndex(of: 0x0A) { tail.removeSubrange(nl...); sawEnd = true }
            if sawEnd, let prev = tail.lastIndex(of: 0x0A) { return Array(tail[(prev + 1)...]) }
        }
        return sawEnd ? tail : nil
    }

    /// Appends complete lines in one write; a torn last line is closed first; on failure the
    /// file is cut back to its size before this append. Flushed with `fsync` unless not
    /// `durable` (then the caller calls `sync` before anything counts on the lines; the lines'
    /// writing back to the disk is started here, so that `sync` overlaps with what the caller
    /// does meanwhile instead of writing every byte at its end).
    public func append(_ lines: [UInt8], durable: Bool = true) throws {
        let originalSize = try file.size()
        var out = lines
        // A torn last line (a crash mid-write elsewhere) must not swallow this record:
        // start on a fresh line. The torn line itself stays, reported by readers.
        if originalSize > 0 {
            var last: UInt8 = 0
            let n = try withUnsafeMutableBytes(of: &last) { try file.read(at: originalSize - 1, into: $0) }
            if n == 1, last != 0x0A { out.insert(0x0A, at: 0) }
        }
        do {
            try file.writeAll(out)
        } catch {
            // Never leave half a submission: cut back to what was there before this append.
            try? file.truncate(to: originalSize)
            throw error
        }
        if durable { try file.sync() } else { file.startWriteback(from: originalSize, count: Int64(out.count)) }
    }

    /// Flushes the log to the disk (`fsync`).
    public func sync() throws { try file.sync() }
}
