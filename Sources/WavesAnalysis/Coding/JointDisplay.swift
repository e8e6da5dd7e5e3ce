import Foundation
import WavesCore
import WavesStats

/// A mixed-methods joint display: what the diaries speak of, beside what the scales show.
///
/// Built from the effective coding (`EffectiveCoding`: consensus where present). A code
/// counts as present in a unit when it or a child was applied (as in `waves agreement`).
public struct JointDisplay: Encodable, Sendable {
    /// How often a code appears in the units of one wave and role.
    public struct Frequency: Encodable, Sendable, Equatable {
        public var code: String
        public var wave: String
        @NullCodable public var role: String?
        /// Coded units of that wave and role carrying the code.
        public var units: Int
        /// Coded units of that wave and role.
        public var unitsCoded: Int
        /// Participants of that wave and role with at least one unit carrying the code.
        public var participants: Int
        /// units / unitsCoded.
        @NullCodable public var share: Double?
        enum CodingKeys: String, CodingKey { case code, wave, role, units, participants, share, unitsCoded = "units_coded" }
    }
    /// Scale change of the participants whose diaries carry a code, against the others.
    public struct ChangeByCode: Encodable, Sendable, Equatable {
        public struct Group: Encodable, Sendable, Equatable {
            public var n: Int
            @NullCodable public var meanChange: Double?
            @NullCodable public var sdChange: Double?
            /// Reliable-change categories (Jacobson-Truax, as `waves rci`).
            public var increase: Int
            public var noChange: Int
            public var decrease: Int
            enum CodingKeys: String, CodingKey { case n, increase, decrease, meanChange = "mean_change", sdChange = "sd_change", noChange = "no_change" }
        }
        public var code: String
        public var label: String
        public var with: Group
        public var without: Group
        /// with.meanChange - without.meanChange.
        @NullCodable public var difference: Double?
    }
    public struct CodeInfo: Encodable, Sendable, Equatable {
        public var code: String
        public var label: String
        public var depth: Int
    }

    public var codebook: String
    public var codes: [CodeInfo]
    public var waves: [String]
    public var roles: [String]
    /// Units with an effective coding (consensus or agreed codes).
    public var unitsCoded: Int
    /// Which coders' decisions were combined, and whether a consensus was used.
    public var source: String
    public var frequencies: [Frequency]
    /// Units carrying both codes: `cooccurrence[i][j]` for `codes[i]`, `codes[j]` (the diagonal: units carrying the code).
    public var cooccurrence: [[Int]]
    /// The scale and waves of `change`, when a scale was given.
    @NullCodable public var scale: String?
    @NullCodable public var from: String?
    @NullCodable public var to: String?
    public var change: [ChangeByCode]
    public var notes: [String]

    enum CodingKeys: String, CodingKey {
        case codebook, codes, waves, roles, source, frequencies, cooccurrence, scale, from, to, change, notes
        case unitsCoded = "units_coded"
    }

    /// Builds the display from the units, their effective codes, and optionally a scale's change from `from` to `to`.
    public static func build(data: StudyData, codebook: Codebook, units: [CodingUnit], coding: [String: Set<String>],
                             source: String, scale: String? = nil, from: String? = nil, to: String? = nil) throws -> JointDisplay {
        let flat = codebook.flat
        let subtrees = flat.map { codebook.subtree($0.code.id) }
        let coded = units.filter { coding[$0.id] != nil }
        // present[u][c]
        let present: [[Bool]] = coded.map { u in subtrees.map { !$0.isDisjoint(with: coding[u.id]!) } }
        let roles = data.study.roles
        var frequencies: [Frequency] = []
        for (ci, f) in flat.enumerated() {
            for w in data.study.waves {
                for role in roles + [nil] as [String?] {
                    let idx = coded.indices.filter { coded[$0].wave == w.id && (role == nil ? !roles.contains(coded[$0].role ?? "") : coded[$0].role == role) }
                    if role == nil && idx.isEmpty { continue }   // a row for unknown roles only when there are such units
                    let with = idx.filter { present[$0][ci] }
                    frequencies.append(Frequency(code: f.code.id, wave: w.id, role: role, units: with.count, unitsCoded: idx.count,
                                                 participants: Set(with.map { coded[$0].participant }).count,
                                                 share: idx.isEmpty ? nil : Double(with.count) / Double(idx.count)))
                }
            }
        }
        var co = Array(repeating: Array(repeating: 0, count: flat.count), count: flat.count)
        for row in present {
            for i in flat.indices where row[i] { for j in flat.indices where row[j] { co[i][j] += 1 } }
        }
        var notes: [String] = []
        var change: [ChangeByCode] = []
        var fromID: String?, toID: String?
        if let name = scale {
            let (inst, sc) = try data.resolveScale(name)
            let waves = data.bundle.waves(of: inst)
            let a = try from.map { try data.resolveWaves([$0])[0] } ?? waves.first
            let b = try to.map { try data.resolveWaves([$0])[0] } ?? waves.last
            guard let a, let b, a.id != b.id else { throw AnalysisError.invalidArgument("the scale change needs two different waves (--from A --to B)") }
            fromID = a.id; toID = b.id
            let idata = try InstrumentData.load(data.bundle, instrument: inst)
            var rows: [(participant: String, x1: Double, x2: Double, category: String?)] = []
            do {
                let rci = try PsychometricsAnalysis.reliableChange(data: idata, scale: sc, from: a, to: b, reliability: nil)
                rows = rci.participants.map { ($0.participant, $0.x1, $0.x2, $0.category) }
            } catch {
                notes.append("reliable change could not be computed (\(error.localizedDescription)); only mean changes are shown.")
                let t = data.scoreTable(instrument: inst, scale: sc)
                for p in data.participants { if let x1 = t[p]?[a.id], let x2 = t[p]?[b.id] { rows.append((p, x1, x2, nil)) } }
            }
            var carriers: [Set<String>] = Array(repeating: [], count: flat.count)
            for (k, u) in coded.enumerated() { for i in flat.indices where present[k][i] { carriers[i].insert(u.participant) } }
            let codedPeople = Set(coded.map(\.participant))
            let pool = rows.filter { codedPeople.contains($0.participant) }
            if pool.count < rows.count { notes.append("\(rows.count - pool.count) participant(s) with both scores have no coded diary entry and are left out of the comparison.") }
            for (i, f) in flat.enumerated() {
                let w = group(pool.filter { carriers[i].contains($0.participant) })
                let wo = group(pool.filter { !carriers[i].contains($0.participant) })
                let diff = (w.meanChange != nil && wo.meanChange != nil) ? w.meanChange! - wo.meanChange! : nil
                change.append(ChangeByCode(code: f.code.id, label: f.code.label, with: w, without: wo, difference: diff))
            }
            notes.append("change: \(sc.label) from \(a.id) to \(b.id); a participant is 'with' a code when any of their coded answers (any wave) carries it.")
        }
        return JointDisplay(codebook: codebook.id, codes: flat.map { CodeInfo(code: $0.code.id, label: $0.code.label, depth: $0.depth) },
                            waves: data.study.waves.map(\.id), roles: roles, unitsCoded: coded.count, source: source,
                            frequencies: frequencies, cooccurrence: co, scale: scale, from: fromID, to: toID, change: change, notes: notes)
    }

    static func group(_ rows: [(participant: String, x1: Double, x2: Double, category: String?)]) -> ChangeByCode.Group {
        let d = rows.map { $0.x2 - $0.x1 }
        let n = d.count
        let mean = n > 0 ? d.reduce(0, +) / Double(n) : nil
        let sd: Double? = n > 1 ? (d.map { ($0 - mean!) * ($0 - mean!) }.reduce(0, +) / Double(n - 1)).squareRoot() : nil
        return .init(n: n, meanChange: mean, sdChange: sd,
                     increase: rows.filter { $0.category == ReliableChange.Category.increase.rawValue }.count,
                     noChange: rows.filter { $0.category == ReliableChange.Category.noChange.rawValue }.count,
                     decrease: rows.filter { $0.category == ReliableChange.Category.decrease.rawValue }.count)
    }
}
