import Foundation
import WavesCore
import WavesStats

/// One participant's own feedback (spec/cli.md `waves feedback`): their scale scores per wave
/// beside the group's mean and 95% interval, and their reliable change in plain words.
///
/// It holds no other participant's id or score: the group figures are aggregates (n, mean,
/// interval), and they are withheld when fewer than `FeedbackAnalysis.minimumGroup`
/// participants have a score at that wave, so that no one else's answer can be worked out.
public struct FeedbackReport: Encodable, Sendable {
    public struct WaveScore: Encodable, Sendable {
        public var wave: String
        public var label: String
        @NullCodable public var score: Double?
        public var groupN: Int
        @NullCodable public var groupMean: Double?
        @NullCodable public var groupCI: [Double]?
        enum CodingKeys: String, CodingKey { case wave, label, score, groupN = "group_n", groupMean = "group_mean", groupCI = "group_ci" }
    }
    public struct Change: Encodable, Sendable {
        public var from: String
        public var to: String
        @NullCodable public var rc: Double?
        /// "increase", "decrease", "no_change", or nil when it cannot be computed.
        @NullCodable public var category: String?
        @NullCodable public var reliability: Double?
        /// The category in plain words for the participant.
        public var words: String
    }
    public struct ScaleFeedback: Encodable, Sendable {
        public var instrument: String
        public var scale: String
        public var label: String
        public var minimum: Double
        public var maximum: Double
        public var waves: [WaveScore]
        public var change: Change
    }
    public var study: String
    public var studyTitle: String
    public var participant: String
    public var scales: [ScaleFeedback]
    public var caution: String
    enum CodingKeys: String, CodingKey { case study, participant, scales, caution, studyTitle = "study_title" }
}

/// Builds a participant's feedback from the instrument data of every scale.
public enum FeedbackAnalysis {
    /// Group figures are shown only when at least this many participants have a score at the wave.
    public static let minimumGroup = 5

    /// What every page says about the scales (the instruments of Waves are new item banks).
    public static let caution = "These questionnaires are new and have not yet been validated in published research. "
        + "Your scores describe how you answered at each wave; they are not a test result or a judgement of you. "
        + "A change counts as reliable only when it is larger than the questionnaire's measurement error (reliable change index beyond ±1.96)."

    /// Loads each instrument once and builds the report of every participant (for `--all`).
    public static func loadAll(bundle: StudyBundle) throws -> [InstrumentData] {
        try bundle.instruments.filter { !$0.scales.isEmpty }.map { try InstrumentData.load(bundle, instrument: $0) }
    }

    /// Participants with at least one submission of an instrument with scales, in study order.
    public static func participants(in data: [InstrumentData]) -> [String] {
        var seen = Set<String>(), out: [String] = []
        for d in data {
            for (p, id) in d.participants.enumerated() where (0..<d.waves.count).contains(where: { d.present[p * d.waves.count + $0] }) {
                if seen.insert(id).inserted { out.append(id) }
            }
        }
        return out
    }

    public static func run(bundle: StudyBundle, participant: String, data: [InstrumentData]) throws -> FeedbackReport {
        var cache = ChangeCache()
        return try run(bundle: bundle, participant: participant, data: data, cache: &cache)
    }

    /// The reliable-change analyses already run, by instrument, scale and waves (`--all` runs each once).
    public struct ChangeCache: Sendable {
        var reports: [String: RCIReport?] = [:]
        public init() {}
    }

    /// The same, reusing the reliable-change analyses of earlier participants.
    public static func run(bundle: StudyBundle, participant: String, data: [InstrumentData], cache: inout ChangeCache) throws -> FeedbackReport {
        guard participants(in: data).contains(participant) else {
            throw AnalysisError.invalidArgument("participant '\(participant)' has no answers to any scale in this study")
        }
        var scales: [FeedbackReport.ScaleFeedback] = []
        for d in data {
            guard let p = d.participants.firstIndex(of: participant) else { continue }
            let given = bundle.waves(of: d.instrument)
            for scale in d.instrument.scales {
                let m = d.scores(scale: scale)
                let waves = given.compactMap { w -> FeedbackReport.WaveScore? in
                    guard let wi = d.waveIndex(w.id) else { return nil }
                    let all = (0..<m.rows).map { m[$0, wi] }.filter { !$0.isNaN }
                    let desc = Descriptives(all)
                    let shown = all.count >= minimumGroup
                    let own = m[p, wi]
                    return .init(wave: w.id, label: w.label, score: own.isNaN ? nil : own, groupN: all.count,
                                 groupMean: shown ? desc.mean : nil, groupCI: shown ? desc.ci?.values : nil)
                }
                let items = scale.items.compactMap { d.instrument.item($0) }
                let lo = items.compactMap { $0.responseSet?.minValue ?? $0.min }.min() ?? 0
                let hi = items.compactMap { $0.responseSet?.maxValue ?? $0.max }.max() ?? 1
                let k = scale.score == .sum ? Double(items.count) : 1
                // A scale the participant never answered (e.g. one for another role) is left out.
                guard waves.contains(where: { $0.score != nil }) else { continue }
                scales.append(.init(instrument: d.instrument.id, scale: scale.id, label: scale.label, minimum: lo * k, maximum: hi * k,
                                    waves: waves, change: change(d, scale: scale, participant: p, given: given, cache: &cache)))
            }
        }
        return FeedbackReport(study: bundle.study.id, studyTitle: bundle.study.title, participant: participant, scales: scales, caution: caution)
    }

    /// Reliable change from the participant's first to their last wave with a score (Jacobson & Truax 1991,
    /// as `waves rci`: reliability alpha at the earlier wave).
    static func change(_ d: InstrumentData, scale: Scale, participant p: Int, given: [Wave], cache: inout ChangeCache) -> FeedbackReport.Change {
        let m = d.scores(scale: scale)
        let have = given.filter { w in d.waveIndex(w.id).map { !m[p, $0].isNaN } ?? false }
        guard let first = have.first, let last = have.last, first.id != last.id else {
            return .init(from: have.first?.id ?? given.first?.id ?? "", to: have.last?.id ?? given.last?.id ?? "", rc: nil, category: nil,
                         reliability: nil, words: have.isEmpty ? "You have no score on this questionnaire." : "Change needs your scores at two waves; there is one so far.")
        }
        let id = d.participants[p]
        let key = "\(d.instrument.id).\(scale.id) \(first.id) \(last.id)"
        if cache.reports[key] == nil {
            cache.reports[key] = .some(try? PsychometricsAnalysis.reliableChange(data: d, scale: scale, from: first, to: last, reliability: nil))
        }
        guard let r = cache.reports[key] ?? nil,
              let row = r.participants.first(where: { $0.participant == id }) else {
            return .init(from: first.id, to: last.id, rc: nil, category: nil, reliability: nil,
                         words: "Whether your score changed reliably cannot be worked out yet (the group is too small to estimate the questionnaire's measurement error).")
        }
        let words: String
        switch row.category {
        case "increase": words = "Your score rose from \(first.label) to \(last.label) by more than the questionnaire's measurement error: a reliable increase."
        case "decrease": words = "Your score fell from \(first.label) to \(last.label) by more than the questionnaire's measurement error: a reliable decrease."
        case "no_change": words = "Your score from \(first.label) to \(last.label) changed by no more than the questionnaire's measurement error: no reliable change."
        default: words = "Whether your score changed reliably cannot be worked out."
        }
        return .init(from: first.id, to: last.id, rc: row.rc, category: row.category, reliability: r.reliability, words: words)
    }
}
