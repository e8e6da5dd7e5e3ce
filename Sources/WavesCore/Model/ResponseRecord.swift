import Foundation

/// The instrument a response was given on: id, version and the file's SHA-256.
public struct InstrumentRef: Sendable, Equatable {
    public var id: String
    public var version: String
    public var sha256: String
    public init(id: String, version: String, sha256: String) { self.id = id; self.version = version; self.sha256 = sha256 }

    /// `{"id":…,"version":…,"sha256":…}` as stored in records and drafts.
    public var json: JSONValue {
        .object(JSONObject([("id", .string(id)), ("version", .string(version)), ("sha256", .string(sha256))]))
    }
}

/// One submitted administration (`format: waves.response/1`): one line of the store.
public struct ResponseRecord: Sendable, Equatable {
    public static let format = "waves.response/1"

    public var id: String
    public var study: String
    public var participant: String
    public var role: String?
    public var wave: String
    public var instrument: InstrumentRef
    public var startedAt: String?
    public var submittedAt: String
    /// `terminal`, `plain` or `import`.
    public var mode: String
    /// Every shown item in order: a number, text or missing. Hidden items are absent.
    public var answers: [(id: String, value: Answer)]
    /// Items answered "Prefer not to answer".
    public var declined: [String]
    /// Keys this version does not know, kept in order for forward compatibility.
    public var extra: [(key: String, value: JSONValue)]
    /// How the participant reached the survey: `terminal`, `kiosk`, `ssh` or `import` (nil in older records).
    public var via: String?

    public init(id: String = UUID().uuidString.lowercased(), study: String, participant: String, role: String?,
                wave: String, instrument: InstrumentRef, startedAt: String?, submittedAt: String, mode: String,
                answers: [(id: String, value: Answer)], declined: [String] = [], extra: [(key: String, value: JSONValue)] = [],
                via: String? = nil) {
        self.id = id; self.study = study; self.participant = participant; self.role = role; self.wave = wave
        self.instrument = instrument; self.startedAt = startedAt; self.submittedAt = submittedAt; self.mode = mode
        self.answers = answers; self.declined = declined; self.extra = extra; self.via = via
    }

    /// The answer to an item, or nil when the item was not shown.
    public func answer(_ item: String) -> Answer? {
        answers.first { $0.id == item }?.value
    }

    /// `answer(item.id)` for every item of `instrument`, in instrument order, in one walk over
    /// the answers: each is matched to the item after the one before it (the usual order) and
    /// only otherwise looked up by id. Asking `answer` per item was quadratic in the items
    /// (`waves quality` at 100,000 participants spent most of its time there).
    public func answers(byItemOf instrument: Instrument) -> [Answer?] {
        let items = instrument.items
        guard instrument.itemIDsAreDistinct else { return items.map { answer($0.id) } }
        var out = [Answer?](repeating: nil, count: items.count)
        var found = [Bool](repeating: false, count: items.count)
        var next = 0
        for a in answers {
            let k: Int
            if next < items.count && items[next].id == a.id { k = next } else if let p = instrument.position(of: a.id) { k = p } else { continue }
            next = k + 1
            // The first answer to an item counts, as in `answer`.
            if !found[k] { found[k] = true; out[k] = a.value }
        }
        return out
    }

    public static func == (a: ResponseRecord, b: ResponseRecord) -> Bool {
        a.id == b.id && a.study == b.study && a.participant == b.participant && a.role == b.role && a.wave == b.wave
            && a.instrument == b.instrument && a.startedAt == b.startedAt && a.submittedAt == b.submittedAt
            && a.mode == b.mode && a.declined == b.declined && a.via == b.via
            && a.answers.count == b.answers.count && zip(a.answers, b.answers).allSatisfy { $0.id == $1.id && $0.value == $1.value }
            && JSONObject(a.extra) == JSONObject(b.extra)
    }
}

/// Why a store line is not a valid response record.
public struct RecordError: Error, LocalizedError, Equatable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var errorDescription: String? { message }
}

extension ResponseRecord {
    /// Reads a record from a parsed JSON value, keeping unknown keys.
    public init(json: JSONValue) throws {
        guard case .object(let o) = json else { throw RecordError("a response record must be a JSON object") }
        var b = RecordBuilder()
        for m in o.members { try b.set(m.key, m.value) }
        self = try b.build()
    }

    /// The record as a JSON object, keys in the contract's order, unknown keys last.
    public var json: JSONValue {
        var o = JSONObject()
        o["format"] = .string(ResponseRecord.format)
        o["id"] = .string(id)
        o["study"] = .string(study)
        o["participant"] = .string(participant)
        o["role"] = role.map(JSONValue.string) ?? .null
        o["wave"] = .string(wave)
        o["instrument"] = instrument.json
        if let s = startedAt { o["started_at"] = .string(s) }
        o["submitted_at"] = .string(submittedAt)
        o["mode"] = .string(mode)
        if let v = via { o["via"] = .string(v) }
        o["answers"] = .object(JSONObject(answers.map { a in
            let v: JSONValue
            switch a.value {
            case .number(let d): v = .number(d)
            case .text(let s): v = .string(s)
            case .missing: v = .null
            }
            return (a.id, v)
        }))
        o["declined"] = .array(declined.map(JSONValue.string))
        for e in extra { o.members.append(JSONMember(key: e.key, value: e.value)) }
        return .object(o)
    }

    /// One store line, without the trailing newline.
    public var jsonLine: String { JSONWriter.string(json) }
}

/// ISO 8601 UTC timestamps as stored in records ("2026-03-01T09:58:12Z").
public enum Timestamp {
    /// Formats with `gmtime_r` (a formatter object per call is slow, and a shared one is not Sendable).
    public static func string(_ date: Date) -> String {
        var t = time_t(date.timeIntervalSince1970.rounded(.down))
        var tm = tm()
        gmtime_r(&t, &tm)
        func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(tm.tm_year + 1900)-\(two(tm.tm_mon + 1))-\(two(tm.tm_mday))T\(two(tm.tm_hour)):\(two(tm.tm_min)):\(two(tm.tm_sec))Z"
    }
    public static var now: String { string(Date()) }
}
