import Foundation
import WavesCore

/// Completion of every instrument by every participant (the `waves status --json` shape).
public struct CompletionStatus: Encodable, Sendable {
    public struct Participant: Encodable, Sendable {
        public var participant: String
        @NullCodable public var role: String?
        /// Waves with a submission, in study order.
        public var completed: [String]
    }
    public struct WaveCount: Encodable, Sendable {
        public var wave: String
        public var completed: Int
        /// Completed at this wave / completed at the instrument's first wave.
        @NullCodable public var retention: Double?
        /// Participants who were there at the first wave but not at this one.
        public var lost: Int
        public var byRole: [String: Int]
        enum CodingKeys: String, CodingKey { case wave, completed, retention, lost, byRole = "by_role" }
    }
    public struct InstrumentStatus: Encodable, Sendable {
        public var instrument: String
        public var version: String
        public var waves: [String]
        public var participants: [Participant]
        public var attrition: [WaveCount]
    }

    /// One wave's window and collection counts (`"waves"` in `waves status --json`, cli.md
    /// "Reaching participants"); computed by WavesCollect and passed in by the command line.
    public struct WaveStatus: Encodable, Sendable, Equatable {
        public var wave: String
        @NullCodable public var opens: String?
        @NullCodable public var closes: String?
        public var open: Bool
        /// `open`, `not-yet-open` or `closed`.
        public var state: String
        public var invited: Int
        /// Null when the study has no consent text.
        @NullCodable public var consented: Int?
        public var started: Int
        public var completed: Int
        public var withdrawn: Int
        public var declined: Int

        public init(wave: String, opens: String?, closes: String?, open: Bool, state: String, invited: Int, consented: Int?,
                    started: Int, completed: Int, withdrawn: Int, declined: Int) {
            self.wave = wave; self.opens = opens; self.closes = closes; self.open = open; self.state = state
            self.invited = invited; self.consented = consented; self.started = started; self.completed = completed
            self.withdrawn = withdrawn; self.declined = declined
        }
    }

    public var study: String
    /// Per wave, in study order (empty unless the caller supplies the collection counts).
    public var waves: [WaveStatus]
    /// The IANA time zone the wave dates are read in.
    public var timezone: String
    public var participantCount: Int
    public var instruments: [InstrumentStatus]
    public var duplicates: Int
    public var storeProblems: Int

    enum CodingKeys: String, CodingKey {
        case study, waves, timezone, participantCount = "participants", instruments, duplicates, storeProblems = "store_problems"
    }

    public init(_ data: StudyData, waves: [WaveStatus] = []) {
        study = data.study.id
        self.waves = waves
        timezone = data.study.timezone
        let people = data.participants
        let roles = data.roles
        participantCount = people.count
        duplicates = data.duplicates.count
        storeProblems = data.problems.count
        instruments = data.bundle.instruments.map { inst in
            let given = data.bundle.waves(of: inst).map(\.id)
            var done: [String: Set<String>] = [:]
            for r in data.records(of: inst) { done[r.participant, default: []].insert(r.wave) }
            let parts = people.map { p in
                Participant(participant: p, role: roles[p], completed: data.study.waves.map(\.id).filter { done[p]?.contains($0) ?? false })
            }
            let first = given.first
            let baseline = Set(people.filter { p in first.map { done[p]?.contains($0) ?? false } ?? false })
            let counts = given.map { w -> WaveCount in
                let who = people.filter { done[$0]?.contains(w) ?? false }
                var byRole: [String: Int] = [:]
                for p in who { byRole[roles[p] ?? "unknown", default: 0] += 1 }
                let lost = baseline.filter { !(done[$0]?.contains(w) ?? false) }.count
                return WaveCount(wave: w, completed: who.count,
                                 retention: baseline.isEmpty ? nil : Double(who.count) / Double(baseline.count),
                                 lost: lost, byRole: byRole)
            }
            return InstrumentStatus(instrument: inst.id, version: inst.version, waves: given, participants: parts, attrition: counts)
        }
    }
}
