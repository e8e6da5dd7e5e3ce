import Foundation
import Glibc
import WavesCore

/// Streams a log under `data/` line by line in large chunks without loading it whole.
enum LineReader {
    static let chunkSize = 1 << 22

    /// Calls `body(lineBytes, lineNumber, endsWithNewline)` for each line. A missing file has
    /// no lines; a symbolic link, a folder or a device at the path is an error (`StoreError.file`).
    static func forEachLine(_ log: AppendLog, _ body: (UnsafeRawBufferPointer, Int, Bool) throws -> Void) throws {
        let opened: OpenFile?
        do { opened = try log.openForReading() } catch let e as FileIOError { throw StoreError.file(e) }
        guard let file = opened else { return }
        var buffer = [UInt8](repeating: 0, count: chunkSize)
        var carry: [UInt8] = []
        var lineNo = 0
        while true {
            let n: Int
            do { n = try buffer.withUnsafeMutableBytes { try file.read(into: $0) } } catch let e as FileIOError { throw StoreError.file(e) }
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
