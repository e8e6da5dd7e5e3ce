import Crypto
import Foundation
import Yams

/// Loads `format: waves.instrument/1` files, reporting every problem with file, line and column.
public enum InstrumentLoader {
    public static let format = "waves.instrument/1"

    /// Loads an instrument file. `displayPath` is the path shown in messages.
    public static func load(url: URL, displayPath: String? = nil) throws -> Instrument {
        let shown = displayPath ?? url.path
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir), isDir.boolValue {
            throw LoadError(file: shown, "this is a folder, not an instrument file")
        }
        guard let data = try? Data(contentsOf: url) else {
            throw LoadError(file: shown, "cannot read the instrument file (it does not exist, or permission is denied)")
        }
        return try load(data: data, displayPath: shown)
    }

    /// Loads an instrument from the file's bytes (hashed as they are).
    ///
    /// Messages never quote a file that is not an instrument: until `format:
    /// waves.instrument/1` is recognised, only the missing or unknown format is reported.
    public static func load(data: Data, displayPath: String) throws -> Instrument {
        try loadWithWarnings(data: data, displayPath: displayPath).instrument
    }

    /// As `load(data:displayPath:)`, with the warnings (unknown keys, ignored settings) of a file that loads.
    public static func loadWithWarnings(data: Data, displayPath: String) throws -> (instrument: Instrument, warnings: [Problem]) {
        let text = try UTF8Text.decode(data, file: displayPath)
        var r = YAMLReader(file: displayPath)
        let hash = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
        guard let root = r.compose(text), let top = r.mapping(root, "an instrument") else { throw LoadError(r.problems) }
        let inst = parse(top: top, root: root, reader: &r, sha256: hash, path: displayPath)
        guard let inst, !r.problems.contains(where: { $0.severity == .error }) else { throw LoadError(r.problems) }
        return (inst, r.problems)
    }

    /// Checks `format:` before anything else is read: nil (with one problem) unless it is `expected`.
    ///
    /// The unknown value is quoted only when it looks like a Waves format name (`waves.` and
    /// a plain name), so a file that is not a study file is never echoed.
    static func checkFormat(_ top: [(key: String, keyNode: Node, value: Node)], root: Node, expected: String,
                            reader r: inout YAMLReader) -> Bool {
        guard let f = top.first(where: { $0.key == "format" }) else {
            r.error(root, "missing 'format: \(expected)'")
            return false
        }
        guard case .scalar(let s) = f.value else { r.error(f.value, "format must be text (expected \(expected))"); return false }
        if s.string == expected { return true }
        let shown = s.string.hasPrefix("waves.") ? YAMLReader.shownKey(s.string.replacingOccurrences(of: "/", with: ".")) : nil
        r.error(f.value, shown != nil ? "unknown format '\(s.string)' (expected \(expected))" : "unknown format (expected \(expected))")
        return false
    }

    static let idPattern = try! NSRegularExpression(pattern: "^[a-z0-9][a-z0-9-]*$")
    static let itemIDPattern = try! NSRegularExpression(pattern: "^[a-z][a-z0-9_]*$")

    static func matches(_ re: NSRegularExpression, _ s: String) -> Bool {
        re.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) != nil
    }

    static func parse(top: [(key: String, keyNode: Node, value: Node)], root: Node, reader r: inout YAMLReader,
                      sha256: String, path: String) -> Instrument? {
        guard checkFormat(top, root: root, expected: format, reader: &r) else { return nil }
        var fields: [String: Node] = [:]
        let known: Set<String> = ["format", "id", "version", "title", "language", "intro", "response_sets", "items", "scales", "description", "citation", "license"]
        for m in top {
            fields[m.key] = m.value
            if !known.contains(m.key) { r.warning(m.keyNode, "\(YAMLReader.unknownKey(m.key)) (ignored)") }
        }
        let id = fields["id"].flatMap { r.string($0, "id") } ?? { r.error(root, "missing 'id'"); return "" }()
        if !id.isEmpty, !matches(idPattern, id), let n = fields["id"] {
            r.error(n, "instrument id '\(id)' must match [a-z0-9][a-z0-9-]*")
        }
        let version = fields["version"].flatMap { r.string($0, "version") } ?? { r.error(root, "missing 'version'"); return "" }()
        let title = fields["title"].flatMap { r.string($0, "title") } ?? { r.error(root, "missing 'title'"); return "" }()
        let language = fields["language"].flatMap { r.string($0, "language") }
        let intro = fields["intro"].flatMap { r.string($0, "intro") }

        var sets: [ResponseSet] = []
        if let sn = fields["response_sets"], let members = r.mapping(sn, "response_sets") {
            for m in members {
                if let set = parseResponseSet(id: m.key, node: m.value, reader: &r) { sets.append(set) }
            }
        }
        var items: [Item] = []
        var seen: [String: Int] = [:]
        if let inode = fields["items"], let list = r.sequence(inode, "items") {
            for node in list {
                guard let item = parseItem(node, sets: sets, earlier: seen, reader: &r) else { continue }
                if let firstLine = seen[item.id] {
                    r.error(node, "duplicate item id '\(item.id)' (first defined on line \(firstLine))")
                    continue
                }
                seen[item.id] = item.line
                items.append(item)
            }
        } else if fields["items"] == nil {
            r.error(root, "missing 'items'")
        }
        var scales: [Scale] = []
        if let snode = fields["scales"], let list = r.sequence(snode, "scales") {
            for node in list {
                if let s = parseScale(node, items: items, reader: &r) {
                    if scales.contains(where: { $0.id == s.id }) { r.error(node, "duplicate scale id '\(s.id)'"); continue }
                    scales.append(s)
                }
            }
        }
        return Instrument(id: id, version: version, title: title, language: language, intro: intro,
                          responseSets: sets, items: items, scales: scales, sha256: sha256, path: path)
    }

    static func parseResponseSet(id: String, node: Node, reader r: inout YAMLReader) -> ResponseSet? {
        guard let members = r.mapping(node, "response set '\(id)'") else { return nil }
        var options: [ResponseOption] = []
        var allowDecline = false
        var sawOptions = false
        for m in members {
            switch m.key {
            case "options":
                sawOptions = true
                options = parseOptions(m.value, owner: "response set '\(id)'", reader: &r) ?? []
            case "allow_decline":
                allowDecline = r.bool(m.value, "allow_decline") ?? false
            default:
                r.warning(m.keyNode, "\(YAMLReader.unknownKey(m.key)) in response set '\(id)' (ignored)")
            }
        }
        if !sawOptions { r.error(node, "response set '\(id)' has no 'options'") }
        return ResponseSet(id: id, options: options, allowDecline: allowDecline)
    }

    static func parseOptions(_ node: Node, owner: String, reader r: inout YAMLReader) -> [ResponseOption]? {
        guard let list = r.sequence(node, "options of \(owner)") else { return nil }
        var out: [ResponseOption] = []
        for o in list {
            guard let members = r.mapping(o, "an option of \(owner) ({value: 1, label: ...})") else { continue }
            var value: Double?, label: String?
            for m in members {
                switch m.key {
                case "value": value = r.number(m.value, "option value")
                case "label": label = r.string(m.value, "option label")
                default: r.warning(m.keyNode, "\(YAMLReader.unknownKey(m.key)) in an option (ignored)")
                }
            }
            guard let v = value else { if !members.contains(where: { $0.key == "value" }) { r.error(o, "an option of \(owner) has no 'value'") }; continue }
            if out.contains(where: { $0.value == v }) {
                r.error(o, "option values of \(owner) are not distinct: \(JSONWriter.number(v)) appears twice")
                continue
            }
            out.append(ResponseOption(value: v, label: label ?? JSONWriter.number(v)))
        }
        if out.isEmpty { r.error(node, "\(owner) has no options") }
        return out
    }

    static func parseItem(_ node: Node, sets: [ResponseSet], earlier: [String: Int], reader r: inout YAMLReader) -> Item? {
        guard let members = r.mapping(node, "an item") else { return nil }
        var f: [String: (Node, Node)] = [:]
        let known: Set<String> = ["id", "type", "text", "response", "options", "reverse", "required", "show_if", "min", "max", "allow_decline"]
        for m in members {
            f[m.key] = (m.keyNode, m.value)
            if !known.contains(m.key) { r.warning(m.keyNode, "\(YAMLReader.unknownKey(m.key)) in an item (ignored)") }
        }
        let line = node.mark?.line ?? 0
        guard let idNode = f["id"]?.1, let id = r.string(idNode, "item id") else { r.error(node, "an item has no 'id'"); return nil }
        if !matches(itemIDPattern, id) { r.error(idNode, "item id '\(id)' must match [a-z][a-z0-9_]* (lower-case letter first)") }
        var type: ItemType = .likert
        if let tn = f["type"]?.1, let t = r.string(tn, "type") {
            guard let parsed = ItemType(rawValue: t) else {
                r.error(tn, "item '\(id)' has unknown type '\(t)' (use likert, choice, number, text or note)")
                return nil
            }
            type = parsed
        } else if f["response"] == nil && f["options"] == nil {
            r.error(node, "item '\(id)' needs 'response:' (a likert item) or a 'type:'")
            return nil
        }
        let text = f["text"].flatMap { r.string($0.1, "item text") } ?? { r.error(node, "item '\(id)' has no 'text'"); return "" }()
        var set: ResponseSet?
        if let rn = f["response"]?.1, let name = r.string(rn, "response") {
            if let s = sets.first(where: { $0.id == name }) { set = s } else {
                let known = sets.map(\.id).joined(separator: ", ")
                r.error(rn, "item '\(id)' uses unknown response set '\(name)'" + (known.isEmpty ? "" : " (defined: \(known))"))
            }
        }
        if let on = f["options"]?.1 {
            if let opts = parseOptions(on, owner: "item '\(id)'", reader: &r) {
                let decline = f["allow_decline"].flatMap { r.bool($0.1, "allow_decline") } ?? false
                set = ResponseSet(id: id, options: opts, allowDecline: decline)
            }
        }
        if (type == .likert || type == .choice), set == nil, f["response"] == nil, f["options"] == nil {
            r.error(node, "\(type.rawValue) item '\(id)' needs 'response:' or 'options:'")
        }
        var reverse = false
        if let (kn, vn) = f["reverse"] {
            reverse = r.bool(vn, "reverse") ?? false
            if reverse && type != .likert { r.error(kn, "item '\(id)' is reverse-keyed but is a \(type.rawValue) item (only likert items can be reversed)") }
        }
        let required = f["required"].flatMap { r.bool($0.1, "required") } ?? false
        var cond: Condition?
        var condSource: String?
        if let cn = f["show_if"]?.1, let src = r.string(cn, "show_if") {
            condSource = src
            do {
                let c = try ConditionParser.parse(src)
                for ref in c.referencedItems where earlier[ref] == nil {
                    r.error(cn, "show_if of item '\(id)' refers to '\(ref)', which is not an earlier item (use role, wave or an earlier item id)")
                }
                cond = c
            } catch let e as ConditionSyntaxError {
                let base = YAMLReader.contentColumn(cn) ?? 1
                r.problems.append(Problem(file: r.file, line: cn.mark?.line, column: base + e.column - 1,
                                          message: "bad show_if expression for item '\(id)': \(e.message) (in \"\(src)\" at column \(e.column))"))
            } catch {}
        }
        var lo: Double?, hi: Double?
        if let n = f["min"]?.1 { lo = r.number(n, "min") }
        if let n = f["max"]?.1 { hi = r.number(n, "max") }
        if let a = lo, let b = hi, a > b { r.error(f["min"]?.1, "item '\(id)' has min \(JSONWriter.number(a)) above max \(JSONWriter.number(b))") }
        if (lo != nil || hi != nil) && type != .number { r.warning(f["min"]?.0 ?? f["max"]?.0, "min/max apply to number items only; ignored for '\(id)'") }
        return Item(id: id, type: type, text: text, responseSet: set, reverse: reverse, required: required,
                    showIf: cond, showIfSource: condSource, min: lo, max: hi, line: line)
    }

    static func parseScale(_ node: Node, items: [Item], reader r: inout YAMLReader) -> Scale? {
        guard let members = r.mapping(node, "a scale") else { return nil }
        var f: [String: (Node, Node)] = [:]
        for m in members {
            f[m.key] = (m.keyNode, m.value)
            if !["id", "label", "items", "score", "min_answered"].contains(m.key) { r.warning(m.keyNode, "\(YAMLReader.unknownKey(m.key)) in a scale (ignored)") }
        }
        guard let idn = f["id"]?.1, let id = r.string(idn, "scale id") else { r.error(node, "a scale has no 'id'"); return nil }
        let label = f["label"].flatMap { r.string($0.1, "label") } ?? id
        var ids: [String] = []
        if let ln = f["items"]?.1, let list = r.sequence(ln, "items of scale '\(id)'") {
            for n in list {
                guard let iid = r.string(n, "item id") else { continue }
                guard let item = items.first(where: { $0.id == iid }) else {
                    r.error(n, "scale '\(id)' names item '\(iid)', which is not in this instrument"); continue
                }
                if item.type != .likert && item.type != .number {
                    r.error(n, "scale '\(id)' names item '\(iid)', a \(item.type.rawValue) item (scales take likert or number items)")
                }
                if ids.contains(iid) { r.error(n, "scale '\(id)' lists item '\(iid)' twice"); continue }
                ids.append(iid)
            }
            if list.isEmpty { r.error(ln, "scale '\(id)' has no items") }
        } else if f["items"] == nil { r.error(node, "scale '\(id)' has no 'items'") }
        var rule = ScoreRule.mean
        if let sn = f["score"]?.1, let s = r.string(sn, "score") {
            if let p = ScoreRule(rawValue: s) { rule = p } else { r.error(sn, "scale '\(id)' has unknown score rule '\(s)' (use mean or sum)") }
        }
        var minAnswered = 1.0
        if let mn = f["min_answered"]?.1, let v = r.number(mn, "min_answered") {
            if v < 0 || v > 1 { r.error(mn, "min_answered of scale '\(id)' is \(JSONWriter.number(v)); it must be between 0 and 1 (a fraction of the items)") }
            else { minAnswered = v }
        }
        return Scale(id: id, label: label, items: ids, score: rule, minAnswered: minAnswered)
    }
}
