import Foundation
import WavesCore
import WavesStore

/// The coding units of a study from one columnar pass over the store, without keeping every
/// record: the units `StudyData.codingUnits()` gives, in the same order, with the store notes
/// and the submission times the REFI-QDA export reads (`waves export --format qdpx |
/// codebook-qdc`, which held every record: about 3 GB at 100,000 participants).
///
/// The pass asks the columnar scan for the text answers and the record ids only
/// (`ColumnRequest(texts:versions:ids:)`); which submission counts is `LatestCells`'
/// (`LatestSubmission`, cells in order of first appearance, as `StudyData.records`). Kept per
/// cell: the counted record's id and `submitted_at`; per counted submission of an
/// instrument with free-text items, its role and its non-blank texts (`CodingDecision.units`).
public struct StreamedCodingUnits: Sendable {
    public let bundle: StudyBundle
    /// Every unit (`StudyData.codingUnits()`): participant, wave, instrument (study order), item order.
    public private(set) var units: [CodingUnit] = []
    /// The latest `submitted_at` of the counted submissions (`StudyData.records.map(\.submittedAt).max()`).
    public private(set) var latestSubmittedAt: String?
    /// Cells submitted more than once (`StudyData.duplicates.count`).
    public private(set) var duplicateCount = 0
    public private(set) var problems: [StoreProblem] = []
    /// The instrument versions of the counted submissions, as `InstrumentVersions.build` reads `StudyData.records`.
    public private(set) var versions: InstrumentVersions?
    /// For the units' records: the `submitted_at` of the first counted record with that id.
    private var stampOfRecord: [String: String] = [:]

    public var study: Study { bundle.study }

    /// The `submitted_at` of the first counted record with this id, as
    /// `StudyData.records.first { $0.id == id }?.submittedAt` (for the units' records).
    public func submittedAt(record id: String) -> String? { stampOfRecord[id] }

    /// Loads the study folder and streams its store; without `units` only the notes
    /// (duplicates, problems, versions) are gathered.
    public static func load(directory: URL, units: Bool = true) throws -> StreamedCodingUnits {
        try load(try StudyLoader.load(directory: directory), units: units)
    }

    public static func load(_ bundle: StudyBundle, units wantUnits: Bool = true) throws -> StreamedCodingUnits {
        var out = StreamedCodingUnits(bundle: bundle)
        let store = ResponseStore(url: bundle.study.storeURL)
        let archive = InstrumentArchive(store: store)
        guard store.exists else {
            out.versions = try? InstrumentVersions.build(bundle: bundle, uses: [InstrumentVersions.Use](), archive: archive)
            return out
        }
        // What a counted submission of an instrument with free-text items contributes.
        struct Texts: Sendable { var participant: String; var wave: String; var role: String?; var texts: [(item: Int, text: String)] }
        // The instrument `bundle.instrument(id)` names, when it has free-text items.
        var textItems: [String: (instrument: Instrument, items: [Item])] = [:]
        for id in bundle.instruments.map(\.id) where textItems[id] == nil {
            guard let i = bundle.instrument(id) else { continue }
            let items = i.items.filter { $0.type == .text }
            if !items.isEmpty { textItems[id] = (i, items) }
        }
        var cells = LatestCells()
        var ids: [String] = []
        var texts: [Int: Texts] = [:]
        let request = ColumnRequest(texts: wantUnits, versions: true, ids: wantUnits)
        out.problems = try store.scanColumns(request) { row, line in
            let (k, latest) = cells.add(row, line: line)
            guard wantUnits, latest else { return }
            if k == ids.count { ids.append(row.recordID) } else { ids[k] = row.recordID }
            guard let (inst, items) = textItems[row.instrument] else {
                texts[k] = nil
                return
            }
            var found: [(item: Int, text: String)] = []
            switch row {
            case .columns(let c):
                // Answer ids are distinct on the fast path: the first text of an item is its answer.
                for (n, it) in items.enumerated() {
                    if let t = c.texts.first(where: { $0.item == it.id })?.text, !t.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                        found.append((n, t))
                    }
                }
            case .record(let r):
                let units = CodingDecision.units(of: r, instrument: inst)
                for (it, t) in units { if let n = items.firstIndex(where: { $0.id == it.id }) { found.append((n, t)) } }
            }
            texts[k] = found.isEmpty ? nil : Texts(participant: row.participant, wave: row.wave, role: RolePrecedence.role(roster: bundle.rosterRole(of: row.participant), recorded: row.role),
                                                   texts: found)
        }
        out.duplicateCount = cells.duplicateCount
        out.versions = try? InstrumentVersions.build(bundle: bundle, uses: cells.latestUses, archive: archive)
        out.latestSubmittedAt = cells.latestUses.lazy.map(\.submittedAt).max()
        guard wantUnits else { return out }

        // Units in study order: participants (roster, then first appearance), waves, instruments;
        // ties (waves the study does not define) in the cells' order, as the stable sort of `codingUnits`.
        var pOrder: [String: Int] = [:]
        for p in (bundle.roster?.participants ?? []) + cells.participants where pOrder[p] == nil { pOrder[p] = pOrder.count }
        let wOrder = Dictionary(uniqueKeysWithValues: bundle.study.waves.enumerated().map { ($1.id, $0) })
        let iOrder = Dictionary(uniqueKeysWithValues: bundle.instruments.enumerated().map { ($1.id, $0) })
        let keyed = texts.map { k, t -> (p: Int, w: Int, i: Int, k: Int) in
            (pOrder[t.participant] ?? .max, wOrder[t.wave] ?? .max, iOrder[cells.cell(k).instrument] ?? .max, k)
        }.sorted { ($0.p, $0.w, $0.i, $0.k) < ($1.p, $1.w, $1.i, $1.k) }
        var unitRecords: Set<String> = []
        for key in keyed {
            let t = texts[key.k]!
            guard let (inst, items) = textItems[cells.cell(key.k).instrument] else { continue }
            for (n, text) in t.texts {
                let it = items[n]
                out.units.append(CodingUnit(record: ids[key.k], instrument: inst.id, item: it.id, prompt: it.text,
                                            participant: t.participant, role: t.role, wave: t.wave, text: text))
            }
            unitRecords.insert(ids[key.k])
        }
        // The first counted record (cells' order) with each unit's record id.
        for (k, use) in cells.latestUses.enumerated() where unitRecords.contains(ids[k]) && out.stampOfRecord[ids[k]] == nil {
            out.stampOfRecord[ids[k]] = use.submittedAt
        }
        return out
    }

    private init(bundle: StudyBundle) { self.bundle = bundle }
}
