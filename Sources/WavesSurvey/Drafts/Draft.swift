import Foundation
import WavesCore

/// A partial session saved in `data/drafts/` so an interrupted participant can resume.
///
/// Format `waves.draft/1`, one JSON object: who, which wave and instrument (with its
/// SHA-256), when the session started, where the participant was, and every response so
/// far: `"id01": 4`, `"diary": "text"`, `"id02": {"status": "declined"}`,
/// `"id03": {"status": "skipped"}`.
public struct Draft: Equatable, Sendable {
    public static let format = "waves.draft/1"

    public var study: String
    public var participant: String
    public var role: String?
    public var wave: String
    public var instrument: InstrumentRef
    public var startedAt: String
    public var updatedAt: String
    /// `terminal` or `plain`: the mode of the last session.
    public var mode: String
    public var position: SessionPosition
    public var responses: [String: ItemResponse]

    public init(study: String, participant: String, role: String?, wave: String, instrument: InstrumentRef,
                startedAt: String, updatedAt: String, mode: String, position: SessionPosition,
                responses: [String: ItemResponse]) {
        self.study = study; self.participant = participant; self.role = role; self.wave = wave
        self.instrument = instrument; self.startedAt = startedAt; self.updatedAt = updatedAt; self.mode = mode
        self.position = position; self.responses = responses
    }

    /// The draft as JSON (responses in instrument order when `order` is given, else sorted by id).
    public func json(order: [String] = []) -> JSONValue {
        var o = JSONObject()
        o["format"] = .string(Draft.format)
        o["study"] = .string(study)
        o["participant"] = .string(participant)
        o["role"] = role.map(JSONValue.string) ?? .null
        o["wave"] = .string(wave)
        o["instrument"] = instrument.json
        o["started_at"] = .string(startedAt)
        o["updated_at"] = .string(updatedAt)
        o["mode"] = .string(mode)
        switch position {
        case .intro: o["position"] = .string("intro")
        case .review: o["position"] = .string("review")
        case .item(let id): o["position"] = .object(JSONObject([("item", .string(id))]))
        }
        let rank = Dictionary(order.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        let ids = responses.keys.sorted { (rank[$0] ?? Int.max, $0) < (rank[$1] ?? Int.max, $1) }
        o["responses"] = .object(JSONObject(ids.map { id in
            let v: JSONValue
            switch responses[id]! {
            case .answered(.number(let d)): v = .number(d)
            case .answered(.text(let s)): v = .string(s)
            case .answered(.missing), .skipped: v = .object(JSONObject([("status", .string("skipped"))]))
            case .declined: v = .object(JSONObject([("status", .string("declined"))]))
            case .dontKnow: v = .object(JSONObject([("status", .string("dont_know"))]))
            }
            return (id, v)
        }))
        return .object(o)
    }

    /// Reads a draft; throws `DraftError` when the text is not a valid draft.
    public init(json: JSONValue) throws {
        guard case .object(let o) = json else { throw DraftError.invalid("not a JSON object") }
        guard o["format"]?.stringValue == Draft.format else { throw DraftError.invalid("format is not \(Draft.format)") }
        func str(_ k: String) throws -> String {
            guard let s = o[k]?.stringValue else { throw DraftError.invalid("\"\(k)\" is missing") }
            return s
        }
        guard case .object(let inst)? = o["instrument"], let iid = inst["id"]?.stringValue else {
            throw DraftError.invalid("\"instrument\" is missing")
        }
        let position: SessionPosition
        switch o["position"] {
        case .string("review")?: position = .review
        case .object(let p)?:
            guard let id = p["item"]?.stringValue else { throw DraftError.invalid("\"position\" names no item") }
            position = .item(id)
        default: position = .intro
        }
        var responses: [String: ItemResponse] = [:]
        if case .object(let r)? = o["responses"] {
            for m in r.members {
                switch m.value {
                case .number(let d): responses[m.key] = .answered(.number(d))
                case .string(let s): responses[m.key] = .answered(.text(s))
                case .object(let o) where o["status"] == .string("declined"): responses[m.key] = .declined
                case .object(let o) where o["status"] == .string("skipped"): responses[m.key] = .skipped
                case .object(let o) where o["status"] == .string("dont_know"): responses[m.key] = .dontKnow
                default: throw DraftError.invalid("the response to \"\(m.key)\" is not understood")
                }
            }
        }
        self.init(study: try str("study"), participant: try str("participant"), role: o["role"]?.stringValue,
                  wave: try str("wave"),
                  instrument: InstrumentRef(id: iid, version: inst["version"]?.stringValue ?? "",
                                            sha256: inst["sha256"]?.stringValue ?? ""),
                  startedAt: try str("started_at"), updatedAt: (try? str("updated_at")) ?? "",
                  mode: (try? str("mode")) ?? "terminal", position: position, responses: responses)
    }
}

/// A draft that cannot be read or written.
public enum DraftError: Error, LocalizedError, Equatable {
    case invalid(String)
    case io(path: String, reason: String)

    public var errorDescription: String? {
        switch self {
        case .invalid(let why): return "the draft is not valid: \(why)"
        case .io(let path, let reason): return "cannot save the draft \(path): \(reason)"
        }
    }
}
