import Foundation

/// Judges whether a de-identification key can be a secret: a key must not be guessable
/// from its shape. The rule (docs/deidentification.md), after trailing spaces and line
/// breaks are removed and the 16-byte minimum is met:
///
/// 1. Strength: the number of symbols times the bits each carries by the key's alphabet
///    (hex digits 4, base64 characters 6, anything else 8 bits per byte) is at least 128,
///    so `0123456789abcdef` (16 hex digits, 64 bits) is refused and `openssl rand -hex 32`
///    (256 bits) passes.
/// 2. At least 8 distinct symbols (hex case-insensitive): refuses all-zero keys and one
///    byte repeated. (Not 16: a random 16-byte key has fewer than 16 distinct bytes about
///    38% of the time, and a 64-digit hex key lacks some hex digit about 23% of the time;
///    fewer than 8 happens to a random 128-bit key with probability below 1e-7.)
/// 3. Not a block repeated (`abcabcabc…`, a period of at most half the length).
/// 4. Not a run with a constant step (`0x00 0x01 0x02 …`, `abcdefgh…`).
///
/// A typed passphrase passes rule 1 generously (8 bits per character); random keys are
/// what the documentation asks for.
public enum KeyStrength {
    public static let minimumBits = 128
    public static let minimumDistinct = 8

    /// Bits per symbol of the key's alphabet: 4 for hex digits, 6 for base64 (with `=`
    /// padding, which carries none, not counted), 8 otherwise.
    static func alphabet(_ key: [UInt8]) -> (bitsPerSymbol: Int, symbols: [UInt8]) {
        func isHex(_ b: UInt8) -> Bool { (0x30...0x39).contains(b) || (0x41...0x46).contains(b) || (0x61...0x66).contains(b) }
        func isBase64(_ b: UInt8) -> Bool {
            (0x30...0x39).contains(b) || (0x41...0x5A).contains(b) || (0x61...0x7A).contains(b) || [0x2B, 0x2F, 0x2D, 0x5F].contains(b)
        }
        if key.allSatisfy(isHex) { return (4, key.map { $0 >= 0x61 ? $0 - 0x20 : $0 }) }
        var unpadded = key
        while unpadded.last == 0x3D { unpadded.removeLast() }
        if !unpadded.isEmpty, unpadded.allSatisfy(isBase64) { return (6, unpadded) }
        return (8, key)
    }

    /// Why `key` cannot serve as a secret, or nil when it passes every rule. Never quotes the key.
    public static func weakness(of key: [UInt8]) -> String? {
        let (bits, s) = alphabet(key)
        let name = bits == 4 ? "hex digits" : bits == 6 ? "base64 characters" : "bytes"
        if s.count * bits < minimumBits {
            let need = (minimumBits + bits - 1) / bits
            return "\(s.count) \(name) carry \(s.count * bits) bits; at least \(minimumBits) are needed (\(need) \(name))"
        }
        let distinct = Set(s).count
        if distinct < minimumDistinct {
            return "it has only \(distinct) distinct \(bits == 8 ? "byte value" : "character")\(distinct == 1 ? "" : "s") (at least \(minimumDistinct) are needed; a random key has many more)"
        }
        let n = s.count
        for p in 1...(n / 2) where (p..<n).allSatisfy({ s[$0] == s[$0 - p] }) {
            return "it repeats a block of \(p) \(name) over and over"
        }
        let step = s[1] &- s[0]
        if (2..<n).allSatisfy({ s[$0] &- s[$0 - 1] == step }) {
            return "it is a run of \(name) with a constant step"
        }
        return nil
    }
}
