import Crypto
import Foundation
import Glibc

/// The study secret `data/secret.key`: 32 random bytes, mode 0600, made on first use.
///
/// Access codes are stored only as HMAC-SHA256 under this key (RFC 2104, via
/// swift-crypto), so the invitation log alone does not let anyone test guesses offline.
/// The file is refused when it is a symbolic link, not a regular file, not 32 bytes,
/// or readable or writable by anyone but its owner.
public struct StudySecret: Sendable {
    public static let size = 32
    /// The key bytes (swift-crypto's `SymmetricKey` is not `Sendable`; one is made per use).
    private let bytes: [UInt8]
    var key: SymmetricKey { SymmetricKey(data: bytes) }

    init(key: SymmetricKey) { self.bytes = key.withUnsafeBytes { Array($0) } }

    /// Reads the secret, creating it (exclusively, 0600) when `create` is true and it does not exist.
    public static func load(url: URL, create: Bool) throws -> StudySecret? {
        let path = url.path
        var st = stat()
        if lstat(path, &st) != 0 {
            guard errno == ENOENT else { throw CollectError.file(path: path, reason: "cannot inspect: \(String(cString: strerror(errno)))") }
            guard create else { return nil }
            try DataFolder.ensure(url.deletingLastPathComponent())
            let fresh = SymmetricKey(size: .bits256)
            let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
            if fd < 0 {
                // Someone else made it at the same moment: use theirs.
                if errno == EEXIST { return try load(url: url, create: false) }
                throw CollectError.file(path: path, reason: "cannot create: \(String(cString: strerror(errno)))")
            }
            let bytes = fresh.withUnsafeBytes { Array($0) }
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            let ok = n == bytes.count && fsync(fd) == 0
            close(fd)
            guard ok else {
                unlink(path)
                throw CollectError.file(path: path, reason: "cannot write the new secret")
            }
            return StudySecret(key: fresh)
        }
        guard (st.st_mode & S_IFMT) != S_IFLNK else {
            throw CollectError.file(path: path, reason: "is a symbolic link; the study secret must be a plain file (remove the link)")
        }
        guard (st.st_mode & S_IFMT) == S_IFREG else { throw CollectError.file(path: path, reason: "is not a regular file") }
        guard st.st_mode & 0o077 == 0 else {
            throw CollectError.file(path: path, reason: "can be read or changed by others (mode \(String(st.st_mode & 0o777, radix: 8))); run chmod 600 on it")
        }
        guard st.st_uid == getuid() else { throw CollectError.file(path: path, reason: "belongs to another user") }
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { throw CollectError.file(path: path, reason: "cannot open: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var buf = [UInt8](repeating: 0, count: size + 1)
        var got = 0
        while got < buf.count {
            let n = buf.withUnsafeMutableBytes { read(fd, $0.baseAddress! + got, $0.count - got) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            got += n
        }
        guard got == size else { throw CollectError.file(path: path, reason: "must hold exactly \(size) bytes (it holds \(got > size ? "more" : String(got))); it is not a Waves study secret") }
        return StudySecret(key: SymmetricKey(data: buf[0..<size]))
    }

    /// `code_hash`: lowercase hex HMAC-SHA256 of the normalised code.
    public func hash(_ code: AccessCode) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data(code.normalized.utf8), using: key)
        return mac.map { String(format: "%02x", $0) }.joined()
    }

    /// Whether `code` has the stored hash, compared in constant time by swift-crypto
    /// (`isValidAuthenticationCode`); a malformed stored hash never matches.
    public func matches(_ code: AccessCode, storedHash: String) -> Bool {
        guard let mac = Self.bytes(hex: storedHash), mac.count == 32 else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: Data(code.normalized.utf8), using: key)
    }

    static func bytes(hex: String) -> [UInt8]? {
        let u = Array(hex.utf8)
        guard u.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(u.count / 2)
        func v(_ c: UInt8) -> UInt8? {
            switch c {
            case 48...57: return c - 48
            case 97...102: return c - 87
            case 65...70: return c - 55
            default: return nil
            }
        }
        var i = 0
        while i < u.count {
            guard let hi = v(u[i]), let lo = v(u[i + 1]) else { return nil }
            out.append(hi << 4 | lo); i += 2
        }
        return out
    }
}
