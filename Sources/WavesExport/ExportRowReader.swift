import Foundation
import WavesCore

/// The cells of one export row at a time, for the writers' inner loops (issue 14: exports of a
/// hundred thousand participants in well under a second).
///
/// `load` resolves the row's slots once (the submission of each, where its answers begin in the
/// table) and copies the answers of the slots that have item variables out of the table's pages,
/// so that a cell is then a few integer steps: no dictionary, no division, no `String` made.
/// `cell(_:)` gives for every variable exactly what `ExportPlan.cell(_:_:)` gives (the one
/// definition of a cell; tested on generated tables); a submission's time stamp can also be read
/// as bytes (`ExportPlan.withShownStamp`), which the writers do instead of asking for a `String`.
struct ExportRowReader {
    /// The plan and its table behind a class reference: read in place, where a struct held
    /// here was copied whole (hundreds of bytes) at each use in the writers' loops.
    private final class Source: @unchecked Sendable {
        let plan: ExportPlan
        let table: ExportTable
        init(_ plan: ExportPlan) { self.plan = plan; table = plan.table }
    }
    private let source: Source
    private let sources: [ExportPlan.CellSource]
    var plan: ExportPlan { source.plan }
    private(set) var row = ExportRow(participant: 0, wave: -1, role: nil)
    /// Per slot: the submission (key) in it, -1 when none, and the table index of its first answer.
    private var keys: [Int]
    private var bases: [Int]
    /// Per slot: where its answers are in `values`, how many it has (0: no item variable reads it).
    private let starts: [Int]
    private let widths: [Int]
    private var values: [Double]

    init(_ plan: ExportPlan) {
        source = Source(plan)
        sources = plan.cellSources
        let slots = plan.slotCount
        var read = Array(repeating: false, count: slots)
        for case .item(let slot, let column) in plan.cellSources where column >= 0 { read[slot] = true }
        var starts: [Int] = [], widths: [Int] = []
        var size = 0
        for s in 0..<slots {
            let instrument = plan.layout == .long ? s : s / max(1, plan.waves.count)
            let n = read[s] ? plan.table.instruments[plan.tableInstrument[instrument]].items.count : 0
            starts.append(size)
            widths.append(n)
            size += n
        }
        self.starts = starts
        self.widths = widths
        keys = Array(repeating: -1, count: slots)
        bases = Array(repeating: 0, count: slots)
        values = Array(repeating: 0, count: size)
    }

    /// Makes `row` the row read.
    mutating func load(_ row: ExportRow) {
        self.row = row
        let source = source
        values.withUnsafeMutableBufferPointer { out in
            for s in keys.indices {
                let (b, w, i) = source.plan.locate(s, row)
                let table = source.table
                let k = table.submission(block: b, wave: w, instrument: i) ?? -1
                keys[s] = k
                guard k >= 0 else { continue }
                bases[s] = table.base(block: b, wave: w, instrument: i)
                if widths[s] > 0 { table.copyValues(from: bases[s], count: widths[s], into: out.baseAddress! + starts[s]) }
            }
        }
    }

    /// The submission in a slot of the row, if any.
    @inline(__always)
    func submission(_ slot: Int) -> Int? { keys[slot] < 0 ? nil : keys[slot] }

    /// Calls `body` with the submission of every slot of the row that has one, in slot order.
    @inline(__always)
    func forEachSubmission(_ body: (Int) -> Void) {
        for k in keys where k >= 0 { body(k) }
    }

    /// `plan.withShownStamp(k, body)`.
    @inline(__always)
    func withShownStamp<R>(_ k: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R? { source.plan.withShownStamp(k, body) }

    /// `plan.table.stamp(a, isAfter: b)`.
    func stamp(_ a: Int, isAfter b: Int) -> Bool { source.table.stamp(a, isAfter: b) }

    /// The value of variable `index` in the row: `plan.cell(index, row)`.
    @inline(__always)
    func cell(_ index: Int) -> Cell {
        if case .item(let slot, let column) = sources[index] {
            guard keys[slot] >= 0, column >= 0 else { return .missing }
            let v = values[starts[slot] + column]
            if !v.isNaN { return .number(v) }
            return source.table.cell(at: bases[slot] + column)
        }
        return source.plan.cell(index, row)
    }
}

extension ExportPlan {
    /// Slots of a row: one per instrument (long), per instrument and wave (wide).
    var slotCount: Int { layout == .long ? instruments.count : instruments.count * waves.count }

    /// Calls `body` with the UTF-8 bytes of the text that `cell` gives for the time stamp of
    /// submission `k` under the plan's `dates`, and returns its result; nil (without calling
    /// it) when those bytes are not simply a part of the stored ones, so the caller takes `cell`.
    /// `.date` keeps what precedes the first `T`, found by byte in ASCII text only (elsewhere a
    /// `T` may begin a longer character).
    func withShownStamp<R>(_ k: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R? {
        switch dates {
        case .keep: return table.withStamp(k, body)
        case .drop: return nil
        case .date:
            return table.withStamp(k) { b -> R? in
                var end = b.count
                for (j, c) in b.enumerated() {
                    if c >= 0x80 { return nil }
                    if c == UInt8(ascii: "T") && end == b.count { end = j }
                }
                return body(UnsafeBufferPointer(rebasing: b[..<end]))
            }
        }
    }
}
