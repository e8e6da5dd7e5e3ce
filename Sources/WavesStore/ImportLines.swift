import Foundation
import WavesCore

/// The store lines of one slice of an import's CSV, written straight from the checked cells
/// (`Reader.checkCells`) through the store's one line writer (`RecordLineWriter`), without a
/// `ResponseRecord` or a `String` per answer. Every line ends with `prev` (the hash chain's
/// link, spec formats.md) whose 64 hex digits are filled in when the slice is appended
/// (`ResponseStore.appendChained`), under the store's lock, from the line before.
struct ImportLines {
    var bytes: [UInt8] = []
    /// The end of each line in `bytes` (after its line end).
    var ends: [Int] = []
    /// For each line, SHA-256 fed with the line up to its `prev` digits: only the last bytes of
    /// each line are left to hash when the chain is made (the digits depend on the line before).
    var heads: [ContentHash.Hasher] = []
    var count: Int { ends.count }

    /// `,"prev":"` + 64 hex digits + `"` + `}` + line end: where the digits start, back from a line's end.
    static let prevFromEnd = 64 + 3
    /// The bytes `,"prev":"…"` that the store's first line goes without.
    static let prevLength = 9 + 64 + 1
}

/// What every line of one import shares, written once by `RecordLineWriter` and copied per row.
struct ImportLineParts {
    let study: String
    /// From `meta` through `,"answers":{`.
    let meta: [UInt8]
    /// Each item column's answer key after another answer, `,"id":`, one after the other:
    /// column k's is `keys[keyStarts[k]..<keyStarts[k + 1]]` (without its first byte, the
    /// comma, when it is the first answer).
    let keys: [UInt8], keyStarts: [Int]
    /// Each item column's answer key after another answer with a whole number below
    /// `smallLimit` as its value, `,"id":v`, then with null, `,"id":null` (what a survey's
    /// answers nearly always are: one copy per cell): column k's value v (`smallLimit` for
    /// null) is `small[smallStarts[k * (smallLimit + 1) + v]..<smallStarts[k * (smallLimit + 1) + v + 1]]`
    /// (without its first byte, the comma, when it is the first answer).
    let small: [UInt8], smallStarts: [Int]
    static let smallLimit = 64
    /// `,"batch":"…"`.
    let batch: [UInt8]
    /// `,"prev":"000…"}` (the digits are filled in later) and the line end.
    let prevTail: [UInt8]

    init(reader: LongCSVImporter.Reader, submittedAt: String, batch batchID: String) {
        study = reader.bundle.study.id
        let inst = reader.instrument
        var meta: [UInt8] = []
        RecordLineWriter.meta(instrument: InstrumentRef(id: inst.id, version: inst.version, sha256: inst.sha256), startedAt: nil,
                              submittedAt: submittedAt, mode: RecordMode.import.rawValue, via: "import", into: &meta)
        RecordLineWriter.openAnswers(into: &meta)
        self.meta = meta
        var keys: [UInt8] = [], starts = [0]
        for c in reader.columns {
            var first: [UInt8] = []
            RecordLineWriter.answerKey(c.id, first: true, into: &first)
            RecordLineWriter.answerKey(c.id, first: false, into: &keys)
            precondition(keys[starts.last!...].dropFirst().elementsEqual(first))
            starts.append(keys.count)
        }
        self.keys = keys; keyStarts = starts
        // Column k's key followed by each whole number below 64, as `writeNumber` writes it,
        // then by null.
        var small: [UInt8] = [], smallStarts = [0]
        for k in reader.columns.indices {
            for v in 0...Self.smallLimit {
                small.append(contentsOf: keys[starts[k]..<starts[k + 1]])
                if v < Self.smallLimit { JSONWriter.writeNumber(Double(v), into: &small) } else { RecordLineWriter.null(into: &small) }
                smallStarts.append(small.count)
            }
        }
        self.small = small; self.smallStarts = smallStarts
        var b: [UInt8] = []
        RecordLineWriter.extra("batch", .string(batchID), into: &b)
        batch = b
        var tail: [UInt8] = []
        RecordLineWriter.extra("prev", .string(String(repeating: "0", count: 64)), into: &tail)
        RecordLineWriter.close(into: &tail)
        tail.append(0x0A)
        prevTail = tail
    }
}

extension LongCSVImporter.Reader {
    /// The store lines of one slice (the rows were checked by `check`; they are checked again
    /// as they are written, so a slice whose bytes are not those checked, by `digest`, or that
    /// has any problem, yields no line: the call throws).
    func lines(_ slice: SliceCopy, digest: String?, parts: ImportLineParts, into buffers: consuming ImportLines = ImportLines()) throws -> ImportLines {
        guard let digest, slice.digest == digest, slice.invalid == nil else { throw changed() }
        var out = buffers
        // A reused buffer is kept as it is when it is large enough (about 8 store bytes per CSV
        // byte); otherwise room with a margin, so slightly larger slices do not each reallocate.
        if out.bytes.capacity < slice.bytes.count * 8 { out.bytes.reserveCapacity(slice.bytes.count * 9) }
        var values = [LongCSVImporter.CellValue](repeating: .missing, count: columns.count)
        var problems: [ImportProblem] = []
        var ids = RecordIDs()
        do {
            try slice.bytes.withUnsafeBytes { raw in
                try CSVReader.forEachRow(raw, firstLine: slice.line, atStart: slice.atStart) { row in
                    guard let head = checkCells(row, problems: &problems, values: &values, firstLine: { _, _, _ in nil }),
                          problems.isEmpty else { throw changed() }
                    appendLine(head, values, id: ids.next(), parts: parts, into: &out)
                }
            }
        } catch is CSVReader.SyntaxError { throw changed() }
        return out
    }

    /// The store lines of rows the check pass kept (`KeptRows`): the same lines as
    /// `lines(_:digest:parts:into:)` makes of the slice they were checked from, without
    /// reading or parsing it again.
    func lines(kept: KeptRows, parts: ImportLineParts, into buffers: consuming ImportLines = ImportLines()) -> ImportLines {
        var out = buffers
        var ids = RecordIDs()
        kept.forEach(columns: columns.count) { head, values in
            appendLine(head, values, id: ids.next(), parts: parts, into: &out)
        }
        return out
    }

    /// Appends one row's line (`write`), its end, and SHA-256 fed with the line up to its `prev` digits.
    @inline(__always)
    func appendLine(_ head: LongCSVImporter.RowHead, _ values: [LongCSVImporter.CellValue], id: String, parts: ImportLineParts,
                    into out: inout ImportLines) {
        let start = out.bytes.count
        write(head, values, id: id, parts: parts, into: &out.bytes)
        out.ends.append(out.bytes.count)
        var h = ContentHash.Hasher()
        out.bytes.withUnsafeBytes { h.update(UnsafeRawBufferPointer(rebasing: $0[start..<($0.count - ImportLines.prevFromEnd)])) }
        out.heads.append(h)
    }

    /// One row's line: `RecordLineWriter`'s parts in the order of `ResponseRecord.writeJSONLine`
    /// for the record `forEachRecord` makes of the row (with `batch` and a `prev` to fill in).
    @inline(__always)
    func write(_ head: LongCSVImporter.RowHead, _ values: [LongCSVImporter.CellValue], id: String, parts: ImportLineParts,
               into out: inout [UInt8]) {
        RecordLineWriter.open(id: id, into: &out)
        RecordLineWriter.who(study: parts.study, participant: head.participant, role: head.role, wave: head.wave, into: &out)
        out.append(contentsOf: parts.meta)
        var first = true
        var declined = false, dontKnow = false
        parts.keys.withUnsafeBytes { keys in
            parts.keyStarts.withUnsafeBufferPointer { starts in
              parts.small.withUnsafeBytes { small in
                parts.smallStarts.withUnsafeBufferPointer { smallStarts in
                values.withUnsafeBufferPointer { values in
                    for k in 0..<values.count {
                        let value = values[k]
                        if case .hidden = value { continue }
                        // The key and a small whole number or null in one copy (the same bytes as below).
                        var entry = -1
                        switch value {
                        case .number(let v): if v >= 0, v < Double(ImportLineParts.smallLimit), let n = Int(exactly: v) { entry = n }
                        case .missing: entry = ImportLineParts.smallLimit
                        case .declined: entry = ImportLineParts.smallLimit; declined = true
                        case .dontKnow: entry = ImportLineParts.smallLimit; dontKnow = true
                        case .text, .hidden: break
                        }
                        if entry >= 0 {
                            let at = k * (ImportLineParts.smallLimit + 1) + entry
                            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: small[(smallStarts[at] + (first ? 1 : 0))..<smallStarts[at + 1]]))
                            first = false
                            continue
                        }
                        out.append(contentsOf: UnsafeRawBufferPointer(rebasing: keys[(starts[k] + (first ? 1 : 0))..<starts[k + 1]]))
                        first = false
                        switch value {
                        case .number(let v): JSONWriter.writeNumber(v, into: &out)
                        case .text(let t): JSONWriter.writeString(t, into: &out)
                        case .declined: declined = true; RecordLineWriter.null(into: &out)
                        case .dontKnow: dontKnow = true; RecordLineWriter.null(into: &out)
                        case .missing, .hidden: RecordLineWriter.null(into: &out)
                        }
                    }
                }
                }
              }
            }
        }
        func ids(_ wanted: LongCSVImporter.CellValue) -> [String] {
            values.indices.compactMap { k -> String? in
                switch (values[k], wanted) {
                case (.declined, .declined), (.dontKnow, .dontKnow): return columns[k].id
                default: return nil
                }
            }
        }
        RecordLineWriter.closeAnswers(declined: declined ? ids(.declined) : [], into: &out)
        out.append(contentsOf: parts.batch)
        if dontKnow { RecordLineWriter.extra("dont_know", .array(ids(.dontKnow).map(JSONValue.string)), into: &out) }
        out.append(contentsOf: parts.prevTail)
    }

    func changed() -> ImportError {
        ImportError(file: file, problems: [ImportProblem(line: 1, message: "the file changed while it was imported")])
    }
}

extension ResponseStore {
    /// Appends an import's slice of lines, chained: under the store's lock, each line's `prev`
    /// is set to the SHA-256 of the line before it (the store's last line for the first; the
    /// store's first line ever goes without `prev`, as `append(_:)` writes it). Not flushed
    /// (`durable: false`): the import calls `sync()` before recording its batch.
    func appendChained(_ lines: inout ImportLines) throws {
        guard lines.count > 0 else { return }
        do {
            try log.withLockedFile { locked in
                var prev = try locked.lastLine().map { ContentHash.sha256Hex($0) }
                var from = 0
                if prev == nil {
                    from = 1
                    // The store's first line: the same line without its `prev`.
                    let end = lines.ends[0]
                    let cut = end - 2 - ImportLines.prevLength
                    lines.bytes.removeSubrange(cut..<(end - 2))
                    for i in lines.ends.indices { lines.ends[i] -= ImportLines.prevLength }
                    prev = lines.bytes.withUnsafeBytes { ContentHash.sha256Hex(UnsafeRawBufferPointer(rebasing: $0[0..<(lines.ends[0] - 1)])) }
                }
                let ends = lines.ends, heads = lines.heads
                lines.bytes.withUnsafeMutableBytes { raw in
                    // Each line's digest is written straight into the next line's `prev` digits.
                    var p = prev!
                    let digitsAt = { (i: Int) in UnsafeMutableRawBufferPointer(rebasing: raw[(ends[i] - ImportLines.prevFromEnd)..<(ends[i] - 1)]) }
                    guard from < ends.count else { return }
                    p.withUTF8 { hex in digitsAt(from).copyMemory(from: UnsafeRawBufferPointer(hex)) }
                    heads.withUnsafeBufferPointer { heads in
                        for i in from..<(ends.count - 1) {
                            var h = heads[i]
                            h.update(UnsafeRawBufferPointer(digitsAt(i)))
                            h.hex(into: digitsAt(i + 1))
                        }
                    }
                }
                try locked.append(lines.bytes, durable: false)
            }
        } catch let e as FileIOError { throw StoreError.file(e) }
    }
}
