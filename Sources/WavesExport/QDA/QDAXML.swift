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
        var out: [UInt8] = []
        out.reserveCapacity(36)
        appendGUID(study: study, kind: kind, key: key, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// `guid`'s 36 bytes appended to `out` (hex from a table: `String(format:)` per byte and a
    /// `String` per GUID were a large part of a big export's CPU).
    static func appendGUID(study: String, kind: String, key: String, to out: inout [UInt8]) {
        var input: [UInt8] = []
        input.reserveCapacity(15 + study.utf8.count + kind.utf8.count + key.utf8.count)
        input.append(contentsOf: "waves.qdpx/1".utf8); input.append(0)
        input.append(contentsOf: study.utf8); input.append(0)
        input.append(contentsOf: kind.utf8); input.append(0)
        input.append(contentsOf: key.utf8)
        let digest = SHA256.hash(data: input)
        digest.withUnsafeBytes { d in
            for i in 0..<16 {
                var b = d[i]
                if i == 6 { b = (b & 0x0F) | 0x50 }
                if i == 8 { b = (b & 0x3F) | 0x80 }
                if i == 4 || i == 6 || i == 8 || i == 10 { out.append(UInt8(ascii: "-")) }
                out.append(hexDigits[Int(b >> 4)])
                out.append(hexDigits[Int(b & 0x0F)])
            }
        }
    }

    private static let hexDigits = Array("0123456789ABCDEF".utf8)

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

        private static let monthDays = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

        static func plainlyValid(_ s: String) -> Bool {
            guard s.utf8.count == 20 else { return false }
            if let answer = s.utf8.withContiguousStorageIfAvailable({ plainlyValid(bytes: $0) }) { return answer }
            return Array(s.utf8).withUnsafeBufferPointer { plainlyValid(bytes: $0) }
        }

        private static func plainlyValid(bytes b: UnsafeBufferPointer<UInt8>) -> Bool {
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
            guard (1900...2999).contains(year), (1...12).contains(month) else { return false }
            let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
            let days = month == 2 && leap ? 29 : monthDays[month - 1]
            return day >= 1 && day <= days && hour <= 23 && minute <= 59 && second <= 59
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

    /// XML appended as bytes: the project's cases and sources (hundreds of thousands of
    /// elements) without a `String` per piece. `text` and `attr` escape as `QDAXML.text` and
    /// `QDAXML.attr` do (`SafeText.appendHTML`, the same bytes as `SafeText.html`).
    struct Bytes {
        var bytes: [UInt8] = []

        mutating func raw(_ s: String) { bytes.append(contentsOf: s.utf8) }
        mutating func raw<C: Collection>(_ b: C) where C.Element == UInt8 { bytes.append(contentsOf: b) }
        mutating func text(_ s: String) { SafeText.appendHTML(s, to: &bytes) }
        /// ` name="value"` for a value that needs no escaping (a GUID), or nothing for nil.
        mutating func rawAttr<C: Collection>(_ name: String, _ value: C?) where C.Element == UInt8 {
            guard let value else { return }
            raw(" "); raw(name); raw("=\""); raw(value); raw("\"")
        }
        mutating func attr(_ name: String, _ value: String?) {
            guard let value else { return }
            raw(" "); raw(name); raw("=\""); text(value); raw("\"")
        }
        mutating func number(_ n: Int) { raw(String(n)) }
    }
}
