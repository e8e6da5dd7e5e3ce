import Crypto
import Foundation

/// Turns Waves column names into valid, unique SPSS or Stata variable names.
///
/// Rules (deterministic; the same variable list always gives the same names):
/// 1. characters other than ASCII letters, digits and `_` become `_`; a name
///    that does not start with a letter gets a leading `v`;
/// 2. a reserved word gets a trailing `_` (SPSS: ALL AND BY EQ GE GT LE LT NE
///    NOT OR TO WITH; Stata: _all _b byte _coef _cons double float if in int
///    long _n _N _pi _pred _rc _skip strL str# using with);
/// 3. a name longer than the limit (SPSS 64 bytes, Stata 32 characters) keeps
///    its protected suffix (the `_<wave>` of a wide variable) and as much of the
///    rest as fits before `_` and six hex digits of the SHA-256 of the full name;
/// 4. a name already taken (compared without case, as SPSS does) gets `_2`,
///    `_3`, ... , shortened again to fit.
struct VariableNamer {
    enum Dialect: Sendable {
        case spss, stata
        var maxLength: Int { self == .spss ? 64 : 32 }
    }

    let dialect: Dialect
    private var taken = Set<String>()

    init(_ dialect: Dialect) { self.dialect = dialect }

    static let spssReserved: Set<String> = ["ALL", "AND", "BY", "EQ", "GE", "GT", "LE", "LT", "NE", "NOT", "OR", "TO", "WITH"]
    static let stataReserved: Set<String> = ["_all", "_b", "byte", "_coef", "_cons", "double", "float", "if", "in", "int",
                                             "long", "_n", "_N", "_pi", "_pred", "_rc", "_skip", "strL", "using", "with"]

    /// Marks a name as used without renaming it (names that must stay as they are).
    mutating func reserve(_ name: String) { taken.insert(name.lowercased()) }

    /// Whether a name is already used.
    func isTaken(_ name: String) -> Bool { taken.contains(name.lowercased()) }

    /// A valid, unused name for `full`, keeping `suffix` (a tail of `full`) visible when shortening.
    mutating func name(for full: String, keepingSuffix suffix: String = "") -> String {
        let clean = VariableNamer.sanitize(full)
        var cleanSuffix = suffix.isEmpty ? "" : VariableNamer.sanitizeTail(suffix)
        if !clean.hasSuffix(cleanSuffix) || cleanSuffix.count > dialect.maxLength / 2 { cleanSuffix = "" }
        var candidate = clean
        if isReserved(candidate) { candidate += "_" }
        if candidate.count > dialect.maxLength {
            candidate = shorten(clean, suffix: cleanSuffix, hashOf: full)
        }
        var n = 2
        let base = candidate
        while isTaken(candidate) || isReserved(candidate) {
            let tail = "_\(n)"
            candidate = String(base.prefix(dialect.maxLength - tail.count)) + tail
            n += 1
        }
        taken.insert(candidate.lowercased())
        return candidate
    }

    func isReserved(_ name: String) -> Bool {
        switch dialect {
        case .spss: return VariableNamer.spssReserved.contains(name.uppercased())
        case .stata:
            if VariableNamer.stataReserved.contains(name) { return true }
            if name.hasPrefix("str"), name.count > 3, name.dropFirst(3).allSatisfy(\.isASCIIDigit) { return true }
            return false
        }
    }

    private func shorten(_ clean: String, suffix: String, hashOf full: String) -> String {
        let digest = SHA256.hash(data: Array(full.utf8)).prefix(3).map { String(format: "%02x", $0) }.joined()
        let tail = "_" + digest + suffix
        let stem = clean.dropLast(suffix.count)
        var head = String(stem.prefix(dialect.maxLength - tail.count))
        while head.hasSuffix("_") { head.removeLast() }
        return head + tail
    }

    /// ASCII letters, digits and `_` only, starting with a letter.
    static func sanitize(_ s: String) -> String {
        var out = sanitizeTail(s)
        if out.isEmpty { return "v" }
        if let f = out.unicodeScalars.first, !isASCIILetter(f) { out = "v" + out }
        return out
    }

    static func sanitizeTail(_ s: String) -> String {
        String(String.UnicodeScalarView(s.unicodeScalars.map { isASCIILetter($0) || ("0"..."9").contains($0) || $0 == "_" ? $0 : "_" }))
    }

    static func isASCIILetter(_ c: Unicode.Scalar) -> Bool { ("a"..."z").contains(c) || ("A"..."Z").contains(c) }
}

private extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
