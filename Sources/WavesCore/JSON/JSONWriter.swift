import Foundation

/// Compact, deterministic JSON text for a `JSONValue` (RFC 8259).
///
/// Numbers that are whole and within 2^53 print without a fraction ("4", not
/// "4.0"); other finite numbers use Swift's shortest round-trip form; NaN and
/// infinities, which JSON cannot hold, print as `null`.
public enum JSONWriter {
    public static func string(_ value: JSONValue) -> String {
        var out = ""
        write(value, into: &out)
        return out
    }

    public static func write(_ value: JSONValue, into out: inout String) {
        switch value {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let d): out += number(d)
        case .string(let s): writeString(s, into: &out)
        case .array(let a):
            out += "["
            for (i, v) in a.enumerated() {
                if i > 0 { out += "," }
                write(v, into: &out)
            }
            out += "]"
        case .object(let o):
            out += "{"
            for (i, m) in o.members.enumerated() {
                if i > 0 { out += "," }
                writeString(m.key, into: &out)
                out += ":"
                write(m.value, into: &out)
            }
            out += "}"
        }
    }

    /// JSON text of a number (`null` when not finite): the one writer of numbers for machines
    /// (the store, drafts, CSV cells, syntax files). Text for people (tables, the report,
    /// messages) comes from `NumberText`, which rounds and never prints hundreds of digits.
    public static func number(_ d: Double) -> String {
        guard d.isFinite else { return "null" }
        if d == d.rounded(), abs(d) < 9_007_199_254_740_992 {
            if d == 0 { return "0" }
            return String(Int64(d))
        }
        return "\(d)"
    }

    /// Writes a quoted JSON string, escaping quotes, backslashes and control characters.
    public static func writeString(_ s: String, into out: inout String) {
        out += "\""
        // Fast path: nothing to escape (the usual case for ids and short answers).
        if !s.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C || $0 == 0x7F || $0 == 0xE2 }) {
            out += s
            out += "\""
            return
        }
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if scalar.value < 0x20 || scalar.value == 0x2028 || scalar.value == 0x2029 || scalar.value == 0x7F {
                    out += String(format: "\\u%04x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }
}

/// The same text as bytes appended to a buffer, for writers of many lines (the store): no
/// `String` per value. `string(_:)` and these give identical bytes (tested).
extension JSONWriter {
    public static func write(_ value: JSONValue, into out: inout [UInt8]) {
        switch value {
        case .null: out.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C])
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .number(let d): writeNumber(d, into: &out)
        case .string(let s): writeString(s, into: &out)
        case .array(let a):
            out.append(UInt8(ascii: "["))
            for (i, v) in a.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                write(v, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let o):
            out.append(UInt8(ascii: "{"))
            for (i, m) in o.members.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                writeString(m.key, into: &out)
                out.append(UInt8(ascii: ":"))
                write(m.value, into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// `number(d)` appended as bytes; whole numbers within 2^53 are written digit by digit.
    public static func writeNumber(_ d: Double, into out: inout [UInt8]) {
        guard d.isFinite, d == d.rounded(), abs(d) < 9_007_199_254_740_992 else {
            out.append(contentsOf: number(d).utf8)
            return
        }
        var v = Int64(d)
        if v == 0 { out.append(UInt8(ascii: "0")); return }
        if v < 0 { out.append(UInt8(ascii: "-")); v = -v }
        if v < 10 { out.append(UInt8(ascii: "0") + UInt8(v)); return }
        var digits: (UInt64, UInt64) = (0, 0)   // room for 16 digits
        var n = 0
        withUnsafeMutableBytes(of: &digits) { buf in
            while v > 0 { buf[15 - n] = UInt8(ascii: "0") + UInt8(v % 10); v /= 10; n += 1 }
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: buf[(16 - n)...]))
        }
    }

    /// `writeString(s, into:)` appended as bytes.
    public static func writeString(_ s: String, into out: inout [UInt8]) {
        var s = s
        let plain = s.withUTF8 { utf8 -> Bool in
            for b in utf8 where b < 0x20 || b == 0x22 || b == 0x5C || b == 0x7F || b == 0xE2 { return false }
            out.append(UInt8(ascii: "\""))
            out.append(contentsOf: utf8)
            out.append(UInt8(ascii: "\""))
            return true
        }
        if plain { return }
        var text = ""
        writeString(s, into: &text)
        out.append(contentsOf: text.utf8)
    }
}
