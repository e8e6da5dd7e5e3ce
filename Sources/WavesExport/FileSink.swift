import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A buffered file written under a temporary name and renamed into place on `commit`,
/// so a failed export never leaves a half-written file behind.
final class FileSink {
    private var fd: Int32 = -1
    private var buffer: [UInt8] = []
    private var tempPath = ""
    private var finalPath = ""
    /// The first write error, kept for ReadStat's data-writer callback (which can only return -1).
    private(set) var failure: String?

    init() { buffer.reserveCapacity(1 << 16) }

    func open(_ url: URL) throws {
        finalPath = url.path
        let dir = url.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        } catch {
            throw ExportError.cannotWrite(path: finalPath, reason: "cannot create the folder \(dir.path)")
        }
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: finalPath, isDirectory: &isDir), isDir.boolValue {
            throw ExportError.cannotWrite(path: finalPath, reason: "it is a folder")
        }
        tempPath = dir.appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp").path
        fd = Glibc.open(tempPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw ExportError.cannotWrite(path: finalPath, reason: String(cString: strerror(errno))) }
    }

    func append(_ s: String) { buffer.append(contentsOf: s.utf8) }

    func append(_ bytes: UnsafeRawBufferPointer) { buffer.append(contentsOf: bytes) }

    /// Writes the buffer out once it holds more than 1 MiB.
    func flushIfLarge() throws { if buffer.count > 1 << 20 { try flush() } }

    func flush() throws {
        var off = 0
        while off < buffer.count {
            let n = buffer.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + off, $0.count - off) }
            if n < 0 {
                if errno == EINTR { continue }
                let msg = String(cString: strerror(errno))
                failure = msg
                throw ExportError.cannotWrite(path: finalPath, reason: msg)
            }
            off += n
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes, closes and renames the file into place.
    func commit() throws {
        try flush()
        guard fsync(fd) == 0 else { throw ExportError.cannotWrite(path: finalPath, reason: String(cString: strerror(errno))) }
        close(fd)
        fd = -1
        guard rename(tempPath, finalPath) == 0 else {
            let msg = String(cString: strerror(errno))
            unlink(tempPath)
            throw ExportError.cannotWrite(path: finalPath, reason: msg)
        }
        tempPath = ""
    }

    /// Removes the temporary file unless it was committed.
    func discard() {
        if fd >= 0 { close(fd); fd = -1 }
        if !tempPath.isEmpty { unlink(tempPath); tempPath = "" }
    }

    deinit { discard() }
}
