import Foundation

/// One coder's decision on one unit: a line of `data/coding/<coder>.jsonl` (`format: waves.coding/1`).
///
/// `unit` is `<record id>/<item id>`; `codes` the code ids applied (possibly none: "no code
/// applies" is a judgement too); `memo` the coder's note; `at` when it was decided. Waves
/// adds `coder`, `codebook`, `codebook_version` and `codebook_sha256`, so a codebook changed
/// between sessions is visible. The latest line per unit counts. Unknown keys are kept.
public struct CodingDecision: Sendable, Equatable {
    public static let format = "waves.coding/1"

    public var unit: String
    public var codes: [String]
    public var memo: String
    public var at: String
    public var coder: String?
    public var codebook: String?
    public var codebookVersion: String?
    public var codebookSHA256: String?
    /// Keys this version does not know, kept in order.
    public var extra: [(key: String, value: JSONValue)]

    public init(unit: String, codes: [String], memo: String = "", at: String, coder: String? = nil,
                codebook: String? = nil, codebookVersion: String? = nil, codebookSHA256: String? = nil,
                extra: [(key: String, value: JSONValue)] = []) {
        self.unit = unit; self.codes = codes; self.memo = memo; self.at = at; self.coder = coder
        self.codebook = codebook; self.codebookVersion = codebookVersion; self.codebookSHA256 = codebookSHA256
        self.extra = extra
    }

    /// The unit id of an answer: `<record id>/<item id>`.
    public static func unitID(record: String, item: String) -> String { record + "/" + item }

    /// The answers of `record` that are units to code: its non-blank answers to the `type: text`
    /// items of `instrument`, in item order (`StudyData.codingUnits`, `waves validate`).
    public static func units(of record: ResponseRecord, instrument: Instrument) -> [(item: Item, text: String)] {
        instrument.items.compactMap { it in
            guard it.type == .text, case .text(let s)? = record.answer(it.id), !s.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return nil }
            return (it, s)
        }
    }

    /// The record and item of the unit id (split at the last `/`), or nil when it has no `/`.
    public var recordAndItem: (record: String, item: String)? {
        guard let slash = unit.lastIndex(of: "/") else { return nil }
        let r = String(unit[..<slash]), i = String(unit[unit.index(after: slash)...])
        return r.isEmpty || i.isEmpty ? nil : (r, i)
    }

    public static func == (a: CodingDecision, b: CodingDecision) -> Bool {
        a.unit == b.unit && a.codes == b.codes && a.memo == b.memo && a.at == b.at && a.coder == b.coder
            && a.codebook == b.codebook && a.codebookVersion == b.codebookVersion && a.codebookSHA256 == b.codebookSHA256
            && JSONObject(a.extra) == JSONObject(b.extra)
    }
}

extension CodingDecision {
    /// Reads a decision from a parsed line; throws `RecordError` with a plain sentence.
    public init(json: JSONValue) throws {
        guard let o = json.objectValue else { throw RecordError("a coding line must be a JSON object") }
        guard let f = o["format"] else { throw RecordError("missing \"format\": \"\(Self.format)\"") }
        guard f.stringValue == Self.format else {
            throw RecordError("unknown format \(JSONWriter.string(f)) (expected \"\(Self.format)\")")
        }
        guard let unit = o["unit"]?.stringValue, !unit.isEmpty else { throw RecordError("missing \"unit\" (\"<record id>/<item id>\")") }
        guard let list = o["codes"]?.arrayValue else { throw RecordError("missing \"codes\" (a list of code ids, possibly empty)") }
        var codes: [String] = []
        for c in list {
            guard let s = c.stringValue else { throw RecordError("\"codes\" must hold code ids (strings), not \(JSONWriter.string(c))") }
            if !codes.contains(s) { codes.append(s) }
        }
        guard let at = o["at"]?.stringValue else { throw RecordError("missing \"at\" (when the decision was made)") }
        var memo = ""
        if let m = o["memo"], !m.isNull {
            guard let s = m.stringValue else { throw RecordError("\"memo\" must be text") }
            memo = s
        }
        let known: Set<String> = ["format", "unit", "codes", "memo", "at", "coder", "codebook", "codebook_version", "codebook_sha256"]
        self.init(unit: unit, codes: codes, memo: memo, at: at, coder: o["coder"]?.stringValue,
                  codebook: o["codebook"]?.stringValue, codebookVersion: o["codebook_version"]?.stringValue,
                  codebookSHA256: o["codebook_sha256"]?.stringValue,
                  extra: o.members.filter { !known.contains($0.key) }.map { ($0.key, $0.value) })
        if recordAndItem == nil { throw RecordError("\"unit\" must be \"<record id>/<item id>\", not \"\(unit)\"") }
    }

    /// The decision as one JSON object, contract keys first, unknown keys last.
    public var json: JSONValue {
        var o = JSONObject()
        o["format"] = .string(Self.format)
        o["unit"] = .string(unit)
        o["codes"] = .array(codes.map { .string($0) })
        o["memo"] = .string(memo)
        o["at"] = .string(at)
        if let coder { o["coder"] = .string(coder) }
        if let codebook { o["codebook"] = .string(codebook) }
        if let codebookVersion { o["codebook_version"] = .string(codebookVersion) }
        if let codebookSHA256 { o["codebook_sha256"] = .string(codebookSHA256) }
        for e in extra where o[e.key] == nil { o[e.key] = e.value }
        return .object(o)
    }

    /// One line of JSON text, without the newline.
    public var jsonLine: String { JSONWriter.string(json) }
}
