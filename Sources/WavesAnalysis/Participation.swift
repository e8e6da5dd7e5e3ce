import Foundation
import WavesCore

/// Completion per participant and wave, and response and attrition per instrument, wave and role.
///
/// Computed from `StudyIndex` (the chosen submissions); read by the report's completion part
/// and by `waves status` (`CompletionStatus`). Retention at a wave is the number who
/// completed it over the number who completed the instrument's first wave; `lost` counts
/// those at the first wave but not at this one; `rate` is over every participant.
public struct Participation: Sendable {
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
        /// completed / participants at the instrument's first wave.
        public var retention: Double?
        /// At the first wave but not at this one.
        public var lost: Int
    }
    public struct InstrumentAttrition: Sendable {
        public var instrument: String
        public var version: String
        public var waves: [WaveResponse]
    }

    public var rows: [Row]
    public var roleTotals: [String: Int]
    public var unknownRole: Int
    public var instruments: [InstrumentAttrition]

    public init(_ index: StudyIndex) {
        let bundle = index.bundle, study = bundle.study
        let all = index.participants.count
        let scheduled = study.waves.map { w in
            bundle.instruments.enumerated().filter { _, inst in bundle.waves(of: inst).contains { $0.id == w.id } }.map(\.offset)
        }
        rows = (0..<all).map { p in
            Row(participant: index.participants[p], role: index.roles[p],
                done: scheduled.enumerated().map { w, insts in insts.filter { index.isPresent(p, w, $0) }.count },
                scheduled: scheduled.map(\.count))
        }
        var totals: [String: Int] = [:]
        var unknown = 0
        for r in index.roles { if let r { totals[r, default: 0] += 1 } else { unknown += 1 } }
        roleTotals = totals
        unknownRole = unknown
        // Each participant's role by number, looked up once (not once per wave and instrument:
        // 100,000 participants at the benchmark), and counted by number below.
        var roleNames: [String] = [], roleNumber: [String: Int] = [:]
        let roleOf = index.roles.map { role -> Int in
            let name = role ?? "unknown"
            if let k = roleNumber[name] { return k }
            roleNumber[name] = roleNames.count
            roleNames.append(name)
            return roleNames.count - 1
        }
        instruments = bundle.instruments.enumerated().map { i, inst in
            let given = bundle.waves(of: inst).compactMap { study.waveIndex($0.id) }
            let baseline = given.first.map { b in (0..<all).map { index.isPresent($0, b, i) } } ?? []
            let baselineCount = baseline.lazy.filter { $0 }.count
            let waves = given.map { w -> WaveResponse in
                var byNumber = [Int](repeating: 0, count: roleNames.count)
                var completed = 0, lost = 0
                for p in 0..<all {
                    if index.isPresent(p, w, i) { completed += 1; byNumber[roleOf[p]] += 1 }
                    else if baseline[p] { lost += 1 }
                }
                var byRole: [String: Int] = [:]
                for (k, n) in byNumber.enumerated() where n > 0 { byRole[roleNames[k]] = n }
                return WaveResponse(wave: study.waves[w].id, completed: completed, rate: all > 0 ? Double(completed) / Double(all) : nil,
                                    byRole: byRole, retention: baselineCount == 0 ? nil : Double(completed) / Double(baselineCount), lost: lost)
            }
            return InstrumentAttrition(instrument: inst.id, version: inst.version, waves: waves)
        }
    }
}
