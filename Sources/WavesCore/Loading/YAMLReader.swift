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
            case .duplicatedKeysInMapping(let dups, let ctx):
                problems.append(Problem(file: file, line: ctx.mark.line, column: ctx.mark.column,
                                        message: "duplicate key(s) \(dups.joined(separator: ", "))"))
            default:
                problems.append(Problem(file: file, line: 1, column: 1, message: "YAML error: \(e)"))
            }
            return nil
        } catch {
            problems.append(Problem(file: file, message: "cannot read YAML: \(error)"))
            return nil
        }
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

    mutating func number(_ node: Node, _ what: String) -> Double? {
        guard case .scalar(let s) = node, let v = Double(s.string.trimmingCharacters(in: .whitespaces)), v.isFinite else {
            error(node, "\(what) must be a number, not '\(node.scalar?.string ?? "…")'")
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
        error(node, "\(what) must be true or false, not '\(node.scalar?.string ?? "…")'")
        return nil
    }

    /// Column offset of a scalar's first character of content (quoted scalars start one later).
    static func contentColumn(_ node: Node) -> Int? {
        guard let c = node.mark?.column else { return nil }
        if case .scalar(let s) = node, s.style == .singleQuoted || s.style == .doubleQuoted { return c + 1 }
        return c
    }
}
