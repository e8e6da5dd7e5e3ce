import Foundation
import WavesCore

/// The check pass of an import on every core: slices are checked side by side, then merged in
/// file order, where the one order-dependent rule (a participant and wave seen on an earlier
/// line) is applied. The outcome is the sequential check's, problem for problem (tested).
extension LongCSVImporter.Reader {
    /// A checked row, as the merge needs it.
    struct CheckedRow {
        var line: Int
        /// Participant and wave, when the row got as far as the duplicate check.
        var key: (participant: String, wave: String)?
        /// `participant + "\u{1}" + wave`, the merge's dictionary key (made on the checking
        /// thread, so the one merging thread only looks it up).
        var joined = ""
        /// The end of this row's problems in its slice's list.
        var problemsEnd: Int
    }

    struct CheckedSlice {
        var rows: [CheckedRow] = []
        var problems: [ImportProblem] = []
        /// The SHA-256 of the slice's bytes; empty when its rows are `kept` instead.
        var digest = ""
        /// The slice's checked rows, when the check pass was asked to keep them (`KeptRows`).
        var kept: KeptRows?
    }

    /// One slice's bytes, copied so that another thread can check it.
    struct SliceCopy {
        var bytes: [UInt8]
        var line: Int
        var atStart: Bool
        /// Line ends before the slice and the bytes after the last of them (`CSVSlice`): where
        /// an invalid byte is, in words.
        var newlinesBefore: Int, columnBefore: Int
        /// Where the slice after this one begins.
        var next: CSVSlices.Position

        init(_ slice: CSVSlice) {
            bytes = Array(slice.bytes); line = slice.line; atStart = slice.start == 0; next = slice.next
            newlinesBefore = slice.newlinesBefore; columnBefore = slice.columnBefore
        }

        /// `init(slice)` into the buffer of a copy no longer used (no fresh pages to fault in
        /// and zero for every slice).
        init(_ slice: CSVSlice, reusing spare: consuming SliceCopy?) {
            guard var copy = spare else { self.init(slice); return }
            copy.bytes.removeAll(keepingCapacity: true)
            copy.bytes.append(contentsOf: slice.bytes)
            copy.line = slice.line; copy.atStart = slice.start == 0; copy.next = slice.next
            copy.newlinesBefore = slice.newlinesBefore; copy.columnBefore = slice.columnBefore
            self = copy
        }

        /// The first byte that is not UTF-8, located in the whole file (`CSVSlice.firstInvalidUTF8`,
        /// on the copied bytes); nil when the slice is UTF-8. Asked by the thread that checks
        /// the slice, not by the one that reads it.
        var invalid: UTF8Text.Invalid? {
            bytes.withUnsafeBytes { UTF8Text.firstInvalid($0, line: newlinesBefore + 1, byteInLine: columnBefore + 1) }
        }

        /// The SHA-256 of the bytes.
        var digest: String { bytes.withUnsafeBytes { ContentHash.sha256Hex($0) } }
    }

    /// What the check pass leaves for the write pass.
    struct CheckOutcome {
        /// Rows that are not duplicates.
        var rows = 0
        /// Participant and wave (`participant + "\u{1}" + wave`) of every row, with its line.
        var seen: [String: Int] = [:]
        /// The SHA-256 of each slice's bytes, in order: the write pass writes only from bytes
        /// that are the ones checked (`Reader.lines(_:digest:parts:into:)`); empty for a slice
        /// whose rows are kept.
        var digests: [String] = []
        /// The checked rows of the first slices, as long as they fit the budget (`KeptRows`):
        /// the write pass formats their lines without reading those slices again.
        var kept: [KeptRows] = []
        /// Their bytes (`KeptRows.size`), and where the first slice not kept begins.
        var keptSize = 0
        var keptEnd: CSVSlices.Position?
    }

    /// Checks every row, `workers` slices at a time; appends problems in file order and returns
    /// the number of rows that are not duplicates.
    func checkInParallel(problems: inout [ImportProblem], workers: Int = Self.workers) throws -> Int {
        var outcome = CheckOutcome()
        try checkInParallel(problems: &problems, workers: workers, outcome: &outcome)
        return outcome.rows
    }

    /// Threads for the import's parallel passes.
    static var workers: Int { min(4, max(1, ProcessInfo.processInfo.activeProcessorCount)) }

    /// `checkInParallel(problems:workers:)`, keeping what the write pass needs in `outcome`:
    /// the checked rows of the first slices while they fit in `keepBytes` (`KeptRows`), the
    /// digests of the others.
    ///
    /// Pipelined: while `workers` threads check one batch of slices, this thread merges the
    /// batch before it (in file order: the duplicate dictionary, the problems) and reads and
    /// copies the batch after it, so the serial part no longer leaves the workers waiting.
    func checkInParallel(problems: inout [ImportProblem], workers: Int = Self.workers, keepBytes: Int = 0, outcome: inout CheckOutcome) throws {
        var pending: [SliceCopy] = [], spare: [SliceCopy] = []
        // Rows are kept for a prefix of the slices only: once a slice's rows do not fit, no
        // later slice's are kept.
        var keeping = keepBytes > 0
        // After the first slices, room for as many rows as the file is likely to hold (from
        // its size), so the dictionary of rows is not rehashed as it grows on this one thread.
        let total = slices.byteCount
        var bytesSeen = 0, reserved = false
        // The batch being checked on other threads while this one merges the batch before it.
        var running: RunningCheck?
        // A batch still being checked when this returns (a thrown problem) is waited for.
        defer { running?.wait() }
        func merge(_ job: SliceJob) throws {
            bytesSeen += job.copies.reduce(0) { $0 + $1.bytes.count }
            let results = job.collect()
            defer { spare += job.takeCopies() }
            for (i, result) in results.enumerated() {
                var checked = try result.get()
                if let kept = checked.kept {
                    if keeping, outcome.keptSize + kept.size <= keepBytes {
                        outcome.kept.append(kept)
                        outcome.keptSize += kept.size
                        outcome.keptEnd = job.copies[i].next
                    } else {
                        // Over the budget: this slice and every later one are read again.
                        keeping = false
                        checked.digest = job.copies[i].digest
                    }
                }
                outcome.digests.append(checked.digest)
                var start = 0
                for row in checked.rows {
                    defer { start = row.problemsEnd }
                    if let key = row.key {
                        // One lookup for a new row; a duplicate puts the first line back.
                        if let first = outcome.seen.updateValue(row.line, forKey: row.joined) {
                            outcome.seen[row.joined] = first
                            problems.append(duplicate(key.participant, key.wave, line: row.line, first: first))
                            continue
                        }
                        outcome.rows += 1
                    }
                    if row.problemsEnd > start { problems.append(contentsOf: checked.problems[start..<row.problemsEnd]) }
                }
            }
            if !reserved, let total, bytesSeen > 0, outcome.seen.count > 0 {
                reserved = true
                let expected = Double(outcome.seen.count) * Double(total) / Double(bytesSeen) * 1.05
                if expected < Double(Int32.max) { outcome.seen.reserveCapacity(Int(expected)) }
            }
        }
        func flush() throws {
            // The batch checked before this one is merged while this one is checked (a batch
            // that a merge decides not to keep is only kept in vain: its digest is taken then).
            let started = pending.isEmpty ? nil : RunningCheck(SliceJob(reader: self, copies: pending, keep: keeping))
            pending.removeAll()
            if let previous = running {
                running = started
                previous.wait()
                try merge(previous.job)
            } else {
                running = started
            }
        }
        try slices.forEach(from: body) { slice in
            pending.append(SliceCopy(slice, reusing: spare.popLast()))
            if pending.count >= workers { try flush() }
            return true
        }
        try flush()
        // The last batch.
        if let last = running {
            running = nil
            last.wait()
            try merge(last.job)
        }
    }

    /// Checks the rows of one slice, leaving duplicates to the merge; keeps its rows that have
    /// no problem when `keep` (`KeptRows`), else takes its digest.
    func checkSlice(_ slice: SliceCopy, keep: Bool = false) throws -> CheckedSlice {
        if let bad = slice.invalid { throw ImportError(file: file, problems: [ImportProblem(line: bad.line, message: bad.message)]) }
        var out = CheckedSlice()
        var kept = KeptRows(csvBytes: keep ? slice.bytes.count : 0)
        if !keep { out.digest = slice.digest }
        var values = [LongCSVImporter.CellValue](repeating: .missing, count: columns.count)
        do {
            try slice.bytes.withUnsafeBytes { raw in
                try CSVReader.forEachRow(raw, firstLine: slice.line, atStart: slice.atStart) { row in
                    var key: (String, String)?
                    let before = out.problems.count
                    let head = checkCells(row, problems: &out.problems, values: &values, firstLine: { p, w, _ in key = (p, w); return nil })
                    // A row with a problem fails the import: only good rows need to be kept.
                    if keep, let head, out.problems.count == before { kept.append(head, values) }
                    out.rows.append(CheckedRow(line: row.line, key: key, joined: key.map { $0.0 + "\u{1}" + $0.1 } ?? "", problemsEnd: out.problems.count))
                }
            }
            if keep { out.kept = kept }
        } catch let e as CSVReader.SyntaxError {
            throw ImportError(file: file, problems: [ImportProblem(line: e.line, message: e.message)])
        }
        return out
    }
}

/// A `SliceJob` run on other threads (every slice side by side), to be waited for.
private final class RunningCheck: @unchecked Sendable {
    let job: SliceJob
    private let group = DispatchGroup()

    init(_ job: SliceJob) {
        self.job = job
        group.enter()
        DispatchQueue.global().async { [job, group] in
            DispatchQueue.concurrentPerform(iterations: job.copies.count) { i in job.run(i) }
            group.leave()
        }
    }

    /// Returns once every slice of the job is checked.
    func wait() { group.wait() }
}

/// Slices checked side by side: each thread writes only its own result slot.
private final class SliceJob: @unchecked Sendable {
    let reader: LongCSVImporter.Reader
    private(set) var copies: [LongCSVImporter.Reader.SliceCopy]
    let keep: Bool
    private let results: UnsafeMutableBufferPointer<Result<LongCSVImporter.Reader.CheckedSlice, any Error>>

    init(reader: LongCSVImporter.Reader, copies: [LongCSVImporter.Reader.SliceCopy], keep: Bool) {
        self.reader = reader; self.copies = copies; self.keep = keep
        results = .allocate(capacity: copies.count)
    }

    func run(_ i: Int) {
        (results.baseAddress! + i).initialize(to: Result { try reader.checkSlice(copies[i], keep: keep) })
    }

    /// The results in slice order (after every `run`).
    func collect() -> [Result<LongCSVImporter.Reader.CheckedSlice, any Error>] {
        Array(results)
    }

    /// The slices' copies, to be filled again (after every `run`; the job keeps none).
    func takeCopies() -> [LongCSVImporter.Reader.SliceCopy] {
        defer { copies = [] }
        return copies
    }

    deinit {
        _ = results.deinitialize()
        results.deallocate()
    }
}
