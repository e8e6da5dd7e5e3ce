import Foundation
import XCTest
import WavesAnalysis
@testable import WavesCoding
import WavesCore
@testable import WavesStore

// The whole-store `waves validate` as it was before it streamed (session 4): every record read
// into memory, `StoreContents.latest()` for duplicates, `StudyData` for the coding checks, the
// issue groups keeping every member and `InstrumentVersions.build` reading every record per
// instrument. `StreamedValidationTests` holds the streaming pass to the same output.
struct OldValidation {
    var messages: [String] = []
    var summary: [String] = []
    var errors = 0
    var warnings = 0
    let store = "data/responses.jsonl"

    static func run(folders: StudyFolders) throws -> OldValidation {
        var v = OldValidation()
        let bundle: StudyBundle
        do { bundle = try StudyLoader.load(folders: folders) } catch let e as LoadError {
            v.messages = e.problems.map(\.description)
            v.errors = e.problems.filter { $0.severity == .error }.count
            v.messages.append("\(v.errors) error(s) in the study definition; nothing else was checked.")
            return v
        }
        try v.check(bundle) { bundle, contents in CodingValidation.check(StudyData(bundle: bundle, contents: contents)) }
        return v
    }

    mutating func check(_ bundle: StudyBundle, more: (StudyBundle, StoreContents) throws -> [Problem]) throws {
        messages += bundle.warnings.map(\.description)
        warnings = bundle.warnings.count
        var records: [StoredRecord] = []
        let problems = try ResponseStore(url: bundle.study.storeURL).scan { r, line in records.append(StoredRecord(record: r, line: line)) }
        messages += problems.map(\.description)
        errors += problems.count
        // The hash chain (`waves verify`): a break is an error; a round-1 prefix without
        // `prev` is a note (not counted); a torn last line is already reported above.
        let chain = try HashChain.verify(ResponseStore(url: bundle.study.storeURL))
        if let b = chain.firstBreak {
            if problems.contains(where: { $0.line == b.line }) {
                // The unreadable line is already an error; say that the chain breaks there too.
                messages.append("\(store):\(b.line): the hash chain breaks at this unreadable line (see `waves verify`)")
            } else {
                messages.append("\(store):\(b.line): the hash chain breaks here: \(b.reason) (see `waves verify`)")
                errors += 1
            }
        }
        if let start = chain.chainStartsAt {
            messages.append("\(store): note: no hash chain before line \(start) (records written before Waves kept \"prev\")")
        }
        var groups = OldIssueGroups()
        for s in records {
            for issue in RecordValidator.issues(s.record, bundle: bundle) { groups.add(issue, line: s.line, record: s.record, bundle: bundle) }
        }
        // Counts are of problems found, not of lines shown (a grouped line stands for several).
        for (severity, text, count) in groups.render() {
            messages.append(text)
            if severity == .error { errors += count } else { warnings += count }
        }
        // Versions of a scale's instrument that score differently from the current file.
        do {
            let versions = try Self.oldVersions(bundle: bundle, records: records.map(\.record),
                                                        archive: InstrumentArchive(store: ResponseStore(url: bundle.study.storeURL)))
            for d in versions.drifts(bundle: bundle) { messages.append("\(store): warning: \(d.message)"); warnings += 1 }
        } catch {
            messages.append("data/instruments: warning: the kept instrument versions cannot be read: \(SafeText.line(error.localizedDescription))"); warnings += 1
        }
        let contents = StoreContents(records: records, problems: problems)
        let dups = contents.latest().duplicates
        for d in dups { messages.append("\(store): warning: duplicate submission: \(SafeText.line(d.description))"); warnings += 1 }
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

    static func lineList(_ lines: [Int], limit: Int = 8) -> String {
        var runs: [(Int, Int)] = []
        for l in lines.sorted() {
            if let last = runs.last, l == last.1 + 1 { runs[runs.count - 1].1 = l } else if runs.last?.1 != l { runs.append((l, l)) }
        }
        let parts = runs.prefix(limit).map { $0.0 == $0.1 ? "\($0.0)" : "\($0.0)–\($0.1)" }
        return parts.joined(separator: ", ") + (runs.count > limit ? ", …" : "")
    }

    static func oldVersions(bundle: StudyBundle, records: [ResponseRecord], archive: InstrumentArchive) throws -> InstrumentVersions {
        let waveOrder = Dictionary(uniqueKeysWithValues: bundle.study.waves.enumerated().map { ($1.id, $0) })
        var entries: [InstrumentVersions.Entry] = []
        for inst in bundle.instruments {
            var byHash: [String: InstrumentVersions.Version] = [:]
            var order: [String] = []
            for r in records where r.instrument.id == inst.id {
                let h = r.instrument.sha256
                if byHash[h] == nil {
                    order.append(h)
                    byHash[h] = InstrumentVersions.Version(sha256: h, version: r.instrument.version, waves: [], records: 0, firstUsed: r.submittedAt,
                                                           instrument: .failure(.missing), isCurrent: h == inst.sha256)
                }
                byHash[h]!.records += 1
                if !byHash[h]!.waves.contains(r.wave) { byHash[h]!.waves.append(r.wave) }
                if r.submittedAt < byHash[h]!.firstUsed { byHash[h]!.firstUsed = r.submittedAt }
            }
            var versions = order.map { byHash[$0]! }.sorted { $0.firstUsed < $1.firstUsed }
            for i in versions.indices {
                versions[i].waves.sort { (waveOrder[$0] ?? .max, $0) < (waveOrder[$1] ?? .max, $1) }
                versions[i].instrument = versions[i].isCurrent ? .success(inst) : try archive.load(versions[i].sha256)
            }
            if !versions.contains(where: \.isCurrent) {
                versions.append(InstrumentVersions.Version(sha256: inst.sha256, version: inst.version, waves: [], records: 0, firstUsed: "",
                                                           instrument: .success(inst), isCurrent: true))
            }
            var steps: [[InstrumentChange]?] = []
            for i in versions.indices.dropLast() {
                if case .success(let a) = versions[i].instrument, case .success(let b) = versions[i + 1].instrument {
                    steps.append(InstrumentDiff.changes(from: a, to: b))
                } else { steps.append(nil) }
            }
            entries.append(InstrumentVersions.Entry(instrument: inst.id, versions: versions, steps: steps))
        }
        return InstrumentVersions(entries: entries)
    }
}

/// Record issues collected in order of first appearance, grouped by cause.
struct OldIssueGroups {
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
        let store = "data/responses.jsonl"
        return order.flatMap { key -> [(RecordIssue.Severity, String, Int)] in
            let g = groups[key]!
            let sev = g.issue.severity
            let tag = sev == .warning ? "warning: " : ""
            let lines = OldValidation.lineList(g.members.map(\.line))
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
