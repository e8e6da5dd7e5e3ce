import Foundation

/// The instrument a response was given on: id, version and the file's SHA-256.
public struct InstrumentRef: Sendable, Equatable {
    public var id: String
    public var version: String
    public var sha256: String
    public init(id: String, version: String, sha256: String) { self.id = id; self.version = version; self.sha256 = sha256 }
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

    public init(id: String = UUID().uuidString.lowercased(), study: String, participant: String, role: String?,
                wave: String, instrument: InstrumentRef, startedAt: String?, submittedAt: String, mode: String,
                answers: [(id: String, value: Answer)], declined: [String] = [], extra: [(key: String, value: JSONValue)] = []) {
        self.id = id; self.study = study; self.participant = participant; self.role = role; self.wave = wave
        self.instrument = instrument; self.startedAt = startedAt; self.submittedAt = submittedAt; self.mode = mode
        self.answers = answers; self.declined = declined; self.extra = extra
    }

    /// The answer to an item, or nil when the item was not shown.
    public func answer(_ item: String) -> Answer? {
        answers.first { $0.id == item }?.value
    }

    public static func == (a: ResponseRecord, b: ResponseRecord) -> Bool {
        a.id == b.id && a.study == b.study && a.participant == b.participant && a.role == b.role && a.wave == b.wave
            && a.instrument == b.instrument && a.startedAt == b.startedAt && a.submittedAt == b.submittedAt
            && a.mode == b.mode && a.declined == b.declined
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
    static let knownKeys: Set<String> = ["format", "id", "study", "participant", "role", "wave", "instrument",
                                         "started_at", "submitted_at", "mode", "answers", "declined"]

    /// Reads a record from a parsed JSON value, keeping unknown keys.
    public init(json: JSONValue) throws {
        guard case .object(let o) = json else { throw RecordError("a response record must be a JSON object") }
        func str(_ k: String, required: Bool = true) throws -> String? {
            switch o[k] {
            case .string(let s)?: return s
            case nil, .null?: if required { throw RecordError("missing \"\(k)\"") } else { return nil }
            default: throw RecordError("\"\(k)\" must be a string")
            }
        }
        guard let fmt = try str("format") else { throw RecordError("missing \"format\"") }
        guard fmt == ResponseRecord.format else { throw RecordError("unknown format \"\(fmt)\" (expected \(ResponseRecord.format))") }
        guard case .object(let inst)? = o["instrument"] else { throw RecordError("\"instrument\" must be an object with id, version and sha256") }
        guard let iid = inst["id"]?.stringValue else { throw RecordError("\"instrument.id\" must be a string") }
        let ref = InstrumentRef(id: iid, version: inst["version"]?.stringValue ?? "", sha256: inst["sha256"]?.stringValue ?? "")
        guard case .object(let ans)? = o["answers"] else { throw RecordError("\"answers\" must be an object") }
        var answers: [(id: String, value: Answer)] = []
        answers.reserveCapacity(ans.members.count)
        for m in ans.members {
            switch m.value {
            case .number(let v): answers.append((m.key, .number(v)))
            case .string(let s): answers.append((m.key, .text(s)))
            case .null: answers.append((m.key, .missing))
            default: throw RecordError("answer \"\(m.key)\" must be a number, a string or null")
            }
        }
        var declined: [String] = []
        switch o["declined"] {
        case nil, .null?: break
        case .array(let a)?:
            for v in a {
                guard let s = v.stringValue else { throw RecordError("\"declined\" must list item ids") }
                declined.append(s)
            }
        default: throw RecordError("\"declined\" must be an array")
        }
        self.init(id: try str("id")!, study: try str("study")!, participant: try str("participant")!,
                  role: try str("role", required: false), wave: try str("wave")!, instrument: ref,
                  startedAt: try str("started_at", required: false), submittedAt: try str("submitted_at")!,
                  mode: try str("mode")!, answers: answers, declined: declined,
                  extra: o.members.filter { !ResponseRecord.knownKeys.contains($0.key) })
        if participant.isEmpty { throw RecordError("\"participant\" is empty") }
        if wave.isEmpty { throw RecordError("\"wave\" is empty") }
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
        o["instrument"] = .object(JSONObject([("id", .string(instrument.id)), ("version", .string(instrument.version)),
                                              ("sha256", .string(instrument.sha256))]))
        if let s = startedAt { o["started_at"] = .string(s) }
        o["submitted_at"] = .string(submittedAt)
        o["mode"] = .string(mode)
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
        for e in extra { o.members.append(e) }
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
