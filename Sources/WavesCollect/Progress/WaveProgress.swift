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
        var at: [String: Set<String>] = [:]
        for w in bundle.study.waves { at[w.id] = Set(bundle.instruments(at: w.id).map(\.id)) }
        instrumentsAt = at
        for r in records { submitted[Key(participant: r.participant, wave: r.wave), default: []].insert(r.instrument.id) }
        for d in drafts { drafted.insert(Key(participant: d.participant, wave: d.wave)) }
    }

    /// Reads the store and the drafts folder of a study.
    public static func load(_ bundle: StudyBundle) throws -> WaveProgress {
        let store = ResponseStore(url: bundle.study.storeURL)
        let records = store.exists ? try store.read().records.map(\.record) : []
        return WaveProgress(bundle: bundle, records: records, drafts: try draftOwners(bundle.study.draftsURL))
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
