import Foundation
import WavesAnalysis
import WavesCore
import WavesStore

/// Everything the report shows, gathered once and rendered as HTML or Markdown.
///
/// Built by `ReportGenerator.build`; every number in it comes from the same
/// WavesAnalysis functions the analysis commands print (`waves status`,
/// `reliability`, `retest`, `change`, `lmm`, `rci`).
public struct StudyReport: Sendable {
    public var options: ReportOptions
    public var overview: Overview
    public var completion: Completion
    public var scales: [ScaleSection]
    /// Free-text answers by wave; nil unless `includeText`.
    public var texts: [TextWave]?
    /// One line per main finding, for the terminal (`make demo`).
    public var findings: [String]
    /// Report-wide notes (e.g. an analysis that could not be run).
    public var notes: [String]
    /// Stored answers to scale items that their item's rules reject, treated as missing.
    public var setAside: [SetAsideAnswer] = []
}

/// What the report contains and how it is written.
public struct ReportOptions: Sendable, Equatable {
    public enum Format: String, Sendable, CaseIterable { case html, md }
    public var format: Format = .html
    /// Free-text answers are personal data: shown only when asked for.
    public var includeText = false
    /// At most this many individual trajectories per spaghetti plot (a deterministic, evenly spread sample).
    public var maxTrajectories = 200
    /// Above this many participants the completion heat map shows completion patterns instead of people.
    public var maxHeatMapRows = 120
    /// At most this many free-text answers per item and wave.
    public var maxTextAnswers = 2000
    /// At most this many duplicate submissions and store problems listed one by one.
    public var maxListed = 50
    /// "Generated on" line; nil leaves it out (reproducible bytes).
    public var generatedAt: String?
    /// Bootstrap replicates for reliability intervals (0: none) and their seed.
    public var bootstrap = 0
    public var seed: UInt64 = 1
    public init() {}
}

/// The result of one analysis, or the reason it is not shown.
public enum Outcome<Value: Sendable>: Sendable {
    case value(Value)
    case unavailable(String)

    public var value: Value? { if case .value(let v) = self { return v } else { return nil } }
    public var reason: String? { if case .unavailable(let r) = self { return r } else { return nil } }

    /// Runs `body`, turning a thrown error into its message.
    static func run(_ body: () throws -> Value) -> Outcome {
        do { return .value(try body()) } catch {
            return .unavailable((error as? LocalizedError)?.errorDescription ?? String(describing: error))
        }
    }
}

/// Study, waves, roles, instruments and when the data were collected.
public struct Overview: Sendable {
    public struct WaveInfo: Sendable {
        public var id: String
        public var label: String
        public var time: Double
        /// Earliest and latest `submitted_at` of the wave's submissions (all of them, duplicates included).
        public var firstSubmitted: String?
        public var lastSubmitted: String?
        public var submissions: Int
        /// Participants with at least one submission at this wave.
        public var participants: Int
    }
    /// One SHA-256 of an instrument's file as found in the records.
    public struct HashUse: Sendable {
        public var sha256: String
        public var versions: [String]
        public var waves: [String]
        public var records: Int
    }
    public struct InstrumentInfo: Sendable {
        public var id: String
        public var title: String
        public var version: String
        public var path: String
        /// SHA-256 of the file as it is now.
        public var sha256: String
        public var waves: [String]
        public var items: Int
        public var scales: [String]
        /// The hashes found in the records, most used first.
        public var hashes: [HashUse]
        /// More than one hash in the records: the instrument changed during the study.
        public var changed: Bool { hashes.count > 1 }
        /// Records were made with a file other than the current one.
        public var differsFromFile: Bool { hashes.contains { $0.sha256 != sha256 } }
    }
    public var id: String
    public var title: String
    public var roles: [String]
    public var waves: [WaveInfo]
    public var instruments: [InstrumentInfo]
    public var participants: Int
    public var rosterSize: Int?
    /// Readable store lines (submissions, duplicates included).
    public var submissions: Int
    /// Records naming a wave or instrument that the study does not have (skipped).
    public var unknownRecords: Int
}

/// Who completed what, response and attrition, duplicates and store problems.
public struct Completion: Sendable {
    public struct Row: Sendable {
        public var participant: String
        public var role: String?
        /// Per study wave: instruments submitted, and instruments scheduled (0: nothing scheduled).
        public var done: [Int]
        public var scheduled: [Int]
    }
    public struct WaveResponse: Sendable {
        public var wave: String
        public var completed: Int
        /// completed / all participants.
        public var rate: Double?
        public var byRole: [String: Int]
        /// completed / participants at the instrument's first wave (as `waves status`).
        public var retention: Double?
        /// At the first wave but not at this one.
        public var lost: Int
    }
    /// A participant, wave and instrument submitted more than once (as `waves validate` lists it).
    public struct DuplicateSubmission: Sendable, Equatable {
        public var participant: String
        public var wave: String
        public var instrument: String
        /// Store lines of every submission; the last one is the submission used.
        public var lines: [Int]
    }
    public struct InstrumentAttrition: Sendable {
        public var instrument: String
        public var version: String
        public var waves: [WaveResponse]
    }
    public var waves: [String]
    public var rows: [Row]
    public var roleTotals: [String: Int]
    public var unknownRole: Int
    public var instruments: [InstrumentAttrition]
    public var duplicateCount: Int
    public var duplicates: [DuplicateSubmission]
    public var problemCount: Int
    public var problems: [StoreProblem]
}

/// Free-text answers of one wave.
public struct TextWave: Sendable {
    public struct Answer: Sendable {
        public var participant: String
        public var role: String?
        public var text: String
    }
    public struct Prompt: Sendable {
        public var instrument: String
        public var item: String
        public var prompt: String
        public var answers: [Answer]
        /// Answers beyond `maxTextAnswers` that are not listed.
        public var omitted: Int
    }
    public var wave: String
    public var label: String
    public var prompts: [Prompt]
}
