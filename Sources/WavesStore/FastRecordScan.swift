import Foundation
import WavesCore

/// The record scans with the fast record path (`RecordFastDecoder`) in front of the strict
/// decoder: `waves validate` and `waves quality` read every field of most lines straight from
/// the bytes, and any line the fast path is not sure of (or whose fast result the caller
/// declines) goes through the strict decoder exactly as before.
///
/// The same lines count, with the same problems and line numbers, whichever path reads them
/// (`FastRecordScanTests`); `WAVES_SCAN=strict` sends every line through the strict decoder, as
/// for the columnar scan.
extension ResponseStore {
    /// Per decoding thread: the fast decoder (nil: strict only) and the strict decoder's key cache.
    struct FastRecordState: Sendable {
        var fast: RecordFastDecoder?
        var strict = AnswerKeyCache()
    }

    /// One line: the fast path first (its record made into a `T` by `fast`, which may decline
    /// with nil), else the strict decoder and `strict`.
    static func scanLine<T>(_ line: UnsafeRawBufferPointer, _ state: inout FastRecordState,
                            fast: (FastRecord) -> T?, strict: (ResponseRecord) -> T) -> CheckedLine<T> {
        if line.isEmpty { return .blank }
        if state.fast != nil, let f = state.fast!.decode(line: line), let value = fast(f) { return .record(value, batch: f.batch) }
        return CheckedLine(StoreScan.decodeLine(line, cache: &state.strict), prepare: strict)
    }

    /// `scan(transform:)` with the fast record path: each good line is made into a `T` on the
    /// decoding threads, by `transformFast` from the fast record when the fast path reads the
    /// line (and `transformFast` does not decline), else by `transform` from the strict record;
    /// `body` gets them in store order on the caller's thread. `plan` nil: strict only.
    @discardableResult
    public func scan<T>(workers: Int? = nil, plan: RecordFastDecoder.Plan?, blockSize: Int? = nil,
                        transformFast: @escaping @Sendable (FastRecord) -> T?, transform: @escaping @Sendable (ResponseRecord) -> T,
                        _ body: (T, Int) throws -> Void) throws -> [StoreProblem] {
        var problems: [StoreProblem] = []
        let finished = try ImportLog(store: self).completedBatches()
        let state = FastRecordState(fast: StoreScan.fastPathEnabled ? plan.map(RecordFastDecoder.init) : nil)
        try StoreScan.forEachLine(log, workers: workers ?? StoreScan.defaultWorkers, blockSize: blockSize ?? StoreScan.blockSize, state: state, decode: { line, state in
            Self.scanLine(line, &state, fast: transformFast, strict: transform)
        }, problem: { CheckedLine<T>.problem($0) }) { line, lineNo in
            try Self.deliver(line, line: lineNo, finished: finished, problems: &problems, body)
        }
        return problems
    }

    /// `scanWithChain(prepare:)` with the fast record path: a line the fast path reads, and whose
    /// record `prepareFast` accepts, is prepared from the fast record and its `prev` taken from
    /// it; any other line is decoded strictly and prepared by `prepare`, as before. The chain is
    /// walked over every line as `HashChain.verify` walks it. `plan` nil: strict only.
    func scanWithChain<Prepared>(workers: Int? = nil, plan: RecordFastDecoder.Plan?, blockSize: Int = StoreScan.blockSize,
                                 prepareFast: @escaping @Sendable (FastRecord) -> Prepared?,
                                 prepare: @escaping @Sendable (ResponseRecord) -> Prepared,
                                 _ body: (Prepared, Int) throws -> Void) throws -> (problems: [StoreProblem], chain: ChainReport) {
        var problems: [StoreProblem] = []
        var walk = ChainWalk()
        let finished = try ImportLog(store: self).completedBatches()
        let state = FastRecordState(fast: StoreScan.fastPathEnabled ? plan.map(RecordFastDecoder.init) : nil)
        try StoreScan.forEachLine(log, workers: workers ?? StoreScan.defaultWorkers, blockSize: blockSize, state: state,
                                  decode: { line, state -> (CheckedLine<Prepared>, ChainLine)? in
                                      let hash = LineHash(of: line)
                                      if !line.isEmpty, state.fast != nil, let f = state.fast!.decode(line: line), let p = prepareFast(f) {
                                          let prev = f.prev.map { ChainLine.Prev.digest(LineHash($0)) } ?? .absent
                                          return (.record(p, batch: f.batch), ChainLine(hash: hash, prev: prev))
                                      }
                                      let outcome = StoreScan.decodeLine(line, cache: &state.strict)
                                      let chain: ChainLine
                                      switch outcome {
                                      case .blank: chain = ChainLine(hash: hash, empty: true, record: nil)
                                      case .problem: chain = ChainLine(hash: hash, empty: false, record: nil)
                                      case .record(let r): chain = ChainLine(hash: hash, empty: false, record: r)
                                      }
                                      return (CheckedLine(outcome, prepare: prepare), chain)
                                  },
                                  problem: { _ in nil }) { result, lineNo in
            guard let (line, chain) = result else { walk.torn(line: lineNo); problems.append(StoreProblem(line: lineNo, message: StoreScan.tornMessage)); return }
            walk.add(line: lineNo, chain)
            try Self.deliver(line, line: lineNo, finished: finished, problems: &problems, body)
        }
        return (problems, walk.report)
    }
}
