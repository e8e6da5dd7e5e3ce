import Foundation
import WavesCore
import WavesStore
import WavesSurvey

/// Who has started and who has completed each wave: the one rule for "completed" that
/// invitations, reminders, codes and `waves status` share.
///
/// A participant has *completed* a wave when the store holds a submission of every
/// instrument given at that wave; *started* when it holds a submission of any of them or a
/// draft (`data/drafts/`) exists for that wave.
public struct WaveProgress: Sendable {
    public struct Key: Hashable, Sendable { var participant: String; var wave: String }
    /// Per participant and wave: the study's instruments submitted, as bits (bit i: the i-th
    /// instrument of the study, for the first 63). One number per key, not a set: `waves
    /// status` adds 400,000 submissions at the benchmark study.
    private var submitted: [Key: UInt64] = [:]
    /// Instruments without a bit (not in the study, or beyond the 63rd), per key.
    private var otherSubmitted: [Key: Set<String>] = [:]
    private var drafted: Set<Key> = []
    private let instrumentsAt: [String: Set<String>]
    /// The study's instruments with a bit, in study order, and the bit of each.
    private let bitInstruments: [String]
    private let bitOf: [String: Int]
    /// Per wave: the bits of the instruments given at it (nil when one of them has no bit).
    private let needMask: [String: UInt64]

    public init(bundle: StudyBundle, records: [ResponseRecord], drafts: [(participant: String, wave: String)]) {
        self.init(bundle: bundle, drafts: drafts)
        for r in records { add(participant: r.participant, wave: r.wave, instrument: r.instrument.id) }
    }

    /// `bits`: how many of the study's instruments get a bit (63; tests give fewer, so the
    /// path for instruments without one is tried on a small study).
    init(bundle: StudyBundle, drafts: [(participant: String, wave: String)], bits: Int = 63) {
        var at: [String: Set<String>] = [:]
        for w in bundle.study.waves { at[w.id] = Set(bundle.instruments(at: w.id).map(\.id)) }
        instrumentsAt = at
        var ids: [String] = [], bitNumber: [String: Int] = [:]
        for inst in bundle.instruments where bitNumber[inst.id] == nil && ids.count < min(bits, 63) {
            bitNumber[inst.id] = ids.count
            ids.append(inst.id)
        }
        bitInstruments = ids
        bitOf = bitNumber
        var masks: [String: UInt64] = [:]
        for (wave, need) in at {
            let known = need.compactMap { bitNumber[$0] }
            if known.count == need.count { masks[wave] = known.reduce(0) { $0 | 1 << UInt64($1) } }
        }
        needMask = masks
        for d in drafts { drafted.insert(Key(participant: d.participant, wave: d.wave)) }
    }

    /// Room for `submissions` more submissions (one key each at most), so a reader that knows
    /// how many it will add does not grow the table step by step.
    public mutating func reserve(submissions: Int) { submitted.reserveCapacity(submitted.count + submissions) }

    /// One submission (as `add(_:)` for a store row): for a reader that has the store's
    /// submissions already (`waves status` from the index cache, `StudyIndex.forEachSubmission`).
    public mutating func add(participant: String, wave: String, instrument: String) {
        let key = Key(participant: participant, wave: wave)
        if let bit = bitOf[instrument] {
            submitted[key, default: 0] |= 1 << UInt64(bit)
        } else {
            otherSubmitted[key, default: []].insert(instrument)
        }
    }

    /// Reads the store and the drafts folder of a study. The store is streamed through the
    /// columnar path (participant, wave and instrument of each record; no record is kept), so
    /// `waves status` at 100,000 participants no longer holds every record (1.2 GB, 16 s).
    public static func load(_ bundle: StudyBundle) throws -> WaveProgress {
        let store = ResponseStore(url: bundle.study.storeURL)
        var progress = try WaveProgress(drafts: bundle)
        if store.exists {
            _ = try store.scanColumns(ColumnRequest()) { row, _ in progress.add(row) }
        }
        return progress
    }

    /// The drafts folder read, the store not yet: for a reader that streams the store for
    /// itself and hands each row to `add(_:)` as well (`waves status` reads the store once,
    /// for `StudyIndex` and for this); then the same as `load`.
    public init(drafts bundle: StudyBundle) throws {
        self.init(bundle: bundle, drafts: try Self.draftOwners(bundle.study.draftsURL))
    }

    /// One readable line of the store (every line counts, as in `load`).
    public mutating func add(_ row: StoreRow) {
        add(participant: row.participant, wave: row.wave, instrument: row.instrument)
    }

    /// Participant and wave of every readable draft (unreadable ones are left to `waves take`).
    static func draftOwners(_ dir: URL) throws -> [(participant: String, wave: String)] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        var out: [(participant: String, wave: String)] = []
        for n in names where n.hasSuffix(".json") && !n.hasPrefix(".") {
            guard let data = try? Data(contentsOf: dir.appendingPathComponent(n)),
                  let json = try? JSONParser.parse(String(decoding: data, as: UTF8.self)),
                  let d = try? Draft(json: json) else { continue }
            out.append((d.participant, d.wave))
        }
        return out
    }

    /// Instruments of the wave the participant has submitted.
    public func submitted(_ participant: String, wave: String) -> Set<String> {
        let k = Key(participant: participant, wave: wave)
        var out = otherSubmitted[k] ?? []
        if let bits = submitted[k] {
            for (i, id) in bitInstruments.enumerated() where bits & 1 << UInt64(i) != 0 { out.insert(id) }
        }
        return out
    }

    public func isComplete(_ participant: String, wave: String) -> Bool { progress(participant, wave: wave).completed }

    public func hasStarted(_ participant: String, wave: String) -> Bool { progress(participant, wave: wave).started }

    /// `hasStarted` and `isComplete` at once.
    public func progress(_ participant: String, wave: String) -> (started: Bool, completed: Bool) {
        let k = Key(participant: participant, wave: wave)
        let bits = submitted[k], others = otherSubmitted[k]
        let started = bits != nil || others != nil || drafted.contains(k)
        guard let need = instrumentsAt[wave], !need.isEmpty else { return (started, false) }
        if let mask = needMask[wave] { return (started, (bits ?? 0) & mask == mask) }
        return (started, need.isSubset(of: submitted(participant, wave: wave)))
    }

    /// Everyone with a submission or a draft, for studies without a roster.
    public var participants: Set<String> {
        Set(submitted.keys.map(\.participant)).union(otherSubmitted.keys.map(\.participant)).union(drafted.map(\.participant))
    }
}
