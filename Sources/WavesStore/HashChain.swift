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
    /// Walks the store once, hashing every line and comparing each record's `prev`.
    public static func verify(_ store: ResponseStore) throws -> ChainReport {
        var walk = ChainWalk()
        var keys = AnswerKeyCache()
        try LineReader.forEachLine(store.log) { bytes, lineNo, complete in
            guard complete else { walk.torn(line: lineNo); return }
            walk.add(line: lineNo, hash: ContentHash.sha256Hex(bytes), empty: bytes.isEmpty,
                     record: try? ResponseRecord.decode(line: bytes, keys: &keys))
        }
        return walk.report
    }
}

/// The chain's rules, line by line in store order: what `HashChain.verify` and the one-pass
/// scan of `waves validate` (`ResponseStore.scanWithChain`) both walk.
struct ChainWalk {
    private(set) var report = ChainReport()
    private var previousHash: String?

    private mutating func fail(_ line: Int, _ reason: String) {
        if report.firstBreak == nil { report.firstBreak = .init(line: line, reason: reason) }
    }

    /// An incomplete last line (a torn write): reported, not hashed.
    mutating func torn(line: Int) { report.tornLine = line }

    /// One complete line: the SHA-256 of its bytes, whether it is empty, and its record (nil
    /// when it is not a valid response record).
    mutating func add(line lineNo: Int, hash: String, empty: Bool, record: ResponseRecord?) {
        defer { previousHash = hash; report.head = hash; report.lines = lineNo }
        guard let record else {
            fail(lineNo, empty ? "an empty line (not a response record)" : "not a valid response record (edited, or a torn write closed by a later append)")
            return
        }
        report.records += 1
        guard let prev = record.extraValue("prev") else {
            if report.hasChain { fail(lineNo, "no \"prev\" after the chain began at line \(report.chainStartsAt ?? 1): a line inserted, or written by something other than Waves") }
            return
        }
        guard let p = prev.stringValue, ResponseRecord.isHexDigest(p) else {
            fail(lineNo, "\"prev\" is not a SHA-256 (64 lower-case hex digits)")
            return
        }
        if !report.hasChain {
            report.hasChain = true
            // Line 1 never carries prev; a chain from line 2 covers it. Later: a round-1 prefix.
            if lineNo > 2 { report.chainStartsAt = lineNo }
        }
        guard let before = previousHash else {
            fail(lineNo, "the first line carries \"prev\": the line(s) before it were deleted")
            return
        }
        if p == before {
            report.chained += 1
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
        var problems: [StoreProblem] = []
        var walk = ChainWalk()
        let finished = try ImportLog(store: self).completedBatches()
        try StoreScan.forEachLine(log, workers: workers ?? StoreScan.defaultWorkers, state: AnswerKeyCache(),
                                  decode: { line, cache in (StoreScan.decodeLine(line, cache: &cache), ContentHash.sha256Hex(line) as String?) },
                                  problem: { (StoreScan.Outcome.problem($0), nil) }) { result, lineNo in
            let (outcome, hash) = result
            guard let hash else { walk.torn(line: lineNo); problems.append(StoreProblem(line: lineNo, message: StoreScan.tornMessage)); return }
            switch outcome {
            case .blank:
                walk.add(line: lineNo, hash: hash, empty: true, record: nil)
            case .record(let record):
                walk.add(line: lineNo, hash: hash, empty: false, record: record)
                if let problem = Self.unfinishedImport(record.batch, finished: finished, line: lineNo) {
                    problems.append(problem)
                    return
                }
                try body(record, lineNo)
            case .problem(let message):
                walk.add(line: lineNo, hash: hash, empty: false, record: nil)
                problems.append(StoreProblem(line: lineNo, message: message))
            }
        }
        return (problems, walk.report)
    }
}
