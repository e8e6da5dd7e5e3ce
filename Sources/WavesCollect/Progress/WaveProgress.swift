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
    private var submitted: [Key: Set<String>] = [:]
    private var drafted: Set<Key> = []
    private let instrumentsAt: [String: Set<String>]

    public init(bundle: StudyBundle, records: [ResponseRecord], drafts: [(participant: String, wave: String)]) {
        self.init(bundle: bundle, drafts: drafts)
        for r in records { add(participant: r.participant, wave: r.wave, instrument: r.instrument.id) }
    }

    private init(bundle: StudyBundle, drafts: [(participant: String, wave: String)]) {
        var at: [String: Set<String>] = [:]
        for w in bundle.study.waves { at[w.id] = Set(bundle.instruments(at: w.id).map(\.id)) }
        instrumentsAt = at
        for d in drafts { drafted.insert(Key(participant: d.participant, wave: d.wave)) }
    }

    /// One submission (as `add(_:)` for a store row): for a reader that has the store's
    /// submissions already (`waves status` from the index cache, `StudyIndex.forEachSubmission`).
    public mutating func add(participant: String, wave: String, instrument: String) {
        submitted[Key(participant: participant, wave: wave), default: []].insert(instrument)
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
        submitted[Key(participant: participant, wave: wave)] ?? []
    }

    public func isComplete(_ participant: String, wave: String) -> Bool {
        guard let need = instrumentsAt[wave], !need.isEmpty else { return false }
        return need.isSubset(of: submitted(participant, wave: wave))
    }

    public func hasStarted(_ participant: String, wave: String) -> Bool {
        let k = Key(participant: participant, wave: wave)
        return !(submitted[k] ?? []).isEmpty || drafted.contains(k)
    }

    /// Everyone with a submission or a draft, for studies without a roster.
    public var participants: Set<String> { Set(submitted.keys.map(\.participant)).union(drafted.map(\.participant)) }
}
