#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Record ids for many records at once (an import): random UUIDs (RFC 9562 version 4) in
/// lower-case text, the form `UUID().uuidString.lowercased()` gives, made from random bytes
/// drawn 64 KB at a time from the system's generator (`arc4random_buf`, which the C library
/// seeds from `getrandom`) rather than one system call per id.
public struct RecordIDs {
    private var pool = [UInt8](repeating: 0, count: 1 << 16)
    private var used = 1 << 16

    public init() {}

    /// A new id, `xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx` (y one of 8, 9, a, b).
    public mutating func next() -> String {
        String(unsafeUninitializedCapacity: 36) { out in
            next(into: UnsafeMutableRawPointer(out.baseAddress!))
            return 36
        }
    }

    /// `next()`'s 36 bytes written at `out` (the import writes them straight into a line).
    public mutating func next(into out: UnsafeMutableRawPointer) {
        if used + 16 > pool.count {
            pool.withUnsafeMutableBytes { arc4random_buf($0.baseAddress!, $0.count) }
            used = 0
        }
        let hex: StaticString = "0123456789abcdef"
        let start = used
        used += 16
        pool.withUnsafeBytes { raw in
            var k = 0
            for i in 0..<16 {
                var b = raw[start + i]
                if i == 6 { b = (b & 0x0F) | 0x40 }   // version 4
                if i == 8 { b = (b & 0x3F) | 0x80 }   // variant 10xx
                if i == 4 || i == 6 || i == 8 || i == 10 { out.storeBytes(of: UInt8(ascii: "-"), toByteOffset: k, as: UInt8.self); k += 1 }
                out.storeBytes(of: hex.utf8Start[Int(b >> 4)], toByteOffset: k, as: UInt8.self)
                out.storeBytes(of: hex.utf8Start[Int(b & 0x0F)], toByteOffset: k + 1, as: UInt8.self)
                k += 2
            }
        }
    }
}
