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

    // The parts of a line that `Reader.writeLine` writes through one pointer (see there).
    /// `{"format":"waves.response/1","id":"`: what `open(id:)` writes before the id's text.
    let open: [UInt8]
    /// `","study":"…","participant":`: the id's closing quote, the study and the next key.
    let afterID: [UInt8]
    /// `,"role":`, `null` (a role that is nil), `,"wave":`.
    let roleKey: [UInt8], nullRole: [UInt8], waveKey: [UInt8]
    /// `},"declined":[]`: the end of the answers of a row that declined nothing; without its
    /// `]`, the start of a row's declined items; `,"dont_know":[`, the start of its "Don't know" items.
    let noneDeclined: [UInt8], declinedOpen: [UInt8], dontKnowOpen: [UInt8]
    /// Each item column's id as a JSON string, one after the other (column k's is
    /// `quotedIDs[quotedIDStarts[k]..<quotedIDStarts[k + 1]]`).
    let quotedIDs: [UInt8], quotedIDStarts: [Int]
    /// The entries of `small`, each in a slot of `slotBytes` bytes (so one 16-byte copy writes
    /// a cell), and their lengths; empty when an entry is longer than a slot (long item ids).
    let slots: [UInt8], slotLengths: [UInt8]
    static let slotBytes = 16
    /// The most bytes `writeLine` writes for a row, besides its participant, wave and role.
    let lineBound: Int

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
        // The line's fixed parts, cut from what `RecordLineWriter` writes (checked here, and
        // the lines by the tests against the record path).
        var opened: [UInt8] = []
        RecordLineWriter.open(id: "", into: &opened)
        precondition(opened.suffix(2).elementsEqual(#""""#.utf8))
        open = Array(opened.dropLast())
        var who: [UInt8] = []
        RecordLineWriter.who(study: study, participant: "", role: nil, wave: "", into: &who)
        let rest = Array(#","participant":"","role":null,"wave":"""#.utf8)
        precondition(who.count > rest.count && who.suffix(rest.count).elementsEqual(rest))
        afterID = [UInt8(ascii: "\"")] + who.dropLast(rest.count) + Array(#","participant":"#.utf8)
        roleKey = Array(#","role":"#.utf8); nullRole = Array("null".utf8); waveKey = Array(#","wave":"#.utf8)
        var close: [UInt8] = []
        RecordLineWriter.closeAnswers(declined: [String](), into: &close)
        noneDeclined = close
        precondition(close.suffix(2).elementsEqual("[]".utf8))
        declinedOpen = Array(close.dropLast())
        var dontKnow: [UInt8] = []
        RecordLineWriter.extra("dont_know", .array([]), into: &dontKnow)
        precondition(dontKnow.suffix(2).elementsEqual("[]".utf8))
        dontKnowOpen = Array(dontKnow.dropLast())
        var quoted: [UInt8] = [], quotedStarts = [0]
        for c in reader.columns {
            JSONWriter.writeString(c.id, into: &quoted)
            quotedStarts.append(quoted.count)
        }
        quotedIDs = quoted; quotedIDStarts = quotedStarts
        let entries = smallStarts.count - 1
        let longest = (0..<entries).map { smallStarts[$0 + 1] - smallStarts[$0] }.max() ?? 0
        if longest <= Self.slotBytes {
            var slots = [UInt8](repeating: 0, count: entries * Self.slotBytes), lengths = [UInt8](repeating: 0, count: entries)
            for e in 0..<entries {
                let entry = small[smallStarts[e]..<smallStarts[e + 1]]
                slots.replaceSubrange((e * Self.slotBytes)..<(e * Self.slotBytes + entry.count), with: entry)
                lengths[e] = UInt8(entry.count)
            }
            self.slots = slots; slotLengths = lengths
        } else {
            slots = []; slotLengths = []
        }
        lineBound = open.count + 36 + afterID.count + roleKey.count + nullRole.count + waveKey.count + 6 + meta.count
            + reader.columns.count * max(longest, Self.slotBytes) + noneDeclined.count + batch.count + prevTail.count + Self.slotBytes
            + dontKnowOpen.count + 2 * (quoted.count + reader.columns.count + 1)
    }
}

extension LongCSVImporter.Reader {
    /// The store lines of one slice (the rows were checked by `check`; they are checked again
    /// as they are written, so a slice whose bytes are not those checked, by `digest`, or that
    /// has any problem, yields no line: the call throws). The rows are checked into `KeptRows`
    /// first, so their lines are written by the one writer of kept rows below.
    func lines(_ slice: SliceCopy, digest: String?, parts: ImportLineParts, into buffers: consuming ImportLines = ImportLines()) throws -> ImportLines {
        guard let digest, slice.digest == digest, slice.invalid == nil else { throw changed() }
        var values = [LongCSVImporter.CellValue](repeating: .missing, count: columns.count)
        var problems: [ImportProblem] = []
        var kept = KeptRows(csvBytes: slice.bytes.count)
        do {
            try slice.bytes.withUnsafeBytes { raw in
                try CSVReader.forEachRow(raw, firstLine: slice.line, atStart: slice.atStart) { row in
                    guard let head = checkCells(row, problems: &problems, values: &values, firstLine: { _, _, _ in nil }),
                          problems.isEmpty else { throw changed() }
                    kept.append(head, values)
                }
            }
        } catch is CSVReader.SyntaxError { throw changed() }
        return lines(kept: kept, parts: parts, into: buffers)
    }

    /// The store lines of rows the check pass kept (`KeptRows`): the same lines as
    /// `appendLine` makes of the rows' heads and values. A row whose codes are all whole
    /// numbers below 64, missing, declined, don't know or hidden, and whose participant, wave
    /// and role need no escaping (nearly every row of a survey), is written through one
    /// pointer (`writeLine`); any other (a text, any other number) through `appendLine`.
    func lines(kept: KeptRows, parts: ImportLineParts, into buffers: consuming ImportLines = ImportLines()) -> ImportLines {
        var out = buffers
        var ids = RecordIDs()
        let n = columns.count
        var values = [LongCSVImporter.CellValue](repeating: .missing, count: n)
        let bound = parts.lineBound
        // Room for the slice's lines (a reused buffer has it), so they are not regrown: the
        // bound of a line without its participant, wave and role is a little above its size.
        let expected = out.bytes.count + kept.count * bound
        if out.bytes.capacity < expected { out.bytes.reserveCapacity(expected) }
        out.ends.reserveCapacity(out.ends.count + kept.count)
        out.heads.reserveCapacity(out.heads.count + kept.count)
        var scratchSize = bound + 256
        var scratch = UnsafeMutableRawPointer.allocate(byteCount: scratchSize, alignment: 16)
        defer { scratch.deallocate() }
        kept.forEachRow(columns: n) { row in
            let fast = !parts.slots.isEmpty && Self.plainCodes(row.codes)
                && Self.plain(row.participant) && Self.plain(row.wave) && (row.role.map(Self.plain) ?? true)
            guard fast else {
                row.values(into: &values)
                appendLine(row.head, values, id: ids.next(), parts: parts, into: &out)
                return
            }
            let need = bound + row.participant.count + row.wave.count + (row.role?.count ?? 0)
            if need > scratchSize {
                scratch.deallocate()
                scratchSize = need * 2
                scratch = .allocate(byteCount: scratchSize, alignment: 16)
            }
            let length = writeLine(row, id: &ids, parts: parts, at: scratch)
            let line = UnsafeRawBufferPointer(start: scratch, count: length)
            out.bytes.append(contentsOf: line)
            out.ends.append(out.bytes.count)
            var h = ContentHash.Hasher()
            h.update(UnsafeRawBufferPointer(rebasing: line[0..<(length - ImportLines.prevFromEnd)]))
            out.heads.append(h)
        }
        return out
    }

    /// Whether every code is a whole number below 64, missing, declined, don't know or hidden
    /// (`KeptRows`): none is `other`.
    @inline(__always)
    static func plainCodes(_ codes: UnsafeRawBufferPointer) -> Bool {
        for c in codes where c >= KeptRows.other { return false }
        return true
    }

    /// Whether `JSONWriter.writeString` writes these UTF-8 bytes as they are between quotes
    /// (its own test of a plain string).
    @inline(__always)
    static func plain(_ bytes: UnsafeRawBufferPointer) -> Bool {
        for b in bytes where b < 0x20 || b == 0x22 || b == 0x5C || b == 0x7F || b == 0xE2 { return false }
        return true
    }

    /// Writes the line of a row that `lines(kept:…)` found plain at `at` (which has room for
    /// `parts.lineBound` bytes and the row's participant, wave and role) and returns its length:
    /// byte for byte what `write` writes for the row's head and values (tested), one copy per
    /// part and one 16-byte copy per cell.
    @inline(__always)
    func writeLine(_ row: KeptRows.Row, id ids: inout RecordIDs, parts: ImportLineParts, at base: UnsafeMutableRawPointer) -> Int {
        var p = base
        @inline(__always) func put(_ bytes: [UInt8]) {
            bytes.withUnsafeBytes { p.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
            p += bytes.count
        }
        @inline(__always) func quoted(_ bytes: UnsafeRawBufferPointer) {
            p.storeBytes(of: UInt8(ascii: "\""), as: UInt8.self)
            if bytes.count > 0 { (p + 1).copyMemory(from: bytes.baseAddress!, byteCount: bytes.count) }
            p.storeBytes(of: UInt8(ascii: "\""), toByteOffset: bytes.count + 1, as: UInt8.self)
            p += bytes.count + 2
        }
        put(parts.open)
        ids.next(into: p)
        p += 36
        put(parts.afterID)
        quoted(row.participant)
        put(parts.roleKey)
        if let role = row.role { quoted(role) } else { put(parts.nullRole) }
        put(parts.waveKey)
        quoted(row.wave)
        put(parts.meta)
        let stride = ImportLineParts.smallLimit + 1, slot = ImportLineParts.slotBytes
        var declined = false, dontKnow = false
        parts.slots.withUnsafeBytes { slots in
            parts.slotLengths.withUnsafeBufferPointer { lengths in
                var first = true
                for k in 0..<row.codes.count {
                    let code = row.codes[k]
                    if code == KeptRows.hidden { continue }
                    // Whole numbers 0..<64 are their own entries; missing, declined and don't
                    // know are the null entry.
                    if code == KeptRows.declined { declined = true } else if code == KeptRows.dontKnow { dontKnow = true }
                    let e = k * stride + Int(min(code, KeptRows.missing))
                    let length = Int(lengths[e])
                    if first {
                        // The first answer goes without its comma.
                        p.copyMemory(from: slots.baseAddress! + e * slot + 1, byteCount: length - 1)
                        p += length - 1
                        first = false
                        continue
                    }
                    p.storeBytes(of: slots.loadUnaligned(fromByteOffset: e * slot, as: SIMD16<UInt8>.self), as: SIMD16<UInt8>.self)
                    p += length
                }
            }
        }
        // The items with a given code, as `closeAnswers` and `extra` write their ids.
        func items(_ wanted: UInt8) {
            var first = true
            parts.quotedIDs.withUnsafeBytes { ids in
                for k in 0..<row.codes.count where row.codes[k] == wanted {
                    if !first { p.storeBytes(of: UInt8(ascii: ","), as: UInt8.self); p += 1 }
                    first = false
                    let at = parts.quotedIDStarts[k], n = parts.quotedIDStarts[k + 1] - at
                    p.copyMemory(from: ids.baseAddress! + at, byteCount: n)
                    p += n
                }
            }
            p.storeBytes(of: UInt8(ascii: "]"), as: UInt8.self)
            p += 1
        }
        if declined { put(parts.declinedOpen); items(KeptRows.declined) } else { put(parts.noneDeclined) }
        put(parts.batch)
        if dontKnow { put(parts.dontKnowOpen); items(KeptRows.dontKnow) }
        put(parts.prevTail)
        return p - base
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
