import Foundation

/// A participant's access code: 12 characters of Crockford's base32 (60 bits), shown
/// `XXXX-XXXX-XXXX` (formats.md, "Access codes").
///
/// Crockford's alphabet (https://www.crockford.com/base32.html) leaves out I, L, O and U,
/// so reading a code aloud or from paper is forgiving: typing is case-insensitive, ignores
/// dashes (any Unicode dash) and spaces, and reads O as 0 and I and L as 1. Full-width
/// forms (from East Asian input methods) are folded to ASCII first (NFKC).
public struct AccessCode: Sendable, Hashable, CustomStringConvertible {
    public static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
    public static let length = 12

    /// The 12 canonical characters (upper case, no dashes): what is hashed.
    public let normalized: String

    /// A code from its canonical form; nil unless it is 12 alphabet characters.
    init?(canonical: String) {
        guard canonical.count == Self.length, canonical.allSatisfy({ Self.alphabet.contains($0) }) else { return nil }
        normalized = canonical
    }

    /// A new code from a cryptographically secure generator (`SystemRandomNumberGenerator`
    /// reads the kernel's CSPRNG, `getrandom(2)`, on Linux); tests may pass a seeded one.
    public static func generate<G: RandomNumberGenerator>(using rng: inout G) -> AccessCode {
        // 60 random bits, 5 per character: no modulo bias.
        let bits = rng.next() & ((1 << 60) - 1)
        var s = ""
        for i in stride(from: 55, through: 0, by: -5) { s.append(alphabet[Int((bits >> UInt64(i)) & 31)]) }
        return AccessCode(canonical: s)!
    }

    public static func generate() -> AccessCode {
        var rng = SystemRandomNumberGenerator()
        return generate(using: &rng)
    }

    /// What a participant typed, read as a code; nil when it cannot be one (wrong length,
    /// or a character outside the alphabet once the look-alikes are mapped).
    public init?(typed: String) {
        guard let c = Self.normalize(typed) else { return nil }
        self.init(canonical: c)
    }

    /// The contract's normalisation: upper case, without dashes and spaces, O read as 0,
    /// I and L as 1. Returns nil when the result is not 12 alphabet characters.
    public static func normalize(_ typed: String) -> String? {
        let folded = typed.precomposedStringWithCompatibilityMapping
        var out = ""
        for u in folded.unicodeScalars {
            if isSeparator(u) { continue }
            guard u.isASCII else { return nil }
            var c = Character(u)
            if c.isLowercase { c = Character(c.uppercased()) }
            switch c {
            case "O": c = "0"
            case "I", "L": c = "1"
            default: break
            }
            guard alphabet.contains(c) else { return nil }
            out.append(c)
            if out.count > length { return nil }
        }
        return out.count == length ? out : nil
    }

    /// Dashes of every kind (hyphen, en and em dashes, minus sign, ...) and white space.
    static func isSeparator(_ u: Unicode.Scalar) -> Bool {
        if u.properties.generalCategory == .dashPunctuation { return true }
        if u == "\u{2212}" || u == "\u{00AD}" { return true }   // minus sign, soft hyphen
        return u.properties.isWhitespace || u == "\u{200B}"     // zero-width space
    }

    /// `XXXX-XXXX-XXXX`.
    public var formatted: String {
        let c = Array(normalized)
        return String(c[0..<4]) + "-" + String(c[4..<8]) + "-" + String(c[8..<12])
    }

    public var description: String { formatted }
}
