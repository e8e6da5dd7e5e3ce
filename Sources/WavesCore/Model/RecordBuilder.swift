import Foundation

/// Collects the members of a response record one by one and checks them.
///
/// Shared by `ResponseRecord(json:)` and the streaming decoder, so both apply
/// exactly the same rules. A repeated key keeps its last value; unknown keys are
/// kept in order.
struct RecordBuilder {
    var format: String?, id: String?, study: String?, participant: String?, role: String?, wave: String?
    var startedAt: String?, submittedAt: String?, mode: String?, via: String?
    var instrument: InstrumentRef?
    var answers: [(id: String, value: Answer)]?
    var answersError: RecordError?
    var declined: [String] = []
    var extra: [(key: String, value: JSONValue)] = []

    static func string(_ key: String, _ v: JSONValue, optional: Bool = false) throws -> String? {
        switch v {
        case .string(let s): return s
        case .null where optional: return nil
        default: throw RecordError("\"\(key)\" must be a string")
        }
    }

    /// Converts one answer value.
    static func answer(_ key: String, _ v: JSONValue) throws -> Answer {
        switch v {
        case .number(let x): return .number(x)
        case .string(let s): return .text(s)
        case .null: return .missing
        default: throw RecordError("answer \"\(key)\" must be a number, a string or null")
        }
    }

    mutating func set(_ key: String, _ v: JSONValue) throws {
        switch key {
        case "format": format = try Self.string(key, v)
        case "id": id = try Self.string(key, v)
        case "study": study = try Self.string(key, v)
        case "participant": participant = try Self.string(key, v)
        case "role": role = try Self.string(key, v, optional: true)
        case "wave": wave = try Self.string(key, v)
        case "started_at": startedAt = try Self.string(key, v, optional: true)
        case "submitted_at": submittedAt = try Self.string(key, v)
        case "mode": mode = try Self.string(key, v)
        case "via": via = try Self.string(key, v, optional: true)
        case "instrument":
            guard case .object(let inst) = v, let iid = inst["id"]?.stringValue else {
                throw RecordError("\"instrument\" must be an object with id, version and sha256")
            }
            instrument = InstrumentRef(id: iid, version: inst["version"]?.stringValue ?? "", sha256: inst["sha256"]?.stringValue ?? "")
        case "answers":
            guard case .object(let ans) = v else { throw RecordError("\"answers\" must be an object") }
            var list: [(id: String, value: Answer)] = []
            list.reserveCapacity(ans.members.count)
            for a in ans.members { list.append((a.key, try Self.answer(a.key, a.value))) }
            answers = list
        case "declined":
            switch v {
            case .null: declined = []
            case .array(let a):
                declined = try a.map { x in
                    guard let s = x.stringValue else { throw RecordError("\"declined\" must list item ids") }
                    return s
                }
            default: throw RecordError("\"declined\" must be an array")
            }
        default:
            extra.append((key, v))
        }
    }

    func build() throws -> ResponseRecord {
        guard let fmt = format else { throw RecordError("missing \"format\"") }
        guard fmt == ResponseRecord.format else { throw RecordError("unknown format \"\(fmt)\" (expected \(ResponseRecord.format))") }
        func need(_ v: String?, _ k: String) throws -> String {
            guard let v else { throw RecordError("missing \"\(k)\"") }
            return v
        }
        guard let instrument else { throw RecordError("\"instrument\" must be an object with id, version and sha256") }
        guard let answers else { throw RecordError("\"answers\" must be an object") }
        let r = ResponseRecord(id: try need(id, "id"), study: try need(study, "study"), participant: try need(participant, "participant"),
                               role: role, wave: try need(wave, "wave"), instrument: instrument, startedAt: startedAt,
                               submittedAt: try need(submittedAt, "submitted_at"), mode: try need(mode, "mode"),
                               answers: answers, declined: declined, extra: extra, via: via)
        if r.participant.isEmpty { throw RecordError("\"participant\" is empty") }
        if r.wave.isEmpty { throw RecordError("\"wave\" is empty") }
        return r
    }
}
