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

    /// Built from the study index (`Participation` counts completion and attrition).
    /// `waves`: the collection counts per wave (WavesCollect), supplied by the command line.
    public init(_ index: StudyIndex, waves: [WaveStatus] = []) {
        let bundle = index.bundle, study = bundle.study
        self.study = study.id
        self.waves = waves
        timezone = study.timezone
        participantCount = index.participants.count
        duplicates = index.duplicateCount
        storeProblems = index.problems.count
        let part = Participation(index)
        instruments = bundle.instruments.enumerated().map { i, inst in
            let parts = index.participants.enumerated().map { p, id in
                Participant(participant: id, role: index.roles[p],
                            completed: study.waves.enumerated().filter { w, _ in index.isPresent(p, w, i) }.map(\.element.id))
            }
            let counts = part.instruments[i].waves.map {
                WaveCount(wave: $0.wave, completed: $0.completed, retention: $0.retention, lost: $0.lost, byRole: $0.byRole)
            }
            return InstrumentStatus(instrument: inst.id, version: inst.version, waves: bundle.waves(of: inst).map(\.id),
                                    participants: parts, attrition: counts)
        }
    }
}
