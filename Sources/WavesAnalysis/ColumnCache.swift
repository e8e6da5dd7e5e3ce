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
/// replacement or another file at its path changes the identity, and the columns are then read
/// from the store again (and the cache rewritten). It is not written when the store or the
/// import log changed during the scan or less than `settle` seconds before it was written (a
/// change in the same clock tick could keep the times), nor for an instrument without a file
/// hash. Written through `AtomicFile` (whole or not at all) with the store's mode, 0600, and
/// ending with the SHA-256 of its content; a cache that cannot be read, does not end where
/// it should or does not match its digest (changed by hand or by a bad disk) is ignored.
/// `WAVES_CACHE=off` turns it off.
///
/// Written by hand: a flat binary file of the arrays (the dense matrix is copied in and out
/// as raw Doubles), for which no library here offers anything faster than a bulk read.
struct ColumnCache {
    /// Raise when a rule the columns depend on changes (scoring, set-aside, latest submission, roles).
    static let version = 1
    /// Seconds a change must lie in the past before a cache of it is written (2; tests set
    /// `WAVES_CACHE_SETTLE` to 0 so as not to wait).
    static var settle: Double { ProcessInfo.processInfo.environment["WAVES_CACHE_SETTLE"].flatMap(Double.init) ?? 2 }
    static let magic = Array("WAVES-COLUMNS/1\n".utf8)
    static let trailer = Array("END-OF-COLUMNS\n".utf8)

    let folder: Folder
    let name: String
    let key: [UInt8]
    let bundle: StudyBundle
    let instrument: Instrument

    /// The cache of `instrument`, or nil when it is off or cannot apply.
    init?(bundle: StudyBundle, instrument: Instrument) {
        guard ProcessInfo.processInfo.environment["WAVES_CACHE"] != "off", !instrument.sha256.isEmpty else { return nil }
        let data = bundle.study.storeURL.deletingLastPathComponent()
        guard let folder = try? Folder.open(data, role: "the data folder") else { return nil }
        self.folder = folder
        self.bundle = bundle
        self.instrument = instrument
        name = "columns-" + ContentHash.sha256Hex(Array(instrument.id.utf8)).prefix(16) + ".cache"
        var k = "version \(Self.version)\ninstrument \(instrument.id) \(instrument.sha256)\n"
        let studyFile = (try? Data(contentsOf: bundle.study.directory.appendingPathComponent("study.yaml"))) ?? Data()
        k += "study \(ContentHash.sha256Hex(Array(studyFile)))\nwaves \(bundle.study.waves.map(\.id))\n"
        for e in bundle.roster?.entries ?? [] { k += "roster \(e.participant)\t\(e.role)\n" }
        key = Array(ContentHash.sha256Hex(Array(k.utf8)).utf8)
    }

    var storeName: String { bundle.study.storeURL.lastPathComponent }
    static let importsName = "imports.jsonl"

    /// The identities of the store and the import log now.
    func identities() -> [FileIdentity?] { [folder.identity(of: storeName), folder.identity(of: Self.importsName)] }

    // MARK: Reading

    /// The cached columns, when the cache exists, is whole, and matches the store and the study now.
    func read() -> InstrumentData? {
        guard let file = try? folder.openForReading(name, role: "the column cache") else { return nil }
        var r = CacheReader(file: file)
        guard let head = try? r.bytes(Self.magic.count), head == Self.magic,
              let k = try? r.bytes(key.count), k == key else { return nil }
        let now = identities()
        for id in now {
            guard let present = try? r.int(), present == (id == nil ? 0 : 1) else { return nil }
            if let id {
                guard let stored = try? r.identity(), stored == id else { return nil }
            }
        }
        return try? decode(&r)
    }

    private func decode(_ r: inout CacheReader) throws -> InstrumentData {
        var d = InstrumentData(instrument: instrument, waves: bundle.study.waves, roster: nil)
        let P = try r.count(), W = try r.int(), K = try r.int()
        // Nothing is allocated beyond what the file can hold (a damaged count must not ask for
        // terabytes before the digest is checked).
        guard W == d.waves.count, K == d.items.count, P.multipliedReportingOverflow(by: max(W * K * 8, 1)).partialValue <= r.fileSize,
              !P.multipliedReportingOverflow(by: max(W * K * 8, 1)).overflow else { throw CacheReader.Bad() }
        d.participants = try (0..<P).map { _ in try r.string() }
        d.roles = try (0..<P).map { _ in try r.int() == 1 ? try r.string() : nil }
        d.values = [Double](repeating: 0, count: P * W * K)
        try d.values.withUnsafeMutableBytes { try r.fill($0) }
        let present = try r.bytes(P * W)
        d.present = present.map { $0 == 1 }
        d.duplicateCount = try r.int()
        d.problems = try (0..<r.count()).map { _ in StoreProblem(line: try r.int(), message: try r.string()) }
        var setAside: [Int: [SetAsideAnswer]] = [:]
        for _ in 0..<(try r.count()) {
            let cell = try r.int()
            let a = SetAsideAnswer(line: try r.int(), participant: try r.string(), wave: try r.string(), instrument: try r.string(),
                                   item: try r.string(), value: try r.double())
            setAside[cell, default: []].append(a)
        }
        d.setAsideByCell = setAside
        guard try r.bytes(Self.trailer.count) == Self.trailer else { throw CacheReader.Bad() }
        // The SHA-256 of everything before it: a cache changed by hand or by a bad disk is not used.
        let digest = Array(r.hasher.hex().utf8)
        guard try r.bytes(digest.count, hashed: false) == digest, try r.atEnd() else { throw CacheReader.Bad() }
        return d
    }

    // MARK: Writing

    /// Writes the cache of `d`, read from a store whose identities were `before` at the start
    /// of the scan; nothing is written when they changed since, or changed too recently.
    func write(_ d: InstrumentData, before: [FileIdentity?]) {
        let after = identities()
        guard after == before, after[0] != nil else { return }
        let now = Date().timeIntervalSince1970
        for id in after { if let id, now - id.changedSeconds < Self.settle { return } }
        guard let file = try? folder.beginReplacing(name, permissions: 0o600, role: "the column cache") else { return }
        var w = CacheWriter(file: file)
        do {
            try w.bytes(Self.magic)
            try w.bytes(key)
            for id in after {
                try w.int(id == nil ? 0 : 1)
                if let id { try w.identity(id) }
            }
            try w.int(d.participants.count); try w.int(d.waves.count); try w.int(d.items.count)
            for p in d.participants { try w.string(p) }
            for role in d.roles {
                try w.int(role == nil ? 0 : 1)
                if let role { try w.string(role) }
            }
            try w.flush()
            try d.values.withUnsafeBytes { try w.direct($0) }
            try w.bytes(d.present.map { $0 ? 1 : 0 })
            try w.int(d.duplicateCount)
            try w.int(d.problems.count)
            for p in d.problems { try w.int(p.line); try w.string(p.message) }
            let aside = d.setAsideByCell.sorted { $0.key < $1.key }.flatMap { cell, list in list.map { (cell, $0) } }
            try w.int(aside.count)
            for (cell, a) in aside {
                try w.int(cell); try w.int(a.line); try w.string(a.participant); try w.string(a.wave)
                try w.string(a.instrument); try w.string(a.item); try w.double(a.value)
            }
            try w.bytes(Self.trailer)
            try w.digest()
            try w.flush()
            try file.commit()
        } catch {
            file.discard()
        }
    }
}

/// Little-endian fields into an `AtomicFile`, through a small buffer.
private struct CacheWriter {
    let file: AtomicFile
    var buffer: [UInt8] = []
    var hasher = ContentHash.Hasher()

    mutating func bytes(_ b: [UInt8]) throws {
        hasher.update(b)
        buffer += b
        if buffer.count > 1 << 20 { try flush() }
    }
    /// Large bytes written straight to the file (the buffer must be flushed first).
    mutating func direct(_ b: UnsafeRawBufferPointer) throws {
        hasher.update(b)
        try file.write(b)
    }
    /// The SHA-256 of everything written so far, as 64 hex digits (not itself hashed).
    mutating func digest() throws {
        buffer += Array(hasher.hex().utf8)
    }
    mutating func int(_ v: Int) throws { try bytes(withUnsafeBytes(of: Int64(v).littleEndian, Array.init)) }
    mutating func double(_ v: Double) throws { try bytes(withUnsafeBytes(of: v.bitPattern.littleEndian, Array.init)) }
    mutating func string(_ s: String) throws { let u = Array(s.utf8); try int(u.count); try bytes(u) }
    mutating func identity(_ id: FileIdentity) throws {
        for v in [Int64(bitPattern: id.device), Int64(bitPattern: id.inode), id.size] + id.modified + id.changed { try int(Int(v)) }
    }
    mutating func flush() throws {
        if !buffer.isEmpty { try file.write(buffer); buffer.removeAll(keepingCapacity: true) }
    }
}

/// Reads the fields back; any short read or impossible length throws `Bad`.
private struct CacheReader {
    struct Bad: Error {}
    let file: OpenFile
    var buffer: [UInt8] = []
    var at = 0
    var hasher = ContentHash.Hasher()

    /// The cache file's size: no count read from it can be larger.
    let fileSize: Int

    init(file: OpenFile) {
        self.file = file
        fileSize = Int((try? file.size()) ?? 0)
    }

    /// A number of entries: at least 0 and at most the file's size (each entry takes a byte or more).
    mutating func count() throws -> Int {
        let n = try int()
        guard n >= 0, n <= fileSize else { throw Bad() }
        return n
    }

    /// Ensures `n` bytes are buffered after `at` (false at the end of the file).
    mutating func need(_ n: Int) throws -> Bool {
        if buffer.count - at >= n { return true }
        buffer.removeFirst(at); at = 0
        var chunk = [UInt8](repeating: 0, count: max(n - buffer.count, 1 << 20))
        while buffer.count < n {
            let got = try chunk.withUnsafeMutableBytes { try file.read(into: $0) }
            if got == 0 { return false }
            buffer += chunk[0..<got]
        }
        return true
    }

    mutating func bytes(_ n: Int, hashed: Bool = true) throws -> [UInt8] {
        guard n >= 0, n <= fileSize, try need(n) else { throw Bad() }
        defer { at += n }
        let out = Array(buffer[at..<(at + n)])
        if hashed { hasher.update(out) }
        return out
    }
    mutating func int() throws -> Int {
        let b = try bytes(8)
        return Int(Int64(littleEndian: b.withUnsafeBytes { $0.loadUnaligned(as: Int64.self) }))
    }
    mutating func double() throws -> Double {
        let b = try bytes(8)
        return Double(bitPattern: UInt64(littleEndian: b.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }))
    }
    mutating func string() throws -> String {
        let n = try int()
        guard n >= 0, n < 1 << 24 else { throw Bad() }
        return String(decoding: try bytes(n), as: UTF8.self)
    }
    mutating func identity() throws -> FileIdentity {
        let v = try (0..<7).map { _ in Int64(try int()) }
        return FileIdentity(device: UInt64(bitPattern: v[0]), inode: UInt64(bitPattern: v[1]), size: v[2],
                            modified: [v[3], v[4]], changed: [v[5], v[6]])
    }
    /// Fills `out` straight from the file (the dense matrix, without a second copy).
    mutating func fill(_ out: UnsafeMutableRawBufferPointer) throws {
        var done = min(buffer.count - at, out.count)
        if done > 0 {
            buffer.withUnsafeBytes { src in out.baseAddress!.copyMemory(from: src.baseAddress! + at, byteCount: done) }
            at += done
        }
        while done < out.count {
            let got = try file.read(into: UnsafeMutableRawBufferPointer(rebasing: out[done...]))
            if got == 0 { throw Bad() }
            done += got
        }
        hasher.update(UnsafeRawBufferPointer(out))
    }
    mutating func atEnd() throws -> Bool { try !need(1) }
}
