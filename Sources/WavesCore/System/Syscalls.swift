internal import SystemPackage
import Glibc

// The one file of Waves that calls the operating system for files (DESIGN.md: "C behind
// real walls", in the manner of swift-system's Internals/Syscalls.swift).
//
// swift-system 1.8.1 gives `FileDescriptor` with open/read/write/pread/ftruncate/fstat/close,
// each retried on EINTR (`retryOnInterrupt`), and `writeAll`; Waves uses those. It has no
// `openat`, `fsync`, `flock`, `fchmod`, `renameat`, `unlinkat`, `mkdirat`, `poll` or
// `realpath` (its `openAt` exists only as an io_uring request), so those few are written
// here by hand over libc, in the same style: methods on `FileDescriptor` that retry on
// EINTR and throw `Errno`. Nothing outside this file calls libc for files.

/// Calls `body` until it does not fail with EINTR; returns its result or throws its errno.
@inline(__always)
func retryingOnInterrupt<T: BinaryInteger>(_ body: () -> T) throws(Errno) -> T {
    while true {
        let r = body()
        if r >= 0 { return r }
        let e = errno
        if e == EINTR { continue }
        throw Errno(rawValue: e)
    }
}

extension FileDescriptor {
    /// `openat(2)`: opens `name` relative to this directory descriptor (EINTR retried).
    func openAt(_ name: String, _ flags: Int32, permissions: mode_t = 0) throws(Errno) -> FileDescriptor {
        let fd = try retryingOnInterrupt { name.withCString { Glibc.openat(rawValue, $0, flags | O_CLOEXEC, permissions) } }
        return FileDescriptor(rawValue: fd)
    }

    /// `fsync(2)`: the file's data and metadata reach the disk.
    func sync() throws(Errno) { _ = try retryingOnInterrupt { Glibc.fsync(rawValue) } }

    /// `flock(2)` with `LOCK_EX` or `LOCK_SH`, waiting for the lock (EINTR retried).
    func lock(exclusive: Bool) throws(Errno) { _ = try retryingOnInterrupt { lockFile(rawValue, exclusive ? LOCK_EX : LOCK_SH) } }

    /// `flock(2)` with `LOCK_UN`.
    func unlock() { _ = lockFile(rawValue, LOCK_UN) }

    /// `fchmod(2)`: sets the permission bits exactly (the umask does not apply).
    func setPermissions(_ mode: mode_t) throws(Errno) { _ = try retryingOnInterrupt { Glibc.fchmod(rawValue, mode) } }

    /// `fstat(2)`.
    func status() throws(Errno) -> Glibc.stat {
        var st = Glibc.stat()
        _ = try retryingOnInterrupt { Glibc.fstat(rawValue, &st) }
        return st
    }

    /// `fstatat(2)` of `name` in this directory without following a final symbolic link; nil when absent.
    func statusAt(_ name: String) throws(Errno) -> Glibc.stat? {
        var st = Glibc.stat()
        do {
            _ = try retryingOnInterrupt { name.withCString { Glibc.fstatat(rawValue, $0, &st, AT_SYMLINK_NOFOLLOW) } }
        } catch where error == .noSuchFileOrDirectory {
            return nil
        }
        return st
    }

    /// `renameat(2)` within this directory: atomically replaces `to` by `from`.
    func renameAt(_ from: String, to: String) throws(Errno) {
        _ = try retryingOnInterrupt { from.withCString { f in to.withCString { t in Glibc.renameat(rawValue, f, rawValue, t) } } }
    }

    /// `unlinkat(2)` of a file in this directory; false when it was not there.
    @discardableResult
    func unlinkAt(_ name: String) throws(Errno) -> Bool {
        do { _ = try retryingOnInterrupt { name.withCString { Glibc.unlinkat(rawValue, $0, 0) } } } catch where error == .noSuchFileOrDirectory {
            return false
        }
        return true
    }

    /// `mkdirat(2)`; an existing entry is not an error (the caller opens it next and checks it).
    func makeDirectoryAt(_ name: String, permissions: mode_t) throws(Errno) {
        do { _ = try retryingOnInterrupt { name.withCString { Glibc.mkdirat(rawValue, $0, permissions) } } } catch where error == .fileExists {}
    }
}

extension FileDescriptor {
    /// `sync_file_range(2)` with `SYNC_FILE_RANGE_WRITE`: starts writing `count` bytes from
    /// `offset` back to the disk and returns without waiting for them, so a later `fsync` finds
    /// little left to write. A hint only: false when it could not be started (ENOSYS on a
    /// kernel without it, a file system that refuses it); `fsync` alone makes data durable.
    func startWriteback(offset: Int64, count: Int64) -> Bool {
        guard let call = syncFileRange else { return false }
        while true {
            if call(rawValue, offset, count, 2 /* SYNC_FILE_RANGE_WRITE */) == 0 { return true }
            if errno != EINTR { return false }
        }
    }
}

/// glibc declares `sync_file_range` only under `_GNU_SOURCE`, which the Glibc module does not
/// set, so it is looked up by name once (nil if this libc lacks it).
private let syncFileRange: (@convention(c) (Int32, Int64, Int64, UInt32) -> Int32)? =
    dlsym(UnsafeMutableRawPointer(bitPattern: 0), "sync_file_range").map { unsafeBitCast($0, to: (@convention(c) (Int32, Int64, Int64, UInt32) -> Int32).self) }

/// `flock(2)` (the name `flock` alone is also the C lock struct's).
private func lockFile(_ fd: Int32, _ operation: Int32) -> Int32 { flock(fd, operation) }

/// `open(2)` of a directory by path, following links (the caller's own folder).
func openDirectory(_ path: String) throws(Errno) -> FileDescriptor {
    let fd = try retryingOnInterrupt { path.withCString { Glibc.open($0, O_RDONLY | O_DIRECTORY | O_CLOEXEC) } }
    return FileDescriptor(rawValue: fd)
}

/// `lstat(2)`; nil when nothing is there.
func linkStatus(_ path: String) -> Glibc.stat? {
    var st = Glibc.stat()
    return path.withCString { Glibc.lstat($0, &st) } == 0 ? st : nil
}

/// `realpath(3)`: the path with every link and `.`/`..` resolved; nil when it does not exist.
func realPath(_ path: String) -> String? {
    guard let p = path.withCString({ Glibc.realpath($0, nil) }) else { return nil }
    defer { free(p) }
    return String(cString: p)
}

/// `poll(2)`, retried on EINTR; the number of ready descriptors (0 on timeout, -1 on error).
func pollRetrying(_ fds: inout [pollfd], timeout: Int32) -> Int32 {
    while true {
        let n = fds.withUnsafeMutableBufferPointer { Glibc.poll($0.baseAddress, nfds_t($0.count), timeout) }
        if n < 0 && errno == EINTR { continue }
        return n
    }
}

/// `getpid(2)`, for temporary file names.
func processID() -> Int32 { getpid() }

/// Whether a `stat` is a symbolic link, a directory, a regular file.
extension Glibc.stat {
    var isSymbolicLink: Bool { (st_mode & S_IFMT) == S_IFLNK }
    var isDirectory: Bool { (st_mode & S_IFMT) == S_IFDIR }
    var isRegularFile: Bool { (st_mode & S_IFMT) == S_IFREG }
    var permissionBits: UInt16 { UInt16(st_mode & 0o7777) }
}

/// `strerror(3)` text of an errno value.
func errorText(_ code: Int32) -> String { String(cString: strerror(code)) }
