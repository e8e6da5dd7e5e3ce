internal import SystemPackage
import Foundation
import Glibc

/// An open file that closes itself: reads and writes retried on EINTR and short counts,
/// `fsync`, `flock` as `withLock`.
///
/// Opened through `Folder` (relative to a folder descriptor, never following a link) or
/// `OpenFile.openForReading`. Every method throws `FileIOError` naming the path.
public final class OpenFile {
    let fd: FileDescriptor
    /// The path, for messages.
    public let path: String
    /// What the file is to the user ("the store", "the draft"), for messages.
    public let role: String

    init(fd: FileDescriptor, path: String, role: String) {
        self.fd = fd; self.path = path; self.role = role
    }

    deinit { try? fd.close() }

    /// The raw descriptor (for code that hands it to a C library, such as ReadStat's writer).
    public var descriptor: Int32 { fd.rawValue }

    /// Opens an existing regular file for reading without following a symbolic link at `path`
    /// (unless `followLink`); nil when there is nothing at `path`.
    public static func openForReading(_ path: String, role: String = "the file", followLink: Bool = false) throws -> OpenFile? {
        var options: FileDescriptor.OpenOptions = [.closeOnExec, .nonBlocking]
        if !followLink { options.insert(.noFollow) }
        let fd: FileDescriptor
        do {
            fd = try FileDescriptor.open(FilePath(path), .readOnly, options: options)
        } catch let e as Errno {
            if e == .noSuchFileOrDirectory { return nil }
            throw FileIOError(path: path, operation: "open \(role)", kind: Self.kind(e, path: path))
        }
        let file = OpenFile(fd: fd, path: path, role: role)
        try file.requireRegularFile(operation: "open \(role)")
        return file
    }

    /// ELOOP from `O_NOFOLLOW` means the last component is a link: say so in words.
    static func kind(_ e: Errno, path: String) -> FileIOError.Kind {
        if e == .tooManySymbolicLinkLevels, linkStatus(path)?.isSymbolicLink == true { return .symbolicLink }
        return .system(e.rawValue)
    }

    func fail(_ operation: String, _ e: Errno) -> FileIOError {
        FileIOError(path: path, operation: operation, kind: .system(e.rawValue))
    }

    /// Throws unless the descriptor is a regular file (not a folder, device or pipe).
    func requireRegularFile(operation: String) throws {
        let st: Glibc.stat
        do { st = try fd.status() } catch { throw fail(operation, error) }
        guard st.isRegularFile else { throw FileIOError(path: path, operation: operation, kind: .notAFile) }
    }

    // MARK: - Reading

    /// Reads up to `buffer.count` bytes; 0 at the end of the file.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        do { return try fd.read(into: buffer) } catch let e as Errno { throw fail("read \(role)", e) }
    }

    /// Reads up to `buffer.count` bytes at `offset` without moving the file position.
    public func read(at offset: Int64, into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        do { return try fd.read(fromAbsoluteOffset: offset, into: buffer) } catch let e as Errno { throw fail("read \(role)", e) }
    }

    /// The open file's identity (`fstat`): the file this descriptor reads, even if another has
    /// since been put at its path.
    public func identity() throws -> FileIdentity {
        do { return FileIdentity(try fd.status()) } catch let e as Errno { throw fail("inspect \(role)", e) }
    }

    // MARK: - Writing

    /// Writes every byte (short writes and EINTR retried).
    public func writeAll(_ bytes: UnsafeRawBufferPointer) throws {
        do { try fd.writeAll(bytes) } catch let e as Errno { throw fail("write \(role)", e) }
    }

    /// Writes every byte (short writes and EINTR retried).
    public func writeAll(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try writeAll($0) }
    }

    /// Writes every byte at `offset`, without moving the file position (short writes and
    /// EINTR retried): bytes already written, replaced in place.
    public func writeAll(_ bytes: [UInt8], at offset: Int64) throws {
        do { _ = try bytes.withUnsafeBytes { try fd.writeAll(toAbsoluteOffset: offset, $0) } } catch let e as Errno { throw fail("write \(role)", e) }
    }

    /// The file's size in bytes.
    public func size() throws -> Int64 {
        do { return Int64(try fd.status().st_size) } catch { throw fail("inspect \(role)", error) }
    }

    /// The permission bits (e.g. 0o600).
    public func permissions() throws -> UInt16 {
        do { return try fd.status().permissionBits } catch { throw fail("inspect \(role)", error) }
    }

    /// Cuts the file back to `size` bytes.
    public func truncate(to size: Int64) throws {
        do { try fd.resize(to: size) } catch let e as Errno { throw fail("cut \(role) back", e) }
    }

    /// `fsync`: the data reaches the disk before this returns.
    public func sync() throws {
        do { try fd.sync() } catch { throw fail("flush \(role) to disk", error) }
    }

    /// Starts writing `count` bytes from `offset` back to the disk without waiting (see
    /// `FileDescriptor.startWriteback`): a hint, so that a later `sync` has little left to do;
    /// false when it could not be started. Data is durable only after `sync`.
    @discardableResult
    public func startWriteback(from offset: Int64, count: Int64) -> Bool { fd.startWriteback(offset: offset, count: count) }

    /// Runs `body` holding an advisory `flock` on the file (exclusive by default), released after.
    ///
    /// Every Waves process that appends to or rewrites a shared file takes this lock, so
    /// concurrent `take`, `import` and `simulate` runs never interleave their lines.
    public func withLock<T>(exclusive: Bool = true, _ body: () throws -> T) throws -> T {
        do { try fd.lock(exclusive: exclusive) } catch { throw fail("lock \(role)", error) }
        defer { fd.unlock() }
        return try body()
    }
}
