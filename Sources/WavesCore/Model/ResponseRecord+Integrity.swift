import Foundation

/// The record keys added in the second round for integrity and data quality (spec
/// formats.md "Response records gain"): `prev`, `language`, `timings`, `duration_ms`,
/// `dont_know`. All are optional; they live among the record's other keys (`extra`), so
/// the decoder stays as strict as before and a reader that does not know them keeps them.
/// A key of the wrong type reads as absent here; `RecordValidator` reports it.
extension ResponseRecord {
    /// Sets (or with nil removes) one of the optional keys, keeping the others in order.
    /// As `JSONObject`'s subscript: the last member with the key is replaced (or removed), a new key goes last.
    mutating func setExtra(_ key: String, _ value: JSONValue?) {
        if let i = extra.lastIndex(where: { $0.key == key }) {
            if let v = value { extra[i].value = v } else { extra.remove(at: i) }
        } else if let v = value {
            extra.append((key, v))
        }
    }

    /// The value of an optional key, nil when absent.
    public func extraValue(_ key: String) -> JSONValue? {
        extra.last { $0.key == key }?.value
    }

    /// `prev`: the SHA-256 (hex) of the store's previous line without its line end; nil on
    /// the first line and on round-1 records. Set by `ResponseStore.append` under the lock.
    public var prev: String? {
        get { extraValue("prev")?.stringValue }
        set { setExtra("prev", newValue.map(JSONValue.string)) }
    }

    /// `language`: the language the instrument was shown in.
    public var language: String? {
        get { extraValue("language")?.stringValue }
        set { setExtra("language", newValue.map(JSONValue.string)) }
    }

    /// `duration_ms`: milliseconds from the first item shown to submission.
    public var durationMs: Double? {
        get { extraValue("duration_ms")?.numberValue }
        set { setExtra("duration_ms", newValue.map(JSONValue.number)) }
    }

    /// `timings`: milliseconds on each item's screen, summed over visits, in item order.
    public var timings: [(id: String, ms: Double)] {
        get {
            guard let o = extraValue("timings")?.objectValue else { return [] }
            return o.members.compactMap { m in m.value.numberValue.map { (m.key, $0) } }
        }
        set { setExtra("timings", newValue.isEmpty ? nil : .object(JSONObject(newValue.map { ($0.id, JSONValue.number($0.ms)) }))) }
    }

    /// `dont_know`: items answered "Don't know" (stored as null in `answers`, like `declined`).
    public var dontKnow: [String] {
        get { extraValue("dont_know")?.arrayValue?.compactMap(\.stringValue) ?? [] }
        set { setExtra("dont_know", newValue.isEmpty ? nil : .array(newValue.map(JSONValue.string))) }
    }

    /// Type problems of the optional keys (a record is still read; `waves validate` reports them).
    public var optionalKeyProblems: [String] {
        var out: [String] = []
        func check(_ key: String, _ ok: (JSONValue) -> Bool, _ shape: String) {
            if let v = extraValue(key), !ok(v) { out.append("\"\(key)\" must be \(shape)") }
        }
        check("prev", { v in v.stringValue.map(Self.isHexDigest) ?? false }, "64 lower-case hex digits (a SHA-256)")
        check("language", { $0.stringValue.map { !$0.isEmpty } ?? false }, "a language code")
        check("duration_ms", { v in v.numberValue.map { $0 >= 0 } ?? false }, "a number of milliseconds, 0 or more")
        check("timings", { v in
            v.objectValue?.members.allSatisfy { m in m.value.numberValue.map { $0 >= 0 } ?? false } ?? false
        }, "an object of item ids to milliseconds, 0 or more")
        check("dont_know", { v in v.arrayValue?.allSatisfy { $0.stringValue != nil } ?? false }, "a list of item ids")
        return out
    }

    /// Whether `s` is 64 lower-case hex digits.
    public static func isHexDigest(_ s: String) -> Bool {
        s.utf8.count == 64 && s.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
    }
}
