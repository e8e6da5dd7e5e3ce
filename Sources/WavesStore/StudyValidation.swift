import Foundation
import WavesCore

/// `waves validate` as a value: the study definition, every store line and every record
/// checked, with the messages in the order they are shown and the one-line summary.
///
/// Repeated problems are grouped so that one cause gives one line: an instrument edited
/// after N records were made, the same message on many records (one participant missing
/// from the roster), and more than `namedAnswers` out-of-range answers to one item.
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

    /// Validates the study in `folders`; a study definition that does not load is reported, not thrown.
    /// `more` adds checks of other parts of the study (codebooks and coders' files), run after the
    /// store's; their problems are shown in order and counted.
    public static func run(folders: StudyFolders,
                           more: (StudyBundle, StoreContents) throws -> [Problem] = { _, _ in [] }) throws -> StudyValidation {
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

    mutating func check(_ bundle: StudyBundle, more: (StudyBundle, StoreContents) throws -> [Problem]) throws {
        messages += bundle.warnings.map(\.description)
        warnings = bundle.warnings.count
        var records: [StoredRecord] = []
        let problems = try ResponseStore(url: bundle.study.storeURL).scan { r, line in records.append(StoredRecord(record: r, line: line)) }
        messages += problems.map(\.description)
        errors += problems.count
        var groups = IssueGroups()
        for s in records {
            for issue in RecordValidator.issues(s.record, bundle: bundle) { groups.add(issue, line: s.line, record: s.record, bundle: bundle) }
        }
        // Counts are of problems found, not of lines shown (a grouped line stands for several).
        for (severity, text, count) in groups.render() {
            messages.append(text)
            if severity == .error { errors += count } else { warnings += count }
        }
        let contents = StoreContents(records: records, problems: problems)
        let dups = contents.latest().duplicates
        for d in dups { messages.append("\(Self.store): warning: duplicate submission: \(SafeText.line(d.description))"); warnings += 1 }
        for p in try more(bundle, contents) {
            messages.append(SafeText.line(p.description))
            if p.severity == .error { errors += 1 } else { warnings += 1 }
        }
        let participants = Set(records.map(\.record.participant)).count
        summary.append("study '\(SafeText.line(bundle.study.id))': \(bundle.instruments.count) instrument(s), \(bundle.study.waves.count) wave(s), "
            + "\(bundle.roster?.entries.count ?? 0) in the roster; store: \(records.count + problems.count) line(s), "
            + "\(records.count) record(s) from \(participants) participant(s), \(dups.count) duplicate(s)")
        summary.append(errors == 0 ? "OK: no errors, \(warnings) warning(s)" : "\(errors) error(s), \(warnings) warning(s)")
    }

    /// "1–3, 7, 9–12", at most `limit` runs, then "…".
    public static func lineList(_ lines: [Int], limit: Int = 8) -> String {
        var runs: [(Int, Int)] = []
        for l in lines.sorted() {
            if let last = runs.last, l == last.1 + 1 { runs[runs.count - 1].1 = l } else if runs.last?.1 != l { runs.append((l, l)) }
        }
        let parts = runs.prefix(limit).map { $0.0 == $0.1 ? "\($0.0)" : "\($0.0)–\($0.1)" }
        return parts.joined(separator: ", ") + (runs.count > limit ? ", …" : "")
    }
}

/// Record issues collected in order of first appearance, grouped by cause.
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
        var members: [Member] = []
    }
    var order: [Key] = []
    var groups: [Key: Group] = [:]

    mutating func add(_ issue: RecordIssue, line: Int, record: ResponseRecord, bundle: StudyBundle) {
        let key: Key
        var answer: SetAsideAnswer?
        var range = ""
        switch issue.kind {
        case .instrumentChanged(let i, let v, let h, _): key = .changed(i, v, h)
        case .answer(let item, let p):
            if let value = p.value, let it = bundle.instrument(record.instrument.id)?.item(item) {
                if case .notAnOption(_, let allowed) = p {
                    key = .values(record.instrument.id, item, "set")
                    range = "not in its response set (allowed: \(allowed.map(JSONWriter.number).joined(separator: ", ")))"
                } else {
                    key = .values(record.instrument.id, item, "range")
                    let r = AnswerRules.numberRange(of: it)
                    range = "outside its range, \(JSONWriter.number(r.lowerBound)) to \(JSONWriter.number(r.upperBound))"
                }
                answer = SetAsideAnswer(line: line, participant: record.participant, wave: record.wave,
                                        instrument: record.instrument.id, item: item, value: value)
            } else {
                key = .message(issue.severity, issue.message)
            }
        case .other: key = .message(issue.severity, issue.message)
        }
        if groups[key] == nil { order.append(key); groups[key] = Group(issue: issue, range: range) }
        groups[key]!.members.append(Member(line: line, message: issue.message, answer: answer))
    }

    /// One message per group (the original located line when the group has one member).
    func render() -> [(RecordIssue.Severity, String, Int)] {
        let store = StudyValidation.store
        return order.flatMap { key -> [(RecordIssue.Severity, String, Int)] in
            let g = groups[key]!
            let sev = g.issue.severity
            let tag = sev == .warning ? "warning: " : ""
            let lines = StudyValidation.lineList(g.members.map(\.line))
            switch key {
            case .changed(let inst, let version, _):
                guard g.members.count > 1, case .instrumentChanged(_, _, _, let now) = g.issue.kind else { break }
                return [(sev, "\(store): \(tag)instrument '\(inst)' changed since \(g.members.count) records were made (lines \(lines); "
                         + "version \(SafeText.line(version)) then, \(SafeText.line(now)) now; file hash differs)", g.members.count)]
            case .values(_, let item, _):
                if g.members.count <= StudyValidation.namedAnswers {
                    return g.members.map { (sev, "\(store):\($0.line): \(tag)\($0.message); analyses set it aside as missing", 1) }
                }
                let answers = g.members.compactMap(\.answer)
                let named = answers.prefix(10).map { "line \($0.line) = \(JSONWriter.number($0.value))" }.joined(separator: ", ")
                let more = answers.count > 10 ? ", … and \(answers.count - 10) more" : ""
                return [(sev, "\(store): \(tag)\(answers.count) answers to '\(item)' are \(g.range); analyses set them aside as missing: \(named)\(more)", answers.count)]
            case .message: break
            }
            if g.members.count == 1 { return [(sev, "\(store):\(g.members[0].line): \(tag)\(g.issue.message)", 1)] }
            return [(sev, "\(store): \(tag)\(g.issue.message) (\(g.members.count) records: lines \(lines))", g.members.count)]
        }
    }
}
