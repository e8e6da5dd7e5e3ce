import Foundation
import WavesCore

/// One consent decision (`format: waves.consent/1`, one line of `data/consent.jsonl`).
public struct ConsentEvent: Sendable, Equatable {
    public static let format = "waves.consent/1"
    public enum Decision: String, Sendable { case agree, decline, withdraw }

    public var participant: String
    /// The wave at which the decision was made (a withdrawal: the first wave it applies to).
    public var wave: String
    /// The consent version decided on; nil for a withdrawal in a study without a consent text.
    public var consentSHA256: String?
    public var decision: Decision
    public var at: String
    /// How it was recorded: `terminal`, `kiosk`, `ssh` (the participant) or `command` (`waves withdraw`).
    public var via: String?

    public init(participant: String, wave: String, consentSHA256: String?, decision: Decision, at: String, via: String? = nil) {
        self.participant = participant; self.wave = wave; self.consentSHA256 = consentSHA256
        self.decision = decision; self.at = at; self.via = via
    }

    public var json: JSONValue {
        var o = JSONObject()
        o["format"] = .string(Self.format)
        o["participant"] = .string(participant)
        o["wave"] = .string(wave)
        o["consent_sha256"] = consentSHA256.map(JSONValue.string) ?? .null
        o["decision"] = .string(decision.rawValue)
        o["at"] = .string(at)
        if let v = via { o["via"] = .string(v) }
        return .object(o)
    }

    init(json o: JSONObject, path: String, line: Int) throws {
        func bad(_ why: String) -> CollectError { .logLine(path: path, line: line, reason: why) }
        guard o["format"]?.stringValue == Self.format else { throw bad("not a \(Self.format) line") }
        guard let p = o["participant"]?.stringValue, !p.isEmpty else { throw bad("no participant") }
        guard let w = o["wave"]?.stringValue else { throw bad("no wave") }
        guard let d = o["decision"]?.stringValue.flatMap(Decision.init(rawValue:)) else { throw bad("decision must be agree, decline or withdraw") }
        guard let at = o["at"]?.stringValue else { throw bad("no time ('at')") }
        self.init(participant: p, wave: w, consentSHA256: o["consent_sha256"]?.stringValue, decision: d, at: at,
                  via: o["via"]?.stringValue)
    }
}

/// `data/consent.jsonl`: every consent decision, appended and never rewritten.
public struct ConsentLog: Sendable {
    public let log: DataLog

    public init(study: Study) {
        log = DataLog(url: study.directory.appendingPathComponent("data/consent.jsonl"), role: "the consent log")
    }

    public func append(_ event: ConsentEvent) throws { try log.append([event.json]) }

    public func read() throws -> [ConsentEvent] {
        try log.read().map { try ConsentEvent(json: $0.object, path: "data/consent.jsonl", line: $0.line) }
    }
}
