import Foundation
import WavesCore
import WavesStore

/// A derived copy of one instrument's `InstrumentData` under `data/`, so that the next analysis
/// of an unchanged store does not read the store again (issue 14).
///
/// Never stale. The file records the identity (`FileIdentity`: device, inode, size,
/// modification and status-change times to the nanosecond) of the store and of the import log
/// as they were both before and after the scan that made it, and a hash of everything else the
/// columns depend on: the instrument file's SHA-256, `study.yaml`'s bytes, the study's waves,
/// the roster's participants and roles, and `version` (the rules in code). It is used only when
/// all of them are equal now. Any write to the store (an append too), a truncation, a
/// replacement or another file at its path changes the identity; after an append the cached
/// columns are extended with the new lines alone (`extended`), and after anything else they are
/// read from the store again (and the cache rewritten). It is not written when the store or the
/// import log changed during the scan or less than `settle` seconds before it was written (a
/// change in the same clock tick could keep the times), nor for an instrument without a file
/// hash. Written through `AtomicFile` (whole or not at all) with the store's mode, 0600, and
/// ending with a checksum of its content (`CacheChecksum`, XXH3-128); a cache that cannot be
/// read, does not end where it should or does not match its checksum (changed by hand or by a
/// bad disk) is ignored. The matrix is used in place, mapped from the file (`AnswerValues`,
/// `CacheReader.mappedDoubles`), or, when it cannot be mapped, read into an array that is not
/// zeroed first (`CacheReader.doubles`).
/// `WAVES_CACHE=off` turns it off.
///
/// The frame (identities, key, trailer, digest, atomic write) is `DerivedCache`, shared with
/// the store index's cache (`StudyIndex+Cache.swift`).
struct ColumnCache {
    /// Raise when a rule the columns depend on changes (scoring, set-aside, latest submission, roles).
    /// 2: the matrix starts at a multiple of 64 bytes in the file, so that it is used in place.
    /// 3: the loader's progress after the columns (`InstrumentData.Loader.Progress`), to extend them.
    static let version = 3
    /// Seconds a change must lie in the past before a cache of it is written (`DerivedCache.settle`).
    static var settle: Double { DerivedCache.settle }

    /// Where the matrix starts in the file: a multiple of this many bytes (a Double's alignment
    /// at least; a cache line), so that `CacheReader.mappedDoubles` can use it in place.
    static let matrixAlignment = 64

    let frame: DerivedCache
    let bundle: StudyBundle
    let instrument: Instrument

    /// The cache of `instrument`, or nil when it is off or cannot apply.
    init?(bundle: StudyBundle, instrument: Instrument) {
        guard !instrument.sha256.isEmpty else { return nil }
        let name = "columns-" + ContentHash.sha256Hex(Array(instrument.id.utf8)).prefix(16) + ".cache"
        let k = "version \(Self.version)\ninstrument \(instrument.id) \(instrument.sha256)\n" + DerivedCache.studyKey(bundle)
        guard let frame = DerivedCache(bundle: bundle, name: name, kind: "COLUMNS", key: k) else { return nil }
        self.frame = frame
        self.bundle = bundle
        self.instrument = instrument
    }

    /// The identities of the store and the import log now.
    func identities() -> [FileIdentity?] { frame.identities() }

    /// The cache's file name under `data/`.
    var name: String { frame.name }

    // MARK: Reading

    /// Whether the cache exists and matches the store and the study now (its head only: `read`
    /// still checks the whole file).
    var isFresh: Bool { frame.open() != nil }

    /// Whether `extended` will probably give the columns (`DerivedCache.couldExtend`).
    var couldExtend: Bool { frame.couldExtend }

    /// The cached columns, when the cache exists, is whole, and matches the store and the study now.
    func read() -> InstrumentData? {
        guard var r = frame.open() else { return nil }
        return try? decode(&r, progress: false).data
    }

    /// The columns of the store as it is now, from a cache of a prefix of it and a scan of only
    /// the lines appended since (`DerivedCache.openExtending`: the same store file, its prefix's
    /// checksum unchanged, the import log unchanged), and the cache rewritten to cover them;
    /// nil when the cache cannot be extended (the caller then reads the whole store). The
    /// cached problems of lines after the prefix (a torn last line, which may have been
    /// completed since) are dropped; those lines are read again.
    ///
    /// The cache is rewritten only when the lines read after it are many, or none
    /// (`DerivedCache.Extension.worthRewriting`).
    func extended() throws -> InstrumentData? {
        let before = identities()
        guard var x = frame.openExtending(),
              let (cached, progress) = try? decode(&x.reader, progress: true, extraRows: x.appendedLinesAtMost), let progress else { return nil }
        let prefixProblems = x.prefixProblems(cached.problems)
        // The loader holds the only reference to the columns: a second would copy the matrix at its first change.
        guard var loader = InstrumentData.Loader(bundle: bundle, instrument: instrument, resuming: consume cached, progress: progress) else { return nil }
        let columns = loader.d.items.map(\.id)
        let store = ResponseStore(url: bundle.study.storeURL)
        let problems = try store.scanColumns(ColumnRequest(columns: [instrument.id: columns]), span: x.span) { row, line in
            loader.add(row, line: line)
        }
        guard x.importsUnchanged else { return nil }
        let d = loader.finish(problems: prefixProblems + problems)
        if x.worthRewriting { write(d, before: before, extent: x.extentNow, progress: loader.progress) }
        return d
    }

    /// The columns and, with `progress`, what the loader needs to go on (nil when the cache
    /// holds none: written by a loader without time stamps). With `progress` the matrix is read
    /// into an array with room for `extraRows` more participants (it will change), else used
    /// in place.
    private func decode(_ r: inout CacheReader, progress wanted: Bool, extraRows: Int = 0) throws
        -> (data: InstrumentData, progress: InstrumentData.Loader.Progress?) {
        var d = InstrumentData(instrument: instrument, waves: bundle.study.waves, roster: nil)
        let P = try r.count(), W = try r.int(), K = try r.int()
        // Nothing is allocated beyond what the file can hold (a damaged count must not ask for
        // terabytes before the digest is checked).
        guard W == d.waves.count, K == d.items.count, P.multipliedReportingOverflow(by: max(W * K * 8, 1)).partialValue <= r.fileSize,
              !P.multipliedReportingOverflow(by: max(W * K * 8, 1)).overflow else { throw CacheReader.Bad() }
        d.participants = try (0..<P).map { _ in try r.string() }
        d.roles = try (0..<P).map { _ in try r.int() == 1 ? try r.string() : nil }
        try r.align(to: Self.matrixAlignment)
        if wanted {
            // At most the room a scan's loader would reserve (`Loader.reservableRows`).
            let room = (P + min(max(0, extraRows), InstrumentData.Loader.reservableRows(waves: W, items: K))) * W * K
            d.values = AnswerValues(try r.doubles(P * W * K, capacity: room))
        } else {
            d.values = try r.mappedDoubles(P * W * K) ?? AnswerValues(try r.doubles(P * W * K))
        }
        let present = try r.bytes(P * W)
        d.present = present.map { $0 == 1 }
        d.duplicateCount = try r.int()
        d.problems = try r.problems()
        var setAside: [Int: [SetAsideAnswer]] = [:]
        for _ in 0..<(try r.count()) {
            let cell = try r.int()
            let a = SetAsideAnswer(line: try r.int(), participant: try r.string(), wave: try r.string(), instrument: try r.string(),
                                   item: try r.string(), value: try r.double())
            setAside[cell, default: []].append(a)
        }
        d.setAsideByCell = setAside
        let progress = try r.section(wanted: wanted) { r in
            var stamps = PackedStrings(repeatingEmpty: P * W)
            for i in 0..<(P * W) { try r.string(into: &stamps, at: i) }
            // Each takes at least four 8-byte fields.
            let n = try r.count(eachAtLeast: 32)
            var participants: [(id: String, row: Int, latest: RolePrecedence.Latest)] = []
            participants.reserveCapacity(n)
            for _ in 0..<n { participants.append((try r.string(), try r.int(), try r.latest())) }
            return InstrumentData.Loader.Progress(stamps: stamps, participants: participants)
        }
        try frame.finish(&r)
        return (d, progress)
    }

    // MARK: Writing

    /// Writes the cache of `d`, read from a store whose identities were `before` at the start
    /// of the scan and whose complete lines read are `extent`, with the loader's `progress` (both
    /// nil: the cache is not extended later); nothing is written when the identities changed
    /// since, or changed too recently.
    func write(_ d: InstrumentData, before: [FileIdentity?], extent: StoreExtent?, progress: InstrumentData.Loader.Progress?) {
        frame.write(before: before, extent: progress == nil ? nil : extent) { w in
            try w.int(d.participants.count); try w.int(d.waves.count); try w.int(d.items.count)
            for p in d.participants { try w.string(p) }
            for role in d.roles { try w.optionalString(role) }
            try w.align(to: Self.matrixAlignment)
            try w.flush()
            try d.values.withUnsafeBytes { try w.direct($0) }
            try w.bytes(d.present.map { $0 ? 1 : 0 })
            try w.int(d.duplicateCount)
            try w.problems(d.problems)
            let aside = d.setAsideByCell.sorted { $0.key < $1.key }.flatMap { cell, list in list.map { (cell, $0) } }
            try w.int(aside.count)
            for (cell, a) in aside {
                try w.int(cell); try w.int(a.line); try w.string(a.participant); try w.string(a.wave)
                try w.string(a.instrument); try w.string(a.item); try w.double(a.value)
            }
            // A section: a load of the unchanged store steps over it.
            try w.section(progress.map { progress in { w in
                for i in 0..<progress.stamps.count { try progress.stamps.withUTF8(i) { try w.string(bytes: $0) } }
                try w.int(progress.participants.count)
                for p in progress.participants { try w.string(p.id); try w.int(p.row); try w.latest(p.latest) }
            } })
        }
    }
}
