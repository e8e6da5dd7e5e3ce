import Foundation
import WavesCore
import WavesStats

/// Settings of the latent-trait response generator (`waves simulate`).
public struct SimulationOptions: Sendable {
    public var participants = 40
    public var seed: UInt64 = 1
    /// Share of participants in the second role (when there is no roster).
    public var secondRoleFraction = 0.35
    /// Mean growth of the latent trait per wave step, in trait SD units.
    public var growth = 0.25
    /// SD of individual growth rates around the mean.
    public var growthSD = 0.15
    /// Latent shift of the second role relative to the first (the reference).
    public var roleEffect = 0.3
    /// Standardised item loading on the scale trait (0...1).
    public var loading = 0.7
    /// Probability of leaving the study at each wave after the baseline (permanent).
    public var dropout = 0.1
    /// Probability of missing a single later wave but returning.
    public var skipWave = 0.03
    /// Probability that an item is left unanswered (a third of these are declines where allowed).
    public var missing = 0.02
    /// Calendar date of the baseline (yyyy-mm-dd, UTC); waves follow by their `time` in months.
    public var start = "2026-02-02"

    public init() {}
}

/// What a simulation produced: participants with their roles, and the records.
public struct SimulationOutput: Sendable {
    public var roster: [(participant: String, role: String)]
    public var records: [ResponseRecord]
}

/// A seeded latent-trait generator: per-participant baseline and growth, a role
/// effect, item loadings, dropout and item-level missingness. The same seed and
/// study give the same records, byte for byte.
///
/// Model: for participant i, scale s and wave position t,
/// eta = 0.6 g_i + 0.8 u_is + (growth + growthSD z_i) t + roleEffect [role 2] + 0.3 e_ist,
/// and an item answer is the category of `loading * eta + sqrt(1 - loading^2) e`
/// cut at equal-probability normal thresholds (reversed for reverse-keyed items).
public enum Simulator {
    /// Kept only for its size: the main stream draws one integer below it per text answer, as it did
    /// before entries came from `DiaryBank`, so that the numeric answers of a seed never change.
    static let diaryBank = [
        "This month I learnt to ask for help earlier.",
        "Talking with my mentor helped me see patients as people with stories.",
        "I felt unsure in the research meeting, but the group listened.",
        "I am starting to think of myself as part of a team.",
        "Writing things down helps me notice how I react to difficult news.",
        "My peer group shared how they cope; I was not the only one struggling.",
        "The programme feels more like a community than a course now.",
        "I want to give other students the support I was given.",
    ]

    public static func simulate(_ bundle: StudyBundle, _ o: SimulationOptions) throws -> SimulationOutput {
        let study = bundle.study
        guard !study.roles.isEmpty, !study.waves.isEmpty else { throw AnalysisError.invalidArgument("the study needs roles and waves to simulate") }
        guard o.participants > 0 || bundle.roster != nil else { throw AnalysisError.invalidArgument("--participants must be at least 1") }
        guard (0...1).contains(o.loading), (0...1).contains(o.dropout), (0...1).contains(o.missing), (0...1).contains(o.skipWave) else {
            throw AnalysisError.invalidArgument("loading, dropout, skip-wave and missing are probabilities between 0 and 1")
        }
        let rng = RandomSource(seed: o.seed)
        // Diary entries (DiaryBank) draw from a stream of their own.
        let textRNG = RandomSource(seed: o.seed ^ 0x5EED_D1A7)
        var people: [(participant: String, role: String)] = []
        if let roster = bundle.roster, !roster.entries.isEmpty {
            people = roster.entries.map { ($0.participant, $0.role) }
        } else {
            let width = max(3, String(o.participants).count)
            for i in 1...o.participants {
                let role = (study.roles.count > 1 && rng.uniform() < o.secondRoleFraction) ? study.roles[1] : study.roles[0]
                people.append((String(format: "P%0\(width)d", i), role))
            }
        }
        let startDate = ISO8601DateFormatter().date(from: o.start + "T09:00:00Z") ?? Date(timeIntervalSince1970: 1_770_000_000)
        let allScales = bundle.scaleNames
        var records: [ResponseRecord] = []
        var thresholds: [Int: [Double]] = [:]
        for (pi, person) in people.enumerated() {
            let g = rng.normal()
            var unique: [String: Double] = [:]
            for s in allScales { unique[s] = rng.normal() }
            let slope = o.growth + o.growthSD * rng.normal()
            let roleShift = (study.roles.firstIndex(of: person.role) ?? 0) > 0 ? o.roleEffect : 0
            var dropped = false
            for (wi, wave) in study.waves.enumerated() {
                if wi > 0 && !dropped && rng.bernoulli(o.dropout) { dropped = true }
                if dropped { break }
                if wi > 0 && rng.bernoulli(o.skipWave) { continue }
                let day = startDate.addingTimeInterval((wave.time * 30.4 + Double(pi % 14)) * 86_400 + Double(rng.int(480)) * 60)
                for inst in bundle.instruments(at: wave.id) {
                    var eta: [String: Double] = [:]
                    for s in inst.scales {
                        eta[s.id] = 0.6 * g + 0.8 * (unique["\(inst.id).\(s.id)"] ?? 0) + slope * Double(wi) + roleShift + 0.3 * rng.normal()
                    }
                    let general = 0.8 * g + slope * Double(wi) + roleShift
                    var answers: [(id: String, value: Answer)] = []
                    var declined: [String] = []
                    var ctx = ConditionContext(role: person.role, wave: wave.id, waveOrder: study.waves.map(\.id))
                    for item in inst.items where item.type != .note {
                        if let c = item.showIf, !c.evaluate(ctx) { continue }
                        var value: Answer
                        switch item.type {
                        case .likert, .choice:
                            let opts = item.responseSet?.options ?? []
                            guard !opts.isEmpty else { continue }
                            if item.type == .choice { value = .number(opts[rng.int(opts.count)].value); break }
                            let trait = inst.scales.first { $0.items.contains(item.id) }.flatMap { eta[$0.id] } ?? general
                            var z = o.loading * trait + (1 - o.loading * o.loading).squareRoot() * rng.normal() + 0.35
                            if item.reverse { z = -z }
                            let k = opts.count
                            if thresholds[k] == nil { thresholds[k] = (0..<k).map { $0 == 0 ? -.infinity : Distributions.normalQuantile(Double($0) / Double(k)) } }
                            var cat = 0
                            for (c, t) in thresholds[k]!.enumerated() where c > 0 && z > t { cat = c }
                            value = .number(opts[cat].value)
                        case .number:
                            let lo = item.min ?? 0, hi = item.max ?? max(lo + 10, 10)
                            value = .number((lo + rng.uniform() * (hi - lo) * 0.4).rounded())
                        case .text:
                            // One draw from the main stream, as before the diary bank, so every
                            // numeric answer stays the same; the entry comes from its own stream.
                            _ = rng.int(diaryBank.count)
                            let z = o.growthSD > 0 ? (slope - o.growth) / o.growthSD : 0
                            value = .text(DiaryBank.pick(item: item.id, growthZ: z, waveStep: wi, secondRole: roleShift > 0,
                                                         uniform: textRNG.uniform()).text)
                        case .note:
                            continue
                        }
                        if !item.required && rng.bernoulli(o.missing) {
                            value = .missing
                            if item.allowsDecline && rng.bernoulli(1.0 / 3.0) { declined.append(item.id) }
                        }
                        answers.append((item.id, value))
                        ctx.answers[item.id] = value
                    }
                    let minutes = 4.0 + Double(rng.int(12))
                    records.append(ResponseRecord(
                        id: rng.uuid(), study: study.id, participant: person.participant, role: person.role, wave: wave.id,
                        instrument: InstrumentRef(id: inst.id, version: inst.version, sha256: inst.sha256),
                        startedAt: Timestamp.string(day), submittedAt: Timestamp.string(day.addingTimeInterval(minutes * 60)),
                        mode: RecordMode.terminal.rawValue, answers: answers, declined: declined))
                }
            }
        }
        return SimulationOutput(roster: people, records: records)
    }
}
