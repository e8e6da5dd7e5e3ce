import Foundation
import WavesTestSupport

/// Mutations of a text file for the fuzz test: byte flips, insertions of hostile tokens
/// (extreme numbers, escapes, controls, bidi overrides, JSON and YAML syntax, long and wide
/// text), deletions, duplicated or swapped lines, and numbers or values replaced in place.
/// Each mutation keeps most of the file, so the input gets past the first checks and reaches
/// the code behind them.
enum FuzzMutator {
    /// Tokens that broke or could break something: numbers at the edges of Double and Int,
    /// non-decimal numbers, control and escape sequences, structure characters, long text.
    static let tokens: [String] = [
        "1e308", "-1e308", "1e400", "-1e-400", "9.3e18", "-9.3e18", "1e19", "4.9e-324", "NaN", "nan", "inf", "-inf", "Infinity",
        "0x4", "0x1p2", "+4", "4e0", "-0", "0", "99", "-99", "2147483648", "9223372036854775808", "1.5", "3.0000000001",
        "\u{1B}[2J", "\u{1B}]0;PWNED\u{07}", "\u{07}", "\u{00}", "\u{7F}", "\u{85}", "\u{202E}", "\u{2066}", "\r", "\t", "\u{FEFF}",
        "=HYPERLINK(\"x\")", "+cmd|' /C calc'!A0", "@SUM(1)", "<script>alert(1)</script>", "&amp;", "]]>",
        "\"", "\\", "\\u0000", "\\uD800", "\\u001b", "{", "}", "[", "]", ":", ",", "null", "true", "[]", "{}",
        "- ", "  ", "\n", "\n  - ", "&a ", "*a", "!!binary", "? ", "|", ">", "#", "'", "%YAML 1.2\n---\n",
        "参加者参加者参加者", "👩‍⚕️", String(repeating: "x", count: 300), String(repeating: "9", count: 40),
        "w1", "w2", "w3", "identity", "pi01", "mentee", "peer-mentor", "P001", "../../etc/passwd", "/etc/passwd",
    ]

    /// One to four mutations of a file's bytes (the result may be invalid UTF-8, on purpose).
    static func mutateBytes(_ data: [UInt8], _ r: inout FuzzRandom) -> [UInt8] {
        var bytes = data
        for _ in 0..<(1 + r.below(4)) { mutateOnce(&bytes, &r) }
        return bytes
    }

    private static func mutateOnce(_ b: inout [UInt8], _ r: inout FuzzRandom) {
        let at = r.below(b.count + 1)
        switch r.below(10) {
        case 0:   // flip a byte
            if !b.isEmpty { b[min(at, b.count - 1)] = UInt8(truncatingIfNeeded: r.next()) }
        case 1, 2:   // insert a token
            b.insert(contentsOf: Array(r.pick(tokens).utf8), at: at)
        case 3:   // delete a run
            if !b.isEmpty { let s = min(at, b.count - 1); b.removeSubrange(s..<min(b.count, s + 1 + r.below(16))) }
        case 4, 5:   // replace a number
            replaceNumber(&b, &r)
        case 6:   // duplicate a line
            var lines = split(b)
            if !lines.isEmpty { lines.insert(lines[r.below(lines.count)], at: r.below(lines.count + 1)); b = join(lines) }
        case 7:   // delete a line
            var lines = split(b)
            if !lines.isEmpty { lines.remove(at: r.below(lines.count)); b = join(lines) }
        case 8:   // swap two lines
            var lines = split(b)
            if lines.count > 1 { lines.swapAt(r.below(lines.count), r.below(lines.count)); b = join(lines) }
        default:   // truncate (a torn write)
            if !b.isEmpty { b.removeSubrange(max(b.count - 1 - r.below(40), 0)..<b.count) }
        }
    }

    /// Replaces one run of digits (with its sign, point and exponent) by a token.
    private static func replaceNumber(_ b: inout [UInt8], _ r: inout FuzzRandom) {
        let digits = b.indices.filter { (48...57).contains(b[$0]) }
        guard !digits.isEmpty else { return }
        var s = r.pick(digits), e = s
        let numeric: (UInt8) -> Bool = { (48...57).contains($0) || $0 == 46 || $0 == 101 || $0 == 69 || $0 == 45 || $0 == 43 }
        while s > 0 && numeric(b[s - 1]) { s -= 1 }
        while e + 1 < b.count && numeric(b[e + 1]) { e += 1 }
        let replacement = r.chance(0.7) ? r.pick(["1e308", "-1e308", "1e19", "99", "-99", "0", "-0", "1e400", "0x4", "+4", "1.5", "4.9e-324", "2147483648", "nan"])
                                        : r.pick(tokens)
        b.replaceSubrange(s...e, with: Array(replacement.utf8))
    }

    private static func split(_ b: [UInt8]) -> [ArraySlice<UInt8>] { b.split(separator: 10, omittingEmptySubsequences: false) }
    private static func join(_ lines: [ArraySlice<UInt8>]) -> [UInt8] {
        var out: [UInt8] = []
        for (i, l) in lines.enumerated() { if i > 0 { out.append(10) }; out += l }
        return out
    }
}
