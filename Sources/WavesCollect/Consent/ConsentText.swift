import Crypto
import Foundation
import WavesCore

/// The study's consent text (`consent:` in study.yaml): its version and its readable form.
///
/// The version is the SHA-256 of the file's bytes (formats.md), so any change to the text,
/// even a comma, is a new version that participants are asked to agree to again.
/// The Markdown is shown as plain wrapped text: headings, paragraphs and list items become
/// blocks; emphasis markers, code ticks and link brackets are dropped (a link shows as
/// "text (address)"); every character goes through `SafeText`, so the file cannot send
/// escape sequences to a participant's terminal.
public struct ConsentText: Sendable, Equatable {
    public enum Kind: Sendable, Equatable { case heading, paragraph, item(marker: String) }
    public struct Block: Sendable, Equatable {
        public var kind: Kind
        /// One line of plain text, already made safe for a terminal.
        public var text: String
    }

    public var sha256: String
    public var blocks: [Block]

    public init(markdown data: Data) {
        sha256 = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
        blocks = Self.parse(String(decoding: data, as: UTF8.self))
    }

    /// The study's consent text, or nil when the study has none; read through `StudyPath`
    /// (inside the study folder, no symbolic links).
    public static func load(_ study: Study) throws -> ConsentText? {
        guard let path = study.consent else { return nil }
        do { return ConsentText(markdown: try StudyPath.read(path, kind: .consent, in: StudyFolders(study: study.directory))) } catch {
            throw CollectError.file(path: path, reason: error.description)
        }
    }

    static func parse(_ text: String) -> [Block] {
        var blocks: [Block] = []
        var para: [String] = []
        func flush() {
            if !para.isEmpty { blocks.append(Block(kind: .paragraph, text: inline(para.joined(separator: " ")))); para = [] }
        }
        for raw in text.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty { flush(); continue }
            if line.hasPrefix("#") {
                flush()
                let t = line.drop { $0 == "#" }.trimmingCharacters(in: .whitespaces)
                if !t.isEmpty { blocks.append(Block(kind: .heading, text: inline(t))) }
                continue
            }
            if let (marker, rest) = listItem(line) {
                flush()
                blocks.append(Block(kind: .item(marker: marker), text: inline(rest)))
                continue
            }
            if line.allSatisfy({ $0 == "-" || $0 == "*" || $0 == "_" || $0 == " " }) && line.count >= 3 { flush(); continue }  // a rule
            if case .item? = blocks.last?.kind, para.isEmpty, raw.first == " " {
                // A continuation line of a list item.
                blocks[blocks.count - 1].text += " " + inline(line)
                continue
            }
            para.append(line)
        }
        flush()
        return blocks
    }

    /// `- x`, `* x`, `+ x` (shown with a bullet) and `1. x` (kept numbered).
    static func listItem(_ line: String) -> (String, String)? {
        let c = Array(line)
        if c.count >= 2, "-*+".contains(c[0]), c[1] == " " { return ("•", String(c[2...])) }
        var i = 0
        while i < c.count, c[i].isASCII, c[i].isNumber { i += 1 }
        if i > 0, i + 1 < c.count, c[i] == ".", c[i + 1] == " " { return (String(c[0...i]), String(c[(i + 2)...])) }
        return nil
    }

    /// Drops inline markup: `**`, `__`, backticks, `[text](url)` → `text (url)`, backslash escapes.
    static func inline(_ s: String) -> String {
        var out = ""
        let c = Array(s)
        var i = 0
        while i < c.count {
            let ch = c[i]
            if ch == "\\", i + 1 < c.count, "\\`*_[]()#+-.!".contains(c[i + 1]) { out.append(c[i + 1]); i += 2; continue }
            if (ch == "*" || ch == "_"), i + 1 < c.count, c[i + 1] == ch { i += 2; continue }
            if ch == "`" { i += 1; continue }
            if ch == "*" && (i + 1 < c.count && c[i + 1] != " ") && (i == 0 || c[i - 1] == " ") { i += 1; continue }
            if ch == "*" && i > 0 && c[i - 1] != " " && (i + 1 == c.count || !c[i + 1].isLetter) { i += 1; continue }
            if ch == "[", let close = c[i...].firstIndex(of: "]"), close + 1 < c.count, c[close + 1] == "(",
               let end = c[close...].firstIndex(of: ")") {
                let label = String(c[(i + 1)..<close]), url = String(c[(close + 2)..<end])
                out += label == url || url.isEmpty ? label : "\(label) (\(url))"
                i = end + 1
                continue
            }
            out.append(ch)
            i += 1
        }
        return SafeText.line(out).trimmingCharacters(in: .whitespaces)
    }
}
