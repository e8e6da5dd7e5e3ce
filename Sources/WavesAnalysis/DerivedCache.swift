import Foundation
import WavesCore
import WavesStore

/// The frame of every derived cache under `data/` (the columns of an instrument, `ColumnCache`;
/// the store's index, `StudyIndex+Cache.swift`): the one place that decides whether a cache
/// may be used or written.
///
/// A cache file is `WAVES-<KIND>/3`, the SHA-256 of its key (everything it depends on besides
/// the store: the rules' version, instrument files, `study.yaml`, waves, roster), the
/// identities (`FileIdentity`: device, inode, size, modification and status-change times to
/// the nanosecond) of the store and of the import log as they were before and after the scan
/// that made it, the store's extent (`StoreExtent`: the complete lines read and their
/// checksum), the payload, `END-OF-<KIND>`, and the checksum of everything before it
/// (`CacheChecksum`: XXH3-128; SHA-256 in format 1, whose files are now simply not used). It is
/// used as it is only when the key and both identities are equal now and the trailer and
/// checksum check, so any write to the store (an append too), a truncation, a replacement or
/// another file at its path keeps it from being used as it is. After an append it is extended
/// (`openExtending`: the same store file, its prefix's checksum unchanged, the import log
/// unchanged), and after any other change the reader goes back to the store. It is not written when the store or the import
/// log changed during the scan or less than `settle` seconds before (a change in the same clock
/// tick could keep the times), and it is written through `AtomicFile` (whole or not at all)
/// with mode 0600, renamed into place without a flush to the disk (`commit(durable: false)`:
/// after a crash a cache that did not reach the disk fails its checksum and is made again). `WAVES_CACHE=off` turns every cache off.
///
/// Written by hand: flat binary files of arrays (dense matrices copied in and out as raw
/// Doubles), for which no library here offers anything faster than a bulk read.
struct DerivedCache {
    /// Seconds a change must lie in the past before a cache of it is written (2; tests set
    /// `WAVES_CACHE_SETTLE` to 0 so as not to wait).
    static var settle: Double { ProcessInfo.processInfo.environment["WAVES_CACHE_SETTLE"].flatMap(Double.init) ?? 2 }
    static let importsName = "imports.jsonl"

    let folder: Folder
    let name: String
    let storeName: String
    let magic: [UInt8]
    let trailer: [UInt8]
    let key: [UInt8]

    /// The cache `name` in the study's data folder, of a kind (its magic and trailer) and a key
    /// text; nil when caches are off or the folder cannot be opened.
    init?(bundle: StudyBundle, name: String, kind: String, key: String) {
        guard ProcessInfo.processInfo.environment["WAVES_CACHE"] != "off" else { return nil }
        let data = bundle.study.storeURL.deletingLastPathComponent()
        guard let folder = try? Folder.open(data, role: "the data folder") else { return nil }
        self.folder = folder
        self.name = name
        storeName = bundle.study.storeURL.lastPathComponent
        // 3: the store's extent (`StoreExtent`) after the identities. 2: the checksum is
        // XXH3-128 (`CacheChecksum`), 32 hex digits; 1 was SHA-256.
        magic = Array("WAVES-\(kind)/3\n".utf8)
        trailer = Array("END-OF-\(kind)\n".utf8)
        self.key = Array(ContentHash.sha256Hex(Array(key.utf8)).utf8)
    }

    /// The part of a key every cache shares: `study.yaml`'s bytes, the study's waves, the roster.
    static func studyKey(_ bundle: StudyBundle) -> String {
        let studyFile = (try? Data(contentsOf: bundle.study.directory.appendingPathComponent("study.yaml"))) ?? Data()
        var k = "study \(ContentHash.sha256Hex(Array(studyFile)))\nwaves \(bundle.study.waves.map(\.id))\n"
        for e in bundle.roster?.entries ?? [] { k += "roster \(e.participant)\t\(e.role)\n" }
        return k
    }

    /// The identities of the store and the import log now.
    func identities() -> [FileIdentity?] { [folder.identity(of: storeName), folder.identity(of: Self.importsName)] }

    /// A reader at the start of the payload, when the cache exists and its magic, key and
    /// identities match now; nil otherwise. The caller reads the payload, then calls `finish`.
    func open() -> CacheReader? {
        guard var r = openHead(), let stored = Self.storedIdentities(&r), stored == identities() else { return nil }
        // The extent matters only to `openExtending` (`try?` would flatten an absent one to a failure).
        do { _ = try r.extent() } catch { return nil }
        return r
    }

    /// The store's and the import log's identities as the cache recorded them (each nil when
    /// that file did not exist); nil when the fields are damaged.
    private static func storedIdentities(_ r: inout CacheReader) -> [FileIdentity?]? {
        var recorded: [FileIdentity?] = []
        for _ in 0..<2 {
            guard let present = try? r.int() else { return nil }
            switch present {
            case 0: recorded.append(nil)
            case 1: guard let id = try? r.identity() else { return nil }; recorded.append(id)
            default: return nil
            }
        }
        return recorded
    }

    /// A reader past the magic and the key, when the cache exists and both match.
    private func openHead() -> CacheReader? {
        guard let file = try? folder.openForReading(name, role: "a cache") else { return nil }
        var r = CacheReader(file: file)
        guard let head = try? r.bytes(magic.count), head == magic,
              let k = try? r.bytes(key.count), k == key else { return nil }
        return r
    }

    /// A cache made from a prefix of the store as it is now, ready to be extended with the
    /// lines appended since (`Extension`): the key matches, the import log is the one the cache
    /// was made with (identity equal: a finished import changes which lines count), the store
    /// is the same file (device and inode) at least as long as the cache's extent, and the
    /// checksum of its first `extent.bytes` bytes, read now through the descriptor the scan will
    /// go on with, is the cache's. Any other change (an edit, a truncation, a replacement,
    /// another file at the path) fails one of these, and the store is read whole again.
    /// Nil when any fails; the caller reads the payload, then calls `finish`.
    ///
    /// `verify: false` leaves the checksum out: a cheap guess that extending will be possible
    /// (`couldExtend`), for choosing how to read, never for trusting the cache.
    func openExtending(verify: Bool = true) -> Extension? {
        guard var r = openHead(), let store = try? folder.openForReading(storeName, role: "the response store"),
              let now = try? store.identity(), let recorded = Self.storedIdentities(&r) else { return nil }
        guard let was = recorded[0], was.isSameFile(as: now), recorded[1] == folder.identity(of: Self.importsName),
              let extent = try? r.extent(), extent.bytes <= now.size else { return nil }
        guard verify else { return Extension(frame: self, reader: r, extent: extent, imports: recorded[1], read: ReadExtent(file: store)) }
        guard let checksum = Self.checksum(of: store, upTo: extent.bytes), checksum.hex() == extent.checksum else { return nil }
        return Extension(frame: self, reader: r, extent: extent, imports: recorded[1],
                         read: ReadExtent(file: store, after: extent, checksum: checksum))
    }

    /// Whether `openExtending` will probably succeed (all but the checksum of the prefix).
    var couldExtend: Bool { openExtending(verify: false) != nil }

    /// The share of a cache's extent that the lines read after it must exceed before an extended
    /// load rewrites the cache (`Extension.worthRewriting`): rewriting the 132 MB column cache
    /// of the benchmark study took as long as reading the whole store, while the next load
    /// extends the same cache again in a fraction of that (the prefix's checksum, the cached
    /// data and the few appended lines).
    static let rewriteShare = 0.125

    /// What `openExtending` found: the cache's reader at its payload, the part of the store it
    /// was made from, and a scan of the rest of the store (`read`) whose complete lines go on
    /// into the prefix's checksum, so that after the scan `extentNow` is the extent of the store read.
    struct Extension {
        let frame: DerivedCache
        var reader: CacheReader
        let extent: StoreExtent
        /// The import log's identity when the cache was made (and when the extension was opened).
        let imports: FileIdentity?
        let read: ReadExtent
        var span: StoreSpan { read.span }
        /// After the scan: whether the import log is still the one the cache was made with. The
        /// scan reads which imports finished while it runs; had one finished since the check,
        /// the prefix's lines of it would count as unfinished and the new ones as finished, which
        /// no read of the whole store gives. The caller then reads the whole store.
        var importsUnchanged: Bool { frame.identities()[1] == imports }
        /// The cached problems that still stand: those of the prefix's lines. A problem after it
        /// (a torn last line, which may have been completed since) is read again by the scan.
        func prefixProblems(_ cached: [StoreProblem]) -> [StoreProblem] { cached.filter { $0.line <= extent.lines } }
        var extentNow: StoreExtent { read.extent }
        /// After the scan: whether to rewrite the cache: when the lines read after it are many
        /// (`rewriteShare`), or none (the store's identity changed but not its complete lines: a
        /// `touch`, a cut back to them; without a rewrite every later load would check the
        /// prefix again to add nothing).
        var worthRewriting: Bool {
            let added = span.bytes - extent.bytes
            return added == 0 || Double(added) > DerivedCache.rewriteShare * Double(extent.bytes)
        }
        /// New lines of the store may belong to as many participants: room for them, at the
        /// prefix's mean line length (a hint: what is reserved from it is capped by the caller).
        var appendedLinesAtMost: Int {
            let appended = max(0, ((try? span.file?.size()) ?? 0).map { $0 - extent.bytes } ?? 0)
            return Int(appended) / max(64, Int(extent.bytes) / max(1, extent.lines)) + 16
        }
    }

    /// The checksum of the first `count` bytes of `file` (nil when it has fewer), read 1 MB at a
    /// time. Not mapped, although mapping cost less CPU (539-617 against 754-798 ms for an
    /// extended reliability at 100,000 participants): the store is the file people edit, and
    /// a mapped file cut short while it is read kills the reader (SIGBUS), where a read just
    /// comes back short.
    static func checksum(of file: OpenFile, upTo count: Int64) -> CacheChecksum? {
        let sum = CacheChecksum()
        let piece = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 64)
        defer { piece.deallocate() }
        var done: Int64 = 0
        while done < count {
            let want = Int(min(Int64(piece.count), count - done))
            guard let got = try? file.read(at: done, into: UnsafeMutableRawBufferPointer(rebasing: piece[0..<want])), got > 0 else { return nil }
            sum.update(UnsafeRawBufferPointer(rebasing: piece[0..<got]))
            done += Int64(got)
        }
        return sum
    }

    /// Checks the trailer, the checksum of everything before it and the end of the file.
    func finish(_ r: inout CacheReader) throws {
        guard try r.bytes(trailer.count) == trailer else { throw CacheReader.Bad() }
        // The checksum of everything before it: a cache changed by hand or by a bad disk is not used.
        let digest = Array(r.digestSoFar().utf8)
        guard try r.bytes(digest.count, hashed: false) == digest, try r.atEnd() else { throw CacheReader.Bad() }
    }

    /// Writes the cache with `payload`, for a store whose identities were `before` at the start
    /// of the scan and whose complete lines the scan read are `extent` (nil: not known, and the
    /// cache is then never extended); nothing is written when the identities changed since, or
    /// changed too recently.
    func write(before: [FileIdentity?], extent: StoreExtent? = nil, _ payload: (inout CacheWriter) throws -> Void) {
        let after = identities()
        guard after == before, after[0] != nil else { return }
        let now = Date().timeIntervalSince1970
        for id in after { if let id, now - id.changedSeconds < Self.settle { return } }
        guard let file = try? folder.beginReplacing(name, permissions: 0o600, role: "a cache") else { return }
        var w = CacheWriter(file: file)
        do {
            try w.bytes(magic)
            try w.bytes(key)
            for id in after {
                try w.int(id == nil ? 0 : 1)
                if let id { try w.identity(id) }
            }
            // The extent only when it is all of the store that the identities describe (a
            // torn last line may follow it; anything else would be a scan of another file).
            try w.extent(extent.flatMap { $0.bytes <= after[0]!.size ? $0 : nil })
            try payload(&w)
            try w.bytes(trailer)
            try w.digest()
            try w.flush()
            // Not flushed to the disk: a cache lost or torn by a crash fails its checksum and is
            // made again (`AtomicFile.commit(durable:)`).
            try file.commit(durable: false)
        } catch {
            file.discard()
        }
    }
}

/// The part of the store a derived cache was made from (`StoreSpan`): its first `bytes` bytes,
/// which are its first `lines` lines, each with its line end, and their `CacheChecksum` (hex).
struct StoreExtent: Equatable {
    var bytes: Int64
    var lines: Int
    var checksum: String
}

/// A scan's `StoreSpan` with the checksum its complete lines feed: after the scan, `extent` is
/// what a derived cache made from it records (`StoreExtent`), so that it can be extended later.
struct ReadExtent {
    let span: StoreSpan
    private let checksum: CacheChecksum

    /// A scan of the whole store (opened by the scan).
    init() { self.init(file: nil, after: nil, checksum: CacheChecksum()) }

    /// A scan of `file` after `prefix` (nil: from the start), whose bytes `checksum` has already seen.
    init(file: OpenFile?, after prefix: StoreExtent? = nil, checksum: CacheChecksum = CacheChecksum()) {
        self.checksum = checksum
        span = StoreSpan(file: file, bytes: prefix?.bytes ?? 0, lines: prefix?.lines ?? 0, feed: { checksum.update($0) })
    }

    var extent: StoreExtent { StoreExtent(bytes: span.bytes, lines: span.lines, checksum: checksum.hex()) }
}

/// Little-endian fields into an `AtomicFile`, through a buffer that is hashed (`CacheChecksum`)
/// as it is written out, so the checksum covers every byte before it. Without a file it only
/// counts (`length(of:)`).
struct CacheWriter {
    let file: AtomicFile?
    var buffer: [UInt8] = []
    var hasher = CacheChecksum()
    /// Bytes written to the file so far (the buffer not counted).
    private var written = 0

    init(file: AtomicFile?) {
        self.file = file
        buffer.reserveCapacity(1 << 20 + 4096)
    }

    /// How many bytes `fields` writes: a section's length, written before it so that a reader
    /// that does not need the section steps over it (`CacheReader.skip`).
    static func length(of fields: (inout CacheWriter) throws -> Void) rethrows -> Int {
        var w = CacheWriter(file: nil)
        try fields(&w)
        return w.written + w.buffer.count
    }

    mutating func bytes(_ b: [UInt8]) throws {
        buffer += b
        if buffer.count > 1 << 20 { try flush() }
    }
    /// Large bytes written straight to the file (after the buffer).
    mutating func direct(_ b: UnsafeRawBufferPointer) throws {
        try flush()
        if let file { hasher.update(b); try file.write(b) }
        written += b.count
    }
    /// Zero bytes up to the next multiple of `n` in the file (`CacheReader.align(to:)`), so that
    /// the field after starts there (the matrix, mapped in place by the reader).
    mutating func align(to n: Int) throws {
        let pad = (n - (written + buffer.count) % n) % n
        buffer.append(contentsOf: repeatElement(0, count: pad))
    }
    /// The checksum of everything written so far, as 32 hex digits (not itself hashed); the last write.
    mutating func digest() throws {
        try flush()
        try file?.write(Array(hasher.hex().utf8))
    }
    mutating func int(_ v: Int) throws {
        withUnsafeBytes(of: Int64(v).littleEndian) { buffer.append(contentsOf: $0) }
        if buffer.count > 1 << 20 { try flush() }
    }
    mutating func double(_ v: Double) throws { try int(Int(Int64(bitPattern: v.bitPattern))) }
    mutating func string(_ s: String) throws {
        try int(s.utf8.count)
        buffer.append(contentsOf: s.utf8)
        if buffer.count > 1 << 20 { try flush() }
    }
    /// A string given as its UTF-8 bytes (`PackedStrings`), written as `string(_:)` writes it.
    mutating func string(bytes u: UnsafeBufferPointer<UInt8>) throws {
        try int(u.count)
        buffer.append(contentsOf: u)
        if buffer.count > 1 << 20 { try flush() }
    }
    /// Int32s as raw little-endian bytes (arrays of line numbers).
    mutating func int32s(_ v: [Int32]) throws {
        try flush()
        try v.map(\.littleEndian).withUnsafeBytes { try direct($0) }
    }
    mutating func optionalString(_ s: String?) throws {
        try int(s == nil ? 0 : 1)
        if let s { try string(s) }
    }
    mutating func problems(_ list: [StoreProblem]) throws {
        try int(list.count)
        for p in list { try int(p.line); try string(p.message) }
    }
    /// An optional section that a reader may step over (`CacheReader.section`): whether it is
    /// there, its length, then its fields (encoded twice: once to count them).
    mutating func section(_ fields: ((inout CacheWriter) throws -> Void)?) throws {
        guard let fields else { try int(0); return }
        try int(1)
        try int(Self.length(of: fields))
        try fields(&self)
    }
    /// A participant's latest role and its time stamp (`RolePrecedence.Latest`).
    mutating func latest(_ l: RolePrecedence.Latest) throws { try optionalString(l.role); try string(l.stamp) }
    mutating func extent(_ e: StoreExtent?) throws {
        try int(e == nil ? 0 : 1)
        if let e { try int(Int(e.bytes)); try int(e.lines); try bytes(Array(e.checksum.utf8)) }
    }
    mutating func identity(_ id: FileIdentity) throws {
        for v in [Int64(bitPattern: id.device), Int64(bitPattern: id.inode), id.size] + id.modified + id.changed { try int(Int(v)) }
    }
    mutating func flush() throws {
        guard !buffer.isEmpty else { return }
        if let file { hasher.update(buffer); try file.write(buffer) }
        written += buffer.count
        buffer.removeAll(keepingCapacity: true)
    }
}

/// Reads the fields back; any short read or impossible length throws `Bad`. Bytes are hashed
/// (`CacheChecksum`) in bulk as the buffer moves on, and up to the current field by `digestSoFar`.
struct CacheReader {
    struct Bad: Error {}
    let file: OpenFile
    var buffer: [UInt8] = []
    var at = 0
    /// Bytes of `buffer` before this index are already hashed.
    private var hashedTo = 0
    /// The file offset up to which the file has been read (reads are positional, so that a
    /// mapped matrix can be stepped over).
    private var readTo: Int64 = 0
    private var hasher = CacheChecksum()

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

    /// A number of entries of at least `bytes` bytes each in the file: no count read before the
    /// checksum is checked reserves more entries than the file could hold.
    mutating func count(eachAtLeast bytes: Int) throws -> Int {
        let n = try count()
        guard n <= fileSize / max(1, bytes) else { throw Bad() }
        return n
    }

    private mutating func hashToAt() {
        if at > hashedTo {
            buffer.withUnsafeBytes { hasher.update(UnsafeRawBufferPointer(rebasing: $0[hashedTo..<at])) }
            hashedTo = at
        }
    }

    /// Ensures `n` bytes are buffered after `at` (false at the end of the file).
    mutating func need(_ n: Int) throws -> Bool {
        if buffer.count - at >= n { return true }
        hashToAt()
        buffer.removeFirst(at); at = 0; hashedTo = 0
        var chunk = [UInt8](repeating: 0, count: max(n - buffer.count, 1 << 20))
        while buffer.count < n {
            let got = try chunk.withUnsafeMutableBytes { try file.read(at: readTo, into: $0) }
            if got == 0 { return false }
            readTo += Int64(got)
            buffer += chunk[0..<got]
        }
        return true
    }

    /// The checksum (hex) of every byte read so far.
    mutating func digestSoFar() -> String {
        hashToAt()
        return hasher.hex()
    }

    /// `n` raw bytes; with `hashed: false` they are left out of the digest (the digest itself).
    mutating func bytes(_ n: Int, hashed: Bool = true) throws -> [UInt8] {
        guard n >= 0, n <= fileSize, try need(n) else { throw Bad() }
        if !hashed { hashToAt() }
        defer { at += n; if !hashed { hashedTo = at } }
        return Array(buffer[at..<(at + n)])
    }
    mutating func int() throws -> Int {
        guard try need(8) else { throw Bad() }
        defer { at += 8 }
        return Int(Int64(littleEndian: buffer.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: at, as: Int64.self) }))
    }
    mutating func double() throws -> Double { Double(bitPattern: UInt64(bitPattern: Int64(try int()))) }
    mutating func string() throws -> String {
        let n = try int()
        guard n >= 0, n < 1 << 24, n <= fileSize, try need(n) else { throw Bad() }
        defer { at += n }
        return buffer.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[at..<(at + n)]), as: UTF8.self) }
    }
    /// A string as `string()` reads it, stored as string `i` of `packed` without a `String`.
    mutating func string(into packed: inout PackedStrings, at i: Int) throws {
        let n = try int()
        guard n >= 0, n < 1 << 24, n <= fileSize, try need(n) else { throw Bad() }
        defer { at += n }
        buffer.withUnsafeBufferPointer { packed.set(i, UnsafeBufferPointer(rebasing: $0[at..<(at + n)])) }
    }
    /// `n` Doubles as raw bytes (the dense matrix), read into an array that is never zeroed
    /// first. On Linux its memory is asked for in 2 MB pages (`MADV_HUGEPAGE`) before the
    /// first touch: 64 page faults for the 128 MB matrix of the benchmark instead of 32,000.
    /// With a larger `capacity`, the array has room to grow to it without being copied (address
    /// space only: its pages are used when written).
    mutating func doubles(_ n: Int, capacity: Int = 0) throws -> [Double] {
        guard n >= 0, n <= fileSize / 8 else { throw Bad() }
        return try [Double](unsafeUninitializedCapacity: max(n, capacity)) { out, count in
            let raw = UnsafeMutableRawBufferPointer(UnsafeMutableBufferPointer(rebasing: out[0..<n]))
            Self.adviseHugePages(raw)
            try fill(raw)
            count = n
        }
    }

    /// Advice only (failure changes nothing): the whole 2 MB pages inside `region`, untouched yet.
    static func adviseHugePages(_ region: UnsafeMutableRawBufferPointer) {
        #if os(Linux)
        let huge = 1 << 21
        guard let base = region.baseAddress, region.count >= 2 * huge else { return }
        let start = (Int(bitPattern: base) + huge - 1) & ~(huge - 1)
        let end = (Int(bitPattern: base) + region.count) & ~(huge - 1)
        guard end > start, let p = UnsafeMutableRawPointer(bitPattern: start) else { return }
        _ = madvise(p, end - start, MADV_HUGEPAGE)
        #endif
    }

    mutating func int32s(_ n: Int) throws -> [Int32] {
        guard n >= 0, n <= fileSize / 4 else { throw Bad() }
        var out = [Int32](repeating: 0, count: n)
        try out.withUnsafeMutableBytes { try fill($0) }
        return out.map { Int32(littleEndian: $0) }
    }
    mutating func optionalString() throws -> String? { try int() == 1 ? try string() : nil }
    mutating func problems() throws -> [StoreProblem] {
        try (0..<count()).map { _ in StoreProblem(line: try int(), message: try string()) }
    }
    /// A section written by `CacheWriter.section`: read by `body` when `wanted`, else stepped
    /// over (its bytes still hashed); nil when it is not there or not wanted.
    mutating func section<T>(wanted: Bool, _ body: (inout CacheReader) throws -> T) throws -> T? {
        guard try int() == 1 else { return nil }
        let length = try count()
        guard wanted else { try skip(length); return nil }
        return try body(&self)
    }
    mutating func latest() throws -> RolePrecedence.Latest { RolePrecedence.Latest(role: try optionalString(), stamp: try string()) }
    mutating func extent() throws -> StoreExtent? {
        switch try int() { case 0: return nil; case 1: break; default: throw Bad() }
        let bytes = try int(), lines = try int()
        guard bytes >= 0, lines >= 0, lines <= bytes else { throw Bad() }
        return StoreExtent(bytes: Int64(bytes), lines: lines, checksum: String(decoding: try self.bytes(32), as: UTF8.self))
    }
    mutating func identity() throws -> FileIdentity {
        let v = try (0..<7).map { _ in Int64(try int()) }
        return FileIdentity(device: UInt64(bitPattern: v[0]), inode: UInt64(bitPattern: v[1]), size: v[2],
                            modified: [v[3], v[4]], changed: [v[5], v[6]])
    }
    /// Fills `out` straight from the file (the dense matrix, without a second copy), in pieces
    /// of 1 MB, each hashed while it is still in the processor's cache.
    mutating func fill(_ out: UnsafeMutableRawBufferPointer) throws {
        hashToAt()
        var done = min(buffer.count - at, out.count)
        if done > 0 {
            buffer.withUnsafeBytes { src in out.baseAddress!.copyMemory(from: src.baseAddress! + at, byteCount: done) }
            at += done
            hashedTo = at
        }
        hasher.update(UnsafeRawBufferPointer(rebasing: out[0..<done]))
        while done < out.count {
            let piece = UnsafeMutableRawBufferPointer(rebasing: out[done..<min(out.count, done + 1 << 20)])
            let got = try file.read(at: readTo, into: piece)
            if got == 0 { throw Bad() }
            readTo += Int64(got)
            hasher.update(UnsafeRawBufferPointer(rebasing: piece[0..<got]))
            done += got
        }
    }
    mutating func atEnd() throws -> Bool { try !need(1) }

    /// Steps over `n` bytes (a section the caller does not need), hashing them like every byte.
    mutating func skip(_ n: Int) throws {
        guard n >= 0, n <= fileSize else { throw Bad() }
        var left = n
        while left > 0 {
            let step = min(left, 1 << 20)
            guard try need(step) else { throw Bad() }
            at += step
            left -= step
        }
    }

    /// The file offset of the next field.
    var position: Int64 { readTo - Int64(buffer.count - at) }

    /// Steps over the zero bytes `CacheWriter.align(to:)` wrote, so that the next field starts
    /// at a multiple of `n` bytes in the file.
    mutating func align(to n: Int) throws {
        let pad = Int((Int64(n) - position % Int64(n)) % Int64(n))
        guard try bytes(pad).allSatisfy({ $0 == 0 }) else { throw Bad() }
    }

    /// `n` Doubles used in place from the file (`MappedRegion`: no copy into fresh memory), hashed
    /// like every other byte; nil when they cannot be mapped (then `doubles(n)` reads them).
    mutating func mappedDoubles(_ n: Int) throws -> AnswerValues? {
        guard n > 0, n <= fileSize / 8 else { return nil }
        let length = n * 8
        guard let region = MappedRegion.map(file, offset: position, count: length), let values = AnswerValues(mapped: region) else { return nil }
        hashToAt()
        hasher.update(region.bytes)
        // Past the matrix: what the buffer holds of it, then the file.
        let inBuffer = buffer.count - at
        if inBuffer >= length {
            at += length; hashedTo = at
        } else {
            readTo += Int64(length - inBuffer)
            buffer.removeAll(keepingCapacity: true); at = 0; hashedTo = 0
        }
        return values
    }
}
