import Foundation
import WavesAnalysis
import WavesCore
import WavesStore

/// The report's overview, completion and free-text parts, taken from the study index.
///
/// Nothing is analysed here: who submitted what, which submission counts, roles, completion
/// and attrition come from `StudyIndex` and `Participation` (WavesAnalysis); this only
/// arranges them for the renderers and cuts long lists at `maxListed`.
enum ReportSummaries {
    /// The study overview: waves with collection dates, instruments with the hashes found in the records.
    static func overview(_ index: StudyIndex) -> Overview {
        let bundle = index.bundle, study = bundle.study
        let waves = study.waves.enumerated().map { w, wave in
            let who = (0..<index.participants.count).filter { p in (0..<bundle.instruments.count).contains { index.isPresent(p, w, $0) } }.count
            return Overview.WaveInfo(id: wave.id, label: wave.label, time: wave.time, firstSubmitted: index.waveFirst[w], lastSubmitted: index.waveLast[w],
                                     submissions: index.waveSubmissions[w], participants: who)
        }
        let instruments = bundle.instruments.enumerated().map { i, inst in
            let uses = index.hashes[i].map { sha, h in
                Overview.HashUse(sha256: sha, versions: h.versions.sorted(), waves: h.waves.sorted().map { study.waves[$0].id }, records: h.records)
            }.sorted { ($0.records, $1.sha256) > ($1.records, $0.sha256) }
            return Overview.InstrumentInfo(id: inst.id, title: inst.title, version: inst.version, path: inst.path, sha256: inst.sha256,
                                           waves: bundle.waves(of: inst).map(\.id), items: inst.answerableItems.count,
                                           scales: inst.scales.map(\.label), hashes: uses)
        }
        return Overview(id: study.id, title: study.title, roles: study.roles, waves: waves, instruments: instruments,
                        participants: index.participants.count, rosterSize: bundle.roster?.entries.count, submissions: index.submissions,
                        unknownRecords: index.unknownRecords)
    }

    /// Completion per participant and wave, response and attrition (`Participation`), duplicates and problems.
    static func completion(_ index: StudyIndex, maxListed: Int) -> Completion {
        let part = Participation(index)
        let dups = index.duplicates.map { Completion.DuplicateSubmission(participant: $0.participant, wave: $0.wave, instrument: $0.instrument, lines: $0.lines) }
        return Completion(waves: index.bundle.study.waves.map(\.id), rows: part.rows, roleTotals: part.roleTotals, unknownRole: part.unknownRole,
                          instruments: part.instruments, duplicateCount: dups.count, duplicates: Array(dups.prefix(maxListed)),
                          problemCount: index.problems.count, problems: Array(index.problems.prefix(maxListed)))
    }

    /// Free-text answers per wave, item and participant (participants in roster/store order).
    static func textWaves(_ index: StudyIndex, maxAnswers: Int) -> [TextWave] {
        let bundle = index.bundle
        return bundle.study.waves.enumerated().compactMap { w, wave in
            var prompts: [TextWave.Prompt] = []
            for (i, inst) in bundle.instruments.enumerated() {
                for item in inst.items where item.type == .text {
                    var answers: [TextWave.Answer] = []
                    var omitted = 0
                    for p in 0..<index.participants.count {
                        guard let t = index.texts(p, w, i)?.first(where: { $0.item == item.id })?.text else { continue }
                        if answers.count < maxAnswers { answers.append(.init(participant: index.participants[p], role: index.roles[p], text: t)) } else { omitted += 1 }
                    }
                    if !answers.isEmpty { prompts.append(.init(instrument: inst.id, item: item.id, prompt: item.text, answers: answers, omitted: omitted)) }
                }
            }
            return prompts.isEmpty ? nil : TextWave(wave: wave.id, label: wave.label, prompts: prompts)
        }
    }
}
