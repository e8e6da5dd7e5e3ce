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
    /// A participant and a wave by number (`participantNumber`, `waveIDs`). A submission added
    /// or a participant-wave asked about costs one hash of the participant's id and an array
    /// access (the texts of both, and the wave's again for its instruments, were hashed before):
    /// `waves status` adds 363,213 submissions and asks about 400,000 participant-waves at the
    /// benchmark study.
    private struct Key: Hashable, Sendable { var participant: Int32; var wave: Int32 }
    /// Everyone with a submission or a draft, numbered in order of first mention.
    private var participantNumber: [String: Int32] = [:]
    private var participantNames: [String] = []
    /// The study's waves, then any other wave a submission or a draft names, in order of first mention.
    private var waveIDs: [String]
    /// Per participant and wave: the study's instruments submitted, as bits (bit i: the i-th
    /// instrument of the study, for the first 63; bit 63: any of them submitted). One number
    /// per participant and study wave, in one array (`bits[p * studyWaves + w]`); other waves in `otherWaves`.
    private var bits: [UInt64] = []
    private let studyWaves: Int
    private var otherWaves: [Key: UInt64] = [:]
    private static let any: UInt64 = 1 << 63
    /// Instruments without a bit (not in the study, or beyond the 63rd), per key.
    private var otherSubmitted: [Key: Set<String>] = [:]
    private var drafted: Set<Key> = []
    /// Per study wave (study order): the instruments given at it.
    private let needAt: [Set<String>]
    /// The study's instruments with a bit, in study order, and the bit of each.
    private let bitInstruments: [String]
    private let bitOf: [String: Int]
    private var lastInstrument: (id: String, bit: Int?)?
    /// Per study wave: the bits of the instruments given at it (nil when one of them has no bit).
    private let maskAt: [UInt64?]

    public init(bundle: StudyBundle, records: [ResponseRecord], drafts: [(participant: String, wave: String)]) {
        self.init(bundle: bundle, drafts: drafts)
        for r in records { add(participant: r.participant, wave: r.wave, instrument: r.instrument.id) }
    }

    /// `bits`: how many of the study's instruments get a bit (63; tests give fewer, so the
    /// path for instruments without one is tried on a small study).
    init(bundle: StudyBundle, drafts: [(participant: String, wave: String)], bits: Int = 63) {
        let at = bundle.study.waves.map { Set(bundle.instruments(at: $0.id).map(\.id)) }
        needAt = at
        var ids: [String] = [], bitNumber: [String: Int] = [:]
        for inst in bundle.instruments where bitNumber[inst.id] == nil && ids.count < min(bits, 63) {
            bitNumber[inst.id] = ids.count
            ids.append(inst.id)
        }
        bitInstruments = ids
        bitOf = bitNumber
        maskAt = at.map { need in
            let known = need.compactMap { bitNumber[$0] }
            return known.count == need.count ? known.reduce(0) { $0 | 1 << UInt64($1) } : nil
        }
        waveIDs = bundle.study.waves.map(\.id)
        studyWaves = waveIDs.count
        for d in drafts { drafted.insert(numbering(d.participant, d.wave)) }
    }

    /// The key of a participant and a wave, numbering them when new.
    private mutating func numbering(_ participant: String, _ wave: String) -> Key {
        let p: Int32
        if let n = participantNumber[participant] { p = n } else {
            p = Int32(participantNames.count)
            participantNumber[participant] = p
            participantNames.append(participant)
            bits.append(contentsOf: repeatElement(0, count: studyWaves))
        }
        let w: Int32
        if let i = waveIDs.firstIndex(of: wave) { w = Int32(i) } else { w = Int32(waveIDs.count); waveIDs.append(wave) }
        return Key(participant: p, wave: w)
    }

    /// The key of a participant and a wave, nil when neither a submission nor a draft names them.
    private func key(_ participant: String, _ wave: String) -> Key? {
        guard let p = participantNumber[participant], let w = waveIDs.firstIndex(of: wave) else { return nil }
        return Key(participant: p, wave: Int32(w))
    }

    /// Room for `submissions` more submissions (one key each at most), so a reader that knows
    /// how many it will add does not grow the table step by step.
    public mutating func reserve(submissions: Int) {
        let people = submissions / max(1, studyWaves)
        participantNumber.reserveCapacity(participantNumber.count + people)
        bits.reserveCapacity(bits.count + people * studyWaves)
    }

    /// The bits of a key (bit 63 set when any instrument with a bit was submitted).
    private func bits(_ k: Key) -> UInt64 {
        Int(k.wave) < studyWaves ? bits[Int(k.participant) * studyWaves + Int(k.wave)] : otherWaves[k] ?? 0
    }

    /// One submission (as `add(_:)` for a store row): for a reader that has the store's
    /// submissions already (`waves status` from the index cache, `StudyIndex.forEachSubmission`).
    public mutating func add(participant: String, wave: String, instrument: String) {
        let key = numbering(participant, wave)
        // Lines in a row are mostly of one instrument: its bit is looked up again only when it changes.
        let bit: Int?
        if let last = lastInstrument, last.id == instrument { bit = last.bit } else {
            bit = bitOf[instrument]
            lastInstrument = (instrument, bit)
        }
        if let bit {
            let v = 1 << UInt64(bit) | Self.any
            if Int(key.wave) < studyWaves { bits[Int(key.participant) * studyWaves + Int(key.wave)] |= v } else { otherWaves[key, default: 0] |= v }
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
        guard let k = key(participant, wave) else { return [] }
        var out = otherSubmitted[k] ?? []
        let b = bits(k)
        for (i, id) in bitInstruments.enumerated() where b & 1 << UInt64(i) != 0 { out.insert(id) }
        return out
    }

    public func isComplete(_ participant: String, wave: String) -> Bool { progress(participant, wave: wave).completed }

    public func hasStarted(_ participant: String, wave: String) -> Bool { progress(participant, wave: wave).started }

    /// `hasStarted` and `isComplete` at once.
    public func progress(_ participant: String, wave: String) -> (started: Bool, completed: Bool) {
        // Never named by a submission or a draft: not started, and not complete (a wave gives
        // at least one instrument, or it is never complete).
        guard let k = key(participant, wave) else { return (false, false) }
        let b = bits(k)
        let started = b & Self.any != 0 || (!otherSubmitted.isEmpty && otherSubmitted[k] != nil) || (!drafted.isEmpty && drafted.contains(k))
        let w = Int(k.wave)
        guard w < studyWaves, !needAt[w].isEmpty else { return (started, false) }
        if let mask = maskAt[w] { return (started, b & mask == mask) }
        return (started, needAt[w].isSubset(of: submitted(participant, wave: wave)))
    }

    /// Everyone with a submission or a draft, for studies without a roster.
    public var participants: Set<String> { Set(participantNames) }
}
