import Crypto
import Foundation
import Yams

/// Loads `format: waves.codebook/1` files, reporting every problem with file, line and column.
public enum CodebookLoader {
    public static let format = "waves.codebook/1"

    /// Loads a codebook file; `displayPath` is the path shown in messages.
    public static func load(url: URL, displayPath: String? = nil) throws -> Codebook {
        let shown = displayPath ?? url.path
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw LoadError(file: shown, "cannot read the codebook file (\(error.localizedDescription))")
        }
        return try load(data: data, displayPath: shown)
    }

    /// Loads a codebook from the file's bytes (hashed as they are).
    public static func load(data: Data, displayPath: String) throws -> Codebook {
        let text = try UTF8Text.decode(data, file: displayPath)
        var r = YAMLReader(file: displayPath)
        let hash = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
        guard let root = r.compose(text), let top = r.mapping(root, "a codebook") else { throw LoadError(r.problems) }
        let book = parse(top: top, root: root, reader: &r, sha256: hash, path: displayPath)
        if r.problems.contains(where: { $0.severity == .error }) || book == nil { throw LoadError(r.problems) }
        return book!
    }

    static let codeIDPattern = try! NSRegularExpression(pattern: "^[a-z][a-z0-9_-]*$")

    static func parse(top: [(key: String, keyNode: Node, value: Node)], root: Node, reader r: inout YAMLReader,
                      sha256: String, path: String) -> Codebook? {
        // The format first: nothing of a file that is not a codebook is quoted (docs/instruments.md).
        guard InstrumentLoader.checkFormat(top, root: root, expected: format, reader: &r) else { return nil }
        var f: [String: Node] = [:]
        for m in top {
            f[m.key] = m.value
            if !["format", "id", "version", "title", "description", "codes", "citation", "license"].contains(m.key) {
                r.warning(m.keyNode, "\(YAMLReader.unknownKey(m.key)) (ignored)")
            }
        }
        let id = f["id"].flatMap { r.string($0, "id") } ?? { r.error(root, "missing 'id'"); return "" }()
        if !id.isEmpty, !InstrumentLoader.matches(InstrumentLoader.idPattern, id), let n = f["id"] {
            r.error(n, "codebook id '\(id)' must match [a-z0-9][a-z0-9-]*")
        }
        let version = f["version"].flatMap { r.string($0, "version") } ?? { r.error(root, "missing 'version'"); return "" }()
        let title = f["title"].flatMap { r.string($0, "title") } ?? { r.error(root, "missing 'title'"); return "" }()
        let description = f["description"].flatMap { r.string($0, "description") }
        var seen: [String: Int] = [:]
        var codes: [Code] = []
        if let cn = f["codes"] {
            codes = parseCodes(cn, owner: "the codebook", seen: &seen, depth: 0, reader: &r)
            if codes.isEmpty, r.problems.allSatisfy({ $0.severity != .error }) { r.error(cn, "the codebook has no codes") }
        } else {
            r.error(root, "missing 'codes'")
        }
        return Codebook(id: id, version: version, title: title, description: description, codes: codes, sha256: sha256, path: path)
    }

    static func parseCodes(_ node: Node, owner: String, seen: inout [String: Int], depth: Int, reader r: inout YAMLReader) -> [Code] {
        guard let list = r.sequence(node, "codes of \(owner)") else { return [] }
        if depth > 8 { r.error(node, "codes are nested more than 8 levels deep"); return [] }
        var out: [Code] = []
        for n in list {
            guard let members = r.mapping(n, "a code ({id: micro, label: ..., definition: ...})") else { continue }
            var f: [String: (Node, Node)] = [:]
            for m in members {
                f[m.key] = (m.keyNode, m.value)
                if !["id", "label", "definition", "include", "exclude", "examples", "codes"].contains(m.key) {
                    r.warning(m.keyNode, "\(YAMLReader.unknownKey(m.key)) in a code (ignored)")
                }
            }
            let line = n.mark?.line ?? 0
            guard let idn = f["id"]?.1, let id = r.string(idn, "code id") else { r.error(n, "a code of \(owner) has no 'id'"); continue }
            if !InstrumentLoader.matches(codeIDPattern, id) {
                r.error(idn, "code id '\(id)' must match [a-z][a-z0-9_-]* (lower-case letter first)")
            }
            if let first = seen[id] {
                r.error(idn, "duplicate code id '\(id)' (first defined on line \(first))")
                continue
            }
            seen[id] = line
            let label = f["label"].flatMap { r.string($0.1, "label") } ?? { r.error(n, "code '\(id)' has no 'label'"); return id }()
            let definition = f["definition"].flatMap { r.string($0.1, "definition") }
                ?? { r.error(n, "code '\(id)' has no 'definition' (say what the code means)"); return "" }()
            let include = f["include"].flatMap { r.string($0.1, "include") }
            let exclude = f["exclude"].flatMap { r.string($0.1, "exclude") }
            var examples: [String] = []
            if let en = f["examples"]?.1 {
                if case .scalar = en { if let s = r.string(en, "examples") { examples = [s] } }
                else if let l = r.sequence(en, "examples of code '\(id)'") { examples = l.compactMap { r.string($0, "an example") } }
            }
            var children: [Code] = []
            if let cn = f["codes"]?.1 { children = parseCodes(cn, owner: "code '\(id)'", seen: &seen, depth: depth + 1, reader: &r) }
            out.append(Code(id: id, label: label, definition: definition, include: include, exclude: exclude,
                            examples: examples, codes: children, line: line))
        }
        return out
    }
}
