import Foundation
import WavesCore

/// `waves flow --json` (spec/cli.md, "What reviewers require"): the participant flow per
/// wave for a CHERRIES / STROBE item 13 flow diagram.
public struct FlowReport: Encodable, Sendable {
    /// Why the participants counted lost at a wave were lost (additive to the contract).
    public struct LostReasons: Encodable, Sendable, Equatable {
        /// Withdrew (consent log or roster status) by this wave.
        public var withdrawn: Int
        /// Declined consent.
        public var declined: Int
        /// Started (a draft or part of the wave's instruments) but did not complete.
        public var incomplete: Int
        /// Neither started nor withdrew.
        public var noResponse: Int
        enum CodingKeys: String, CodingKey { case withdrawn, declined, incomplete, noResponse = "no_response" }
    }
    public struct WaveFlow: Encodable, Sendable {
        public var wave: String
        public var enrolled: Int
        @NullCodable public var invited: Int?
        @NullCodable public var consented: Int?
        public var started: Int
        public var completed: Int
        public var analysed: Int
        public var withdrawn: Int
        public var lost: Int
        public var lostReasons: LostReasons
        /// Earlier duplicate submissions set aside at this wave (the latest is used).
        public var duplicatesSetAside: Int
        enum CodingKeys: String, CodingKey {
            case wave, enrolled, invited, consented, started, completed, analysed, withdrawn, lost
            case lostReasons = "lost_reasons", duplicatesSetAside = "duplicates_set_aside"
        }
    }
    public var study: String
    public var waves: [WaveFlow]
    /// Why a count is null or how it was read (additive).
    public var notes: [String]
    /// The definitions of the counts, for the diagram's caption and the methods (additive).
    public var definitions: [String: String]
}

/// Builds the participant flow from the roster, the store, the drafts and, when present,
/// `data/invitations.jsonl` and `data/consent.jsonl` (formats.md; both are optional).
///
/// Definitions, per wave W:
/// - enrolled: roster participants (without a roster, everyone with a submission or draft);
/// - invited: participants with an `issued` invitation event for W (null without the log);
/// - consented: participants whose consent decision at or before W is `agree` and who have
///   not withdrawn by W (null when the study asks for no consent and no log exists);
/// - started: a submission of any instrument given at W or a draft for W;
/// - completed: a submission of every instrument given at W;
/// - analysed: a scale score (enough items answered) on some scale at W;
/// - withdrawn: a `withdraw` decision whose wave is W or earlier, or roster status
///   `withdrawn` (counted at every wave after the participant's last submission);
/// - lost: enrolled participants who did not complete W (first wave) or who completed the
///   first wave and not W (later waves), with the reason in `lost_reasons`.
public enum FlowAnalysis {
    /// Builds the flow from the store's index (read here unless given) and the instruments'
    /// scale scores (`InstrumentData`, loaded here for each instrument with scales that `loaded`
    /// does not already hold).
    public static func run(bundle: StudyBundle, index given: StudyIndex? = nil, loaded: [String: InstrumentData] = [:]) throws -> FlowReport {
        // With the index at hand (the report), who has a score is marked by its participant
        // numbers straight away: `ScoredCells` numbers everyone by name first (a dictionary and
        // a list of names, 9 MB at 100,000 participants, at the report's peak).
        if let given {
            var analysed = Analysed(byIndex: [Bool](repeating: false, count: given.participants.count * bundle.study.waves.count), others: [:])
            try forEachScored(bundle: bundle, loaded: loaded) { participant, w in analysed.mark(participant, wave: w, index: given) }
            return run(bundle: bundle, index: given, analysed: analysed)
        }
        // Without an index, the scores first: each instrument's data is let go before the index
        // is read, so the two are never held at once.
        let scored = try scoredCells(bundle: bundle, loaded: loaded)
        return run(bundle: bundle, index: try StudyIndex.load(bundle), scored: scored)
    }

    /// The flow from the store's index and who has a scale score where (`scoredCells`).
    public static func run(bundle: StudyBundle, index: StudyIndex, scored: ScoredCells) -> FlowReport {
        run(bundle: bundle, index: index, analysed: scored.analysed(by: index, waves: bundle.study.waves.count))
    }

    /// Per participant, the study waves at which they have a score on some scale of some
    /// instrument ("analysed"), by name: worked out from one instrument's data at a time, which
    /// is let go before the next is loaded. `waves flow` works this out before it reads the
    /// store's index, so that the answer matrix and the index are never held together (291 MB
    /// at the benchmark study with the column cache off, above twice the dense matrix).
    public struct ScoredCells: Sendable {
        var number: [String: Int] = [:]
        var names: [String] = []
        /// `waves` flags per name, in `names` order.
        var cells: [Bool] = []
        let waves: Int

        init(waves: Int) { self.waves = waves }

        mutating func mark(_ participant: String, wave: Int) {
            let q: Int
            if let n = number[participant] { q = n } else {
                q = names.count
                number[participant] = q
                names.append(participant)
                cells.append(contentsOf: repeatElement(false, count: waves))
            }
            cells[q * waves + wave] = true
        }

        /// The same flags by the index's participant number, and by name for anyone it does not list.
        func analysed(by index: StudyIndex, waves W: Int) -> Analysed {
            var a = Analysed(byIndex: [Bool](repeating: false, count: index.participants.count * W), others: [:])
            for (q, name) in names.enumerated() {
                for w in 0..<W where cells[q * W + w] { a.mark(name, wave: w, index: index) }
            }
            return a
        }
    }

    /// Who has a scale score at which study wave (`ScoredCells`), from `loaded` or from each
    /// instrument with scales loaded in turn.
    public static func scoredCells(bundle: StudyBundle, loaded: [String: InstrumentData] = [:]) throws -> ScoredCells {
        var scored = ScoredCells(waves: bundle.study.waves.count)
        try forEachScored(bundle: bundle, loaded: loaded) { participant, w in scored.mark(participant, wave: w) }
        return scored
    }

    /// Calls `body` with each participant and study wave (by position) where they have a score
    /// on some scale (the same pair once per scale scoring it): the one definition of "analysed".
    static func forEachScored(bundle: StudyBundle, loaded: [String: InstrumentData], _ body: (String, Int) -> Void) throws {
        let wOrder = Dictionary(uniqueKeysWithValues: bundle.study.waves.enumerated().map { ($1.id, $0) })
        for inst in bundle.instruments where !inst.scales.isEmpty {
            let data = try loaded[inst.id] ?? InstrumentData.load(bundle, instrument: inst)
            let studyWave = data.waves.map { wOrder[$0.id] }
            for scale in inst.scales {
                let scores = data.scores(scale: scale)
                for p in 0..<scores.rows {
                    for w in 0..<scores.cols where !scores[p, w].isNaN {
                        guard let sw = studyWave[w] else { continue }
                        body(data.participants[p], sw)
                    }
                }
            }
        }
    }

    /// Per study wave, who has a scale score: by the index's participant number
    /// (`byIndex[p * W + w]`), and by name for anyone the index does not list.
    struct Analysed {
        var byIndex: [Bool]
        var others: [Int: Set<String>]

        /// Marks `participant` as analysed at study wave `w`: by the index's number, else by name.
        mutating func mark(_ participant: String, wave w: Int, index: StudyIndex) {
            if let p = index.number(of: participant) { byIndex[p * index.W + w] = true } else { others[w, default: []].insert(participant) }
        }
    }

    /// The flow from the store's index and, per wave, the participants with a scale score.
    ///
    /// Everyone is counted by number: the index's participants keep theirs, and the enrolled,
    /// drafting or unknown-record participants it does not list are numbered after them, so the
    /// per-wave counts are array passes (sets of strings made this the slowest part of the
    /// report at 100,000 participants).
    static func run(bundle: StudyBundle, index: StudyIndex, analysed: Analysed) -> FlowReport {
        let study = bundle.study
        let waves = study.waves
        let wOrder = Dictionary(uniqueKeysWithValues: waves.enumerated().map { ($1.id, $0) })
        let dir = study.directory
        var notes: [String] = []
        let P = index.participants.count, W = waves.count, I = bundle.instruments.count

        // Counted submissions (records of a wave or instrument the study does not define count
        // only as the participant's presence): whether any, and the last wave with one.
        var lastWave = [Int](repeating: -1, count: P)
        for p in 0..<P {
            for w in 0..<W where (0..<I).contains(where: { index.isPresent(p, w, $0) }) { lastWave[p] = w }
        }
        let unknown = index.unknownRecordParticipants
        // Who has a submission (any record), as the flow's "submitted" set.
        func submitted(_ p: Int) -> Bool { lastWave[p] >= 0 || unknown.contains(index.participants[p]) }

        // Numbers: the index's, then the others in order of first mention.
        var extra: [String: Int] = [:]
        var extraNames: [String] = []
        func number(_ id: String) -> Int? { index.number(of: id) ?? extra[id] }
        func numberAdding(_ id: String) -> Int {
            if let q = number(id) { return q }
            extra[id] = P + extraNames.count; extraNames.append(id)
            return P + extraNames.count - 1
        }
        let drafts = readDrafts(study.draftsURL)
        var enrolled: [Bool] = []
        func mark(_ q: Int, _ flags: inout [Bool]) { if flags.count <= q { flags += repeatElement(false, count: q + 1 - flags.count) }; flags[q] = true }
        var included: [Bool] = []
        if let roster = bundle.roster {
            for id in roster.participants { let q = numberAdding(id); mark(q, &enrolled); mark(q, &included) }
        } else {
            for p in 0..<P where submitted(p) { mark(p, &enrolled) }
            for id in unknown.sorted() { mark(numberAdding(id), &enrolled) }
            for d in drafts { mark(numberAdding(d.participant), &enrolled) }
            notes.append("No roster: enrolled counts everyone with a submission or a draft.")
        }
        for p in 0..<P where submitted(p) { mark(p, &included) }
        for id in unknown.sorted() { mark(numberAdding(id), &included) }
        for q in 0..<enrolled.count where enrolled[q] { mark(q, &included) }
        let N = P + extraNames.count
        enrolled += repeatElement(false, count: N - enrolled.count)
        included += repeatElement(false, count: N - included.count)

        // Invitations and consent (the collection logs): absent files leave their counts null.
        let invitations = readLog(dir.appendingPathComponent("data/invitations.jsonl"), format: "waves.invitation/1", notes: &notes)
        if invitations == nil { notes.append("invited is null: data/invitations.jsonl does not exist (no invitations were issued by `waves invite`).") }
        let consent = readLog(dir.appendingPathComponent("data/consent.jsonl"), format: "waves.consent/1", notes: &notes)
        if consent == nil { notes.append("consented is null: data/consent.jsonl does not exist (the study records no consent decisions).") }

        // First wave of each consent decision per participant (counted participants only).
        var withdrawnWave = [Int](repeating: .max, count: N)
        var declinedWave = withdrawnWave, agreedWave = withdrawnWave
        for e in consent ?? [] {
            guard let id = e["participant"]?.stringValue, let q = number(id), let w = e["wave"]?.stringValue.flatMap({ wOrder[$0] }),
                  let d = e["decision"]?.stringValue else { continue }
            switch d {
            case "withdraw": withdrawnWave[q] = min(withdrawnWave[q], w)
            case "decline": declinedWave[q] = min(declinedWave[q], w)
            case "agree": agreedWave[q] = min(agreedWave[q], w)
            default: continue
            }
        }
        for e in bundle.roster?.entries ?? [] where e.extra["status"]?.lowercased() == "withdrawn" {
            guard let q = number(e.participant), withdrawnWave[q] == .max else { continue }
            let last = q < P ? lastWave[q] : -1
            withdrawnWave[q] = last + 1
        }
        var invitedAt: [Int: Set<String>] = [:]
        for e in invitations ?? [] where e["event"]?.stringValue == "issued" {
            guard let p = e["participant"]?.stringValue, let w = e["wave"]?.stringValue.flatMap({ wOrder[$0] }) else { continue }
            invitedAt[w, default: []].insert(p)
        }
        var draftAt: [Int: Set<Int>] = [:]
        for d in drafts { if let w = wOrder[d.wave], let q = number(d.participant) { draftAt[w, default: []].insert(q) } }

        var dupAt: [String: Int] = [:]
        for d in index.duplicates { dupAt[d.wave, default: 0] += 1 }

        // The instruments each wave needs, by the index's instrument number (the first of an id).
        let needAt = waves.map { w in
            Set(bundle.instruments(at: w.id).map(\.id)).compactMap { id in bundle.instruments.firstIndex { $0.id == id } }.sorted()
        }
        func completes(_ q: Int, _ w: Int) -> Bool { q < P && !needAt[w].isEmpty && needAt[w].allSatisfy { index.isPresent(q, w, $0) } }
        func startedByRecord(_ q: Int, _ w: Int) -> Bool { q < P && needAt[w].contains { index.isPresent(q, w, $0) } }
        let inBaseline = (0..<N).map { q in enrolled[q] && W > 0 && completes(q, 0) }
        let enrolledCount = enrolled.lazy.filter { $0 }.count

        let rows = waves.enumerated().map { (wi, wave) -> FlowReport.WaveFlow in
            let w = wave.id
            let drafted = draftAt[wi] ?? []
            let analysedOthers = Set((analysed.others[wi] ?? []).compactMap { number($0) })
            var started = 0, completed = 0, withdrawn = 0, consented = 0, analysedCount = 0, lost = 0
            var reasons = FlowReport.LostReasons(withdrawn: 0, declined: 0, incomplete: 0, noResponse: 0)
            for q in 0..<N where included[q] {
                let s = startedByRecord(q, wi) || drafted.contains(q)
                let c = completes(q, wi)
                let wd = withdrawnWave[q] <= wi
                if s { started += 1 }
                if c { completed += 1 }
                if wd { withdrawn += 1 }
                if agreedWave[q] <= wi && !wd { consented += 1 }
                if (s || c) && (q < P ? analysed.byIndex[q * W + wi] : analysedOthers.contains(q)) { analysedCount += 1 }
                let inPool = wi == 0 ? enrolled[q] : inBaseline[q]
                guard inPool, !c else { continue }
                lost += 1
                if wd { reasons.withdrawn += 1 }
                else if declinedWave[q] <= wi { reasons.declined += 1 }
                else if s { reasons.incomplete += 1 }
                else { reasons.noResponse += 1 }
            }
            return FlowReport.WaveFlow(
                wave: w, enrolled: enrolledCount, invited: invitations == nil ? nil : invitedAt[wi]?.count ?? 0,
                consented: consent == nil ? nil : consented, started: started, completed: completed,
                analysed: analysedCount, withdrawn: withdrawn, lost: lost, lostReasons: reasons, duplicatesSetAside: dupAt[w] ?? 0)
        }
        return FlowReport(study: study.id, waves: rows, notes: notes, definitions: definitions)
    }

    /// The definitions of the counts, in the words of the diagram's caption.
    public static let definitions: [String: String] = [
        "enrolled": "participants on the roster (without a roster: everyone with a submission or draft)",
        "invited": "participants issued an access code for the wave",
        "consented": "participants who agreed to take part by the wave and had not withdrawn",
        "started": "a submission or a saved draft at the wave",
        "completed": "a submission of every instrument given at the wave",
        "analysed": "a scale score at the wave",
        "withdrawn": "withdrew by the wave (consent log or roster status)",
        "lost": "at the first wave: enrolled and not completed; later: completed the first wave and not this one",
    ]

    /// The objects of a JSON Lines log with the given `format`, or nil when the file does not
    /// exist. Unreadable lines are skipped and counted in a note (the log's own command
    /// reports them with their line numbers).
    static func readLog(_ url: URL, format: String, notes: inout [String]) -> [JSONObject]? {
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        guard let data = try? Data(contentsOf: url) else {
            notes.append("\(url.lastPathComponent) could not be read; its counts are 0.")
            return []
        }
        var out: [JSONObject] = []
        var bad = 0
        data.withUnsafeBytes { buf in
            JSONParser.parseLines(buf) { _, result in
                if case .success(let v) = result, let o = v.objectValue, o["format"]?.stringValue == format { out.append(o) } else { bad += 1 }
            }
        }
        if bad > 0 { notes.append("\(bad) line(s) of \(url.lastPathComponent) could not be read and were skipped.") }
        return out
    }

    /// Participant and wave of every readable draft in `data/drafts/` (format waves.draft/1).
    static func readDrafts(_ dir: URL) -> [(participant: String, wave: String)] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        var out: [(participant: String, wave: String)] = []
        for n in names.sorted() where n.hasSuffix(".json") && !n.hasPrefix(".") {
            guard let data = try? Data(contentsOf: dir.appendingPathComponent(n)),
                  let json = try? JSONParser.parse(String(decoding: data, as: UTF8.self)), let o = json.objectValue,
                  let p = o["participant"]?.stringValue, let w = o["wave"]?.stringValue else { continue }
            out.append((p, w))
        }
        return out
    }
}
