import Foundation
import WavesCore
import WavesStats
import WavesStore

/// One instrument's answers in columnar form: participant x wave x item, as Doubles.
///
/// Built in one streaming pass over the store, keeping only the latest
/// submission per participant and wave, so that analyses of very large stores
/// need little more memory than the dense matrix itself. Values are the scored
/// values (reverse keys applied); missing, declined and text answers are NaN.
public struct InstrumentData: Sendable {
    public let instrument: Instrument
    public let waves: [Wave]
    /// Participants in roster order, then in order of first appearance in the store.
    public private(set) var participants: [String]
    /// Role per participant (roster first, else the latest record's), nil when unknown.
    public private(set) var roles: [String?]
    /// Items that can be scored numerically (likert, choice, number), in instrument order.
    public let items: [Item]
    /// values[(p * waves.count + w) * items.count + k]
    public private(set) var values: [Double]
    /// Whether participant p has a submission at wave w: present[p * waves.count + w].
    public private(set) var present: [Bool]
    /// Submissions set aside because a later one exists for the same participant and wave.
    public private(set) var duplicateCount = 0
    /// Store lines that could not be read (for every instrument).
    public private(set) var problems: [StoreProblem] = []
    /// Answers of the kept submissions that their item's rules reject (`AnswerRules`), by cell
    /// (p * waves.count + w); their values are NaN, as if missing.
    private var setAsideByCell: [Int: [SetAsideAnswer]] = [:]

    /// Streams the store of `bundle` once and collects `instrument`'s answers.
    public static func load(_ bundle: StudyBundle, instrument: Instrument) throws -> InstrumentData {
        var d = InstrumentData(instrument: instrument, waves: bundle.study.waves, roster: bundle.roster)
        var stamps: [Int64] = []
        var lastKeys: [(key: String, column: Int)] = []
        let itemIndex = Dictionary(uniqueKeysWithValues: d.items.enumerated().map { ($1.id, $0) })
        var pIndex: [String: Int] = [:]
        for (i, p) in d.participants.enumerated() { pIndex[p] = i }
        let wIndex = Dictionary(uniqueKeysWithValues: bundle.study.waves.enumerated().map { ($1.id, $0) })
        let W = d.waves.count, K = d.items.count
        stamps = Array(repeating: Int64.min, count: d.participants.count * W)
        let problems = try ResponseStore(url: bundle.study.storeURL).scan { r, line in
            guard r.instrument.id == instrument.id, let w = wIndex[r.wave] else { return }
            let p: Int
            if let i = pIndex[r.participant] { p = i } else {
                p = d.participants.count
                pIndex[r.participant] = p
                d.participants.append(r.participant)
                d.roles.append(nil)
                d.values.append(contentsOf: repeatElement(Double.nan, count: W * K))
                d.present.append(contentsOf: repeatElement(false, count: W))
                stamps.append(contentsOf: repeatElement(Int64.min, count: W))
            }
            let cell = p * W + w
            let stamp = Self.stamp(r.submittedAt)
            if d.present[cell] {
                d.duplicateCount += 1
                if stamp < stamps[cell] { return }
            }
            d.present[cell] = true
            stamps[cell] = stamp
            if bundle.roster?.role(of: r.participant) == nil, let role = r.role { d.roles[p] = role }
            let base = cell * K
            for k in 0..<K { d.values[base + k] = .nan }
            if !d.setAsideByCell.isEmpty, d.setAsideByCell[cell] != nil { d.setAsideByCell[cell] = nil }
            // Records of one instrument nearly always list their answers in the same order:
            // reuse the previous record's column for a key when it is the same string.
            for (j, a) in r.answers.enumerated() {
                let k: Int
                if j < lastKeys.count, lastKeys[j].key == a.id { k = lastKeys[j].column }
                else {
                    k = itemIndex[a.id] ?? -1
                    if j < lastKeys.count { lastKeys[j] = (a.id, k) } else { lastKeys.append((a.id, k)) }
                }
                guard k >= 0 else { continue }
                if let v = Scoring.scoredValue(d.items[k], a.value) { d.values[base + k] = v }
                else if case .number(let v) = a.value {
                    // A number the item's rules reject (not an option, outside min/max): set aside as missing.
                    d.setAsideByCell[cell, default: []].append(SetAsideAnswer(line: line, participant: r.participant, wave: r.wave,
                                                                              instrument: instrument.id, item: a.id, value: v))
                }
            }
        }
        d.problems = problems
        return d
    }

    init(instrument: Instrument, waves: [Wave], roster: Roster?) {
        self.instrument = instrument
        self.waves = waves
        self.items = instrument.items.filter { $0.type == .likert || $0.type == .choice || $0.type == .number }
        self.participants = roster?.participants ?? []
        self.roles = roster?.entries.map { Optional($0.role) } ?? []
        self.values = Array(repeating: .nan, count: participants.count * waves.count * items.count)
        self.present = Array(repeating: false, count: participants.count * waves.count)
    }

    /// "2026-03-01T10:03:40Z" as the integer 20260301100340 (orders like the text, no allocation).
    static func stamp(_ s: String) -> Int64 {
        var v: Int64 = 0
        for b in s.utf8 where b >= 48 && b <= 57 { v = v &* 10 &+ Int64(b - 48) }
        return v
    }

    public func waveIndex(_ id: String) -> Int? { waves.firstIndex { $0.id == id } }

    /// Every answer set aside as missing because its item's rules reject it, in store order.
    public var setAside: [SetAsideAnswer] {
        setAsideByCell.values.flatMap { $0 }.sorted { ($0.line, $0.item) < ($1.line, $1.item) }
    }

    /// The set-aside answers to the items of `scale` at `waves` (all waves when nil).
    public func setAside(scale: Scale, waves ids: [String]? = nil) -> [SetAsideAnswer] {
        let items = Set(scale.items)
        return setAside.filter { items.contains($0.item) && (ids?.contains($0.wave) ?? true) }
    }

    /// Participants x scale items at one wave, for participants with a submission there (NaN = missing).
    public func itemMatrix(scale: Scale, wave w: Int) -> (participants: [Int], matrix: Matrix) {
        let cols = scale.items.compactMap { id in items.firstIndex { $0.id == id } }
        let W = waves.count, K = items.count
        var rows: [Int] = []
        var vals: [Double] = []
        for p in 0..<participants.count where present[p * W + w] {
            rows.append(p)
            let base = (p * W + w) * K
            for c in cols { vals.append(values[base + c]) }
        }
        return (rows, Matrix(rows: rows.count, cols: cols.count, values: vals))
    }

    /// Scale scores: participants x waves (NaN where absent or below `min_answered`).
    public func scores(scale: Scale) -> Matrix {
        let cols = scale.items.compactMap { id in items.firstIndex { $0.id == id } }
        let W = waves.count, K = items.count
        var out = Matrix(rows: participants.count, cols: W, repeating: .nan)
        for p in 0..<participants.count {
            for w in 0..<W where present[p * W + w] {
                let base = (p * W + w) * K
                var sum = 0.0, n = 0
                for c in cols { let v = values[base + c]; if !v.isNaN { sum += v; n += 1 } }
                if let s = Scoring.combine(sum: sum, answered: n, scale: scale) { out[p, w] = s }
            }
        }
        return out
    }
}
