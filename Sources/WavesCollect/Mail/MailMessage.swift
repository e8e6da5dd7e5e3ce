import Foundation
import Glibc
import WavesCore

/// One RFC 5322 message in UTF-8 plain text: folded headers, RFC 2047 encoded-words for
/// any header text outside ASCII, `Content-Transfer-Encoding: quoted-printable` (RFC 2045
/// section 6.7) so every line is short 7-bit ASCII whatever the text.
///
/// Written by hand: no mail-composition library is among the project's dependencies, and
/// these three encodings are small and fully specified.
public struct MailMessage: Sendable {
    public var from: String?
    public var replyTo: String?
    public var to: (name: String?, address: String)
    public var subject: String
    public var body: String
    public var date: Date
    public var messageID: String

    public init(from: String?, replyTo: String? = nil, to: (name: String?, address: String), subject: String, body: String,
                date: Date, messageID: String) {
        self.from = from; self.replyTo = replyTo; self.to = to; self.subject = subject; self.body = body
        self.date = date; self.messageID = messageID
    }

    /// A fresh `<uuid@domain>` id.
    public static func newMessageID(domain: String) -> String {
        "<\(UUID().uuidString.lowercased())@\(domain.isEmpty ? "waves.invalid" : domain)>"
    }

    /// The whole message, lines ended by `eol` (`\r\n` in a file, `\n` for sendmail).
    public func rendered(eol: String = "\r\n") -> String {
        var h: [String] = []
        if let f = from { h.append(Self.field("From", Self.cleanAddress(f))) }
        h.append(Self.field("To", Self.mailbox(to.name, to.address)))
        if let r = replyTo { h.append(Self.field("Reply-To", Self.cleanAddress(r))) }
        h.append(Self.field("Subject", Self.unstructured(Self.oneLine(subject), prefix: "Subject: ".count)))
        h.append("Date: " + Self.rfc5322Date(date))
        h.append("Message-ID: " + messageID)
        h += ["MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: quoted-printable"]
        let head = h.joined(separator: "\n").replacingOccurrences(of: "\n", with: eol)
        return head + eol + eol + Self.quotedPrintable(body, eol: eol) + eol
    }

    static func field(_ name: String, _ value: String) -> String { "\(name): \(value)" }

    /// Text with control characters (line breaks included) removed, so a value cannot add a header.
    static func oneLine(_ s: String) -> String {
        SafeText.stripControls(s, keepNewlines: false).replacingOccurrences(of: "\n", with: " ").trimmingCharacters(in: .whitespaces)
    }

    /// An address from a template or option, as `Name <a@b>` or `a@b`, one line.
    static func cleanAddress(_ s: String) -> String {
        let t = oneLine(s)
        if let lt = t.lastIndex(of: "<"), t.hasSuffix(">") {
            let name = t[..<lt].trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            return mailbox(name.isEmpty ? nil : name, String(t[t.index(after: lt)..<t.index(before: t.endIndex)]))
        }
        return t
    }

    /// `"Display Name" <address>`, the name quoted or, outside ASCII, encoded (RFC 2047 section 5(3)).
    static func mailbox(_ name: String?, _ address: String) -> String {
        let addr = oneLine(address)
        guard let n = name.map(oneLine), !n.isEmpty else { return addr }
        if n.unicodeScalars.allSatisfy({ $0.isASCII }) {
            let quoted = n.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            return "\"\(quoted)\" <\(addr)>"
        }
        return encodedWords(n, firstLineUsed: "To: ".count).joined(separator: "\n ") + " <\(addr)>"
    }

    /// An unstructured header value: ASCII folded at spaces to lines of at most 78
    /// characters; anything else as B-encoded words (RFC 2047).
    static func unstructured(_ s: String, prefix: Int) -> String {
        if s.unicodeScalars.allSatisfy({ $0.isASCII }) {
            var lines: [String] = [], line = "", used = prefix
            for word in s.split(separator: " ") {
                let w = String(word)
                if line.isEmpty { line = w; used += w.count; continue }
                if used + 1 + w.count > 78 {
                    lines.append(line); line = w; used = 1 + w.count   // the continuation line starts with a space
                } else {
                    line += " " + w; used += 1 + w.count
                }
            }
            lines.append(line)
            return lines.joined(separator: "\n ")
        }
        return encodedWords(s, firstLineUsed: prefix).joined(separator: "\n ")
    }

    /// `=?UTF-8?B?…?=` words of at most 75 characters, each holding whole characters
    /// (RFC 2047 section 5: a character is never split between words); the first word
    /// also fits after the field name within 78 characters.
    static func encodedWords(_ s: String, firstLineUsed: Int) -> [String] {
        let overhead = "=?UTF-8?B??=".count
        var words: [String] = []
        var chunk: [UInt8] = []
        func limit() -> Int {
            let room = min(75, words.isEmpty ? 78 - firstLineUsed : 77) - overhead
            return max(room / 4 * 3, 3)
        }
        for ch in s {
            let bytes = Array(String(ch).utf8)
            if !chunk.isEmpty && chunk.count + bytes.count > limit() {
                words.append("=?UTF-8?B?" + Data(chunk).base64EncodedString() + "?=")
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty || words.isEmpty { words.append("=?UTF-8?B?" + Data(chunk).base64EncodedString() + "?=") }
        return words
    }

    /// Quoted-printable: printable ASCII as is (except `=`), spaces and tabs as is unless
    /// they end a line, every other byte `=XX`; lines longer than 76 characters broken
    /// with a soft line break (`=` at the end), never inside an `=XX`.
    static func quotedPrintable(_ text: String, eol: String) -> String {
        let lines = text.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false)
        var out: [String] = []
        for line in lines {
            let bytes = Array(line.utf8)
            var tokens: [String] = []
            for (i, b) in bytes.enumerated() {
                let last = i == bytes.count - 1
                if (b >= 33 && b <= 126 && b != 61) || ((b == 32 || b == 9) && !last) {
                    tokens.append(String(UnicodeScalar(b)))
                } else {
                    tokens.append(String(format: "=%02X", b))
                }
            }
            var current = ""
            for t in tokens {
                if current.count + t.count > 75 { out.append(current + "="); current = "" }
                current += t
            }
            out.append(current)
        }
        return out.joined(separator: eol)
    }

    /// `Mon, 02 Mar 2026 09:00:00 +0000` (RFC 5322 section 3.3), in UTC.
    static func rfc5322Date(_ d: Date) -> String {
        var t = time_t(d.timeIntervalSince1970.rounded(.down))
        var tm = tm()
        gmtime_r(&t, &tm)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(days[Int(tm.tm_wday)]), \(two(tm.tm_mday)) \(months[Int(tm.tm_mon)]) \(tm.tm_year + 1900) \(two(tm.tm_hour)):\(two(tm.tm_min)):\(two(tm.tm_sec)) +0000"
    }
}
