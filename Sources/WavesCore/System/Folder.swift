internal import SystemPackage
import Foundation
import Glibc

/// A folder opened once, whose files are opened, replaced and removed relative to it.
///
/// Files inside are reached with `openat`/`renameat`/`unlinkat` on the folder's descriptor
/// and `O_NOFOLLOW`, so a symbolic link planted at a file's name is refused, never followed.
/// `open(_:create:followLink:)` also refuses a folder that is itself a link (the study's
/// `data/` and `data/drafts/`); output folders the user names are opened with `followLink`.
public final class Folder {
    let fd: FileDescriptor
    /// The folder's path, for messages.
    public let url: URL

    init(fd: FileDescriptor, url: URL) { self.fd = fd; self.url = url }

    deinit { try? fd.close() }

    /// What is at a name in a folder (without following a link).
    public enum EntryKind: Equatable, Sendable { case file, folder, symbolicLink, other }

    /// Opens the folder at `url`, creating it (and its parents) with `create` permissions
    /// when it is missing and `create` is given. Unless `followLink`, a symbolic link at
    /// `url` itself is refused (the folders above it are followed).
    public static func open(_ url: URL, create: UInt16? = nil, followLink: Bool = false, role: String = "the folder") throws -> Folder {
        let url = url.standardizedFileURL
        let path = url.path
        let parent = url.deletingLastPathComponent().path
        let name = url.lastPathComponent
        func fail(_ kind: FileIOError.Kind) -> FileIOError { FileIOError(path: path, operation: "open \(role)", kind: kind) }
        if let mode = create, linkStatus(path) == nil {
            do {
                try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true,
                                                        attributes: [.posixPermissions: Int(mode)])
            } catch {
                throw FileIOError(path: parent, operation: "create \(role)", kind: .system(EACCES))
            }
        }
        let parentFD: FileDescriptor
        do { parentFD = try openDirectory(parent) } catch {
            if error == .noSuchFileOrDirectory, create == nil { throw fail(.system(error.rawValue)) }
            throw FileIOError(path: parent, operation: "open \(role)", kind: .system(error.rawValue))
        }
        defer { try? parentFD.close() }
        if let mode = create {
            do { try parentFD.makeDirectoryAt(name, permissions: mode_t(mode)) } catch {
                throw FileIOError(path: path, operation: "create \(role)", kind: .system(error.rawValue))
            }
        }
        let flags = O_RDONLY | O_DIRECTORY | (followLink ? 0 : O_NOFOLLOW)
        do {
            return Folder(fd: try parentFD.openAt(name, flags), url: url)
        } catch {
            let st = (try? parentFD.statusAt(name)) ?? nil
            if st?.isSymbolicLink == true && !followLink { throw fail(.symbolicLink) }
            if error == .notDirectory || error == .tooManySymbolicLinkLevels { throw fail(.notAFolder) }
            throw fail(.system(error.rawValue))
        }
    }

    /// The path of a name in this folder, for messages.
    public func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    /// What is at `name`, or nil when nothing is.
    public func kind(of name: String) throws -> EntryKind? {
        let st: Glibc.stat?
        do { st = try fd.statusAt(name) } catch {
            throw FileIOError(path: path(name), operation: "inspect the file", kind: .system(error.rawValue))
        }
        guard let st else { return nil }
        if st.isSymbolicLink { return .symbolicLink }
        if st.isDirectory { return .folder }
        return st.isRegularFile ? .file : .other
    }

    /// What identifies the content of `name` without reading it (device, inode, size,
    /// modification and status-change times to the nanosecond; a link is not followed), or nil
    /// when nothing is there. Any write, truncation, replacement or `touch` changes it: the
    /// status-change time cannot be set from user space.
    public func identity(of name: String) -> FileIdentity? {
        guard let st = try? fd.statusAt(name) else { return nil }
        return FileIdentity(st)
    }

    /// The permission bits of `name` (not following a link), or nil when nothing is there.
    public func permissions(of name: String) -> UInt16? {
        guard let st = try? fd.statusAt(name) else { return nil }
        return st.permissionBits
    }

    /// Opens an existing regular file for reading, refusing a link; nil when there is none.
    public func openForReading(_ name: String, role: String = "the file") throws -> OpenFile? {
        do {
            let f = OpenFile(fd: try fd.openAt(name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK), path: path(name), role: role)
            try f.requireRegularFile(operation: "open \(role)")
            return f
        } catch let e as Errno {
            if e == .noSuchFileOrDirectory { return nil }
            throw openFailure(name, role, e)
        }
    }

    /// Opens (creating with `permissions` when missing) a regular file for appending and reading,
    /// refusing a link, a folder or a device at `name`.
    public func openForAppending(_ name: String, permissions: UInt16 = 0o600, role: String = "the file") throws -> OpenFile {
        do {
            let f = OpenFile(fd: try fd.openAt(name, O_RDWR | O_APPEND | O_CREAT | O_NOFOLLOW | O_NONBLOCK, permissions: mode_t(permissions)),
                             path: path(name), role: role)
            try f.requireRegularFile(operation: "open \(role)")
            return f
        } catch let e as Errno {
            throw openFailure(name, role, e)
        }
    }

    /// A scratch file with no name, for reading and writing: created owner-only (0600) and
    /// exclusively, never through a link, then unlinked at once, so neither a failure nor a
    /// kill leaves it behind (the qdpx project XML before it is zipped).
    public func openScratch(role: String = "the scratch file") throws -> OpenFile {
        var attempt = 0
        while true {
            let name = ".waves-\(processID())-\(String(UInt32.random(in: 0...UInt32.max), radix: 16)).scratch"
            do {
                let f = OpenFile(fd: try fd.openAt(name, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW, permissions: 0o600), path: path(name), role: role)
                _ = try fd.unlinkAt(name)
                return f
            } catch let e as Errno {
                attempt += 1
                if e == .fileExists && attempt < 16 { continue }
                throw openFailure(name, role, e)
            }
        }
    }

    private func openFailure(_ name: String, _ role: String, _ e: Errno) -> FileIOError {
        if e == .tooManySymbolicLinkLevels, (try? kind(of: name)) == .symbolicLink {
            return FileIOError(path: path(name), operation: "open \(role)", kind: .symbolicLink)
        }
        if e == .isDirectory || e == .noSuchAddressOrDevice { return FileIOError(path: path(name), operation: "open \(role)", kind: .notAFile) }
        return FileIOError(path: path(name), operation: "open \(role)", kind: .system(e.rawValue))
    }

    /// Starts replacing `name` atomically: write to the returned file, then `commit()`.
    public func beginReplacing(_ name: String, permissions: UInt16 = 0o600, role: String = "the file") throws -> AtomicFile {
        try AtomicFile(folder: self, name: name, permissions: permissions, role: role)
    }

    /// Replaces `name` atomically with `bytes`, mode `permissions` (see `AtomicFile`).
    public func replace(_ name: String, with bytes: [UInt8], permissions: UInt16 = 0o600, role: String = "the file") throws {
        let f = try beginReplacing(name, permissions: permissions, role: role)
        try f.write(bytes)
        try f.commit()
    }

    /// Removes the file `name`; false when there was none. A link there is removed, not followed.
    @discardableResult
    public func remove(_ name: String, role: String = "the file") throws -> Bool {
        do { return try fd.unlinkAt(name) } catch {
            throw FileIOError(path: path(name), operation: "remove \(role)", kind: .system(error.rawValue))
        }
    }

    /// Renames `from` to `to` within this folder (replacing `to` atomically).
    public func rename(_ from: String, to: String, role: String = "the file") throws {
        do { try fd.renameAt(from, to: to) } catch {
            throw FileIOError(path: path(from), operation: "rename \(role)", kind: .system(error.rawValue))
        }
    }

    /// `fsync` of the folder, so a rename or a new name inside it survives a crash.
    public func sync() throws {
        do { try fd.sync() } catch {
            throw FileIOError(path: url.path, operation: "flush the folder to disk", kind: .system(error.rawValue))
        }
    }
}

/// A file's identity as `stat` gives it (`Folder.identity(of:)`).
public struct FileIdentity: Sendable, Equatable {
    public var device: UInt64
    public var inode: UInt64
    public var size: Int64
    /// Seconds and nanoseconds.
    public var modified: [Int64]
    public var changed: [Int64]

    public init(device: UInt64, inode: UInt64, size: Int64, modified: [Int64], changed: [Int64]) {
        self.device = device; self.inode = inode; self.size = size; self.modified = modified; self.changed = changed
    }

    init(_ st: Glibc.stat) {
        self.init(device: UInt64(st.st_dev), inode: UInt64(st.st_ino), size: Int64(st.st_size),
                  modified: [Int64(st.st_mtim.tv_sec), Int64(st.st_mtim.tv_nsec)],
                  changed: [Int64(st.st_ctim.tv_sec), Int64(st.st_ctim.tv_nsec)])
    }

    /// Whether both are the same file (device and inode), whatever its content now.
    public func isSameFile(as other: FileIdentity) -> Bool { device == other.device && inode == other.inode }

    /// The status-change time in seconds.
    public var changedSeconds: Double { Double(changed[0]) + Double(changed[1]) / 1e9 }
}
