import Foundation
import WavesAnalysis
import WavesCore
import WavesStore

/// One streaming pass over the store for the overview, completion and free-text parts.
///
/// Keeps per participant x wave x instrument only a flag, the latest
/// `submitted_at` and the first store line, so that memory stays small for
/// large stores. The latest submission wins as in `StoreContents.latest()`:
/// by `submitted_at`, then by store order.
struct StoreSurvey {
    let bundle: StudyBundle
    let includeText: Bool
    let maxListed: Int

    private(set) var participants: [String] = []
    private(set) var roles: [String?] = []
    private var pIndex: [String: Int] = [:]
    private let wIndex: [String: Int]
    private let iIndex: [String: Int]
    private let W: Int, I: Int
    /// present[(p * W + w) * I + i]
    private(set) var present: [Bool] = []
    private var latestStamp: [String?] = []
    private var firstLine: [Int32] = []
    private var latestLine: [Int32] = []
    /// Store lines of every submission for cells with more than one.
    private var duplicateLines: [Int: [Int]] = [:]
    private var duplicateOrder: [Int] = []
    private(set) var submissions = 0
    private(set) var unknownRecords = 0
    private(set) var waveFirst: [String?]
    private(set) var waveLast: [String?]
    private(set) var waveSubmissions: [Int]
    /// Per instrument: sha256 -> (versions, waves, records).
    private(set) var hashes: [[String: (versions: Set<String>, waves: Set<Int>, records: Int)]]
    /// Latest free-text answers per cell: (item id, text).
    private var texts: [Int: [(String, String)]] = [:]
    private let textItems: [Set<String>]
    private(set) var problems: [StoreProblem] = []

    init(bundle: StudyBundle, includeText: Bool, maxListed: Int) {
        self.bundle = bundle
        self.includeText = includeText
        self.maxListed = maxListed
        W = bundle.study.waves.count
        I = bundle.instruments.count
        wIndex = Dictionary(uniqueKeysWithValues: bundle.study.waves.enumerated().map { ($1.id, $0) })
        iIndex = Dictionary(bundle.instruments.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
        waveFirst = Array(repeating: nil, count: W)
        waveLast = Array(repeating: nil, count: W)
        waveSubmissions = Array(repeating: 0, count: W)
        hashes = Array(repeating: [:], count: I)
        textItems = bundle.instruments.map { Set($0.items.filter { $0.type == .text }.map(\.id)) }
        for e in bundle.roster?.entries ?? [] { _ = participantIndex(e.participant, role: e.role) }
    }

    private mutating func participantIndex(_ id: String, role: String?) -> Int {
        if let p = pIndex[id] { return p }
        let p = participants.count
        pIndex[id] = p
        participants.append(id)
        roles.append(role)
        present.append(contentsOf: repeatElement(false, count: W * I))
        latestStamp.append(contentsOf: repeatElement(nil, count: W * I))
        firstLine.append(contentsOf: repeatElement(0, count: W * I))
        latestLine.append(contentsOf: repeatElement(0, count: W * I))
        return p
    }

    /// Reads the store once.
    mutating func run() throws {
        let store = ResponseStore(url: bundle.study.storeURL)
        guard store.exists else { return }
        let roster = bundle.roster
        problems = try store.scan { r, line in
            submissions += 1
            guard let w = wIndex[r.wave], let i = iIndex[r.instrument.id] else { unknownRecords += 1; return }
            let p = participantIndex(r.participant, role: nil)
            if roster?.role(of: r.participant) == nil, let role = r.role { roles[p] = role }
            let cell = (p * W + w) * I + i
            if waveFirst[w] == nil || r.submittedAt < waveFirst[w]! { waveFirst[w] = r.submittedAt }
            if waveLast[w] == nil || r.submittedAt > waveLast[w]! { waveLast[w] = r.submittedAt }
            waveSubmissions[w] += 1
            var h = hashes[i][r.instrument.sha256] ?? (versions: [], waves: [], records: 0)
            h.versions.insert(r.instrument.version); h.waves.insert(w); h.records += 1
            hashes[i][r.instrument.sha256] = h
            var isLatest = true
            if present[cell] {
                if duplicateLines[cell] == nil { duplicateLines[cell] = [Int(firstLine[cell])]; duplicateOrder.append(cell) }
                duplicateLines[cell]!.append(line)
                isLatest = r.submittedAt >= (latestStamp[cell] ?? "")
            } else {
                present[cell] = true
                firstLine[cell] = Int32(clamping: line)
            }
            guard isLatest else { return }
            latestStamp[cell] = r.submittedAt
            latestLine[cell] = Int32(clamping: line)
            if includeText && !textItems[i].isEmpty {
                texts[cell] = r.answers.compactMap { a in
                    guard textItems[i].contains(a.id), let t = a.value.text,
                          !t.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return nil }
                    return (a.id, t)
                }
            }
        }
    }

    func isPresent(_ p: Int, _ w: Int, _ i: Int) -> Bool { present[(p * W + w) * I + i] }

    /// Duplicate submissions in the order `StoreContents.latest()` lists them (by first appearance).
    var duplicates: [Completion.DuplicateSubmission] {
        duplicateOrder.sorted { firstLine[$0] < firstLine[$1] }.map { cell in
            let i = cell % I, w = (cell / I) % W, p = cell / (I * W)
            let chosen = Int(latestLine[cell])
            let lines = duplicateLines[cell]!
            return Completion.DuplicateSubmission(participant: participants[p], wave: bundle.study.waves[w].id, instrument: bundle.instruments[i].id,
                             lines: lines.filter { $0 != chosen } + [chosen])
        }
    }

    var duplicateCount: Int { duplicateOrder.count }

    /// Free-text answers per wave, item and participant (participants in roster/store order).
    func textWaves(maxAnswers: Int) -> [TextWave] {
        bundle.study.waves.enumerated().compactMap { w, wave in
            var prompts: [TextWave.Prompt] = []
            for (i, inst) in bundle.instruments.enumerated() where !textItems[i].isEmpty {
                for item in inst.items where item.type == .text {
                    var answers: [TextWave.Answer] = []
                    var omitted = 0
                    for p in 0..<participants.count {
                        guard let list = texts[(p * W + w) * I + i], let t = list.first(where: { $0.0 == item.id })?.1 else { continue }
                        if answers.count < maxAnswers { answers.append(.init(participant: participants[p], role: roles[p], text: t)) } else { omitted += 1 }
                    }
                    if !answers.isEmpty { prompts.append(.init(instrument: inst.id, item: item.id, prompt: item.text, answers: answers, omitted: omitted)) }
                }
            }
            return prompts.isEmpty ? nil : TextWave(wave: wave.id, label: wave.label, prompts: prompts)
        }
    }
}
