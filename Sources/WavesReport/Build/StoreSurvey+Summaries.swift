import Foundation
import WavesAnalysis
import WavesCore
import WavesStore

extension StoreSurvey {
    /// The study overview: waves with collection dates, instruments with the hashes found in the records.
    func overview() -> Overview {
        let study = bundle.study
        let waves = study.waves.enumerated().map { w, wave in
            let who = (0..<participants.count).filter { p in (0..<bundle.instruments.count).contains { isPresent(p, w, $0) } }.count
            return Overview.WaveInfo(id: wave.id, label: wave.label, time: wave.time, firstSubmitted: waveFirst[w], lastSubmitted: waveLast[w],
                                     submissions: waveSubmissions[w], participants: who)
        }
        let instruments = bundle.instruments.enumerated().map { i, inst in
            let uses = hashes[i].map { sha, h in
                Overview.HashUse(sha256: sha, versions: h.versions.sorted(), waves: h.waves.sorted().map { study.waves[$0].id }, records: h.records)
            }.sorted { ($0.records, $1.sha256) > ($1.records, $0.sha256) }
            return Overview.InstrumentInfo(id: inst.id, title: inst.title, version: inst.version, path: inst.path, sha256: inst.sha256,
                                           waves: bundle.waves(of: inst).map(\.id), items: inst.answerableItems.count,
                                           scales: inst.scales.map(\.label), hashes: uses)
        }
        return Overview(id: study.id, title: study.title, roles: study.roles, waves: waves, instruments: instruments,
                        participants: participants.count, rosterSize: bundle.roster?.entries.count, submissions: submissions,
                        unknownRecords: unknownRecords)
    }

    /// Completion per participant and wave, response and attrition per instrument, wave and role.
    func completion() -> Completion {
        let study = bundle.study
        let scheduled = study.waves.map { w in bundle.instruments.enumerated().filter { _, inst in bundle.waves(of: inst).contains { $0.id == w.id } }.map(\.offset) }
        var rows: [Completion.Row] = []
        rows.reserveCapacity(participants.count)
        for p in 0..<participants.count {
            let done = scheduled.enumerated().map { w, insts in insts.filter { isPresent(p, w, $0) }.count }
            rows.append(.init(participant: participants[p], role: roles[p], done: done, scheduled: scheduled.map(\.count)))
        }
        var roleTotals: [String: Int] = [:]
        var unknownRole = 0
        for r in roles { if let r { roleTotals[r, default: 0] += 1 } else { unknownRole += 1 } }
        let all = participants.count
        let attrition = bundle.instruments.enumerated().map { i, inst in
            let given = bundle.waves(of: inst).compactMap { study.waveIndex($0.id) }
            let baseline = given.first.map { b in Set((0..<all).filter { isPresent($0, b, i) }) } ?? []
            let waves = given.map { w -> Completion.WaveResponse in
                var byRole: [String: Int] = [:]
                var completed = 0, lost = 0
                for p in 0..<all {
                    if isPresent(p, w, i) { completed += 1; byRole[roles[p] ?? "unknown", default: 0] += 1 }
                    else if baseline.contains(p) { lost += 1 }
                }
                return .init(wave: study.waves[w].id, completed: completed, rate: all > 0 ? Double(completed) / Double(all) : nil, byRole: byRole,
                             retention: baseline.isEmpty ? nil : Double(completed) / Double(baseline.count), lost: lost)
            }
            return Completion.InstrumentAttrition(instrument: inst.id, version: inst.version, waves: waves)
        }
        let dups = duplicates
        return Completion(waves: study.waves.map(\.id), rows: rows, roleTotals: roleTotals, unknownRole: unknownRole, instruments: attrition,
                          duplicateCount: dups.count, duplicates: Array(dups.prefix(maxListed)),
                          problemCount: problems.count, problems: Array(problems.prefix(maxListed)))
    }
}
