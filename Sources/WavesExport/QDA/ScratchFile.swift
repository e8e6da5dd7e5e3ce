import Foundation
import Glibc

/// A scratch file for one export step (the qdpx project XML before it is zipped): created
/// owner-only and exclusively (`O_CREAT|O_EXCL|O_NOFOLLOW`, mode 0600) in the export's folder,
/// then unlinked at once, so it has no name while it is written and read back and nothing is
/// left behind by a failure or a kill. Appends are buffered (1 MiB).
final class ScratchFile {
    private var fd: Int32 = -1
    private var buffer: [UInt8] = []
    private let path: String
    /// Bytes appended so far.
    private(set) var size: UInt64 = 0

    /// `path` names the export in messages.
    init(folder: URL, for path: String) throws {
        self.path = path
        var attempt = 0
        while true {
            let name = folder.appendingPathComponent(".waves-\(getpid())-\(String(UInt32.random(in: 0...UInt32.max), radix: 16)).scratch").path
            let f = open(name, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
            if f >= 0 {
                unlink(name)
                fd = f
                break
            }
            attempt += 1
            if errno == EEXIST && attempt < 16 { continue }
            throw ExportError.cannotWrite(path: path, reason: "a scratch file could not be made beside it: \(String(cString: strerror(errno)))")
        }
        buffer.reserveCapacity(1 << 20)
    }

    deinit { close() }

    func append(_ s: String) throws {
        buffer.append(contentsOf: s.utf8)
        size += UInt64(s.utf8.count)
        if buffer.count >= 1 << 20 { try flush() }
    }

    func flush() throws {
        var done = 0
        while done < buffer.count {
            let n = buffer.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + done, $0.count - done) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw failure("write") }
            done += n
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// `count` bytes from `offset` (flushed content only).
    func read(at offset: Int64, count: Int) throws -> Data {
        var data = Data(count: count)
        var done = 0
        while done < count {
            let n = data.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + done, count - done, off_t(offset) + off_t(done)) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw failure("read") }
            done += n
        }
        return data
    }

    func close() {
        if fd >= 0 { Glibc.close(fd); fd = -1 }
        buffer = []
    }

    private func failure(_ what: String) -> ExportError {
        .cannotWrite(path: path, reason: "the scratch file beside it could not be \(what == "write" ? "written" : "read"): \(String(cString: strerror(errno)))")
    }
}
