internal import CXXHash
import Foundation

/// The checksum that closes every derived cache file (`DerivedCache`): XXH3, 128 bits
/// (libxxhash), of every byte before it, fed piece by piece as the file is written or read.
///
/// Why not SHA-256 (the digest until session 9): the digest lives in the file it checks and
/// nothing keys it, so whoever can edit a cache can write a matching digest of any kind; it
/// never was a defence against a forger, only against accidents (an edit by hand, a bad disk,
/// a cut), and those a 128-bit hash made to detect changes catches as surely (a change that
/// keeps it has odds of 2^-128). It runs at memory speed: at the 100,000-participant benchmark
/// the SHA-256 of the 132 MB column cache was a quarter of `waves cfa`'s time. Whether a cache
/// is fresh is not the checksum's business: that is proven by the store's and the import log's
/// identities and the key (`DerivedCache.open`), which are compared, not hashed.
final class CacheChecksum {
    private let state: OpaquePointer

    init() {
        guard let s = XXH3_createState() else { fatalError("XXH3_createState: out of memory") }
        state = s
        XXH3_128bits_reset(state)
    }

    deinit { XXH3_freeState(state) }

    func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        XXH3_128bits_update(state, base, bytes.count)
    }

    func update(_ bytes: [UInt8]) { bytes.withUnsafeBytes { update($0) } }

    /// The checksum of everything fed so far, as 32 hex digits (big-endian, as `xxhsum -H2` prints it).
    func hex() -> String {
        var canonical = XXH128_canonical_t()
        XXH128_canonicalFromHash(&canonical, XXH3_128bits_digest(state))
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(32)
        withUnsafeBytes(of: canonical.digest) { for b in $0 { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 0x0F)]) } }
        return String(decoding: out, as: UTF8.self)
    }
}
