import Foundation
import Yams

/// Reads a YAML document node by node, keeping line and column for messages.
///
/// Yams's `compose` gives a node tree with marks; this wrapper turns type
/// mismatches into located `Problem`s collected in `problems` instead of
/// throwing at the first one, so a file's every error is reported at once.
struct YAMLReader {
    let file: String
    var problems: [Problem] = []

    init(file: String) { self.file = file }

    /// Parses text; on a syntax error records one located problem and returns nil.
    ///
    /// Messages never quote the file: libyaml's problem sentences are fixed texts, a
    /// reader error (a control character, bad encoding) is located by line and byte, and
    /// duplicate keys are located but not named.
    mutating func compose(_ text: String) -> Node? {
        do {
            guard let node = try Yams.compose(yaml: text) else {
                problems.append(Problem(file: file, line: 1, column: 1, message: "the file is empty"))
                return nil
            }
            return node
        } catch let e as YamlError {
            switch e {
            case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
                problems.append(Problem(file: file, line: mark.line, column: mark.column, message: "YAML syntax error: \(problem)"))
            case .reader(let problem, let offset, let value, _):
                let (line, byte) = Self.lineAndByte(of: offset ?? 0, in: text)
                let hex = String(UInt32(max(0, value)), radix: 16, uppercase: true)
                let what = value >= 0 ? " (U+\(String(repeating: "0", count: max(0, 4 - hex.count)) + hex))" : ""
                problems.append(Problem(file: file, line: line, message: "byte \(byte): YAML cannot read this text: \(problem)\(what)"))
            case .duplicatedKeysInMapping(_, let ctx):
                // Not named: this runs before `format:` is known, so the file may not be a study file.
                problems.append(Problem(file: file, line: ctx.mark.line, column: ctx.mark.column,
                                        message: "a key appears twice in this mapping (each key may be given once)"))
            default:
                problems.append(Problem(file: file, line: 1, column: 1, message: "the file cannot be read as YAML"))
            }
            return nil
        } catch {
            problems.append(Problem(file: file, message: "the file cannot be read as YAML"))
            return nil
        }
    }

    /// 1-based line and byte-in-line of a UTF-8 byte offset into `text`.
    static func lineAndByte(of offset: Int, in text: String) -> (line: Int, byte: Int) {
        var line = 1, lineStart = 0, i = 0
        for b in text.utf8 {
            if i >= offset { break }
            if b == 0x0A { line += 1; lineStart = i + 1 }
            i += 1
        }
        return (line, offset - lineStart + 1)
    }

    /// The longest key a message will quote.
    static let maxShownKey = 40

    /// A key as messages may quote it, or nil when it must not be shown.
    ///
    /// Only plain names are quoted: 1 to 40 characters of ASCII letters, digits, `_`,
    /// `-` and `.`. A file that is not what it claims to be (a password file named as an
    /// instrument) has "keys" such as `root:*:20228:0:99999:7::`; quoting them would
    /// disclose the file, so they are described, never echoed.
    static func shownKey(_ key: String) -> String? {
        guard !key.isEmpty, key.utf8.count <= maxShownKey else { return nil }
        let ok = key.utf8.allSatisfy { b in
            (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x5F || b == 0x2D || b == 0x2E
        }
        return ok ? key : nil
    }

    /// "unknown key 'x'" for a plain name, else "an unknown key (not shown: not a plain name)".
    static func unknownKey(_ key: String) -> String {
        shownKey(key).map { "unknown key '\($0)'" } ?? "an unknown key (not shown: not a plain name)"
    }

    mutating func error(_ node: Node?, _ message: String) {
        problems.append(Problem(file: file, line: node?.mark?.line, column: node?.mark?.column, message: message))
    }

    mutating func warning(_ node: Node?, _ message: String) {
        problems.append(Problem(file: file, line: node?.mark?.line, column: node?.mark?.column, message: message, severity: .warning))
    }

    /// The members of a mapping as (key, key node, value node), or nil with a problem.
    mutating func mapping(_ node: Node, _ what: String) -> [(key: String, keyNode: Node, value: Node)]? {
        guard case .mapping(let m) = node else {
            error(node, "\(what) must be a mapping of keys to values")
            return nil
        }
        return m.map { (k, v) in (k.scalar?.string ?? "", k, v) }
    }

    mutating func sequence(_ node: Node, _ what: String) -> [Node]? {
        guard case .sequence(let s) = node else {
            error(node, "\(what) must be a list")
            return nil
        }
        return Array(s)
    }

    mutating func string(_ node: Node, _ what: String) -> String? {
        guard case .scalar(let s) = node else { error(node, "\(what) must be text"); return nil }
        return s.string
    }

    /// A number by the one number grammar of Waves (`JSONParser.number`: `3`, `-0.5`, `1e3`;
    /// not `+3`, `.5`, `0x10`, `inf` or `nan`).
    mutating func number(_ node: Node, _ what: String) -> Double? {
        guard case .scalar(let s) = node, let v = try? JSONParser.number(s.string.trimmingCharacters(in: .whitespaces)) else {
            error(node, "\(what) must be a number, not '\(SafeText.line(String((node.scalar?.string ?? "…").prefix(40))))'")
            return nil
        }
        return v
    }

    mutating func bool(_ node: Node, _ what: String) -> Bool? {
        if case .scalar(let s) = node {
            switch s.string.lowercased() {
            case "true", "yes", "on": return true
            case "false", "no", "off": return false
            default: break
            }
        }
        error(node, "\(what) must be true or false, not '\(SafeText.line(String((node.scalar?.string ?? "…").prefix(40))))'")
        return nil
    }

    /// Column offset of a scalar's first character of content (quoted scalars start one later).
    static func contentColumn(_ node: Node) -> Int? {
        guard let c = node.mark?.column else { return nil }
        if case .scalar(let s) = node, s.style == .singleQuoted || s.style == .doubleQuoted { return c + 1 }
        return c
    }
}
