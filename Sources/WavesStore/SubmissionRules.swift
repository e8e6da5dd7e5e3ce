import Foundation
import WavesCore

/// Which of several submissions for the same participant, wave and instrument counts.
///
/// The one rule: the latest `submitted_at`, compared as
/// UTF-8 text byte by byte (ISO 8601 UTC timestamps of one form order as text, and no
/// timestamp is reinterpreted), and on equal timestamps the later store line. Every reader
/// of the store (`StoreContents.latest()`, `InstrumentData`, `StudyIndex`) asks this type.
public enum LatestSubmission {
    /// Whether a submission made at `candidate`, read after one made at `current`, replaces it.
    @inline(__always)
    public static func replaces(_ candidate: String, _ current: String) -> Bool {
        // The bytes compared in place when both strings have them contiguous (as native strings
        // do): the generic sequence comparison was a visible share of a store scan.
        let inPlace: Bool?? = candidate.utf8.withContiguousStorageIfAvailable { a in
            current.utf8.withContiguousStorageIfAvailable { b in replaces(a, b) }
        }
        if let known = inPlace ?? nil { return known }
        return !candidate.utf8.lexicographicallyPrecedes(current.utf8)
    }

    /// The same rule for a latest time stamp kept in `PackedStrings`.
    @inline(__always)
    public static func replaces(_ candidate: String, _ stamps: PackedStrings, _ i: Int) -> Bool {
        stamps.withUTF8(i) { b in
            let inPlace: Bool? = candidate.utf8.withContiguousStorageIfAvailable { a in replaces(a, b) }
            return inPlace ?? !candidate.utf8.lexicographicallyPrecedes(b)
        }
    }

    /// The rule on the two time stamps' UTF-8 bytes: the candidate replaces unless it sorts
    /// strictly before (byte order; a later submission with the same time replaces).
    @inline(__always)
    static func replaces(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = min(a.count, b.count)
        let order = n == 0 ? 0 : memcmp(a.baseAddress!, b.baseAddress!, n)
        return order != 0 ? order > 0 : a.count >= b.count
    }
}

/// Whose role a participant has.
///
/// The one rule: the roster's role when the study has a roster entry for the participant;
/// otherwise the role named by the participant's latest submission (by `LatestSubmission`,
/// over every wave and instrument) that names one; otherwise unknown. A record's own role
/// (for a row that describes that record) is the roster's, else the record's.
public enum RolePrecedence {
    /// The role for a row describing one record.
    public static func role(roster: String?, recorded: String?) -> String? { roster ?? recorded }

    /// The role for a row describing several records of one participant (a wide export row):
    /// the roster's, else the one the latest of them (`LatestSubmission`) names.
    public static func role(roster: String?, records: [(role: String?, submittedAt: String)]) -> String? {
        if let roster { return roster }
        var best: (stamp: String, role: String)?
        for r in records {
            guard let role = r.role else { continue }
            if let b = best, !LatestSubmission.replaces(r.submittedAt, b.stamp) { continue }
            best = (r.submittedAt, role)
        }
        return best?.role
    }

    /// The role named by one participant's latest submission seen so far (for callers that keep
    /// one per participant in their own storage, e.g. an array by participant index).
    public struct Latest: Sendable {
        public private(set) var role: String?
        /// The `submitted_at` of the submission that named `role` ("" before one did).
        public private(set) var stamp = ""
        public init() {}
        /// What was seen before (kept in a derived cache, to go on from it).
        public init(role: String?, stamp: String) { self.role = role; self.stamp = stamp }

        /// Notes a record's role (records without one are passed over).
        @inline(__always)
        public mutating func see(role: String?, submittedAt: String) {
            guard let role else { return }
            if self.role != nil, !LatestSubmission.replaces(submittedAt, stamp) { return }
            self.role = role
            stamp = submittedAt
        }
    }

    /// Collects, in one pass in store order, the role each participant's latest submission names.
    public struct Tracker: Sendable {
        private var latest: [String: Latest] = [:]
        public init() {}

        /// Notes a record's role (records without one are passed over).
        public mutating func see(participant: String, role: String?, submittedAt: String) {
            guard role != nil else { return }
            latest[participant, default: Latest()].see(role: role, submittedAt: submittedAt)
        }

        /// The participant's role: the roster's, else the latest recorded one.
        public func role(of participant: String, roster: Roster?) -> String? {
            roster?.role(of: participant) ?? latest[participant]?.role
        }

        /// What has been seen of the participant's roles so far, handed over (and forgotten
        /// here) to a caller that keeps it from now on in its own storage (`StudyIndex`: by
        /// participant number once it numbers them).
        public mutating func take(_ participant: String) -> Latest {
            latest.removeValue(forKey: participant) ?? Latest()
        }

        /// Everything seen, by participant in byte order (kept in a derived cache, to go on from it).
        public var entries: [(participant: String, latest: Latest)] {
            latest.map { ($0.key, $0.value) }.sorted { $0.participant.utf8.lexicographicallyPrecedes($1.participant.utf8) }
        }

        /// A tracker that goes on from `entries`.
        public init(entries: [(participant: String, latest: Latest)]) {
            latest = Dictionary(entries.map { ($0.participant, $0.latest) }, uniquingKeysWith: { _, b in b })
        }
    }
}
