import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Streams a file line by line in large chunks without loading it whole.
enum LineReader {
    static let chunkSize = 1 << 22

    /// Calls `body(lineBytes, lineNumber, endsWithNewline)` for each line. A missing file has no lines.
    static func forEachLine(path: String, _ body: (UnsafeRawBufferPointer, Int, Bool) throws -> Void) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return }
            throw StoreError.io(path: path, operation: "open the store", errno: errno)
        }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: chunkSize)
        var carry: [UInt8] = []
        var lineNo = 0
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, chunkSize) }
            if n < 0 {
                if errno == EINTR { continue }
                throw StoreError.io(path: path, operation: "read the store", errno: errno)
            }
            if n == 0 { break }
            try buffer.withUnsafeBytes { raw in
                let chunk = UnsafeRawBufferPointer(rebasing: raw[0..<n])
                var start = 0
                while let nl = memchrIndex(chunk, from: start) {
                    lineNo += 1
                    if carry.isEmpty {
                        try body(UnsafeRawBufferPointer(rebasing: chunk[start..<nl]), lineNo, true)
                    } else {
                        carry.append(contentsOf: chunk[start..<nl])
                        try carry.withUnsafeBytes { try body($0, lineNo, true) }
                        carry.removeAll(keepingCapacity: true)
                    }
                    start = nl + 1
                }
                if start < n { carry.append(contentsOf: chunk[start..<n]) }
            }
        }
        if !carry.isEmpty {
            lineNo += 1
            try carry.withUnsafeBytes { try body($0, lineNo, false) }
        }
    }

    @inline(__always)
    static func memchrIndex(_ buf: UnsafeRawBufferPointer, from: Int) -> Int? {
        guard from < buf.count, let base = buf.baseAddress else { return nil }
        guard let p = memchr(base + from, Int32(UInt8(ascii: "\n")), buf.count - from) else { return nil }
        return base.distance(to: UnsafeRawPointer(p))
    }
}
