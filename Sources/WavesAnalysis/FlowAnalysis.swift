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
        let index = try given ?? StudyIndex.load(bundle)
        var analysedAt: [String: Set<String>] = [:]
        for inst in bundle.instruments where !inst.scales.isEmpty {
            let data = try loaded[inst.id] ?? InstrumentData.load(bundle, instrument: inst)
            for scale in inst.scales {
                let scores = data.scores(scale: scale)
                for p in 0..<scores.rows {
                    for w in 0..<scores.cols where !scores[p, w].isNaN { analysedAt[data.waves[w].id, default: []].insert(data.participants[p]) }
                }
            }
        }
        return run(bundle: bundle, index: index, analysedAt: analysedAt)
    }

    /// The flow from the store's index and, per wave, the participants with a scale score.
    static func run(bundle: StudyBundle, index: StudyIndex, analysedAt: [String: Set<String>]) -> FlowReport {
        let study = bundle.study
        let waves = study.waves
        let wOrder = Dictionary(uniqueKeysWithValues: waves.enumerated().map { ($1.id, $0) })
        let dir = study.directory
        var notes: [String] = []

        // Counted submissions per participant and wave (records of a wave or instrument the
        // study does not define count only as the participant's presence).
        var submitted: [String: [String: Set<String>]] = [:]
        for (p, id) in index.participants.enumerated() {
            for (w, wave) in waves.enumerated() {
                for (i, inst) in bundle.instruments.enumerated() where index.isPresent(p, w, i) {
                    submitted[id, default: [:]][wave.id, default: []].insert(inst.id)
                }
            }
        }
        for p in index.unknownRecordParticipants where submitted[p] == nil { submitted[p] = [:] }
        let drafts = readDrafts(study.draftsURL)
        let enrolledList: [String]
        if let roster = bundle.roster {
            enrolledList = roster.participants
        } else {
            var seen = Set<String>(), out: [String] = []
            for p in submitted.keys.sorted() + drafts.map(\.participant) where seen.insert(p).inserted { out.append(p) }
            enrolledList = out
            notes.append("No roster: enrolled counts everyone with a submission or a draft.")
        }

        // Invitations and consent (the collection logs): absent files leave their counts null.
        let invitations = readLog(dir.appendingPathComponent("data/invitations.jsonl"), format: "waves.invitation/1", notes: &notes)
        if invitations == nil { notes.append("invited is null: data/invitations.jsonl does not exist (no invitations were issued by `waves invite`).") }
        let consent = readLog(dir.appendingPathComponent("data/consent.jsonl"), format: "waves.consent/1", notes: &notes)
        if consent == nil { notes.append("consented is null: data/consent.jsonl does not exist (the study records no consent decisions).") }

        // Withdrawal wave index per participant.
        var withdrawnFrom: [String: Int] = [:]
        var declinedFrom: [String: Int] = [:]
        var agreedFrom: [String: Int] = [:]
        for e in consent ?? [] {
            guard let p = e["participant"]?.stringValue, let w = e["wave"]?.stringValue.flatMap({ wOrder[$0] }),
                  let d = e["decision"]?.stringValue else { continue }
            switch d {
            case "withdraw": withdrawnFrom[p] = min(withdrawnFrom[p] ?? .max, w)
            case "decline": declinedFrom[p] = min(declinedFrom[p] ?? .max, w)
            case "agree": agreedFrom[p] = min(agreedFrom[p] ?? .max, w)
            default: continue
            }
        }
        for e in bundle.roster?.entries ?? [] where e.extra["status"]?.lowercased() == "withdrawn" && withdrawnFrom[e.participant] == nil {
            let last = (submitted[e.participant] ?? [:]).keys.compactMap { wOrder[$0] }.max()
            withdrawnFrom[e.participant] = last.map { $0 + 1 } ?? 0
        }
        var invitedAt: [Int: Set<String>] = [:]
        for e in invitations ?? [] where e["event"]?.stringValue == "issued" {
            guard let p = e["participant"]?.stringValue, let w = e["wave"]?.stringValue.flatMap({ wOrder[$0] }) else { continue }
            invitedAt[w, default: []].insert(p)
        }
        var draftAt: [Int: Set<String>] = [:]
        for d in drafts { if let w = wOrder[d.wave] { draftAt[w, default: []].insert(d.participant) } }

        var dupAt: [String: Int] = [:]
        for d in index.duplicates { dupAt[d.wave, default: 0] += 1 }

        // Everyone counted (the enrolled and everyone with a submission), by number, so the
        // per-wave counts below are array passes rather than sets of strings (a study of
        // 100,000 participants made them the slowest part of the report).
        var number: [String: Int] = [:]
        var people: [String] = []
        func add(_ p: String) { if number[p] == nil { number[p] = people.count; people.append(p) } }
        for p in enrolledList { add(p) }
        for p in index.participants where submitted[p] != nil { add(p) }
        for p in submitted.keys.sorted() { add(p) }
        let N = people.count, W = waves.count
        let isEnrolled = Set(enrolledList.compactMap { number[$0] })
        // present[q * W + w]: the instruments of wave w that q submitted, by instrument id.
        var presentAt = [Set<String>](repeating: [], count: N * W)
        for (q, p) in people.enumerated() {
            for (w, wave) in waves.enumerated() { presentAt[q * W + w] = submitted[p]?[wave.id] ?? [] }
        }
        func byNumber(_ d: [String: Int]) -> [Int] {
            var out = [Int](repeating: .max, count: N)
            for (p, w) in d { if let q = number[p] { out[q] = w } }
            return out
        }
        let withdrawnWave = byNumber(withdrawnFrom), declinedWave = byNumber(declinedFrom), agreedWave = byNumber(agreedFrom)
        let needAt = waves.map { Set(bundle.instruments(at: $0.id).map(\.id)) }
        func completes(_ q: Int, _ w: Int) -> Bool { !needAt[w].isEmpty && needAt[w].isSubset(of: presentAt[q * W + w]) }
        let inBaseline = (0..<N).map { q in isEnrolled.contains(q) && W > 0 && completes(q, 0) }

        let rows = waves.enumerated().map { (wi, wave) -> FlowReport.WaveFlow in
            let w = wave.id
            let drafted = Set((draftAt[wi] ?? []).compactMap { number[$0] })
            let analysedHere = Set((analysedAt[w] ?? []).compactMap { number[$0] })
            var started = 0, completed = 0, withdrawn = 0, consented = 0, analysed = 0, lost = 0
            var reasons = FlowReport.LostReasons(withdrawn: 0, declined: 0, incomplete: 0, noResponse: 0)
            for q in 0..<N {
                let s = !presentAt[q * W + wi].isDisjoint(with: needAt[wi]) || drafted.contains(q)
                let c = completes(q, wi)
                let wd = withdrawnWave[q] <= wi
                if s { started += 1 }
                if c { completed += 1 }
                if wd { withdrawn += 1 }
                if agreedWave[q] <= wi && !wd { consented += 1 }
                if (s || c) && analysedHere.contains(q) { analysed += 1 }
                let inPool = wi == 0 ? isEnrolled.contains(q) : inBaseline[q]
                guard inPool, !c else { continue }
                lost += 1
                if wd { reasons.withdrawn += 1 }
                else if declinedWave[q] <= wi { reasons.declined += 1 }
                else if s { reasons.incomplete += 1 }
                else { reasons.noResponse += 1 }
            }
            return FlowReport.WaveFlow(
                wave: w, enrolled: isEnrolled.count, invited: invitations == nil ? nil : invitedAt[wi]?.count ?? 0,
                consented: consent == nil ? nil : consented, started: started, completed: completed,
                analysed: analysed, withdrawn: withdrawn, lost: lost, lostReasons: reasons, duplicatesSetAside: dupAt[w] ?? 0)
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
