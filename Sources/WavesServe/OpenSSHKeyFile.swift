import Crypto
import Foundation

/// OpenSSH's private key container (`-----BEGIN OPENSSH PRIVATE KEY-----`), unencrypted,
/// holding one Ed25519 key.
///
/// Written by hand because no package here reads or writes it: swift-crypto and NIOSSH take
/// raw 32-byte keys only. The layout is OpenSSH's PROTOCOL.key: the magic
/// `openssh-key-v1\0`; strings cipher `none`, KDF `none`, empty KDF options; the key count
/// (1); the public key blob; then one string holding two equal check integers, the key
/// (`string "ssh-ed25519"`, `string pub[32]`, `string seed[32] || pub[32]`), a comment, and
/// padding bytes 1, 2, 3, … up to a multiple of 8. The whole is base64 in lines of 70.
enum OpenSSHKeyFile {
    struct FormatError: Error { var message: String }

    static let magic = Array("openssh-key-v1".utf8) + [0]
    static let begin = "-----BEGIN OPENSSH PRIVATE KEY-----"
    static let end = "-----END OPENSSH PRIVATE KEY-----"

    static func encodeEd25519(_ key: Curve25519.Signing.PrivateKey, comment: String) -> String {
        let pub = Array(key.publicKey.rawRepresentation)
        let seed = Array(key.rawRepresentation)
        var blob = SSHWireWriter()
        blob.string("ssh-ed25519"); blob.string(pub)

        var secret = SSHWireWriter()
        let check = UInt32.random(in: .min ... .max)
        secret.uint32(check); secret.uint32(check)
        secret.string("ssh-ed25519"); secret.string(pub); secret.string(seed + pub)
        secret.string(comment)
        var pad: UInt8 = 1
        while secret.bytes.count % 8 != 0 { secret.bytes.append(pad); pad += 1 }

        var file = SSHWireWriter()
        file.bytes = magic
        file.string("none"); file.string("none"); file.string([UInt8]())
        file.uint32(1)
        file.string(blob.bytes)
        file.string(secret.bytes)
        let b64 = Data(file.bytes).base64EncodedString()
        var lines = [begin]
        var rest = Substring(b64)
        while !rest.isEmpty { lines.append(String(rest.prefix(70))); rest = rest.dropFirst(70) }
        lines.append(end)
        return lines.joined(separator: "\n") + "\n"
    }

    static func decodeEd25519(_ text: String) throws -> Curve25519.Signing.PrivateKey {
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
        guard let b = lines.firstIndex(of: begin), let e = lines.firstIndex(of: end), b < e else {
            throw FormatError(message: "it is not an OpenSSH private key file (no \(begin) line)")
        }
        guard let data = Data(base64Encoded: lines[(b + 1)..<e].joined()) else {
            throw FormatError(message: "its base64 body is damaged")
        }
        var r = SSHWireReader(Array(data))
        guard r.take(magic.count) == magic else { throw FormatError(message: "it does not start with openssh-key-v1") }
        guard let cipher = r.stringText(), let kdf = r.stringText(), r.stringBytes() != nil, let count = r.uint32() else {
            throw FormatError(message: "its header is truncated")
        }
        guard cipher == "none", kdf == "none" else {
            throw FormatError(message: "it is protected by a passphrase; a server host key must be unencrypted (ssh-keygen -t ed25519 -N '' -f FILE)")
        }
        guard count == 1 else { throw FormatError(message: "it holds \(count) keys; expected one") }
        guard r.stringBytes() != nil, let secretBytes = r.stringBytes() else { throw FormatError(message: "it is truncated") }
        var s = SSHWireReader(secretBytes)
        guard let c1 = s.uint32(), let c2 = s.uint32(), c1 == c2 else { throw FormatError(message: "its check numbers differ (damaged file)") }
        guard let type = s.stringText() else { throw FormatError(message: "its key is truncated") }
        guard type == "ssh-ed25519" else { throw FormatError(message: "it holds a \(type) key; waves serve uses Ed25519 (ssh-keygen -t ed25519)") }
        guard let pub = s.stringBytes(), pub.count == 32, let priv = s.stringBytes(), priv.count == 64 else {
            throw FormatError(message: "its Ed25519 key has the wrong length")
        }
        guard let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: priv[0..<32]),
              Array(key.publicKey.rawRepresentation) == pub, Array(priv[32..<64]) == pub else {
            throw FormatError(message: "its private and public halves do not match")
        }
        return key
    }
}

/// Big-endian integers and length-prefixed strings of RFC 4251 §5.
struct SSHWireWriter {
    var bytes: [UInt8] = []
    mutating func uint32(_ v: UInt32) { bytes += [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)] }
    mutating func string(_ b: [UInt8]) { uint32(UInt32(b.count)); bytes += b }
    mutating func string(_ s: String) { string(Array(s.utf8)) }
}

/// Reads what `SSHWireWriter` writes; every read returns nil past the end.
struct SSHWireReader {
    let bytes: [UInt8]
    var offset = 0
    init(_ bytes: [UInt8]) { self.bytes = bytes }
    mutating func take(_ n: Int) -> [UInt8]? {
        guard n >= 0, bytes.count - offset >= n else { return nil }
        defer { offset += n }
        return Array(bytes[offset..<(offset + n)])
    }
    mutating func uint32() -> UInt32? {
        guard let b = take(4) else { return nil }
        return b.reduce(0) { $0 << 8 | UInt32($1) }
    }
    mutating func stringBytes() -> [UInt8]? {
        guard let n = uint32(), n <= UInt32(bytes.count) else { return nil }
        return take(Int(n))
    }
    mutating func stringText() -> String? { stringBytes().map { String(decoding: $0, as: UTF8.self) } }
}
