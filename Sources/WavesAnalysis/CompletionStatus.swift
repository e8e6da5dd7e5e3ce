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

    public var study: String
    public var waves: [String]
    public var participantCount: Int
    public var instruments: [InstrumentStatus]
    public var duplicates: Int
    public var storeProblems: Int

    enum CodingKeys: String, CodingKey {
        case study, waves, participantCount = "participants", instruments, duplicates, storeProblems = "store_problems"
    }

    /// Built from the study index (`Participation` counts completion and attrition).
    public init(_ index: StudyIndex) {
        let bundle = index.bundle, study = bundle.study
        self.study = study.id
        waves = study.waves.map(\.id)
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
