import Foundation
import WavesAnalysis
import WavesCore

/// The rows of `waves score` (table, `--csv`, `--json`) written as bytes, in chunks of
/// submissions formatted on every core and written in order.
///
/// At 100,000 participants the three outputs are 400,000 table lines or 1.8 million CSV and
/// JSON rows; building a `ScoreRow`, a String per cell and a String per line cost about 6 s of
/// CPU where the store's scan costs 0.35 s. Here every text (participant, wave, role,
/// instrument, scale) is made safe once per distinct text (`Pieces`: `SafeText.line` for the
/// table, `CSVWriter.appendText` for CSV, the JSON string for JSON), every number once per
/// distinct value (`NumberMemo`: `NumberText.fixed`, `JSONWriter.writeNumber`, the encoder's
/// `description`), and the rows are those bytes copied into place. The rules stay where they
/// live: the table's padding and trimming are `TextTable`'s, a CSV cell is `CSVWriter`'s, and a
/// JSON row is the encoder's bytes (`ScoreCommand.json`, held to `JSONEncoder` by
/// `JSONStreamTests`). `ScoreOutputTests` holds each output to the one written row by row.
enum ScoreOutput {
    /// Submissions per chunk (about 0.5 MB of table, 2.5 MB of JSON at 4.5 scales each).
    static let chunk = 4096

    // MARK: - Driving

    /// `Parallel.forEachChunk` with this output's chunk size.
    static func forEachChunk<T: Sendable>(_ range: Range<Int>, chunk: Int = ScoreOutput.chunk, _ render: @Sendable (Range<Int>) -> T, write: (T) throws -> Void) rethrows {
        try Parallel.forEachChunk(range, chunk: chunk, render, write: write)
    }

    // MARK: - Table

    /// The plain table of one instrument: header, rule and one line per submission (participant,
    /// role or "–", wave, then each scale's score by `NumberText.fixed`, every cell through
    /// `SafeText.line`), as `TextTable.render` writes them: widths first, then lines.
    /// Returns the submissions and the missing scores (of every scale), for the closing line.
    static func table(_ scores: StreamedScores, instrumentAt position: Int, chunk: Int = ScoreOutput.chunk,
                      write: (UnsafeRawBufferPointer) -> Void) -> (administrations: Int, missing: Int) {
        let inst = scores.instruments[position]
        let header = (["participant", "role", "wave"] + inst.scales.map(\.id)).map(SafeText.line)
        let right = (0..<header.count).map { $0 >= 3 }
        // A scale id listed twice shows the last of its rows, as the grouping by scale id did.
        let column = inst.scales.map { s in inst.scales.lastIndex { $0.id == s.id }! }
        let pieces = Pieces(scores) { SafeText.line($0) }
        let range = scores.range(instrumentAt: position)
        // Widths: the header's, then each chunk's widest cells.
        var widths = header.map(TextTable.width)
        var administrations = 0, missing = 0
        forEachChunk(range, chunk: chunk, { r -> (widths: [Int], missing: Int) in
            var widths = Array(repeating: 0, count: 3 + column.count)
            var missing = 0
            let scaleCount = column.count
            var numbers = NumberMemo.table
            scores.scoredSubmissions.withUnsafeBufferPointer { subs in
                scores.values.withUnsafeBufferPointer { values in
                    for i in r {
                        let s = subs[i]
                        widths[0] = max(widths[0], pieces.width(participant: s.participant))
                        widths[1] = max(widths[1], s.role < 0 ? 1 : pieces.width(text: s.role))
                        widths[2] = max(widths[2], pieces.width(text: s.wave))
                        for (c, j) in column.enumerated() { widths[3 + c] = max(widths[3 + c], numbers.width(values[s.first + j].score)) }
                        for j in 0..<scaleCount where values[s.first + j].score == nil { missing += 1 }
                    }
                }
            }
            return (widths, missing)
        }, write: { part in
            for i in widths.indices { widths[i] = max(widths[i], part.widths[i]) }
            missing += part.missing
        })
        administrations = range.count
        var top = TextTable.line(header, widths: widths, right: right) + "\n"
        top += widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n"
        top.withUTF8 { write(UnsafeRawBufferPointer($0)) }
        let dash = Array(NumberText.missing.utf8)
        let widthsFound = widths
        forEachChunk(range, chunk: chunk, { r -> ByteText in
            let widths = widthsFound
            var out = ByteText(capacity: r.count * (widths.reduce(0, +) + 2 * widths.count + 1))
            var numbers = NumberMemo.table
            var lineStart = 0
            scores.scoredSubmissions.withUnsafeBufferPointer { subs in
                scores.values.withUnsafeBufferPointer { values in
                    pieces.withBytes { text in
                        dash.withUnsafeBytes { dash in
                            for i in r {
                                let s = subs[i]
                                lineStart = out.count
                                TextTable.appendCell(pieces.participant(s.participant, in: text), width: pieces.width(participant: s.participant), column: 0, widths: widths, right: right, into: &out)
                                if s.role < 0 {
                                    TextTable.appendCell(dash, width: 1, column: 1, widths: widths, right: right, into: &out)
                                } else {
                                    TextTable.appendCell(pieces.text(s.role, in: text), width: pieces.width(text: s.role), column: 1, widths: widths, right: right, into: &out)
                                }
                                TextTable.appendCell(pieces.text(s.wave, in: text), width: pieces.width(text: s.wave), column: 2, widths: widths, right: right, into: &out)
                                for (c, j) in column.enumerated() {
                                    numbers.appendCell(values[s.first + j].score, column: 3 + c, widths: widths, right: right, into: &out)
                                }
                                TextTable.endLine(from: lineStart, into: &out)
                            }
                        }
                    }
                }
            }
            return out
        }, write: { $0.withBytes(write) })
        return (administrations, missing)
    }

    // MARK: - CSV

    /// The CSV rows (after the header) of every submission, as `CSVWriter.record` writes the
    /// fields of each row; false (nothing written) when a text would be a formula cell, whose
    /// place the writer must count: then the caller writes the rows one by one.
    static func csvRows(_ scores: StreamedScores, escapeFormulas: Bool, chunk: Int = ScoreOutput.chunk, write: (UnsafeRawBufferPointer) -> Void) -> Bool {
        var formula = false
        let pieces = Pieces(scores) { t in
            var w = CSVWriter(header: [], escapeFormulas: escapeFormulas), out: [UInt8] = []
            w.appendText(t, column: 0, into: &out)
            if !w.formulaCells.isEmpty { formula = true }
            return String(decoding: out, as: UTF8.self)
        }
        guard !formula else { return false }
        forEachChunk(0..<scores.scoredSubmissions.count, chunk: chunk, { r -> ByteText in
            var out = ByteText(capacity: r.count * 256)
            var numbers = NumberMemo.csv
            scores.scoredSubmissions.withUnsafeBufferPointer { subs in
                scores.values.withUnsafeBufferPointer { values in
                    pieces.withBytes { text in
                        for i in r {
                            let s = subs[i]
                            let inst = Int(s.instrument)
                            let participant = pieces.participant(s.participant, in: text)
                            let role = s.role < 0 ? pieces.empty(in: text) : pieces.text(s.role, in: text)
                            let wave = pieces.text(s.wave, in: text)
                            for j in 0..<pieces.scaleCount(inst) {
                                let n = values[s.first + j]
                                out.append(participant); out.append(comma)
                                out.append(role); out.append(comma)
                                out.append(wave); out.append(comma)
                                out.append(pieces.instrument(inst, in: text)); out.append(comma)
                                out.append(pieces.scale(inst, j, in: text)); out.append(comma)
                                if let v = n.score, v.isFinite { numbers.append(v, into: &out) }
                                out.append(comma)
                                numbers.append(Double(n.answered), into: &out); out.append(comma)
                                numbers.append(Double(n.k), into: &out)
                                out.append(crlf)
                            }
                        }
                    }
                }
            }
            return out
        }, write: { $0.withBytes(write) })
        return true
    }

    // MARK: - JSON

    /// The elements of the `scores` array (`ScoreRow`s as the encoder writes them, joined by
    /// commas): a row whose texts are plain and whose score is a number or missing from
    /// `Pieces` and `NumberMemo` (`appendJSON`), any other row by the encoder
    /// (`JSONOutput.escapingControls` of its encoding). Throws what the encoder throws, after
    /// the chunks before.
    static func jsonRows(_ scores: StreamedScores, chunk: Int = ScoreOutput.chunk, write: (UnsafeRawBufferPointer) -> Void) throws {
        let pieces = Pieces(scores, ScoreCommand.jsonString)
        var first = true
        try forEachChunk(0..<scores.scoredSubmissions.count, chunk: chunk, { r -> Result<ByteText, Error> in
            var out = ByteText(capacity: r.count * 640)
            var numbers = NumberMemo.json
            var encoder: JSONEncoder?
            do {
                try scores.scoredSubmissions.withUnsafeBufferPointer { subs in
                    try scores.values.withUnsafeBufferPointer { values in
                        try pieces.withBytes { text in
                            for i in r {
                                let s = subs[i]
                                for j in 0..<pieces.scaleCount(Int(s.instrument)) {
                                    if out.count > 0 { out.append(comma) }
                                    if appendJSON(s, scale: j, values[s.first + j], pieces, text, &numbers, into: &out) { continue }
                                    let enc = encoder ?? JSONOutput.encoder()
                                    encoder = enc
                                    out.append(JSONOutput.escapingControls(String(decoding: try enc.encode(scores.row(s, scale: j)), as: UTF8.self)))
                                }
                            }
                        }
                    }
                }
            } catch { return .failure(error) }
            return .success(out)
        }, write: { result in
            let out = try result.get()
            guard out.count > 0 else { return }
            if !first { comma.withUnsafeBytes(write) }
            first = false
            out.withBytes(write)
        })
    }

    /// One row as `JSONOutput.encoder()` writes it, when its texts are plain (`Pieces` has their
    /// JSON strings) and its score is a number or missing; else false, and nothing written.
    static func appendJSON(_ s: StreamedScores.Submission, scale j: Int, _ n: StreamedScores.Numbers, _ pieces: Pieces, _ text: UnsafeRawBufferPointer,
                           _ numbers: inout NumberMemo, into out: inout ByteText) -> Bool {
        let inst = Int(s.instrument)
        guard pieces.has(participant: s.participant), s.role < 0 || pieces.has(text: s.role), pieces.has(text: s.wave),
              pieces.has(instrument: inst), pieces.has(scale: inst, j), n.score?.isFinite ?? true else { return false }
        let keys = ScoreCommand.jsonKeys
        out.append(keys[0])
        numbers.append(Double(n.answered), into: &out)
        out.append(keys[1])
        out.append(pieces.instrument(inst, in: text))
        out.append(keys[2])
        numbers.append(Double(n.k), into: &out)
        out.append(keys[3])
        out.append(pieces.participant(s.participant, in: text))
        out.append(keys[4])
        if s.role < 0 { out.append(ScoreCommand.jsonNull) } else { out.append(pieces.text(s.role, in: text)) }
        out.append(keys[5])
        out.append(pieces.scale(inst, j, in: text))
        out.append(keys[6])
        if let v = n.score { numbers.append(v, into: &out) } else { out.append(ScoreCommand.jsonNull) }
        out.append(keys[7])
        out.append(pieces.text(s.wave, in: text))
        out.append(keys[8])
        return true
    }

    private static let comma: StaticString = ","
    private static let crlf: StaticString = "\r\n"
}

/// Each distinct text of a `StreamedScores` (participants, waves and roles, instruments, scale
/// ids) as an output writes it, made once: bytes in one arena, with their width in characters
/// (`TextTable.width`) for the table. A text the output cannot write this way is nil.
struct Pieces: Sendable {
    private var arena: [UInt8] = []
    /// Per piece: where its bytes start (-1: none), how many, its width.
    private var start: [Int32] = []
    private var length: [Int32] = []
    private var widths: [Int32] = []
    private let textBase: Int, instrumentBase: Int, emptyAt: Int
    /// Per instrument: where its scale ids' pieces start, and how many.
    private let scaleBase: [Int]
    private let scaleCounts: [Int]

    init(_ scores: StreamedScores, _ piece: (String) -> String?) {
        var arena: [UInt8] = [], start: [Int32] = [], length: [Int32] = [], widths: [Int32] = []
        func add(_ t: String) {
            guard let p = piece(t) else { start.append(-1); length.append(0); widths.append(0); return }
            start.append(Int32(arena.count)); length.append(Int32(p.utf8.count)); widths.append(Int32(TextTable.width(p)))
            arena.append(contentsOf: p.utf8)
        }
        for p in scores.participantNames { add(p) }
        textBase = start.count
        for t in scores.texts { add(t) }
        instrumentBase = start.count
        for inst in scores.instruments { add(inst.id) }
        var scaleBase: [Int] = []
        for inst in scores.instruments {
            scaleBase.append(start.count)
            for s in inst.scales { add(s.id) }
        }
        emptyAt = start.count
        add("")
        self.scaleBase = scaleBase
        scaleCounts = scores.instruments.map(\.scales.count)
        self.arena = arena; self.start = start; self.length = length; self.widths = widths
    }

    func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R { try arena.withUnsafeBytes(body) }

    @inline(__always) private func bytes(_ k: Int, _ text: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: text[Int(start[k])..<Int(start[k] + length[k])])
    }
    @inline(__always) func participant(_ p: Int32, in text: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer { bytes(Int(p), text) }
    @inline(__always) func text(_ t: Int32, in text: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer { bytes(textBase + Int(t), text) }
    @inline(__always) func instrument(_ i: Int, in text: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer { bytes(instrumentBase + i, text) }
    @inline(__always) func scale(_ i: Int, _ j: Int, in text: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer { bytes(scaleBase[i] + j, text) }
    @inline(__always) func empty(in text: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer { bytes(emptyAt, text) }
    @inline(__always) func width(participant p: Int32) -> Int { Int(widths[Int(p)]) }
    @inline(__always) func width(text t: Int32) -> Int { Int(widths[textBase + Int(t)]) }
    @inline(__always) func has(participant p: Int32) -> Bool { start[Int(p)] >= 0 }
    @inline(__always) func has(text t: Int32) -> Bool { start[textBase + Int(t)] >= 0 }
    @inline(__always) func has(instrument i: Int) -> Bool { start[instrumentBase + i] >= 0 }
    @inline(__always) func has(scale i: Int, _ j: Int) -> Bool { start[scaleBase[i] + j] >= 0 }
    @inline(__always) func scaleCount(_ i: Int) -> Int { scaleCounts[i] }
}

/// Numbers as one output writes them, each distinct value formatted once by the output's own
/// formatter (`NumberText.fixed`, `JSONWriter.writeNumber`, the encoder's `description`) and
/// then copied: scale scores are means of few whole numbers, so a study has few distinct ones.
/// A table of `slots` values by bit pattern, a newer value taking an older one's slot.
struct NumberMemo {
    static let slots = 4096, room = 31
    private static let dash = Array(NumberText.missing.utf8)
    private let format: (Double) -> String
    private var keys: [UInt64]
    /// Per slot: the length of its text (-1: empty), then up to `room` bytes.
    private var texts: [UInt8]

    init(_ format: @escaping (Double) -> String) {
        self.format = format
        keys = Array(repeating: 0, count: Self.slots)
        texts = Array(repeating: 0xFF, count: Self.slots * (Self.room + 1))
    }

    /// `NumberText.fixed(v, 2)` (finite values; the table writes a missing or infinite score as "–").
    static var table: NumberMemo { NumberMemo { NumberText.fixed($0, 2) } }
    /// `CSVWriter.Field.number`'s text.
    static var csv: NumberMemo { NumberMemo { var b: [UInt8] = []; JSONWriter.writeNumber($0, into: &b); return String(decoding: b, as: UTF8.self) } }
    /// A finite number as `JSONEncoder` writes it (`ScoreCommand.jsonNumber`).
    static var json: NumberMemo { NumberMemo(ScoreCommand.jsonNumber) }

    /// Calls `body` with the text of `v` (finite).
    @inline(__always)
    private mutating func withText<R>(_ v: Double, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        let bits = v.bitPattern
        let slot = Int(truncatingIfNeeded: (bits &* 0x9E37_79B9_7F4A_7C15) >> 52)   // 12 bits: `slots`
        let at = slot * (Self.room + 1)
        if keys[slot] != bits || texts[at] == 0xFF {
            let t = format(v)
            guard t.utf8.count <= Self.room else { var t = t; return t.withUTF8 { body(UnsafeRawBufferPointer($0)) } }
            keys[slot] = bits
            texts[at] = UInt8(t.utf8.count)
            texts.withUnsafeMutableBufferPointer { b in _ = UnsafeMutableBufferPointer(rebasing: b[(at + 1)...]).initialize(from: t.utf8) }
        }
        return texts.withUnsafeBytes { b in body(UnsafeRawBufferPointer(rebasing: b[(at + 1)..<(at + 1 + Int(b[at]))])) }
    }

    @inline(__always)
    mutating func append(_ v: Double, into out: inout ByteText) { withText(v) { out.append($0) } }

    /// The width of a table cell of `score` (its text is ASCII; "–" is one character).
    @inline(__always)
    mutating func width(_ score: Double?) -> Int {
        guard let v = score, v.isFinite else { return 1 }
        return withText(v) { $0.count }
    }

    /// A table cell of `score` ("–" when missing or not finite), padded by `TextTable`'s rule.
    @inline(__always)
    mutating func appendCell(_ score: Double?, column: Int, widths: [Int], right: [Bool], into out: inout ByteText) {
        guard let v = score, v.isFinite else {
            Self.dash.withUnsafeBytes { TextTable.appendCell($0, width: 1, column: column, widths: widths, right: right, into: &out) }
            return
        }
        withText(v) { TextTable.appendCell($0, width: $0.count, column: column, widths: widths, right: right, into: &out) }
    }
}

/// Bytes for output, grown as needed and appended to without a String per piece.
struct ByteText: @unchecked Sendable {
    private var storage: UnsafeMutableRawPointer
    private var capacity: Int
    private(set) var count = 0
    private let owner: Owner

    /// Frees the storage with the last copy of the text.
    private final class Owner: @unchecked Sendable {
        var pointer: UnsafeMutableRawPointer
        init(_ p: UnsafeMutableRawPointer) { pointer = p }
        deinit { pointer.deallocate() }
    }

    init(capacity: Int) {
        self.capacity = max(capacity, 64)
        storage = UnsafeMutableRawPointer.allocate(byteCount: self.capacity, alignment: 1)
        owner = Owner(storage)
    }

    @inline(__always)
    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count > 0 else { return }
        if count + bytes.count > capacity { grow(count + bytes.count) }
        (storage + count).copyMemory(from: bytes.baseAddress!, byteCount: bytes.count)
        count += bytes.count
    }

    @inline(__always)
    mutating func append(_ s: StaticString) { append(UnsafeRawBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount)) }

    mutating func append(_ s: String) { var s = s; s.withUTF8 { append(UnsafeRawBufferPointer($0)) } }

    @inline(__always)
    mutating func append(byte: UInt8, count n: Int) {
        guard n > 0 else { return }
        if count + n > capacity { grow(count + n) }
        (storage + count).initializeMemory(as: UInt8.self, repeating: byte, count: n)
        count += n
    }

    /// The bytes from `start` on (to replace a line: `removeLast`, then `append`).
    func bytes(from start: Int) -> UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: storage + start, count: count - start) }
    var last: UInt8? { count > 0 ? storage.load(fromByteOffset: count - 1, as: UInt8.self) : nil }
    mutating func removeLast(_ n: Int) { count -= n }

    func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R { try body(UnsafeRawBufferPointer(start: storage, count: count)) }

    private mutating func grow(_ needed: Int) {
        let bigger = max(needed, 2 * capacity)
        let p = UnsafeMutableRawPointer.allocate(byteCount: bigger, alignment: 1)
        p.copyMemory(from: storage, byteCount: count)
        owner.pointer.deallocate()
        owner.pointer = p
        storage = p
        capacity = bigger
    }
}

extension StaticString {
    func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R { body(UnsafeRawBufferPointer(start: utf8Start, count: utf8CodeUnitCount)) }
}
