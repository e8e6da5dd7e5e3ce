import Foundation
import WavesCore

/// One problem of a stored record, with what is needed to group repeated ones.
public struct RecordIssue: Sendable, Equatable {
    public enum Severity: Sendable, Equatable { case error, warning }
    public enum Kind: Sendable, Equatable {
        /// The instrument file changed since the record was made (recorded version and hash).
        case instrumentChanged(instrument: String, version: String, sha256: String, versionNow: String)
        /// An answer the item's rules reject (`AnswerRules`).
        case answer(item: String, AnswerProblem)
        /// Anything else; repeated ones are grouped by their message.
        case other
    }
    public var severity: Severity
    public var kind: Kind
    /// The plain-language message for one record.
    public var message: String

    public init(_ severity: Severity, _ kind: Kind = .other, _ message: String) {
        self.severity = severity; self.kind = kind; self.message = message
    }
}

/// Checks a stored record against the study: known wave, instrument, participant,
/// role, items and values (values by `AnswerRules`, the rule every part of Waves uses).
public enum RecordValidator {
    /// Plain-language problems (empty when fine) and warnings of one record.
    public static func check(_ r: ResponseRecord, bundle: StudyBundle) -> (errors: [String], warnings: [String]) {
        let all = issues(r, bundle: bundle)
        return (all.filter { $0.severity == .error }.map(\.message), all.filter { $0.severity == .warning }.map(\.message))
    }

    /// Every problem of one record, errors and warnings, in a stable order.
    public static func issues(_ r: ResponseRecord, bundle: StudyBundle) -> [RecordIssue] {
        var out: [RecordIssue] = []
        func error(_ m: String) { out.append(RecordIssue(.error, .other, m)) }
        func warning(_ m: String) { out.append(RecordIssue(.warning, .other, m)) }
        let study = bundle.study
        let who = SafeText.line(r.participant)
        if r.study != study.id { error("record is for study '\(SafeText.line(r.study))', not '\(SafeText.line(study.id))'") }
        if study.wave(r.wave) == nil { error("unknown wave '\(SafeText.line(r.wave))'") }
        guard let inst = bundle.instrument(r.instrument.id) else {
            error("unknown instrument '\(SafeText.line(r.instrument.id))'")
            return out
        }
        if r.instrument.sha256 != inst.sha256 {
            out.append(RecordIssue(.warning, .instrumentChanged(instrument: inst.id, version: r.instrument.version, sha256: r.instrument.sha256, versionNow: inst.version),
                                   "instrument '\(inst.id)' changed since this answer was given (version \(SafeText.line(r.instrument.version)) then, \(SafeText.line(inst.version)) now; file hash differs)"))
        }
        if let roster = bundle.roster {
            if let role = roster.role(of: r.participant) {
                if let rr = r.role, rr != role { warning("role '\(SafeText.line(rr))' in the record differs from the roster's '\(role)' for \(who)") }
            } else { error("participant '\(who)' is not in the roster") }
        } else if r.role == nil {
            error("no role for '\(who)' (the study has no roster)")
        }
        if let role = r.role, !study.roles.contains(role) { error("unknown role '\(SafeText.line(role))'") }
        if !["terminal", "plain", "import"].contains(r.mode) { warning("unknown mode '\(SafeText.line(r.mode))'") }
        for a in r.answers {
            guard let item = inst.item(a.id) else { error("answer to unknown item '\(SafeText.line(a.id))'"); continue }
            if let p = AnswerRules.problem(a.value, for: item) {
                out.append(RecordIssue(.error, .answer(item: item.id, p), p.message(item: item.id)))
            }
        }
        for d in r.declined {
            guard let item = inst.item(d) else { error("declined unknown item '\(SafeText.line(d))'"); continue }
            if !item.allowsDecline { warning("'\(d)' is marked declined but does not offer 'Prefer not to answer'") }
            if let a = r.answer(d), !a.isMissing { error("'\(d)' is marked declined but holds an answer") }
        }
        // Errors first, then warnings, as `waves validate` has always listed them.
        return out.filter { $0.severity == .error } + out.filter { $0.severity == .warning }
    }
}
