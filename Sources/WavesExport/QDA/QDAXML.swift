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

    /// `dateTime` with one formatter for a whole export (making one costs more than parsing).
    final class DateTimeCheck {
        private let formatter = ISO8601DateFormatter()
        func callAsFunction(_ s: String?) -> String? {
            guard let s, formatter.date(from: s) != nil else { return nil }
            return s
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
