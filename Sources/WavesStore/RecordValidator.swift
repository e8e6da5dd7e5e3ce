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
        Checker(bundle).issues(r)
    }

    /// The ways a record may reach the survey (`via`).
    static let knownVias: Set<String> = ["terminal", "kiosk", "ssh", "import"]

    /// The study's rules made ready once for many records (`waves validate` checks every line of
    /// the store with one, on every decoding thread): waves and instruments by id, and per
    /// instrument the position of each item id, so that a record's answers, which follow the
    /// instrument's order, are found in place instead of by a search per answer.
    public struct Checker: Sendable {
        public let bundle: StudyBundle
        /// The study's waves and instrument files by place (a clean line's `CountedKeys`).
        public let places: StudyPlaces
        /// The first instrument with each id (as `StudyBundle.instrument(_:)` finds it).
        private let instruments: [String: Int]
        /// Per instrument: the first position of each item id (as `Instrument.item(_:)` finds it).
        private let positions: [[String: Int]]
        /// Per instrument: whether the item at each position is the first with its id.
        private let firsts: [[Bool]]

        public init(_ bundle: StudyBundle) {
            self.bundle = bundle
            places = StudyPlaces(bundle)
            var byID: [String: Int] = [:]
            for (k, inst) in bundle.instruments.enumerated() where byID[inst.id] == nil { byID[inst.id] = k }
            instruments = byID
            positions = bundle.instruments.map { inst in
                var out: [String: Int] = [:]
                for (k, item) in inst.items.enumerated() where out[item.id] == nil { out[item.id] = k }
                return out
            }
            firsts = zip(bundle.instruments, positions).map { inst, position in inst.items.indices.map { position[inst.items[$0].id] == $0 } }
            rules = bundle.instruments.map { $0.items.map(AnswerRule.init) }
            roles = Set(bundle.study.roles)
            plan = RecordFastDecoder.Plan(bundle.instruments.map { ($0.id, $0.items.map(\.id)) })
        }

        /// Whether a record read by the fast path has no problem at all: `issues` of the same
        /// record (the strict decoder's) would be empty. Only then may it skip the strict decoder;
        /// a record with any problem, warning or error, is read and checked by the strict path,
        /// which words the messages (`ParallelValidationTests` holds the two to each other).
        public func isClean(_ r: FastRecord) -> Bool {
            let ii = r.instrumentIndex
            // The plan and `instruments` both take the first instrument with an id.
            guard ii >= 0, instruments[r.instrument.id] == ii else { return false }
            guard r.study == bundle.study.id, places.wave(r.wave) != nil, r.instrument.sha256 == bundle.instruments[ii].sha256 else { return false }
            if let roster = bundle.roster {
                guard let role = roster.role(of: r.participant) else { return false }
                if let rr = r.role, rr != role { return false }
            } else if r.role == nil {
                return false
            }
            if let role = r.role, !roles.contains(role) { return false }
            guard RecordMode(rawValue: r.mode) != nil else { return false }
            if let v = r.via, !RecordValidator.knownVias.contains(v) { return false }
            let rule = rules[ii]
            for a in r.answers where !rule[a.position].accepts(a.value) { return false }
            if !r.declined.isEmpty {
                let position = positions[ii]
                for d in r.declined {
                    guard let k = position[d], rule[k].allowsDecline else { return false }
                    // The answer to a declined item, if shown, must be missing (positions are distinct).
                    if r.answers.contains(where: { $0.position == k && !$0.value.isMissing }) { return false }
                }
            }
            // The optional keys the fast path reads (`ResponseRecord.optionalKeyProblems`; `prev` is a digest already).
            if let l = r.language, l.isEmpty { return false }
            if let d = r.durationMs, !(d >= 0) { return false }
            // `timings` and `dont_know` (lines made by `waves take`): their rules are those of the
            // strict record's checks, asked of the same record rebuilt from the fast one (without
            // the strict decoder's parsing).
            if r.timings != nil || r.dontKnow != nil { return issues(r.record(items: plan.itemIDs(ii))).isEmpty }
            return true
        }

        /// The position in `bundle.instruments` of the instrument with this id.
        public func instrumentIndex(_ id: String) -> Int? { instruments[id] }

        /// Per instrument and item: what `AnswerRules.problem` accepts, made ready for the fast
        /// path (`isClean`), so that no `Item` is copied per answer.
        private let rules: [[AnswerRule]]
        /// The study's roles, and the modes and ways of reaching the survey this version knows.
        private let roles: Set<String>
        /// The instruments as the fast decoder matches answers: item ids in order (`RecordFastDecoder.Plan`).
        public let plan: RecordFastDecoder.Plan

        /// Every problem of one record, errors and warnings, in a stable order
        /// (`RecordValidator.issues`).
        public func issues(_ r: ResponseRecord) -> [RecordIssue] {
            var out: [RecordIssue] = []
            func error(_ m: String) { out.append(RecordIssue(.error, .other, m)) }
            func warning(_ m: String) { out.append(RecordIssue(.warning, .other, m)) }
            func who() -> String { SafeText.line(r.participant) }
            if r.study != bundle.study.id { error("record is for study '\(SafeText.line(r.study))', not '\(SafeText.line(bundle.study.id))'") }
            if places.wave(r.wave) == nil { error("unknown wave '\(SafeText.line(r.wave))'") }
            guard let ii = instruments[r.instrument.id] else {
                error("unknown instrument '\(SafeText.line(r.instrument.id))'")
                return out
            }
            let inst = bundle.instruments[ii]
            if r.instrument.sha256 != inst.sha256 {
                out.append(RecordIssue(.warning, .instrumentChanged(instrument: inst.id, version: r.instrument.version, sha256: r.instrument.sha256, versionNow: inst.version),
                                       "instrument '\(inst.id)' changed since this answer was given (version \(SafeText.line(r.instrument.version)) then, \(SafeText.line(inst.version)) now; file hash differs)"))
            }
            if let roster = bundle.roster {
                if let role = roster.role(of: r.participant) {
                    if let rr = r.role, rr != role { warning("role '\(SafeText.line(rr))' in the record differs from the roster's '\(role)' for \(who())") }
                } else { error("participant '\(who())' is not in the roster") }
            } else if r.role == nil {
                error("no role for '\(who())' (the study has no roster)")
            }
            if let role = r.role, !bundle.study.roles.contains(role) { error("unknown role '\(SafeText.line(role))'") }
            if r.recordMode == nil { warning("unknown mode '\(SafeText.line(r.mode))'") }
            if let v = r.via, !RecordValidator.knownVias.contains(v) { warning("unknown via '\(SafeText.line(v))'") }
            let items = inst.items, position = positions[ii], first = firsts[ii]
            // The item each answer is to: at the position after the last one's when the record
            // follows the instrument's order (and that position is the id's first), else looked up.
            var next = 0
            for a in r.answers {
                let k: Int
                if next < items.count, first[next], items[next].id == a.id { k = next }
                else if let p = position[a.id] { k = p }
                else { error("answer to unknown item '\(SafeText.line(a.id))'"); continue }
                next = k + 1
                if let p = AnswerRules.problem(a.value, for: items[k]) {
                    out.append(RecordIssue(.error, .answer(item: items[k].id, p), p.message(item: items[k].id)))
                }
            }
            let dontKnow = r.extra.isEmpty ? [] : r.dontKnow
            // The first answer to each item, by item position (`ResponseRecord.answer`), built
            // only for a record that marks items declined or "Don't know".
            var answerAt: [Int] = []
            if !r.declined.isEmpty || !dontKnow.isEmpty {
                answerAt = [Int](repeating: -1, count: items.count)
                for (j, a) in r.answers.enumerated() {
                    if let p = position[a.id], answerAt[p] < 0 { answerAt[p] = j }
                }
            }
            func holdsAnswer(_ k: Int) -> Bool { answerAt[k] >= 0 && !r.answers[answerAt[k]].value.isMissing }
            for d in r.declined {
                guard let k = position[d] else { error("declined unknown item '\(SafeText.line(d))'"); continue }
                if !items[k].allowsDecline { warning("'\(d)' is marked declined but does not offer 'Prefer not to answer'") }
                if holdsAnswer(k) { error("'\(d)' is marked declined but holds an answer") }
            }
            // Round-2 optional keys (docs/integrity.md): their types, and "Don't know" like "Prefer not to answer".
            if !r.extra.isEmpty { for p in r.optionalKeyProblems { error(p) } }
            for d in dontKnow {
                guard let k = position[d] else { error("\"Don't know\" for unknown item '\(SafeText.line(d))'"); continue }
                if !items[k].allowsDontKnow { warning("'\(d)' is marked \"Don't know\" but does not offer it (allow_dont_know)") }
                if holdsAnswer(k) { error("'\(d)' is marked \"Don't know\" but holds an answer") }
                if r.declined.contains(d) { error("'\(d)' is marked both declined and \"Don't know\"") }
            }
            // Errors first, then warnings, as `waves validate` has always listed them.
            if !out.contains(where: { $0.severity == .warning }) { return out }
            return out.filter { $0.severity == .error } + out.filter { $0.severity == .warning }
        }
    }
}

/// What `AnswerRules.problem` accepts for one item, without the item: `accepts(a)` is
/// `AnswerRules.problem(a, for: item) == nil` (`ParallelValidationTests`).
struct AnswerRule: Sendable {
    private enum Kind: Sendable { case options, finite, number, text, note }
    private let kind: Kind
    private let options: [Double]
    /// The options as bits, when every one is a whole number from 0 to 63 (the usual scale):
    /// bit k set when k is an option. Zero when some option is not, and `options` is searched.
    private let optionBits: UInt64
    private let min: Double?, max: Double?
    private let range: ClosedRange<Double>
    let allowsDecline: Bool

    init(_ item: Item) {
        switch item.type {
        case .likert, .choice: kind = item.responseSet == nil ? .finite : .options
        case .number: kind = .number
        case .text: kind = .text
        case .note: kind = .note
        }
        options = item.responseSet?.options.map(\.value) ?? []
        var bits: UInt64 = 0
        for o in options {
            guard o >= 0, o < 64, o == o.rounded() else { bits = 0; break }
            bits |= 1 << UInt64(o)
        }
        optionBits = bits
        min = item.min; max = item.max
        range = AnswerRules.numberRange(of: item)
        allowsDecline = item.allowsDecline
    }

    @inline(__always)
    func accepts(_ a: Answer) -> Bool {
        switch a {
        case .missing: return true
        case .text: return kind == .text
        case .number(let v):
            switch kind {
            case .options:
                // A whole number from 0 to 63 is an option exactly when its bit is set (-0 is 0).
                // (`Int(v)` truncates; equal to `v` exactly when `v` is whole: no call to `rounded()` per answer.)
                if optionBits != 0 && v >= 0 && v < 64, Double(Int(v)) == v { return optionBits & (1 << UInt64(v)) != 0 }
                return options.contains(v)
            case .finite: return v.isFinite
            case .number:
                guard v.isFinite else { return false }
                if let lo = min, v < lo { return false }
                if let hi = max, v > hi { return false }
                return range.contains(v)
            case .text, .note: return false
            }
        }
    }
}
