internal import SystemPackage
import Foundation
import Glibc

/// A file replaced atomically: written under a temporary name, then renamed over the old one.
///
/// The temporary file is created exclusively (`O_CREAT|O_EXCL|O_NOFOLLOW`) in the same folder
/// with a short fixed-length name (`.waves-<pid>-<random>.tmp`, so a long target name never
/// makes it too long), given exactly `permissions` with `fchmod` (the umask does not narrow or
/// widen it), and on `commit` flushed with `fsync`, renamed onto the target with `renameat`
/// (a link at the target's name is replaced, never followed) and the folder flushed with
/// `fsync`. A crash or a signal at any moment leaves either the old file or the new one, never
/// a torn one; a `discard` (or deinit before `commit`) removes the temporary file.
public final class AtomicFile {
    private let folder: Folder
    public let name: String
    private var tempName = ""
    private var file: OpenFile?
    private let role: String

    init(folder: Folder, name: String, permissions: UInt16, role: String) throws {
        self.folder = folder; self.name = name; self.role = role
        var attempt = 0
        while true {
            let temp = ".waves-\(processID())-\(String(UInt32.random(in: 0...UInt32.max), radix: 16)).tmp"
            do {
                let fd = try folder.fd.openAt(temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, permissions: 0o600)
                let f = OpenFile(fd: fd, path: folder.path(name), role: role)
                do { try fd.setPermissions(mode_t(permissions)) } catch {
                    _ = try? folder.fd.unlinkAt(temp)
                    throw FileIOError(path: folder.path(name), operation: "set the permissions of \(role)", kind: .system(error.rawValue))
                }
                tempName = temp
                file = f
                return
            } catch let e as Errno {
                attempt += 1
                if e == .fileExists && attempt < 16 { continue }
                throw FileIOError(path: folder.path(name), operation: "create \(role)", kind: .system(e.rawValue))
            }
        }
    }

    deinit { discard() }

    /// The target's path, for messages.
    public var path: String { folder.path(name) }

    /// The raw descriptor of the temporary file (for a C library's writer callback).
    public var descriptor: Int32 { file?.descriptor ?? -1 }

    /// Appends bytes to the new content.
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard let file else { throw FileIOError(path: path, operation: "write \(role)", kind: .system(EBADF)) }
        try file.writeAll(bytes)
    }

    /// Appends bytes to the new content.
    public func write(_ bytes: [UInt8]) throws { try bytes.withUnsafeBytes { try write($0) } }

    /// Replaces bytes of the new content already written, at `offset` (a zip entry's header
    /// once its sizes are known).
    public func write(_ bytes: [UInt8], at offset: Int64) throws {
        guard let file else { throw FileIOError(path: path, operation: "write \(role)", kind: .system(EBADF)) }
        try file.writeAll(bytes, at: offset)
    }

    /// A scratch file with no name in the same folder (`Folder.openScratch`).
    public func scratch(role: String) throws -> OpenFile { try folder.openScratch(role: role) }

    /// Appends text (UTF-8) to the new content.
    public func write(_ text: String) throws {
        var t = text
        try t.withUTF8 { try write(UnsafeRawBufferPointer($0)) }
    }

    /// Flushes the new content, renames it onto the target and flushes the folder.
    ///
    /// `durable: false` renames without flushing (for files that are only ever a copy of other
    /// data and check themselves when read, as the derived caches do: a crash may then leave
    /// the new name on a file whose content never reached the disk, which its reader rejects).
    /// At a million participants the flush of the 1.5 GB column cache alone took seconds.
    public func commit(durable: Bool = true) throws {
        guard let f = file else { throw FileIOError(path: path, operation: "write \(role)", kind: .system(EBADF)) }
        do {
            if durable { try f.sync() }
            file = nil
            try folder.rename(tempName, to: name, role: role)
            tempName = ""
        } catch {
            discard()
            throw error
        }
        // The new name is in place; a failed folder flush only weakens crash durability.
        if durable { try? folder.sync() }
    }

    /// Drops the new content (removes the temporary file); the target is untouched.
    public func discard() {
        guard !tempName.isEmpty else { return }
        file = nil
        _ = try? folder.fd.unlinkAt(tempName)
        tempName = ""
    }
}
