import Crypto
import Foundation

/// SHA-256 (FIPS 180-4) as 64 lower-case hex digits: names that must not depend on the
/// length or characters of an id (draft files), and content versions.
public enum ContentHash {
    /// The hex SHA-256 of `bytes`.
    public static func sha256Hex(_ bytes: some Sequence<UInt8>) -> String {
        let digest = SHA256.hash(data: Array(bytes))
        let hex: [UInt8] = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for b in digest { out.append(hex[Int(b >> 4)]); out.append(hex[Int(b & 0x0F)]) }
        return String(decoding: out, as: UTF8.self)
    }

    /// The hex SHA-256 of bytes in memory (no copy): the store's hash chain, line by line.
    public static func sha256Hex(_ bytes: UnsafeRawBufferPointer) -> String {
        var hasher = SHA256()
        hasher.update(bufferPointer: bytes)
        let digest = hasher.finalize()
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 64) { out in
            let hex: StaticString = "0123456789abcdef"
            var k = 0
            for b in digest {
                out[k] = hex.utf8Start[Int(b >> 4)]; out[k + 1] = hex.utf8Start[Int(b & 0x0F)]; k += 2
            }
            return String(decoding: out, as: UTF8.self)
        }
    }

    /// The hex SHA-256 of the parts, each written as its UTF-8 length, ":", and its bytes
    /// (netstring-like), so no two different lists of parts hash the same input.
    public static func sha256Hex(joining parts: [String]) -> String {
        var bytes: [UInt8] = []
        for p in parts {
            bytes += Array("\(p.utf8.count):".utf8)
            bytes += Array(p.utf8)
        }
        return sha256Hex(bytes)
    }

    /// SHA-256 fed piece by piece (a file written or read in parts).
    public struct Hasher {
        private var hasher = SHA256()
        public init() {}
        public mutating func update(_ bytes: UnsafeRawBufferPointer) { hasher.update(bufferPointer: bytes) }
        public mutating func update(_ bytes: [UInt8]) { bytes.withUnsafeBytes { hasher.update(bufferPointer: $0) } }
        /// The hex digest of everything fed so far.
        public func hex() -> String {
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 64) { out in
                hex(into: UnsafeMutableRawBufferPointer(out))
                return String(decoding: out, as: UTF8.self)
            }
        }

        /// The digest of everything fed so far, its 32 bytes written into the first 32 of `out`.
        public func digest(into out: UnsafeMutableRawBufferPointer) {
            precondition(out.count >= 32)
            hasher.finalize().withUnsafeBytes { out.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: 32) }
        }

        /// `hex()` written into the first 64 bytes of `out` (the store's hash chain writes a
        /// line's digest straight into the next line's `prev`).
        public func hex(into out: UnsafeMutableRawBufferPointer) {
            precondition(out.count >= 64)
            let hex: StaticString = "0123456789abcdef"
            // The digest's bytes in place (iterating the digest as a sequence was most of this).
            hasher.finalize().withUnsafeBytes { d in
                let digits = hex.utf8Start
                for (k, b) in d.enumerated() {
                    out[2 * k] = digits[Int(b >> 4)]; out[2 * k + 1] = digits[Int(b & 0x0F)]
                }
            }
        }
    }
}
