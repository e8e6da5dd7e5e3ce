import Foundation
import WavesCore
import WavesStore

/// A derived copy of the store's `StudyIndex` under `data/`, so that the next report, `status`
/// or `flow` on an unchanged store does not read the store again (issue 14).
///
/// Never stale, by the rules of `DerivedCache` (the store's and the import log's identities,
/// trailer, digest, atomic write with mode 0600, `WAVES_CACHE=off`; extended after an append,
/// `extended`). Its key holds everything
/// else the index depends on: `version` (the rules in code: latest submission, roles, what
/// counts), every instrument's id and file hash in study order (which items are text), the
/// study file, waves and roster (`DerivedCache.studyKey`), and whether free texts are kept;
/// with and without texts are two files, so `status` and the report do not replace each
/// other's. Not used when an instrument has no file hash.
struct IndexCache {
    /// Raise when a rule the index depends on changes.
    /// 2: the participant, wave and instrument of records of waves or instruments the study
    /// does not define (`StudyIndex.forEachSubmission`, for `waves status`).
    /// 3: the roles seen (`StudyIndex.RolesSeen`) after the index, to extend it.
    static let version = 3

    let frame: DerivedCache
    let bundle: StudyBundle
    let collectText: Bool

    init?(bundle: StudyBundle, collectText: Bool) {
        guard bundle.instruments.allSatisfy({ !$0.sha256.isEmpty }) else { return nil }
        var k = "version \(Self.version)\ntexts \(collectText)\n"
        for inst in bundle.instruments { k += "instrument \(inst.id) \(inst.sha256)\n" }
        k += DerivedCache.studyKey(bundle)
        guard let frame = DerivedCache(bundle: bundle, name: collectText ? "index-texts.cache" : "index.cache", kind: "INDEX", key: k) else {
            return nil
        }
        self.frame = frame
        self.bundle = bundle
        self.collectText = collectText
    }

    func identities() -> [FileIdentity?] { frame.identities() }

    /// The cache's file name under `data/`.
    var name: String { frame.name }

    // MARK: Reading

    /// Whether the cache exists and matches the store and the study now (its head only: `read`
    /// still checks the whole file).
    var isFresh: Bool { frame.open() != nil }

    /// The cached index, when the cache exists, is whole, and matches the store and the study now.
    func read() -> StudyIndex? {
        guard var r = frame.open() else { return nil }
        return try? decode(&r, rolesSeen: false).index
    }

    /// Whether `extended` will probably give the index (`DerivedCache.couldExtend`).
    var couldExtend: Bool { frame.couldExtend }

    /// The index of the store as it is now, from a cache of a prefix of it and a scan of only
    /// the lines appended since (`DerivedCache.openExtending`, as `ColumnCache.extended`), the
    /// cache rewritten when those lines are many; nil when the cache cannot be extended.
    func extended() throws -> StudyIndex? {
        let before = identities()
        guard var x = frame.openExtending(), let decoded = try? decode(&x.reader, rolesSeen: true), let seen = decoded.seen else { return nil }
        var index = decoded.index
        guard index.resume(seen) else { return nil }
        let request = ColumnRequest(columns: [:], texts: collectText, versions: true)
        let problems = try ResponseStore(url: bundle.study.storeURL).scanColumns(request, span: x.span) { row, line in index.add(row, line: line) }
        guard x.importsUnchanged else { return nil }
        index.problems = x.prefixProblems(index.problems) + problems
        let seenNow = index.rolesSeen
        index.resolveRoles()
        if x.worthRewriting { write(index, before: before, extent: x.extentNow, rolesSeen: seenNow) }
        return index
    }

    /// The index and, with `rolesSeen`, what it needs to go on (`StudyIndex.RolesSeen`; nil
    /// when the cache holds none).
    private func decode(_ r: inout CacheReader, rolesSeen wanted: Bool) throws -> (index: StudyIndex, seen: StudyIndex.RolesSeen?) {
        var x = StudyIndex(bundle: bundle, collectText: collectText)
        let W = x.W, I = x.I
        guard try r.int() == W, try r.int() == I else { throw CacheReader.Bad() }
        x.submissions = try r.int()
        x.chosenSubmissions = try r.int()
        x.unknownRecords = try r.int()
        x.unknownRecordParticipants = Set(try (0..<r.count()).map { _ in try r.string() })
        x.unknownSubmissions = Set(try (0..<r.count()).map { _ in
            StudyIndex.Submission(participant: try r.string(), wave: try r.string(), instrument: try r.string())
        })
        let P = try r.count()
        // Nothing is allocated beyond what the file can hold before the digest is checked.
        let (cells, overflow) = P.multipliedReportingOverflow(by: max(W * I, 1))
        guard !overflow, cells <= r.fileSize else { throw CacheReader.Bad() }
        x.participants = try (0..<P).map { _ in try r.string() }
        x.pIndex = Dictionary(x.participants.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        guard x.pIndex.count == P else { throw CacheReader.Bad() }
        x.roles = try (0..<P).map { _ in try r.optionalString() }
        x.waveFirst = try (0..<W).map { _ in try r.optionalString() }
        x.waveLast = try (0..<W).map { _ in try r.optionalString() }
        x.waveSubmissions = try (0..<W).map { _ in try r.int() }
        x.versionKeys = try (0..<r.count()).map { _ in (sha256: try r.string(), version: try r.string()) }
        for (k, key) in x.versionKeys.enumerated() { x.versionNumbers[key.sha256, default: [:]][key.version] = Int32(k) }
        x.versionUses = try (0..<I).map { _ in
            try (0..<r.count()).map { _ in
                StudyIndex.VersionUse(waves: try r.bytes(W).map { $0 == 1 }, records: try r.int())
            }
        }
        x.problems = try r.problems()
        x.present = try r.bytes(cells).map { $0 == 1 }
        x.latestStamp = PackedStrings(repeatingEmpty: cells)
        x.latestStamp.reserve(cells, bytesEach: 20)
        for k in 0..<cells { try r.string(into: &x.latestStamp, at: k) }
        x.firstLine = try r.int32s(cells)
        x.latestLine = try r.int32s(cells)
        x.chosenVersion = try r.int32s(cells)
        guard x.chosenVersion.allSatisfy({ $0 < Int32(clamping: x.versionKeys.count) }) else { throw CacheReader.Bad() }
        for _ in 0..<(try r.count()) {
            let cell = try r.int()
            guard cell >= 0, cell < cells, x.duplicateLines[cell] == nil else { throw CacheReader.Bad() }
            x.duplicateOrder.append(cell)
            x.duplicateLines[cell] = try (0..<r.count()).map { _ in try r.int() }
        }
        for _ in 0..<(try r.count()) {
            let cell = try r.int()
            guard cell >= 0, cell < cells else { throw CacheReader.Bad() }
            x.texts[cell] = try (0..<r.count()).map { _ in (item: try r.string(), text: try r.string()) }
        }
        let seen = try r.section(wanted: wanted) { r in
            let latest = try (0..<P).map { _ in try r.latest() }
            // Each takes at least three 8-byte fields.
            let unnumbered = try (0..<r.count(eachAtLeast: 24)).map { _ in (participant: try r.string(), latest: try r.latest()) }
            return StudyIndex.RolesSeen(latest: latest, unnumbered: unnumbered)
        }
        try frame.finish(&r)
        return (x, seen)
    }

    // MARK: Writing

    /// Writes the cache of `x`, read from a store whose identities were `before` at the start of
    /// the scan and whose complete lines read are `extent`, with the roles it saw (`rolesSeen`,
    /// taken before `resolveRoles`), so that it can be extended later.
    func write(_ x: StudyIndex, before: [FileIdentity?], extent: StoreExtent?, rolesSeen: StudyIndex.RolesSeen) {
        frame.write(before: before, extent: extent) { w in
            try w.int(x.W); try w.int(x.I)
            try w.int(x.submissions); try w.int(x.chosenSubmissions); try w.int(x.unknownRecords)
            let unknown = x.unknownRecordParticipants.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            try w.int(unknown.count)
            for p in unknown { try w.string(p) }
            let unknownSubmissions = x.unknownSubmissions.map { [$0.participant, $0.wave, $0.instrument] }
                .sorted { $0.joined(separator: "\u{0}").utf8.lexicographicallyPrecedes($1.joined(separator: "\u{0}").utf8) }
            try w.int(unknownSubmissions.count)
            for s in unknownSubmissions { for t in s { try w.string(t) } }
            try w.int(x.participants.count)
            for p in x.participants { try w.string(p) }
            for role in x.roles { try w.optionalString(role) }
            for s in x.waveFirst { try w.optionalString(s) }
            for s in x.waveLast { try w.optionalString(s) }
            for n in x.waveSubmissions { try w.int(n) }
            try w.int(x.versionKeys.count)
            for key in x.versionKeys { try w.string(key.sha256); try w.string(key.version) }
            for uses in x.versionUses {
                try w.int(uses.count)
                for u in uses { try w.bytes(u.waves.map { $0 ? 1 : 0 }); try w.int(u.records) }
            }
            try w.problems(x.problems)
            try w.bytes(x.present.map { $0 ? 1 : 0 })
            for k in 0..<x.latestStamp.count { try x.latestStamp.withUTF8(k) { try w.string(bytes: $0) } }
            try w.int32s(x.firstLine)
            try w.int32s(x.latestLine)
            try w.int32s(x.chosenVersion)
            try w.int(x.duplicateOrder.count)
            for cell in x.duplicateOrder {
                let lines = x.duplicateLines[cell] ?? []
                try w.int(cell)
                try w.int(lines.count)
                for l in lines { try w.int(l) }
            }
            let texts = x.texts.sorted { $0.key < $1.key }
            try w.int(texts.count)
            for (cell, list) in texts {
                try w.int(cell)
                try w.int(list.count)
                for t in list { try w.string(t.item); try w.string(t.text) }
            }
            // A section: a load of the unchanged store steps over it.
            try w.section { w in
                for l in rolesSeen.latest { try w.latest(l) }
                try w.int(rolesSeen.unnumbered.count)
                for u in rolesSeen.unnumbered { try w.string(u.participant); try w.latest(u.latest) }
            }
        }
    }
}
