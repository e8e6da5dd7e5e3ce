import Foundation

/// One difference between two versions of an instrument, in words.
public struct InstrumentChange: Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// Title, intro, item text, option label or scale label: what people read, not what is scored.
        case wording
        /// Anything that changes what is stored or how it is scored: items, option values,
        /// reverse keying, scale membership, scoring rule, ranges, item type.
        case scoring
        /// Neither (the version string, "Prefer not to answer" offered or not, required, show_if).
        case other
    }
    public var kind: Kind
    /// Scales (of either version) whose scores this change can alter; empty for wording changes.
    public var scales: [String]
    public var text: String

    public init(_ kind: Kind, scales: [String] = [], _ text: String) { self.kind = kind; self.scales = scales; self.text = text }
    public var description: String { text }
}

/// What changed between two versions of one instrument (`waves instruments diff`, and the
/// check that a scale was scored the same way at every wave an analysis spans).
///
/// Items are matched by id, options by stored value (a value is what is scored; its label
/// is wording), scales by id. Every text shown is passed through `SafeText.line`.
public enum InstrumentDiff {
    public static func changes(from a: Instrument, to b: Instrument) -> [InstrumentChange] {
        var out: [InstrumentChange] = []
        let t = SafeText.line
        // The scales of either version that hold an item.
        func scales(of item: String) -> [String] {
            var s: [String] = []
            for sc in a.scales + b.scales where sc.items.contains(item) && !s.contains(sc.id) { s.append(sc.id) }
            return s
        }
        if a.version != b.version { out.append(.init(.other, "version \(t(a.version)) -> \(t(b.version))")) }
        if a.title != b.title { out.append(.init(.wording, "title changed: \"\(t(a.title))\" -> \"\(t(b.title))\"")) }
        if a.intro != b.intro { out.append(.init(.wording, "intro changed")) }
        let aIDs = a.items.map(\.id), bIDs = b.items.map(\.id)
        for id in aIDs where !bIDs.contains(id) {
            out.append(.init(.scoring, scales: scales(of: id), "item \(t(id)) removed"))
        }
        for id in bIDs where !aIDs.contains(id) {
            out.append(.init(.scoring, scales: scales(of: id), "item \(t(id)) added"))
        }
        for old in a.items {
            guard let new = b.item(old.id) else { continue }
            out += itemChanges(old, new, scales: scales(of: old.id))
        }
        let commonOrderA = aIDs.filter(bIDs.contains), commonOrderB = bIDs.filter(aIDs.contains)
        if commonOrderA != commonOrderB { out.append(.init(.other, "items reordered")) }
        for sa in a.scales {
            guard let sb = b.scale(sa.id) else { out.append(.init(.scoring, scales: [sa.id], "scale \(t(sa.id)) removed")); continue }
            let removed = sa.items.filter { !sb.items.contains($0) }, added = sb.items.filter { !sa.items.contains($0) }
            if !removed.isEmpty { out.append(.init(.scoring, scales: [sa.id], "scale \(t(sa.id)): item(s) \(removed.map(t).joined(separator: ", ")) left the scale")) }
            if !added.isEmpty { out.append(.init(.scoring, scales: [sa.id], "scale \(t(sa.id)): item(s) \(added.map(t).joined(separator: ", ")) joined the scale")) }
            if sa.score != sb.score { out.append(.init(.scoring, scales: [sa.id], "scale \(t(sa.id)): score \(sa.score.rawValue) -> \(sb.score.rawValue)")) }
            if sa.minAnswered != sb.minAnswered {
                out.append(.init(.scoring, scales: [sa.id], "scale \(t(sa.id)): min_answered \(JSONWriter.number(sa.minAnswered)) -> \(JSONWriter.number(sb.minAnswered))"))
            }
            if sa.label != sb.label { out.append(.init(.wording, "scale \(t(sa.id)): label \"\(t(sa.label))\" -> \"\(t(sb.label))\"")) }
        }
        for sb in b.scales where a.scale(sb.id) == nil { out.append(.init(.scoring, scales: [sb.id], "scale \(t(sb.id)) added")) }
        return out
    }

    static func itemChanges(_ old: Item, _ new: Item, scales: [String]) -> [InstrumentChange] {
        var out: [InstrumentChange] = []
        let t = SafeText.line
        let id = t(old.id)
        if old.type != new.type { out.append(.init(.scoring, scales: scales, "item \(id): type \(old.type.rawValue) -> \(new.type.rawValue)")) }
        if old.text != new.text { out.append(.init(.wording, "item \(id): text \"\(t(old.text))\" -> \"\(t(new.text))\"")) }
        if old.reverse != new.reverse {
            out.append(.init(.scoring, scales: scales, "item \(id): reverse keying \(old.reverse ? "on" : "off") -> \(new.reverse ? "on" : "off")"))
        }
        if old.required != new.required { out.append(.init(.other, "item \(id): required \(old.required ? "yes" : "no") -> \(new.required ? "yes" : "no")")) }
        if old.showIfSource != new.showIfSource {
            out.append(.init(.other, "item \(id): show_if \(old.showIfSource.map { "'\(t($0))'" } ?? "none") -> \(new.showIfSource.map { "'\(t($0))'" } ?? "none")"))
        }
        if old.min != new.min || old.max != new.max {
            func range(_ i: Item) -> String { "\(i.min.map(JSONWriter.number) ?? "none") to \(i.max.map(JSONWriter.number) ?? "none")" }
            out.append(.init(.scoring, scales: scales, "item \(id): range \(range(old)) -> \(range(new))"))
        }
        let oo = old.responseSet?.options ?? [], no = new.responseSet?.options ?? []
        let ov = oo.map(\.value), nv = no.map(\.value)
        let removed = ov.filter { !nv.contains($0) }, added = nv.filter { !ov.contains($0) }
        if !removed.isEmpty || !added.isEmpty {
            let words = (removed.isEmpty ? [] : ["value(s) \(removed.map(JSONWriter.number).joined(separator: ", ")) removed"])
                + (added.isEmpty ? [] : ["value(s) \(added.map(JSONWriter.number).joined(separator: ", ")) added"])
            out.append(.init(.scoring, scales: scales, "item \(id): options changed: \(words.joined(separator: "; "))"))
        }
        // A label that moved to another value changes what an answer means: scoring.
        for o in oo {
            guard let moved = no.first(where: { $0.label == o.label && $0.value != o.value }), !no.contains(where: { $0.value == o.value && $0.label == o.label }) else { continue }
            out.append(.init(.scoring, scales: scales, "item \(id): option \"\(t(o.label))\" now stored as \(JSONWriter.number(moved.value)) (was \(JSONWriter.number(o.value)))"))
        }
        for o in oo {
            guard let same = no.first(where: { $0.value == o.value }), same.label != o.label else { continue }
            if oo.contains(where: { $0.label == same.label && $0.value != o.value }) { continue }   // reported as moved
            out.append(.init(.wording, "item \(id): option \(JSONWriter.number(o.value)) label \"\(t(o.label))\" -> \"\(t(same.label))\""))
        }
        if (old.responseSet?.allowDecline ?? false) != (new.responseSet?.allowDecline ?? false) {
            out.append(.init(.other, "item \(id): \"Prefer not to answer\" \(new.allowsDecline ? "now offered" : "no longer offered")"))
        }
        return out
    }
}
