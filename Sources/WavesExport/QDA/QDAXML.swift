import Crypto
import Foundation
import WavesCore

/// Small helpers for the REFI-QDA XML files: escaping, stable GUIDs, timestamps.
enum QDAXML {
    /// Text for XML content and attribute values: controls stripped (XML 1.0 cannot hold most
    /// of them), markup characters escaped (`SafeText.html`'s escapes are XML's too).
    static func text(_ s: String) -> String { SafeText.html(s) }

    /// A stable GUID for an object of a project: SHA-256 of the study id, the kind and the key,
    /// shaped as a version-5-style UUID (upper case, as REFI-QDA examples write them). The same
    /// export twice gives the same file, and re-importing updates rather than duplicates.
    static func guid(study: String, kind: String, key: String) -> String {
        var b = Array(SHA256.hash(data: Array("waves.qdpx/1\u{0}\(study)\u{0}\(kind)\u{0}\(key)".utf8)).prefix(16))
        b[6] = (b[6] & 0x0F) | 0x50
        b[8] = (b[8] & 0x3F) | 0x80
        let hex = b.map { String(format: "%02X", $0) }.joined()
        let h = Array(hex)
        return String(h[0..<8]) + "-" + String(h[8..<12]) + "-" + String(h[12..<16]) + "-" + String(h[16..<20]) + "-" + String(h[20..<32])
    }

    /// The timestamp when it is a valid `xsd:dateTime` as Waves writes them, else nil.
    static func dateTime(_ s: String?) -> String? { DateTimeCheck()(s) }

    /// `dateTime` for a whole export. The usual shape, `YYYY-MM-DDThh:mm:ssZ` with every field
    /// in its plain range (which the formatter always accepts), is checked directly: parsing
    /// with `ISO8601DateFormatter` clones an ICU formatter per call (56% of a 100,000-participant
    /// qdpx export's CPU). Anything else is still the formatter's to decide.
    final class DateTimeCheck {
        private let formatter = ISO8601DateFormatter()
        func callAsFunction(_ s: String?) -> String? {
            guard let s else { return nil }
            if Self.plainlyValid(s) { return s }
            return formatter.date(from: s) != nil ? s : nil
        }

        static func plainlyValid(_ s: String) -> Bool {
            let b = Array(s.utf8)
            guard b.count == 20, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"), b[10] == UInt8(ascii: "T"),
                  b[13] == UInt8(ascii: ":"), b[16] == UInt8(ascii: ":"), b[19] == UInt8(ascii: "Z") else { return false }
            func number(_ at: Int, _ n: Int) -> Int? {
                var v = 0
                for i in at..<at + n {
                    guard b[i] >= UInt8(ascii: "0"), b[i] <= UInt8(ascii: "9") else { return nil }
                    v = v * 10 + Int(b[i] - UInt8(ascii: "0"))
                }
                return v
            }
            guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2),
                  let hour = number(11, 2), let minute = number(14, 2), let second = number(17, 2) else { return false }
            let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
            let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
            return (1900...2999).contains(year) && (1...12).contains(month) && day >= 1 && day <= days[month - 1]
                && hour <= 23 && minute <= 59 && second <= 59
        }
    }

    /// One attribute (` name="value"`), or nothing for nil.
    static func attr(_ name: String, _ value: String?) -> String {
        guard let value else { return "" }
        return " \(name)=\"\(text(value))\""
    }

    /// The codes of a codebook as nested `<Code>` elements, each with its guid from `guids`.
    static func codes(_ codes: [Code], book: WavesCore.Codebook, guids: [String: String], indent: String, out: inout String) {
        for c in codes {
            out += "\(indent)<Code\(attr("guid", guids[c.id]))\(attr("name", c.label)) isCodable=\"true\">\n"
            var d = "Waves code '\(c.id)' of codebook \(book.id) \(book.version). \(c.definition)"
            if let i = c.include { d += " Use when: \(i)" }
            if let e = c.exclude { d += " Not when: \(e)" }
            if !c.examples.isEmpty { d += " Example: \(c.examples[0])" }
            out += "\(indent)  <Description>\(text(d))</Description>\n"
            Self.codes(c.codes, book: book, guids: guids, indent: indent + "  ", out: &out)
            out += "\(indent)</Code>\n"
        }
    }
}
