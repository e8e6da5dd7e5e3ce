import Foundation
import Yams

/// One language of an instrument (spec formats.md "Instruments gain": `translations:` inside
/// the instrument, so one file and one hash cover every language). It replaces texts only:
/// items, option values, scales and scoring are the instrument's own, so answers given in
/// any language are the same data.
public struct Translation: Sendable, Equatable {
    public var title: String
    public var intro: String?
    /// Item id -> text.
    public var items: [String: String]
    /// Response set id -> option value -> label.
    public var options: [String: [Double: String]]
    /// Scale id -> label.
    public var scales: [String: String]

    public init(title: String, intro: String? = nil, items: [String: String] = [:], options: [String: [Double: String]] = [:], scales: [String: String] = [:]) {
        self.title = title; self.intro = intro; self.items = items; self.options = options; self.scales = scales
    }
}

extension Instrument {
    /// Languages the instrument can be shown in: its own `language` (when given) and its translations, sorted.
    public var languages: [String] {
        var all = Set(translations.keys)
        if let l = language { all.insert(l) }
        return all.sorted()
    }

    /// The instrument with every text in `language` (the same ids, values, hash and bytes);
    /// itself for its own language; nil when there is no such translation.
    public func translated(to lang: String) -> Instrument? {
        if lang == language { return self }
        guard let t = translations[lang] else { return nil }
        var out = self
        out.language = lang
        out.title = t.title
        out.intro = t.intro ?? intro
        func set(_ s: ResponseSet?) -> ResponseSet? {
            guard var s, let labels = t.options[s.id] else { return s }
            s.options = s.options.map { ResponseOption(value: $0.value, label: labels[$0.value] ?? $0.label) }
            return s
        }
        out.responseSets = responseSets.map { set($0)! }
        out.items = items.map { item in
            var i = item
            i.text = t.items[item.id] ?? item.text
            i.responseSet = set(item.responseSet)
            return i
        }
        out.scales = scales.map { s in var c = s; c.label = t.scales[s.id] ?? s.label; return c }
        return out
    }
}

extension InstrumentLoader {
    /// Reads `translations:` and checks each language against the instrument: every text
    /// translated (title, intro when the instrument has one, item texts, option labels, scale
    /// labels), and nothing that the instrument lacks (an unknown item, response set, option
    /// value or scale). Each problem is located and names the item and the language.
    static func parseTranslations(_ node: Node, items: [Item], sets: [ResponseSet], scales: [Scale], intro: String?,
                                  reader r: inout YAMLReader) -> [String: Translation] {
        var out: [String: Translation] = [:]
        // Named response sets, then items' inline option lists (their set id is the item's).
        var sets = sets
        for item in items { if let s = item.responseSet, !sets.contains(where: { $0.id == s.id }) { sets.append(s) } }
        guard let langs = r.mapping(node, "translations") else { return out }
        for l in langs {
            let lang = l.key
            guard let members = r.mapping(l.value, "translation '\(lang)'") else { continue }
            var t = Translation(title: "")
            var sawTitle = false, sawIntro = false
            var fields: [String: Node] = [:]
            for m in members {
                fields[m.key] = m.value
                switch m.key {
                case "title": t.title = r.string(m.value, "title") ?? ""; sawTitle = true
                case "intro": t.intro = r.string(m.value, "intro"); sawIntro = true
                case "items":
                    for e in r.mapping(m.value, "items of translation '\(lang)'") ?? [] {
                        guard items.contains(where: { $0.id == e.key }) else { r.error(e.keyNode, "translation '\(lang)' names item '\(YAMLReader.shownKey(e.key) ?? "?")', which the instrument does not have"); continue }
                        t.items[e.key] = r.string(e.value, "text of '\(e.key)'")
                    }
                case "options":
                    for e in r.mapping(m.value, "options of translation '\(lang)'") ?? [] {
                        guard let set = sets.first(where: { $0.id == e.key }) else { r.error(e.keyNode, "translation '\(lang)' names response set '\(YAMLReader.shownKey(e.key) ?? "?")', which the instrument does not have"); continue }
                        var labels: [Double: String] = [:]
                        for o in r.mapping(e.value, "options of '\(set.id)'") ?? [] {
                            guard let v = Double(o.key), set.option(for: v) != nil else {
                                r.error(o.keyNode, "translation '\(lang)': response set '\(set.id)' has no option value '\(YAMLReader.shownKey(o.key) ?? "?")' (its values: \(set.options.map { JSONWriter.number($0.value) }.joined(separator: ", ")))")
                                continue
                            }
                            labels[v] = r.string(o.value, "label of option \(o.key)")
                        }
                        t.options[set.id] = labels
                    }
                case "scales":
                    for e in r.mapping(m.value, "scales of translation '\(lang)'") ?? [] {
                        guard scales.contains(where: { $0.id == e.key }) else { r.error(e.keyNode, "translation '\(lang)' names scale '\(YAMLReader.shownKey(e.key) ?? "?")', which the instrument does not have"); continue }
                        t.scales[e.key] = r.string(e.value, "label of scale '\(e.key)'")
                    }
                default: r.warning(m.keyNode, "\(YAMLReader.unknownKey(m.key)) in translation '\(lang)' (ignored)")
                }
            }
            // Completeness: every text has a translation.
            if !sawTitle { r.error(l.value, "translation '\(lang)' has no title") }
            if intro != nil && !sawIntro { r.error(l.value, "translation '\(lang)' has no intro (the instrument has one)") }
            let itemsNode = fields["items"] ?? l.value
            for item in items where t.items[item.id] == nil {
                r.error(itemsNode, "translation '\(lang)' has no text for item '\(item.id)'")
            }
            let optionsNode = fields["options"] ?? l.value
            for set in sets where items.contains(where: { $0.responseSet?.id == set.id }) {
                let missing = set.options.filter { t.options[set.id]?[$0.value] == nil }
                if !missing.isEmpty {
                    r.error(optionsNode, "translation '\(lang)' has no label for option(s) \(missing.map { JSONWriter.number($0.value) }.joined(separator: ", ")) of response set '\(set.id)'")
                }
            }
            let scalesNode = fields["scales"] ?? l.value
            for s in scales where t.scales[s.id] == nil { r.error(scalesNode, "translation '\(lang)' has no label for scale '\(s.id)'") }
            out[lang] = t
        }
        return out
    }
}
