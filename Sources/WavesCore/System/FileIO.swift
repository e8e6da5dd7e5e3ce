import Foundation
import Glibc

/// Descriptor-level helpers for code that already holds a descriptor (terminals, standard
/// output): every byte written, reads and polls retried on EINTR.
///
/// Files are opened through `Folder`, `OpenFile` and `AtomicFile`; `Syscalls.swift` is the
/// only place that calls the system.
public enum FileIO {
    /// Writes every byte of `text` to `fd` (EINTR and short writes retried); false on any other
    /// error (a closed terminal or pipe cannot be told anything, so callers may ignore it).
    @discardableResult
    public static func writeAll(_ fd: Int32, _ text: String) -> Bool {
        var t = text
        return t.withUTF8 { writeAll(fd, UnsafeRawBufferPointer($0)) }
    }

    /// Writes every byte to `fd` (EINTR and short writes retried); false on any other error.
    @discardableResult
    public static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Bool {
        var done = 0
        while done < bytes.count {
            guard let n = try? retryingOnInterrupt({ Glibc.write(fd, bytes.baseAddress! + done, bytes.count - done) }), n > 0 else {
                return false
            }
            done += n
        }
        return true
    }

    /// Reads up to `buffer.count` bytes from `fd`, retrying on EINTR: the count, 0 at the end,
    /// nil on an error.
    public static func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) -> Int? {
        try? retryingOnInterrupt { Glibc.read(fd, buffer.baseAddress, buffer.count) }
    }

    /// `poll` retried on EINTR: the number of ready descriptors, 0 on timeout, -1 on error.
    public static func poll(_ fds: inout [pollfd], timeout: Int32) -> Int32 { pollRetrying(&fds, timeout: timeout) }

    /// The permission bits of what is at `path` (not following a link), or nil when nothing is there.
    public static func permissions(at path: String) -> UInt16? { linkStatus(path)?.permissionBits }

    /// Whether a symbolic link is at `path` itself.
    public static func isSymbolicLink(_ path: String) -> Bool { linkStatus(path)?.isSymbolicLink == true }
}
