import Crypto
import Foundation
import Glibc
import NIOSSH

/// The server's Ed25519 host key, kept in OpenSSH's private key format so that
/// `ssh-keygen -lf data/ssh_host_ed25519_key` shows the same fingerprint the server prints.
///
/// The file is made on first use with `O_CREAT | O_EXCL | O_NOFOLLOW`, mode 0600; loading
/// refuses a symbolic link, a file that is not a regular file, a file another user owns,
/// and a file that group or others may read (as sshd refuses an unprotected key).
public struct HostKey: Sendable {
    /// The default location inside a study folder.
    public static let defaultRelativePath = "data/ssh_host_ed25519_key"
    /// Larger key files are refused unread (an Ed25519 key file is about 400 bytes).
    static let maxFileSize = 16 * 1024

    /// The 32-byte Ed25519 seed (swift-crypto's key type is not `Sendable`; the bytes are).
    private let seed: Data

    public init(privateKey: Curve25519.Signing.PrivateKey) { self.seed = privateKey.rawRepresentation }

    public var privateKey: Curve25519.Signing.PrivateKey {
        // The seed came from a valid key, so this cannot fail.
        try! Curve25519.Signing.PrivateKey(rawRepresentation: seed)
    }

    /// The key as NIOSSH uses it.
    public var sshKey: NIOSSHPrivateKey { NIOSSHPrivateKey(ed25519Key: privateKey) }

    /// The public key blob of RFC 4253 §6.6 / RFC 8709: `string "ssh-ed25519"`, `string key`.
    public var publicKeyBlob: [UInt8] {
        var w = SSHWireWriter()
        w.string("ssh-ed25519")
        w.string(Array(privateKey.publicKey.rawRepresentation))
        return w.bytes
    }

    /// `ssh-ed25519 AAAA…` as in an `authorized_keys` or `known_hosts` line (without a host).
    public var openSSHPublicKey: String { "ssh-ed25519 " + Data(publicKeyBlob).base64EncodedString() }

    /// OpenSSH's fingerprint: `SHA256:` and the unpadded base64 of the SHA-256 of the public
    /// key blob (what `ssh-keygen -lf` and the client's "key fingerprint is" message show).
    public var fingerprint: String {
        let digest = Data(SHA256.hash(data: publicKeyBlob)).base64EncodedString()
        return "SHA256:" + digest.replacingOccurrences(of: "=", with: "")
    }

    /// Loads the key at `url`, or makes a new one there (mode 0600) when no file exists.
    /// Returns the key and whether it was made now.
    public static func loadOrCreate(at url: URL) throws -> (key: HostKey, created: Bool) {
        let path = url.path
        var st = stat()
        if lstat(path, &st) == 0 { return (try load(from: url), false) }
        guard errno == ENOENT else { throw ServeError.hostKey(path: path, problem: String(cString: strerror(errno))) }
        let key = HostKey(privateKey: Curve25519.Signing.PrivateKey())
        do {
            try key.write(to: url)
        } catch ServeError.hostKeyExists {
            // Another server made it between our look and our create: use theirs.
            return (try load(from: url), false)
        }
        return (key, true)
    }

    /// Reads a key file written by `write(to:)` or by `ssh-keygen -t ed25519 -N ''`.
    public static func load(from url: URL) throws -> HostKey {
        let path = url.path
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else {
            let why = errno == ELOOP ? "it is a symbolic link; give the key file itself" : String(cString: strerror(errno))
            throw ServeError.hostKey(path: path, problem: why)
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw ServeError.hostKey(path: path, problem: String(cString: strerror(errno))) }
        guard st.st_mode & S_IFMT == S_IFREG else { throw ServeError.hostKey(path: path, problem: "it is not a regular file") }
        guard st.st_uid == geteuid() else { throw ServeError.hostKey(path: path, problem: "it belongs to another user") }
        guard st.st_mode & 0o077 == 0 else {
            throw ServeError.hostKey(path: path, problem: String(format: "its mode is %04o, so others may read it; run `chmod 600 %@`", Int(st.st_mode & 0o777), path))
        }
        guard st.st_size <= maxFileSize else { throw ServeError.hostKey(path: path, problem: "it is too large to be an Ed25519 key file") }
        var bytes = [UInt8](repeating: 0, count: Int(st.st_size))
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + done, $0.count - done) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw ServeError.hostKey(path: path, problem: "it could not be read to the end") }
            done += n
        }
        do {
            return HostKey(privateKey: try OpenSSHKeyFile.decodeEd25519(String(decoding: bytes, as: UTF8.self)))
        } catch let e as OpenSSHKeyFile.FormatError {
            throw ServeError.hostKey(path: path, problem: e.message)
        }
    }

    /// Writes a new key file (refusing to replace any existing file or link), mode 0600, synced.
    public func write(to url: URL) throws {
        let path = url.path
        let text = OpenSSHKeyFile.encodeEd25519(privateKey, comment: "waves serve host key")
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            if errno == EEXIST { throw ServeError.hostKeyExists(path: path) }
            throw ServeError.hostKey(path: path, problem: "it cannot be created: " + String(cString: strerror(errno)))
        }
        defer { close(fd) }
        _ = fchmod(fd, 0o600)
        var bytes = Array(text.utf8)
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeMutableBytes { Glibc.write(fd, $0.baseAddress! + done, $0.count - done) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                let why = String(cString: strerror(errno))
                unlink(path)
                throw ServeError.hostKey(path: path, problem: "it could not be written: " + why)
            }
            done += n
        }
        guard fsync(fd) == 0 else {
            let why = String(cString: strerror(errno))
            unlink(path)
            throw ServeError.hostKey(path: path, problem: "it could not be flushed to disk: " + why)
        }
        for i in bytes.indices { bytes[i] = 0 }
    }
}
