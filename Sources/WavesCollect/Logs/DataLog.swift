import Foundation
import Glibc
import WavesCore

/// An append-only JSON Lines log under `data/` (`consent.jsonl`, `invitations.jsonl`).
///
/// Appends follow `ResponseStore.appendRaw`'s rules: the file is opened with `O_APPEND`
/// (never through a symbolic link), created mode 0600 in a 0700 folder, held under an
/// exclusive `flock`, a torn last line (a crash elsewhere) is left alone and the new
/// lines start on a fresh line, everything is written in one `write`, then `fsync`.
/// Nothing rewrites or deletes a line.
// TODO(merge): use the shared data-log append
public struct DataLog: Sendable {
    public let url: URL

    public init(url: URL) { self.url = url }

    /// Appends JSON objects, one line each, all in one write: every line lands or none does.
    public func append(_ objects: [JSONValue]) throws {
        guard !objects.isEmpty else { return }
        var text = ""
        for o in objects { text += JSONWriter.string(o); text += "\n" }
        try appendRaw(Array(text.utf8))
    }

    private func fail(_ what: String, _ e: Int32) -> CollectError {
        .file(path: url.path, reason: "cannot \(what): \(String(cString: strerror(e)))")
    }

    func appendRaw(_ bytes: [UInt8]) throws {
        try DataFolder.ensure(url.deletingLastPathComponent())
        let fd = open(url.path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw fail("open the log", errno) }
        defer { close(fd) }
        guard flock(fd, LOCK_EX) == 0 else { throw fail("lock the log", errno) }
        defer { flock(fd, LOCK_UN) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw fail("inspect the log", errno) }
        guard (st.st_mode & S_IFMT) == S_IFREG else { throw CollectError.file(path: url.path, reason: "is not a regular file") }
        let originalSize = st.st_size
        var out = bytes
        if originalSize > 0 {
            var last: UInt8 = 0
            if pread(fd, &last, 1, originalSize - 1) == 1, last != UInt8(ascii: "\n") { out.insert(UInt8(ascii: "\n"), at: 0) }
        }
        let written = out.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        if written != out.count {
            let e = errno
            _ = ftruncate(fd, originalSize)
            throw fail("append to the log", written < 0 ? e : ENOSPC)
        }
        guard fsync(fd) == 0 else { throw fail("flush the log to disk", errno) }
    }

    /// Every complete line parsed as a JSON object, with its line number; a missing file has none.
    ///
    /// A torn last line (no line end) is skipped; any other line that is not a JSON object
    /// is an error naming the line, because these logs decide who may be surveyed.
    public func read() throws -> [(line: Int, object: JSONObject)] {
        let fd = open(url.path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        if fd < 0 {
            if errno == ENOENT { return [] }
            throw fail("open the log", errno)
        }
        let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        let data: Data
        do { data = try handle.readToEnd() ?? Data() } catch { throw CollectError.file(path: url.path, reason: "cannot read: \(error.localizedDescription)") }
        var out: [(line: Int, object: JSONObject)] = []
        let bytes = [UInt8](data)
        var start = 0, lineNo = 0
        while start < bytes.count {
            lineNo += 1
            guard let nl = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) else { break }  // torn last line
            let slice = bytes[start..<nl]
            start = nl + 1
            if slice.allSatisfy({ $0 == 32 || $0 == 9 || $0 == 13 }) { continue }
            let value: JSONValue
            do { value = try slice.withUnsafeBytes { try JSONParser.parse($0) } } catch {
                throw CollectError.logLine(path: url.path, line: lineNo, reason: "not valid JSON (\(error.localizedDescription))")
            }
            guard case .object(let o) = value else {
                throw CollectError.logLine(path: url.path, line: lineNo, reason: "not a JSON object")
            }
            out.append((lineNo, o))
        }
        return out
    }
}

/// The study's `data/` folder: created owner-only (0700) when missing.
enum DataFolder {
    static func ensure(_ dir: URL) throws {
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: dir.path, isDirectory: &isDir), isDir.boolValue { return }
        do {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw CollectError.file(path: dir.path, reason: "cannot create the folder: \(error.localizedDescription)")
        }
    }
}
