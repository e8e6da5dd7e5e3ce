import Crypto
import Foundation

/// De-identification settings: the pseudonym key and whether free text is kept.
///
/// Participant ids become `p` + the first 16 hex digits of
/// HMAC-SHA256(key, "waves.pseudonym/1" 0x00 study-id 0x00 participant-id), so the
/// same participant gets the same pseudonym in every export of a study made
/// with the same key, different studies give unlinkable pseudonyms, and no one
/// without the key can recompute or reverse them (RFC 2104 keyed hashing).
public struct Deidentification: Sendable {
    /// The secret read from the key file.
    let key: [UInt8]
    /// Keep free-text items (`--keep-text`); they are dropped otherwise.
    public var keepText: Bool
    /// The key file the secret was read from, if any: exports never write over it.
    public private(set) var keyFile: URL?

    /// The fewest key bytes accepted (128 bits).
    public static let minimumKeyBytes = 16

    /// Uses `key` as the secret; refuses a key that is too short or has no entropy (`KeyStrength`).
    public init(key: [UInt8], keepText: Bool = false) throws {
        guard key.count >= Deidentification.minimumKeyBytes else {
            throw ExportError.weakKey(bytes: key.count, minimum: Deidentification.minimumKeyBytes)
        }
        if let why = KeyStrength.weakness(of: key) { throw ExportError.keyWithoutEntropy(nil, reason: why) }
        self.key = key
        self.keepText = keepText
    }

    /// Reads the secret from a key file: its bytes, without trailing spaces or line breaks.
    public init(keyFile: URL, keepText: Bool = false) throws {
        guard let data = try? Data(contentsOf: keyFile) else { throw ExportError.unreadableKeyFile(keyFile.path) }
        var bytes = [UInt8](data)
        while let last = bytes.last, last == 0x0A || last == 0x0D || last == 0x20 || last == 0x09 { bytes.removeLast() }
        do { try self.init(key: bytes, keepText: keepText) } catch ExportError.weakKey(let n, let m) {
            throw ExportError.weakKeyFile(keyFile.path, bytes: n, minimum: m)
        } catch ExportError.keyWithoutEntropy(_, let why) {
            throw ExportError.keyWithoutEntropy(keyFile.path, reason: why)
        }
        self.keyFile = keyFile
    }

    /// Whether the key file lies inside the study folder (after resolving links): a warning,
    /// since whoever is given the folder could then recompute every pseudonym.
    public static func keyFile(_ keyFile: URL, isInside study: URL) -> Bool {
        let k = keyFile.standardizedFileURL.resolvingSymlinksInPath().path
        var s = study.standardizedFileURL.resolvingSymlinksInPath().path
        if !s.hasSuffix("/") { s += "/" }
        return k.hasPrefix(s)
    }

    /// The pseudonym of a participant of a study.
    ///
    /// `p` + 16 lower-case hex digits (64 bits) of HMAC-SHA256 over
    /// "waves.pseudonym/1", study id and participant id separated by NUL bytes.
    public func pseudonym(for participant: String, study: String) -> String {
        var message = Array("waves.pseudonym/1".utf8)
        message.append(0)
        message += Array(study.utf8)
        message.append(0)
        message += Array(participant.utf8)
        let mac = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key))
        return "p" + mac.prefix(8).map { String(format: "%02x", $0) }.joined()
    }
}
