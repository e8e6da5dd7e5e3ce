import Crypto
import Foundation
import Glibc

/// The evaluator's PIN that lets them leave the kiosk (`--pin-file`).
///
/// The file holds the PIN as plain text (its first line, spaces trimmed, at least 4
/// characters). It must be a regular file readable by its owner only: a hashed file would
/// add nothing, because a PIN short enough to type is found from its hash in moments.
/// The kiosk reads it once, keeps only an HMAC of it under a key made for this run, and
/// compares what is typed with swift-crypto's constant-time check.
public struct PinCheck: Sendable {
    private let key: [UInt8]
    private let mac: [UInt8]

    public init(pin: String) {
        let k = SymmetricKey(size: .bits256)
        key = k.withUnsafeBytes { Array($0) }
        mac = Array(HMAC<SHA256>.authenticationCode(for: Data(pin.utf8), using: k))
    }

    public static func load(url: URL) throws -> PinCheck {
        let path = url.path
        var st = stat()
        guard lstat(path, &st) == 0 else { throw CollectError.pin("\(path): cannot read the PIN file: \(String(cString: strerror(errno)))") }
        guard (st.st_mode & S_IFMT) == S_IFREG else { throw CollectError.pin("\(path): the PIN file must be a plain file, not a link or a folder") }
        guard st.st_mode & 0o077 == 0 else {
            throw CollectError.pin("\(path): the PIN file can be read by others (mode \(String(st.st_mode & 0o777, radix: 8))); run chmod 600 on it")
        }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw CollectError.pin("\(path): the PIN file is not UTF-8 text") }
        let pin = (text.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? "")
            .trimmingCharacters(in: .whitespaces)
        guard pin.count >= 4 else { throw CollectError.pin("\(path): the PIN (first line of the file) must have at least 4 characters") }
        return PinCheck(pin: pin)
    }

    public func matches(_ typed: String) -> Bool {
        HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: Data(typed.trimmingCharacters(in: .whitespaces).utf8),
                                               using: SymmetricKey(data: key))
    }
}
