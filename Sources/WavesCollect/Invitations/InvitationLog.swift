import Foundation
import WavesCore

/// One line of `data/invitations.jsonl` (`format: waves.invitation/1`).
///
/// `issued` carries the code's `code_hash`; Waves also writes it on `revoked` and `used`
/// (an addition to the contract) so each event names the code it concerns. The code
/// itself is never written under `data/`.
public struct InvitationEvent: Sendable, Equatable {
    public static let format = "waves.invitation/1"
    public enum Kind: String, Sendable { case issued, revoked, used }

    public var participant: String
    public var wave: String
    public var event: Kind
    public var at: String
    public var codeHash: String?

    public init(participant: String, wave: String, event: Kind, at: String, codeHash: String?) {
        self.participant = participant; self.wave = wave; self.event = event; self.at = at; self.codeHash = codeHash
    }

    public var json: JSONValue {
        var o = JSONObject()
        o["format"] = .string(Self.format)
        o["participant"] = .string(participant)
        o["wave"] = .string(wave)
        o["event"] = .string(event.rawValue)
        o["at"] = .string(at)
        if let h = codeHash { o["code_hash"] = .string(h) }
        return .object(o)
    }

    init(json o: JSONObject, line: Int) throws {
        func bad(_ why: String) -> CollectError { .logLine(path: "data/invitations.jsonl", line: line, reason: why) }
        guard o["format"]?.stringValue == Self.format else { throw bad("not a \(Self.format) line") }
        guard let p = o["participant"]?.stringValue, !p.isEmpty else { throw bad("no participant") }
        guard let w = o["wave"]?.stringValue else { throw bad("no wave") }
        guard let e = o["event"]?.stringValue.flatMap(Kind.init(rawValue:)) else { throw bad("event must be issued, revoked or used") }
        guard let at = o["at"]?.stringValue else { throw bad("no time ('at')") }
        let h = o["code_hash"]?.stringValue
        if e == .issued && h == nil { throw bad("an issued code has no code_hash") }
        self.init(participant: p, wave: w, event: e, at: at, codeHash: h)
    }
}

/// The invitations of a study, replayed from the log: which code is live for whom.
public struct InvitationBook: Sendable {
    /// The live code of one participant at one wave.
    public struct Live: Sendable, Equatable {
        public var participant: String
        public var wave: String
        public var codeHash: String
        public var issuedAt: String
    }
    public struct Key: Hashable, Sendable { public var participant: String; public var wave: String }

    public private(set) var live: [Key: Live] = [:]
    /// Hashes of every code ever issued and later revoked (a replaced code).
    public private(set) var revoked: [String: Key] = [:]
    /// Participants ever issued a code, per wave.
    public private(set) var invited: [String: Set<String>] = [:]
    /// When each participant was first invited to each wave.
    public private(set) var firstInvited: [Key: String] = [:]

    public init(events: [InvitationEvent]) {
        for e in events { apply(e) }
    }

    public mutating func apply(_ e: InvitationEvent) {
        let k = Key(participant: e.participant, wave: e.wave)
        switch e.event {
        case .issued:
            if let old = live[k] { revoked[old.codeHash] = k }
            live[k] = Live(participant: e.participant, wave: e.wave, codeHash: e.codeHash ?? "", issuedAt: e.at)
            invited[e.wave, default: []].insert(e.participant)
            if firstInvited[k] == nil { firstInvited[k] = e.at }
        case .revoked:
            if let h = e.codeHash { revoked[h] = k }
            if let cur = live[k], e.codeHash == nil || e.codeHash == cur.codeHash { live[k] = nil }
        case .used:
            break
        }
    }

    public func liveCode(participant: String, wave: String) -> Live? { live[Key(participant: participant, wave: wave)] }

    /// What a typed code opens.
    public enum Match: Sendable, Equatable {
        case live(Live)
        /// A code that was replaced by a newer one (or revoked).
        case replaced
        case unknown
    }

    /// Finds the code by its HMAC: every stored hash is compared in constant time (no early
    /// exit on a prefix), so timing tells nothing about how close a guess came.
    public func match(_ code: AccessCode, secret: StudySecret) -> Match {
        var found: Live?
        for l in live.values where secret.matches(code, storedHash: l.codeHash) { found = l }
        if let f = found { return .live(f) }
        for h in revoked.keys where secret.matches(code, storedHash: h) { return .replaced }
        return .unknown
    }
}

/// `data/invitations.jsonl` and the study secret that hashes its codes.
public struct InvitationLog: Sendable {
    public let log: DataLog
    public let secretURL: URL

    public init(study: Study) {
        log = DataLog(url: study.directory.appendingPathComponent("data/invitations.jsonl"), role: "the invitation log")
        secretURL = study.directory.appendingPathComponent("data/secret.key")
    }

    public func read() throws -> [InvitationEvent] {
        try log.read().map { try InvitationEvent(json: $0.object, line: $0.line) }
    }

    public func book() throws -> InvitationBook { InvitationBook(events: try read()) }

    public func append(_ events: [InvitationEvent]) throws { try log.append(events.map(\.json)) }

    /// The study secret; made on first use only when `create` is true (issuing codes).
    public func secret(create: Bool) throws -> StudySecret? { try StudySecret.load(url: secretURL, create: create) }
}
