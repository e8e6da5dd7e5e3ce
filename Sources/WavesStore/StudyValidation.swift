import Foundation
import WavesCore

/// `waves validate` as a value: the study definition, every store line and every record
/// checked, with the messages in the order they are shown and the one-line summary.
///
/// Repeated problems are grouped so that one cause gives one line: an instrument edited
/// after N records were made, the same message on many records (one participant missing
/// from the roster), and more than `namedAnswers` out-of-range answers to one item.
///
/// The store is read in one streaming pass (`ResponseStore.scanWithChain`: every line decoded
/// strictly and hashed on every core, the hash chain walked as `HashChain.verify` walks it),
/// one record at a time, and no record is kept: each is checked (`RecordValidator`) and grouped
/// (`IssueGroups`, which keeps per group its count, its line runs and the few members its
/// message names), counted for the instrument versions (`InstrumentVersions.Tally`) and for
/// the submissions that count and the duplicates (`LatestCells`); of the free-text answers
/// only those the follow-up checks ask about are looked for.
public struct StudyValidation: Sendable {
    /// Messages for standard error, in order (each already located: "file:line: ...").
    public private(set) var messages: [String] = []
    /// Lines for standard output (the summary).
    public private(set) var summary: [String] = []
    public private(set) var errors = 0
    public private(set) var warnings = 0

    /// Out-of-range answers to one item are named one line each up to this many; beyond, one grouped line.
    public static let namedAnswers = 3
    static let store = "data/responses.jsonl"

    public var failed: Bool { errors > 0 }

    /// Checks of other parts of the study, run after the store's (codebooks and coders' files,
    /// `CodingValidation`). They may need to know which of some free-text answers are in the
    /// store: they name them before the store is read, so the pass keeps only those.
    public struct FollowUp {
        /// Free-text answers to look for among the submissions that count, by unit id
        /// (`CodingDecision.unitID`: `<record id>/<item id>`).
        public var textUnits: Set<String>
        /// The problems, in order, given those of `textUnits` that are coding units of the store
        /// (`CodingDecision.units`: non-blank answers to text items of the submissions that count).
        public var problems: (_ found: Set<String>) throws -> [Problem]
        public init(textUnits: Set<String>, problems: @escaping (_ found: Set<String>) throws -> [Problem]) {
            self.textUnits = textUnits; self.problems = problems
        }
    }

    /// Validates the study in `folders`; a study definition that does not load is reported, not thrown.
    /// `more` adds checks of other parts of the study (codebooks and coders' files), run after the
    /// store's; their problems are shown in order and counted.
    public static func run(folders: StudyFolders, more: (StudyBundle) throws -> FollowUp? = { _ in nil }) throws -> StudyValidation {
        var v = StudyValidation()
        let bundle: StudyBundle
        do { bundle = try StudyLoader.load(folders: folders) } catch let e as LoadError {
            v.messages = e.problems.map(\.description)
            v.errors = e.problems.filter { $0.severity == .error }.count
            v.messages.append("\(v.errors) error(s) in the study definition; nothing else was checked.")
            return v
        }
        try v.check(bundle, more: more)
        return v
    }

    mutating func check(_ bundle: StudyBundle, more: (StudyBundle) throws -> FollowUp?) throws {
        messages += bundle.warnings.map(\.description)
        warnings = bundle.warnings.count
        let followUp = try more(bundle)
        let wanted = followUp?.textUnits ?? []
        var groups = IssueGroups()
        var cells = LatestCells()
        cells.reserve(lines: ResponseStore(url: bundle.study.storeURL).estimatedLineCount())
        var uses = UseGroups()
        var units: [Int: [String]] = [:]   // cell -> the wanted units of its counted submission
        // Each record is checked against the study on the decoding threads (`Checked`); this
        // thread only counts and groups, in store order.
        let checker = RecordValidator.Checker(bundle)
        // A line the fast record path reads and finds without any problem (`Checker.isClean`)
        // needs no strict record; every other line is decoded and checked strictly, as before.
        let (problems, chain) = try ResponseStore(url: bundle.study.storeURL).scanWithChain(
            plan: checker.plan, prepareFast: { f in checker.isClean(f) ? Checked.clean(f, checker: checker, wanted: wanted) : nil },
            prepare: { Checked.strict($0, checker: checker, wanted: wanted) }) { c, line in
            let (w, i, file) = cells.numbers(c.keys, bundle: bundle)
            if !c.issues.isEmpty {
                let (wave, instrument) = c.keys.names(bundle)
                for issue in c.issues { groups.add(issue, line: line, participant: c.participant, wave: wave, instrument: instrument.id) }
            }
            uses.add(instrument: i, file: file, wave: w, submittedAt: c.submittedAt) { c.keys.names(bundle) }
            let (cell, latest) = cells.add(participant: c.participant, wave: w, instrument: i, submittedAt: c.submittedAt, file: file, line: line)
            if latest && !wanted.isEmpty { units[cell] = c.units.isEmpty ? nil : c.units }
        }
        messages += problems.map(\.description)
        errors += problems.count
        // The hash chain (`waves verify`, walked in the same pass): a break is an error; a round-1
        // prefix without `prev` is a note (not counted); a torn last line is already reported above.
        if let b = chain.firstBreak {
            if problems.contains(where: { $0.line == b.line }) {
                // The unreadable line is already an error; say that the chain breaks there too.
                messages.append("\(Self.store):\(b.line): the hash chain breaks at this unreadable line (see `waves verify`)")
            } else {
                messages.append("\(Self.store):\(b.line): the hash chain breaks here: \(b.reason) (see `waves verify`)")
                errors += 1
            }
        }
        if let start = chain.chainStartsAt {
            messages.append("\(Self.store): note: no hash chain before line \(start) (records written before Waves kept \"prev\")")
        }
        // Counts are of problems found, not of lines shown (a grouped line stands for several).
        for (severity, text, count) in groups.render() {
            messages.append(text)
            if severity == .error { errors += count } else { warnings += count }
        }
        // Versions of a scale's instrument that score differently from the current file.
        do {
            let versions = try uses.tally.build(bundle: bundle, archive: InstrumentArchive(store: ResponseStore(url: bundle.study.storeURL)))
            for d in versions.drifts(bundle: bundle) { messages.append("\(Self.store): warning: \(d.message)"); warnings += 1 }
        } catch {
            messages.append("data/instruments: warning: the kept instrument versions cannot be read: \(SafeText.line(error.localizedDescription))"); warnings += 1
        }
        let dups = cells.duplicates
        for d in dups { messages.append("\(Self.store): warning: duplicate submission: \(SafeText.line(d.description))"); warnings += 1 }
        for p in try followUp?.problems(Set(units.values.joined())) ?? [] {
            messages.append(SafeText.line(p.description))
            if p.severity == .error { errors += 1 } else { warnings += 1 }
        }
        summary.append("study '\(SafeText.line(bundle.study.id))': \(bundle.instruments.count) instrument(s), \(bundle.study.waves.count) wave(s), "
            + "\(bundle.roster?.entries.count ?? 0) in the roster; store: \(cells.records + problems.count) line(s), "
            + "\(cells.records) record(s) from \(cells.participants.count) participant(s), \(dups.count) duplicate(s)")
        summary.append(errors == 0 ? "OK: no errors, \(warnings) warning(s)" : "\(errors) error(s), \(warnings) warning(s)")
    }

    /// "1–3, 7, 9–12", at most `limit` runs, then "…".
    public static func lineList(_ lines: [Int], limit: Int = 8) -> String {
        var runs = LineRuns(limit: limit)
        for l in lines.sorted() { runs.add(l) }
        return runs.text
    }
}

/// What `waves validate` needs of one record, worked out on a decoding thread: its issues
/// (`RecordValidator`), each made ready for grouping (`IssueGroups.Prepared`), the wanted
/// free-text units it holds, and what the counts read (participant, wave, instrument file,
/// `submitted_at`). A clean line names its wave and instrument by their places in the study
/// (`CountedKeys`), so this thread is handed no String but the participant and the time (no
/// record, and no reference count shared with the decoding threads).
struct Checked: Sendable {
    var participant: String
    var submittedAt: String
    var keys: CountedKeys
    var issues: [IssueGroups.Prepared]
    var units: [String]

    static func strict(_ r: ResponseRecord, checker: RecordValidator.Checker, wanted: Set<String>) -> Checked {
        let bundle = checker.bundle
        let issues = checker.issues(r).map { IssueGroups.prepare($0, record: r, bundle: bundle) }
        var units: [String] = []
        if !wanted.isEmpty, let k = checker.instrumentIndex(r.instrument.id) {
            units = CodingDecision.units(of: r, instrument: bundle.instruments[k])
                .map { CodingDecision.unitID(record: r.id, item: $0.item.id) }.filter(wanted.contains)
        }
        return Checked(participant: r.participant, submittedAt: r.submittedAt, keys: .named(wave: r.wave, instrument: r.instrument),
                       issues: issues, units: units)
    }

    /// The same for a record the fast path read and `Checker.isClean` found without problems:
    /// no issues, the wanted units it holds (`CodingDecision.units`: non-blank answers to text
    /// items, in item order), and its wave and instrument by place when the study writes them alike.
    /// (A function, not an initialiser: its arguments are borrowed, so neither the record nor
    /// the checker is copied per line.)
    static func clean(_ r: FastRecord, checker: RecordValidator.Checker, wanted: Set<String>) -> Checked {
        var units: [String] = []
        if !wanted.isEmpty {
            let items = checker.bundle.instruments[r.instrumentIndex].items
            for a in r.answers where items[a.position].type == .text {
                guard case .text(let s) = a.value, !s.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { continue }
                let unit = CodingDecision.unitID(record: r.id, item: items[a.position].id)
                if wanted.contains(unit) { units.append(unit) }
            }
        }
        return Checked(participant: r.participant, submittedAt: r.submittedAt, keys: checker.places.keys(r), issues: [], units: units)
    }
}

/// Line numbers given in ascending order (repeats allowed) as runs, "1–3, 7, 9–12": only the
/// first `limit` runs are kept, and whether more followed.
struct LineRuns {
    let limit: Int
    private var runs: [(Int, Int)] = []
    private var more = false

    init(limit: Int = 8) { self.limit = limit }

    mutating func add(_ l: Int) {
        guard !more else { return }
        if let last = runs.last, l == last.1 + 1 { runs[runs.count - 1].1 = l } else if runs.last?.1 != l {
            if runs.count == limit { more = true } else { runs.append((l, l)) }
        }
    }

    var text: String {
        runs.map { $0.0 == $0.1 ? "\($0.0)" : "\($0.0)–\($0.1)" }.joined(separator: ", ") + (more ? ", …" : "")
    }
}

/// Record issues collected in order of first appearance, grouped by cause.
///
/// A group keeps what its message shows, whatever the number of records: its count, its line
/// runs (`LineRuns`) and its first `keptMembers` members (the one located line, the answers
/// named one by one, the first ten of a grouped answer line).
struct IssueGroups {
    enum Key: Hashable {
        case changed(String, String, String)
        case values(String, String, String)   // instrument, item, category
        case message(RecordIssue.Severity, String)
    }
    struct Member {
        var line: Int
        var message: String
        var answer: SetAsideAnswer?
    }
    struct Group {
        var issue: RecordIssue
        /// "not in its response set (allowed: 1, 2)" or "outside its range, 0 to 10", for value groups.
        var range: String
        /// The first `keptMembers` members.
        var members: [Member] = []
        var count = 0
        var lines = LineRuns()
    }
    /// Members kept per group: the most any message names (ten answers; `namedAnswers` lines).
    static let keptMembers = max(10, StudyValidation.namedAnswers)
    var order: [Key] = []
    var groups: [Key: Group] = [:]

    /// An issue with its group and what its message needs, worked out apart from the store
    /// line (on a decoding thread): the group's key, the range its message names, and the
    /// value of an out-of-range answer.
    struct Prepared: Sendable {
        var issue: RecordIssue
        var key: Key
        var range: String
        var value: Double?
    }

    /// The group of `issue` of `record`.
    static func prepare(_ issue: RecordIssue, record: ResponseRecord, bundle: StudyBundle) -> Prepared {
        switch issue.kind {
        case .instrumentChanged(let i, let v, let h, _): return Prepared(issue: issue, key: .changed(i, v, h), range: "", value: nil)
        case .answer(let item, let p):
            if let value = p.value, let it = bundle.instrument(record.instrument.id)?.item(item) {
                if case .notAnOption(_, let allowed) = p {
                    return Prepared(issue: issue, key: .values(record.instrument.id, item, "set"),
                                    range: "not in its response set (allowed: \(allowed.map(JSONWriter.number).joined(separator: ", ")))", value: value)
                }
                let r = AnswerRules.numberRange(of: it)
                return Prepared(issue: issue, key: .values(record.instrument.id, item, "range"),
                                range: "outside its range, \(JSONWriter.number(r.lowerBound)) to \(JSONWriter.number(r.upperBound))", value: value)
            }
            return Prepared(issue: issue, key: .message(issue.severity, issue.message), range: "", value: nil)
        case .other: return Prepared(issue: issue, key: .message(issue.severity, issue.message), range: "", value: nil)
        }
    }

    mutating func add(_ issue: RecordIssue, line: Int, record: ResponseRecord, bundle: StudyBundle) {
        add(Self.prepare(issue, record: record, bundle: bundle), line: line, participant: record.participant, wave: record.wave, instrument: record.instrument.id)
    }

    /// Adds a prepared issue of a record (of this participant, wave and instrument) at `line`.
    mutating func add(_ p: Prepared, line: Int, participant: String, wave: String, instrument: String) {
        let key = p.key
        let answer = p.value.map { SetAsideAnswer(line: line, participant: participant, wave: wave,
                                                   instrument: instrument, item: Self.item(of: p.issue), value: $0) }
        if groups[key] == nil { order.append(key); groups[key] = Group(issue: p.issue, range: p.range) }
        groups[key]!.count += 1
        groups[key]!.lines.add(line)
        if groups[key]!.members.count < Self.keptMembers {
            groups[key]!.members.append(Member(line: line, message: p.issue.message, answer: answer))
        }
    }

    private static func item(of issue: RecordIssue) -> String {
        if case .answer(let item, _) = issue.kind { return item }
        return ""
    }

    /// One message per group (the original located line when the group has one member).
    func render() -> [(RecordIssue.Severity, String, Int)] {
        let store = StudyValidation.store
        return order.flatMap { key -> [(RecordIssue.Severity, String, Int)] in
            let g = groups[key]!
            let sev = g.issue.severity
            let tag = sev == .warning ? "warning: " : ""
            let lines = g.lines.text
            switch key {
            case .changed(let inst, let version, _):
                guard g.count > 1, case .instrumentChanged(_, _, _, let now) = g.issue.kind else { break }
                return [(sev, "\(store): \(tag)instrument '\(inst)' changed since \(g.count) records were made (lines \(lines); "
                         + "version \(SafeText.line(version)) then, \(SafeText.line(now)) now; file hash differs)", g.count)]
            case .values(_, let item, _):
                if g.count <= StudyValidation.namedAnswers {
                    return g.members.map { (sev, "\(store):\($0.line): \(tag)\($0.message); analyses set it aside as missing", 1) }
                }
                // Every member of a value group has its answer.
                let named = g.members.compactMap(\.answer).prefix(10).map { "line \($0.line) = \(JSONWriter.number($0.value))" }.joined(separator: ", ")
                let more = g.count > 10 ? ", … and \(g.count - 10) more" : ""
                return [(sev, "\(store): \(tag)\(g.count) answers to '\(item)' are \(g.range); analyses set them aside as missing: \(named)\(more)", g.count)]
            case .message: break
            }
            if g.count == 1 { return [(sev, "\(store):\(g.members[0].line): \(tag)\(g.issue.message)", 1)] }
            return [(sev, "\(store): \(tag)\(g.issue.message) (\(g.count) records: lines \(lines))", g.count)]
        }
    }
}
