import Foundation
import WavesCore

/// The versions of each instrument that the store's records were made with (by hash), the
/// waves and record counts of each, and what changed between them (`InstrumentDiff`).
/// Read by `waves instruments diff`, `waves validate` and the analyses' notes.
public struct InstrumentVersions: Sendable {
    /// One version of one instrument as used by the store.
    public struct Version: Sendable {
        public var sha256: String
        /// The version string the records name.
        public var version: String
        /// Waves with records on this version, in study order.
        public var waves: [String]
        public var records: Int
        /// Earliest `submitted_at` (orders the versions).
        public var firstUsed: String
        /// The kept instrument, or why it cannot be read.
        public var instrument: Result<Instrument, InstrumentArchive.VersionProblem>
        /// Whether this is the current file's version.
        public var isCurrent: Bool
    }
    public struct Entry: Sendable {
        public var instrument: String
        /// Versions in order of first use; the current file's version last when no record uses it.
        public var versions: [Version]
        /// Changes between consecutive versions (`steps[i]` is from `versions[i]` to `versions[i + 1]`;
        /// nil when either cannot be read).
        public var steps: [[InstrumentChange]?]
    }
    /// A scale whose records were made with a version that scores differently from the current file.
    public struct Drift: Sendable, Equatable {
        public var instrument: String
        public var scale: String
        public var version: String
        public var sha256: String
        public var waves: [String]
        public var records: Int
        public var changes: [String]
        /// "scale S of instrument I: records at waves w1 (version 1.0.0, 12 records) were made with a version that differs
        /// from the current file in scoring: …".
        public var message: String {
            "scale '\(SafeText.line(scale))' of instrument '\(SafeText.line(instrument))': \(records) record(s) at wave(s) \(waves.joined(separator: ", ")) "
                + "were made with version \(SafeText.line(version)) (\(sha256.prefix(12))…), which scores differently from the current file: "
                + changes.joined(separator: "; ") + " (see `waves instruments diff`)"
        }
    }

    public var entries: [Entry]

    /// What `build` reads of one record: its instrument, version, hash, wave and submission time.
    public struct Use: Sendable {
        public var instrument: String
        public var version: String
        public var sha256: String
        public var wave: String
        public var submittedAt: String
        public init(instrument: String, version: String, sha256: String, wave: String, submittedAt: String) {
            self.instrument = instrument; self.version = version; self.sha256 = sha256; self.wave = wave; self.submittedAt = submittedAt
        }
        public init(_ r: ResponseRecord) {
            self.init(instrument: r.instrument.id, version: r.instrument.version, sha256: r.instrument.sha256, wave: r.wave, submittedAt: r.submittedAt)
        }
    }

    /// Groups `records` by instrument and hash and reads each version from the archive.
    public static func build(bundle: StudyBundle, records: [ResponseRecord], archive: InstrumentArchive) throws -> InstrumentVersions {
        try build(bundle: bundle, uses: records.lazy.map(Use.init), archive: archive)
    }

    /// As `build(bundle:records:archive:)`, from what each record contributes (for readers
    /// that keep no records, such as the streaming exports).
    public static func build<S: Sequence>(bundle: StudyBundle, uses records: S, archive: InstrumentArchive) throws -> InstrumentVersions where S.Element == Use {
        var tally = Tally()
        for r in records { tally.add(r) }
        return try tally.build(bundle: bundle, archive: archive)
    }

    /// What `build` gathers of the records, one at a time (for a reader that streams the store
    /// and keeps no record, such as `waves validate`): per instrument, each file hash in order
    /// of first use with the version its first record names, its waves, records and earliest
    /// `submitted_at`.
    public struct Tally: Sendable {
        struct Seen: Sendable { var version: String; var waves: [String]; var records: Int; var firstUsed: String }
        private var hashOrder: [String: [String]] = [:]
        /// Per instrument and file hash: its place in `seens`.
        private var seen: [String: [String: Int]] = [:]
        private var seens: [Seen] = []
        /// The instrument and hash of the last record added, with their place (records of one
        /// store mostly name one file, so the two-level lookup above is rarely needed).
        private var last: (instrument: String, sha256: String, index: Int)?

        public init() {}

        /// Adds a record, or `count` records alike in all `build` reads (their earliest
        /// `submitted_at` given), for a reader that gathers them first.
        public mutating func add(_ r: Use, count n: Int = 1) {
            let k: Int
            if let l = last, l.sha256 == r.sha256, l.instrument == r.instrument {
                k = l.index
            } else if let known = seen[r.instrument]?[r.sha256] {
                k = known
                last = (r.instrument, r.sha256, k)
            } else {
                hashOrder[r.instrument, default: []].append(r.sha256)
                seen[r.instrument, default: [:]][r.sha256] = seens.count
                last = (r.instrument, r.sha256, seens.count)
                seens.append(Seen(version: r.version, waves: [r.wave], records: n, firstUsed: r.submittedAt))
                return
            }
            seens[k].records += n
            if !seens[k].waves.contains(r.wave) { seens[k].waves.append(r.wave) }
            if r.submittedAt < seens[k].firstUsed { seens[k].firstUsed = r.submittedAt }
        }

        /// What was gathered for one instrument: its file hashes in order of first use, each with
        /// the version its first record names, its waves in order of first use, its records and
        /// its earliest `submitted_at`.
        func gathered(for instrument: String) -> [(sha256: String, seen: Seen)] {
            let found = seen[instrument] ?? [:]
            return (hashOrder[instrument] ?? []).map { ($0, seens[found[$0]!]) }
        }

        /// The versions of each instrument of `bundle`, each read from the archive.
        public func build(bundle: StudyBundle, archive: InstrumentArchive) throws -> InstrumentVersions {
            let waveOrder = Dictionary(uniqueKeysWithValues: bundle.study.waves.enumerated().map { ($1.id, $0) })
            var entries: [Entry] = []
            for inst in bundle.instruments {
                var versions = gathered(for: inst.id).map { h, s -> Version in
                    Version(sha256: h, version: s.version, waves: s.waves, records: s.records, firstUsed: s.firstUsed,
                                   instrument: .failure(.missing), isCurrent: h == inst.sha256)
                }.sorted { $0.firstUsed < $1.firstUsed }
                for i in versions.indices {
                    versions[i].waves.sort { (waveOrder[$0] ?? .max, $0) < (waveOrder[$1] ?? .max, $1) }
                    versions[i].instrument = versions[i].isCurrent ? .success(inst) : try archive.load(versions[i].sha256)
                }
                if !versions.contains(where: \.isCurrent) {
                    versions.append(Version(sha256: inst.sha256, version: inst.version, waves: [], records: 0, firstUsed: "",
                                            instrument: .success(inst), isCurrent: true))
                }
                var steps: [[InstrumentChange]?] = []
                for i in versions.indices.dropLast() {
                    if case .success(let a) = versions[i].instrument, case .success(let b) = versions[i + 1].instrument {
                        steps.append(InstrumentDiff.changes(from: a, to: b))
                    } else { steps.append(nil) }
                }
                entries.append(Entry(instrument: inst.id, versions: versions, steps: steps))
            }
            return InstrumentVersions(entries: entries)
        }
    }

    /// Scales whose records were made with a kept version that differs from the current file
    /// in anything that changes scores (not wording). Versions that are not kept cannot be
    /// compared and are not listed here (`waves instruments diff` names them).
    public func drifts(bundle: StudyBundle) -> [Drift] {
        var out: [Drift] = []
        for e in entries {
            guard let current = bundle.instrument(e.instrument) else { continue }
            for v in e.versions where !v.isCurrent && v.records > 0 {
                guard case .success(let old) = v.instrument else { continue }
                let scoring = InstrumentDiff.changes(from: old, to: current).filter { $0.kind == .scoring }
                for scale in current.scales.map(\.id) {
                    let hits = scoring.filter { $0.scales.contains(scale) }.map(\.text)
                    guard !hits.isEmpty else { continue }
                    out.append(Drift(instrument: e.instrument, scale: scale, version: v.version, sha256: v.sha256,
                                     waves: v.waves, records: v.records, changes: hits))
                }
            }
        }
        return out
    }
}
