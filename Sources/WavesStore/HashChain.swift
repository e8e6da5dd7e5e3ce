import Foundation
import WavesCore

/// The store's hash chain (spec formats.md `prev`, cli.md `waves verify`): every record
/// carries the SHA-256 of the line before it, so editing, deleting, inserting or reordering
/// any earlier line breaks the chain at a line that can be named, and the hash of the last
/// line (the head) stands for the whole store: written in a lab notebook, it later proves
/// that not one byte before it changed.
///
/// Round-1 stores hold records without `prev`. Lines before the first record that carries
/// `prev` are an unchained prefix: they are counted and reported ("no chain before line N"),
/// not a break, and the chain starts at that record (whose `prev` still hashes the line
/// before it, so the prefix's last line is covered). Once a record carries `prev`, every
/// later line must.
public struct ChainReport: Sendable, Equatable {
    /// Where and why the chain breaks.
    public struct Break: Sendable, Equatable {
        public var line: Int
        public var reason: String
        public init(line: Int, reason: String) { self.line = line; self.reason = reason }
    }
    /// Complete lines that are valid response records.
    public var records = 0
    /// Lines whose `prev` equals the hash of the line before (the first line is never counted).
    public var chained = 0
    /// The first break, or nil when the chain holds.
    public var firstBreak: Break?
    /// SHA-256 of the last complete line (without its line end); nil for an empty store.
    public var head: String?
    /// Number of the last complete line (the head's line).
    public var lines = 0
    /// The first line carrying `prev` when earlier lines (round-1 records) carry none; nil
    /// when the chain starts at line 2 (line 1 never carries `prev`) or no line carries `prev`.
    public var chainStartsAt: Int?
    /// Whether any line carries `prev` (false for a round-1 store: nothing is chained).
    public var hasChain = false
    /// Line number of an incomplete last line (a torn write): reported, never rewritten, not hashed.
    public var tornLine: Int?

    public init() {}

    /// True when nothing is broken.
    public var intact: Bool { firstBreak == nil }
}

public enum HashChain {
    /// Walks the store once, hashing every line and comparing each record's `prev`. The lines
    /// are decoded and hashed on `workers` threads (`StoreScan`), the chain walked in store order.
    ///
    /// A line the columnar fast path accepts needs no record: its `prev` is read in place
    /// (`ChainDecoder`); `fast: false` sends every line through the strict decoder (tests
    /// compare the two; `WAVES_SCAN=strict` asks the same of a real store).
    public static func verify(_ store: ResponseStore, workers: Int? = nil) throws -> ChainReport {
        try verify(store, workers: workers, fast: StoreScan.fastPathEnabled)
    }

    static func verify(_ store: ResponseStore, workers: Int?, fast: Bool, blockSize: Int = StoreScan.blockSize) throws -> ChainReport {
        var walk = ChainWalk()
        try StoreScan.forEachLine(store.log, workers: workers ?? StoreScan.defaultWorkers, blockSize: blockSize, state: ChainDecoder(useFast: fast),
                                  decode: { line, decoder in decoder.line(line) },
                                  problem: { _ in ChainLine?.none }) { line, lineNo in
            guard let line else { walk.torn(line: lineNo); return }
            walk.add(line: lineNo, line)
        }
        return walk.report
    }
}

/// The SHA-256 of one line, held in place (its 32 bytes, no String per line): what the chain
/// compares with the next record's `prev` (64 lower-case hex digits, read into the same 32
/// bytes; the two are equal exactly when the digits are the digest's). Only the head is
/// written as hex, once.
struct LineHash: Equatable, Sendable {
    private var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

    /// The hash of `line` (its bytes without the line end).
    init(of line: UnsafeRawBufferPointer) {
        var hasher = ContentHash.Hasher()
        hasher.update(line)
        withUnsafeMutableBytes(of: &words) { hasher.digest(into: $0) }
    }

    /// `prev` as written, when it is 64 lower-case hex digits (`ResponseRecord.isHexDigest`), else nil.
    init?(hex: String) {
        var s = hex
        guard let h = s.withUTF8({ LineHash(hex: UnsafeRawBufferPointer($0)) }) else { return nil }
        self = h
    }

    /// As `init?(hex:)`, from the bytes of the string.
    init?(hex bytes: UnsafeRawBufferPointer) {
        guard HexDigest.isDigest(bytes) else { return nil }
        self.init(digits: bytes)
    }

    /// A `prev` the fast record path read (its digits checked already).
    init(_ digest: HexDigest) {
        self = digest.withUnsafeBytes { LineHash(digits: $0) }
    }

    /// From 64 lower-case hex digits.
    private init(digits: UnsafeRawBufferPointer) {
        // '0'-'9' are 0x30-0x39 and 'a'-'f' 0x61-0x66: the low four bits, plus 9 for a letter.
        func nibble(_ c: UInt8) -> UInt8 { (c & 0x0F) &+ 9 &* (c >> 6) }
        withUnsafeMutableBytes(of: &words) { out in
            for k in 0..<32 { out[k] = nibble(digits[2 * k]) << 4 | nibble(digits[2 * k + 1]) }
        }
    }

    /// The 64 lower-case hex digits.
    var hex: String {
        withUnsafeBytes(of: words) { d in
            let digits = Array("0123456789abcdef".utf8)
            var out: [UInt8] = []
            out.reserveCapacity(64)
            for b in d { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 0x0F)]) }
            return String(decoding: out, as: UTF8.self)
        }
    }

    static func == (a: LineHash, b: LineHash) -> Bool {
        a.words.0 == b.words.0 && a.words.1 == b.words.1 && a.words.2 == b.words.2 && a.words.3 == b.words.3
    }
}

/// What the chain needs of one complete line, worked out on a decoding thread: its hash,
/// whether it is empty, and (when it is a valid response record) what its `prev` holds.
struct ChainLine: Sendable, Equatable {
    enum Prev: Sendable, Equatable {
        case absent
        /// `prev` present but not a string of 64 lower-case hex digits.
        case notDigest
        case digest(LineHash)
    }
    var hash: LineHash
    var empty: Bool
    /// nil when the line is not a valid response record.
    var prev: Prev?

    init(hash: LineHash, empty: Bool, record: ResponseRecord?) {
        self.hash = hash; self.empty = empty
        prev = record.map(Self.prev(of:))
    }

    /// A valid record's line whose `prev` was read without the record.
    init(hash: LineHash, prev: Prev) {
        self.hash = hash; empty = false; self.prev = prev
    }

    /// The record's `prev` as the chain reads it (`ResponseRecord.extraValue`: the last one).
    static func prev(of record: ResponseRecord) -> Prev {
        guard let prev = record.extraValue("prev") else { return .absent }
        guard let p = prev.stringValue, let hash = LineHash(hex: p) else { return .notDigest }
        return .digest(hash)
    }
}

/// Per decoding thread of `HashChain.verify`: the columnar fast path (`ColumnDecoder`, asked for
/// no columns) and the strict decoder's key cache.
struct ChainDecoder: Sendable {
    var fast = ColumnDecoder(ColumnRequest())
    var strict = AnswerKeyCache()
    let useFast: Bool

    init(useFast: Bool) { self.useFast = useFast }

    /// One complete line as the chain needs it. A line the fast path accepts is a valid record
    /// (the strict decoder agrees on every line it accepts: `ColumnScanTests`), and its `prev`
    /// is read in place (`plainPrev`); any other line, or a `prev` written in an unusual way,
    /// goes through the strict decoder, which decides.
    mutating func line(_ line: UnsafeRawBufferPointer) -> ChainLine {
        let hash = LineHash(of: line)
        if line.isEmpty { return ChainLine(hash: hash, empty: true, record: nil) }
        if useFast, fast.decode(line: line) != nil, let prev = Self.plainPrev(line) {
            return ChainLine(hash: hash, prev: prev)
        }
        return ChainLine(hash: hash, empty: false, record: try? ResponseRecord.decode(line: line, keys: &strict))
    }

    /// The `prev` of a line that is known to be one valid JSON object whose keys are plain
    /// (the fast path accepted it), as `ResponseRecord.extraValue("prev")` gives it: the value
    /// of the last top-level member named `prev`. Only strings and nesting are tracked, which
    /// is all a valid JSON text needs to tell its top-level keys apart. Nil (ask the strict
    /// decoder) when a `prev` string holds an escape.
    static func plainPrev(_ line: UnsafeRawBufferPointer) -> ChainLine.Prev? {
        let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\")
        let n = line.count
        // The usual line (Waves writes `prev` last) ends `,"prev":"<64 hex digits>"}`: in one
        // valid JSON object that is its last top-level member (the final `}` closes the object,
        // and no string holds a quote that is not escaped, and none of these is), so its value
        // is the last `prev`, read without walking the line.
        let suffix: StaticString = ",\"prev\":\""
        if n >= 75, line[n - 1] == UInt8(ascii: "}"), line[n - 2] == quote,
           memcmp(line.baseAddress! + (n - 75), suffix.utf8Start, 9) == 0,
           let hash = LineHash(hex: UnsafeRawBufferPointer(rebasing: line[(n - 66)..<(n - 2)])) {
            return .digest(hash)
        }
        var prev = ChainLine.Prev.absent
        var depth = 0
        var expectKey = false
        var i = 0
        /// The end of the string whose opening quote is at `start` (the index of its closing
        /// quote), and whether it holds an escape.
        func stringEnd(_ start: Int) -> (end: Int, escaped: Bool) {
            var j = start + 1, escaped = false
            while j < n {
                let c = line[j]
                if c == backslash { escaped = true; j += 2; continue }
                if c == quote { return (j, escaped) }
                j += 1
            }
            return (n, escaped)
        }
        func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D }
        while i < n {
            let c = line[i]
            switch c {
            case quote:
                let (end, escaped) = stringEnd(i)
                if depth == 1 && expectKey {
                    expectKey = false
                    if !escaped && end - i == 5 && line[i + 1] == UInt8(ascii: "p") && line[i + 2] == UInt8(ascii: "r")
                        && line[i + 3] == UInt8(ascii: "e") && line[i + 4] == UInt8(ascii: "v") {
                        // The value after the colon.
                        var v = end + 1
                        while v < n && (isSpace(line[v]) || line[v] == UInt8(ascii: ":")) { v += 1 }
                        guard v < n, line[v] == quote else { prev = .notDigest; i = end + 1; continue }
                        let (vend, vescaped) = stringEnd(v)
                        if vescaped { return nil }
                        prev = LineHash(hex: UnsafeRawBufferPointer(rebasing: line[(v + 1)..<vend])).map { .digest($0) } ?? .notDigest
                        i = vend + 1
                        continue
                    }
                }
                i = end + 1
                continue
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                expectKey = c == UInt8(ascii: "{") && depth == 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
            case UInt8(ascii: ","):
                if depth == 1 { expectKey = true }
            default: break
            }
            i += 1
        }
        return prev
    }
}

/// The chain's rules, line by line in store order: what `HashChain.verify` and the one-pass
/// scan of `waves validate` (`ResponseStore.scanWithChain`) both walk.
struct ChainWalk {
    private var walked = ChainReport()
    private var previousHash: LineHash?

    /// The report so far (the head is the hash of the last complete line).
    var report: ChainReport {
        var r = walked
        r.head = previousHash?.hex
        return r
    }

    private mutating func fail(_ line: Int, _ reason: String) {
        if walked.firstBreak == nil { walked.firstBreak = .init(line: line, reason: reason) }
    }

    /// An incomplete last line (a torn write): reported, not hashed.
    mutating func torn(line: Int) { walked.tornLine = line }

    /// One complete line: its hash, whether it is empty, and its record's `prev` (nil when it
    /// is not a valid response record).
    mutating func add(line lineNo: Int, _ line: ChainLine) {
        defer { previousHash = line.hash; walked.lines = lineNo }
        guard let prev = line.prev else {
            fail(lineNo, line.empty ? "an empty line (not a response record)" : "not a valid response record (edited, or a torn write closed by a later append)")
            return
        }
        walked.records += 1
        let p: LineHash
        switch prev {
        case .absent:
            if walked.hasChain { fail(lineNo, "no \"prev\" after the chain began at line \(walked.chainStartsAt ?? 1): a line inserted, or written by something other than Waves") }
            return
        case .notDigest:
            fail(lineNo, "\"prev\" is not a SHA-256 (64 lower-case hex digits)")
            return
        case .digest(let h): p = h
        }
        if !walked.hasChain {
            walked.hasChain = true
            // Line 1 never carries prev; a chain from line 2 covers it. Later: a round-1 prefix.
            if lineNo > 2 { walked.chainStartsAt = lineNo }
        }
        guard let before = previousHash else {
            fail(lineNo, "the first line carries \"prev\": the line(s) before it were deleted")
            return
        }
        if p == before {
            walked.chained += 1
        } else {
            fail(lineNo, "\"prev\" does not match line \(lineNo - 1): line \(lineNo - 1) was edited, or a line before line \(lineNo) was deleted, inserted or moved")
        }
    }
}


extension ResponseStore {
    /// `scan` and `HashChain.verify` in one pass: each line is decoded and hashed on every core
    /// (`StoreScan`), the records handed to `body` in store order as `scan` hands them (lines of
    /// an unfinished import are problems), and the chain walked over every line as `verify`
    /// walks it (`ChainWalk`). For `waves validate`, which needs both.
    public func scanWithChain(workers: Int? = nil, _ body: (ResponseRecord, Int) throws -> Void) throws -> (problems: [StoreProblem], chain: ChainReport) {
        try scanWithChain(workers: workers, prepare: { r in r }, body)
    }

    /// As `scanWithChain(workers:_:)`, with `prepare` run on the decoding threads on every valid
    /// record: what it makes of the record is handed to `body`, in store order. The record's
    /// own work (checks against the study, say) is then shared by every core instead of being
    /// done on the thread that walks the chain.
    func scanWithChain<Prepared>(workers: Int? = nil, prepare: @escaping @Sendable (ResponseRecord) -> Prepared,
                                 _ body: (Prepared, Int) throws -> Void) throws -> (problems: [StoreProblem], chain: ChainReport) {
        // The one-pass scan lives with its fast record path (`FastRecordScan.swift`); without a plan, every line is strict.
        try scanWithChain(workers: workers, plan: nil, prepareFast: { _ in nil }, prepare: prepare, body)
    }
}
