import Foundation
import WavesCore

/// One readable store line as the columnar readers see it: read by the fast path
/// (`ColumnDecoder`) or, when the fast path was not sure of it, by the strict decoder.
/// Either way it has passed the strict grammar and the record rules.
public enum StoreRow: Sendable {
    case columns(ColumnRecord)
    indirect case record(ResponseRecord)

    public var participant: String {
        switch self { case .columns(let c): c.participant; case .record(let r): r.participant }
    }
    public var role: String? {
        switch self { case .columns(let c): c.role; case .record(let r): r.role }
    }
    public var wave: String {
        switch self { case .columns(let c): c.wave; case .record(let r): r.wave }
    }
    public var instrument: String {
        switch self { case .columns(let c): c.instrument; case .record(let r): r.instrument.id }
    }
    public var submittedAt: String {
        switch self { case .columns(let c): c.submittedAt; case .record(let r): r.submittedAt }
    }
    /// The instrument's version and SHA-256 (for a fast row, "" unless the request kept them).
    public var instrumentVersion: String {
        switch self { case .columns(let c): c.version; case .record(let r): r.instrument.version }
    }
    public var instrumentHash: String {
        switch self { case .columns(let c): c.sha256; case .record(let r): r.instrument.sha256 }
    }
    /// The record's `id` (for a fast row, "" unless the request kept it).
    public var recordID: String {
        switch self { case .columns(let c): c.id; case .record(let r): r.id }
    }
    public var batch: String? {
        switch self { case .columns(let c): c.batch; case .record(let r): r.batch }
    }
}

extension StoreScan {
    /// Whether the columnar scan may use its fast path: on, unless `WAVES_SCAN=strict` asks every
    /// line to go through the strict decoder (to compare the two paths on a real study).
    static var fastPathEnabled: Bool { ProcessInfo.processInfo.environment["WAVES_SCAN"] != "strict" }

    /// Per thread: the fast decoder and the strict decoder's key cache.
    struct ColumnState: Sendable {
        var fast: ColumnDecoder
        var strict = AnswerKeyCache()
        let useFast: Bool
    }

    /// One line: the fast path first, the strict decoder when the fast path is not sure.
    static func decodeRow(_ line: UnsafeRawBufferPointer, _ state: inout ColumnState) -> CheckedLine<StoreRow> {
        if line.isEmpty { return .blank }
        if state.useFast, let c = state.fast.decode(line: line) { return .record(.columns(c), batch: c.batch) }
        return CheckedLine(decodeLine(line, cache: &state.strict), prepare: { .record($0) })
    }

    /// Calls `body` for each line in store order, decoded on `workers` threads into rows.
    static func forEachRow(_ log: AppendLog, request: ColumnRequest, workers: Int, blockSize: Int = StoreScan.blockSize,
                           fast: Bool = StoreScan.fastPathEnabled, span: StoreSpan? = nil,
                           _ body: (CheckedLine<StoreRow>, Int) throws -> Void) throws {
        try forEachLine(log, workers: workers, blockSize: blockSize, state: ColumnState(fast: ColumnDecoder(request), useFast: fast), span: span,
                        decode: { line, state in decodeRow(line, &state) }, problem: { .problem($0) }, body)
    }
}

extension ResponseStore {
    /// Reads every line in a streaming pass, as `scan` does, but hands over each good line as a
    /// `StoreRow`: most lines straight into the columns `request` asks for, without building a
    /// record (`ColumnDecoder`), the others as strictly decoded records. The same lines count,
    /// with the same problems, as in `scan` (`ColumnScanTests`). With a `span`, only the lines
    /// after its start are read (numbered on from it), and it learns where they end (`StoreSpan`).
    @discardableResult
    public func scanColumns(_ request: ColumnRequest, workers: Int? = nil, fast: Bool? = nil, span: StoreSpan? = nil,
                            _ body: (StoreRow, Int) throws -> Void) throws -> [StoreProblem] {
        var problems: [StoreProblem] = []
        let finished = try ImportLog(store: self).completedBatches()
        try StoreScan.forEachRow(log, request: request, workers: workers ?? StoreScan.defaultWorkers,
                                 fast: fast ?? StoreScan.fastPathEnabled, span: span) { line, lineNo in
            try Self.deliver(line, line: lineNo, finished: finished, problems: &problems, body)
        }
        return problems
    }

    /// The problem of a line that belongs to an import that did not finish (`ImportLog`), else nil.
    static func unfinishedImport(_ batch: String?, finished: Set<String>, line: Int) -> StoreProblem? {
        guard let batch, !finished.contains(batch) else { return nil }
        return StoreProblem(line: line, message: "part of import '\(SafeText.line(batch))', which did not finish (it was stopped before its end); ignored, so run the import again")
    }
}
