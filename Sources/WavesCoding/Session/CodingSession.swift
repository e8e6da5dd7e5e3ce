import Foundation
import WavesAnalysis
import WavesCore

/// The state of one coder's pass over the units: where they are, the codes and memo of the
/// unit on screen, and the latest decision recorded for each unit.
///
/// Front ends (plain, interactive) only translate input into these calls; the session
/// decides what is written, so both modes record the same decisions.
public struct CodingSession: Sendable {
    /// One row of the code list of the current unit.
    public struct Row: Sendable, Equatable {
        public var id: String
        public var label: String
        public var depth: Int
        /// False for a code the unit carries that the codebook no longer defines.
        public var known: Bool
    }

    public let codebook: Codebook
    public let coder: String
    /// The units in the order they are shown.
    public let units: [CodingUnit]
    /// Latest decision per unit id (this coder's).
    public private(set) var recorded: [String: CodingDecision]
    /// Other coders' decisions per unit (reconciling), shown beside the working codes.
    public let comparison: [String: [(coder: String, decision: CodingDecision)]]
    public private(set) var index: Int
    /// The codes of the unit on screen, as they stand now.
    public private(set) var codes: Set<String> = []
    public private(set) var memo: String = ""

    public init(codebook: Codebook, coder: String, units: [CodingUnit], recorded: [String: CodingDecision],
                comparison: [String: [(coder: String, decision: CodingDecision)]] = [:], start: Int? = nil) {
        self.codebook = codebook; self.coder = coder; self.units = units; self.recorded = recorded
        self.comparison = comparison
        self.index = 0
        self.index = min(max(start ?? resumeIndex, 0), max(units.count - 1, 0))
        load()
    }

    /// The first unit without a recorded decision (0 when every unit has one).
    public var resumeIndex: Int { units.firstIndex { recorded[$0.id] == nil } ?? 0 }

    public var unit: CodingUnit? { units.indices.contains(index) ? units[index] : nil }
    /// Units with a recorded decision.
    public var codedCount: Int { units.reduce(0) { $0 + (recorded[$1.id] == nil ? 0 : 1) } }
    /// "37 of 120".
    public var progress: String { "\(index + 1) of \(units.count)" }

    /// The code list of the current unit: the codebook's codes, then any code the unit carries
    /// that the codebook does not define (a codebook changed since it was coded).
    public var rows: [Row] {
        var out = codebook.flat.map { Row(id: $0.code.id, label: $0.code.label, depth: $0.depth, known: true) }
        for c in codes.sorted() where !codebook.contains(c) {
            out.append(Row(id: c, label: "\(c) (no longer in the codebook)", depth: 0, known: false))
        }
        return out
    }

    /// Applies or removes a code on the current unit.
    public mutating func toggle(_ id: String) {
        if codes.contains(id) { codes.remove(id) } else if codebook.contains(id) { codes.insert(id) }
    }

    public mutating func setMemo(_ text: String) { memo = text }

    /// The decision to append on leaving the current unit, or nil when nothing needs writing.
    ///
    /// Confirming (moving on with Enter) records even an untouched, never-coded unit: "no code
    /// applies" is a judgement. Going back, jumping or leaving records only what changed.
    public func pendingDecision(confirm: Bool, at: String) -> CodingDecision? {
        guard let u = unit else { return nil }
        if let r = recorded[u.id] {
            if Set(r.codes) == codes && r.memo == memo { return nil }
        } else if !confirm && codes == initialCodes(u.id) && memo.isEmpty {
            return nil
        }
        return CodingDecision(unit: u.id, codes: orderedCodes(), memo: memo, at: at, coder: coder, codebook: codebook.id,
                              codebookVersion: codebook.version, codebookSHA256: codebook.sha256)
    }

    /// Notes that a decision was appended (the session's view of the file).
    public mutating func didRecord(_ d: CodingDecision) { recorded[d.unit] = d }

    /// Moves to another unit (clamped), loading its recorded codes.
    public mutating func move(to i: Int) {
        guard !units.isEmpty else { return }
        index = min(max(i, 0), units.count - 1)
        load()
    }

    /// Codes in codebook order, unknown ones last.
    func orderedCodes() -> [String] {
        codebook.flat.map(\.code.id).filter { codes.contains($0) } + codes.filter { !codebook.contains($0) }.sorted()
    }

    /// Where a reconciliation starts: the codes every compared coder applied.
    func initialCodes(_ unit: String) -> Set<String> {
        guard let others = comparison[unit], !others.isEmpty else { return [] }
        return others.map { Set($0.decision.codes) }.reduce(Set(others[0].decision.codes)) { $0.intersection($1) }
    }

    private mutating func load() {
        guard let u = unit else { codes = []; memo = ""; return }
        if let r = recorded[u.id] { codes = Set(r.codes); memo = r.memo } else { codes = initialCodes(u.id); memo = "" }
    }
}

/// The order units are shown in.
public enum CodingOrder {
    /// A seeded shuffle that does not depend on which other units exist: each unit is placed by
    /// a 64-bit hash of the seed and its id (FNV-1a, then the SplitMix64 finaliser), so a
    /// diary entry added later slots in without moving the others and a coder resumes in the
    /// same order. Hand-written because it must be stable across runs and platforms
    /// (Swift's `Hasher` is randomly seeded per process).
    public static func blind(_ units: [CodingUnit], seed: UInt64) -> [CodingUnit] {
        units.map { (mix(seed ^ fnv1a($0.id)), $0) }.sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1.id < $1.1.id }.map(\.1)
    }

    /// The default seed of a coder in a study, so each coder sees their own order.
    public static func defaultSeed(study: String, coder: String) -> UInt64 { fnv1a("waves.code/1\u{0}\(study)\u{0}\(coder)") }

    static func fnv1a(_ s: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in s.utf8 { h ^= UInt64(b); h = h &* 0x0000_0100_0000_01b3 }
        return h
    }

    static func mix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9e37_79b9_7f4a_7c15
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}

/// How a coding session was set up: who codes what, in which order, seeing what.
public struct CodingPlan: Sendable {
    public var session: CodingSession
    /// Show participant, role, wave and instrument (`--show-context`).
    public var showContext: Bool
    /// Reconciling: the coders compared.
    public var reconciling: [String]?
    /// Sentences to show before the first unit (codebook changes, problems in the file).
    public var notices: [String]

    /// A coder's session over the project's units in scope.
    public static func coding(_ project: CodingProject, coder: String, seed: UInt64?, showContext: Bool) throws -> CodingPlan {
        let record = try project.record(of: coder)
        guard !project.units.isEmpty else {
            throw CodingError.noUnits("there are no free-text answers to code" + (project.data.records.isEmpty ? " (the store is empty)" : " in this scope"))
        }
        let seed = seed ?? CodingOrder.defaultSeed(study: project.data.study.id, coder: coder)
        let order = CodingOrder.blind(project.units, seed: seed)
        let session = CodingSession(codebook: project.codebook, coder: coder, units: order, recorded: record.latest)
        return CodingPlan(session: session, showContext: showContext, reconciling: nil, notices: record.problems.map(\.description))
    }

    /// A reconciliation of two coders: the units where their latest codes differ, recorded as `coder` (consensus).
    public static func reconcile(_ project: CodingProject, a: String, b: String, coder: String, showContext: Bool) throws -> CodingPlan {
        let names = try project.selectCoders([a, b])
        guard names[0] != names[1] else { throw CodingError.invalidArgument("--reconcile needs two different coders") }
        let ra = try project.record(of: names[0]), rb = try project.record(of: names[1])
        let mine = try project.record(of: coder)
        var comparison: [String: [(coder: String, decision: CodingDecision)]] = [:]
        var units: [CodingUnit] = []
        for u in project.units {
            guard let da = ra.latest[u.id], let db = rb.latest[u.id], Set(da.codes) != Set(db.codes) else { continue }
            units.append(u)
            comparison[u.id] = [(names[0], da), (names[1], db)]
        }
        guard !units.isEmpty else {
            throw CodingError.noUnits("\(names[0]) and \(names[1]) agree on every unit both coded in this scope: nothing to reconcile")
        }
        let session = CodingSession(codebook: project.codebook, coder: coder, units: units, recorded: mine.latest, comparison: comparison)
        return CodingPlan(session: session, showContext: showContext, reconciling: names,
                          notices: (ra.problems + rb.problems + mine.problems).map(\.description))
    }
}
