import Foundation
import WavesCore

/// Aligned plain-text tables for the terminal (numbers right-aligned).
///
/// Every cell is one line of terminal-safe text (`SafeText.line`: controls shown as `^[`,
/// line breaks folded) before the columns are measured, so hostile text neither acts on the
/// terminal nor breaks the alignment. Numbers come formatted from `NumberText`.
struct TextTable {
    var header: [String]
    var rows: [[String]] = []
    /// Columns aligned right (numbers).
    var rightAligned: Set<Int> = []

    init(_ header: [String], rightAligned: Set<Int> = []) { self.header = header.map(SafeText.line); self.rightAligned = rightAligned }

    mutating func add(_ row: [String]) { rows.append(row.map(SafeText.line)) }

    func render() -> String {
        var out: [String] = []
        Self.render(header: header, rows: rows, rightAligned: rightAligned) { out.append($0) }
        return out.joined(separator: "\n")
    }

    /// As `render()`, for more rows than should be held at once: `rows` (cells already through
    /// `SafeText.line`, as `add` makes them) is read twice, for the widths and then for the
    /// lines, and each line goes to `emit` (without its line end).
    static func render<Rows: Sequence>(header: [String], rows: Rows, rightAligned: Set<Int> = [], line emit: (String) -> Void) where Rows.Element == [String] {
        var widths = Array(repeating: 0, count: header.count)
        func measure(_ r: [String]) { for (i, c) in r.enumerated() where i < widths.count { widths[i] = max(widths[i], width(c)) } }
        measure(header)
        for r in rows { measure(r) }
        let right = (0..<header.count).map(rightAligned.contains)
        var scratch: [UInt8] = []
        emit(line(header, widths: widths, right: right, scratch: &scratch))
        emit(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  "))
        for r in rows { emit(line(r, widths: widths, right: right, scratch: &scratch)) }
    }

    /// As `render(header:rows:rightAligned:line:)` for `count` rows made by `rows(range, memo)`
    /// (cells already through `SafeText.line`; `memo` is a fresh `Memo` per piece, for cells
    /// that repeat), made and laid out in pieces of `chunk` rows on every core
    /// (`Parallel.forEachChunk`): the widths first, then each piece's lines, each ending in
    /// `\n`, handed to `emit` in order (the header and rule come first, each its own piece).
    /// The same text as the one-thread `render`; `QualityOutputTests` holds them equal.
    static func render<Memo>(header: [String], count: Int, rightAligned: Set<Int> = [], chunk: Int = 4096, memo: @escaping @Sendable () -> Memo,
                             rows: @escaping @Sendable (Range<Int>, inout Memo) -> [[String]], emit: (String) -> Void) {
        var widths = Array(repeating: 0, count: header.count)
        widen(&widths, header)
        let columns = header.count
        Parallel.forEachChunk(0..<count, chunk: chunk, { range -> [Int] in
            var m = memo()
            var w = Array(repeating: 0, count: columns)
            for r in rows(range, &m) { widen(&w, r) }
            return w
        }, write: { w in for i in widths.indices { widths[i] = max(widths[i], w[i]) } })
        emitPieces(header: header, widths: widths, rightAligned: rightAligned, pieces: count, chunk: chunk, { range in
            var m = memo()
            return rows(range, &m)
        }, emit: emit)
    }

    /// As `render(header:count:…)` for rows that cost more to make than to keep (numbers
    /// formatted per cell): each piece of `chunk` rows is made once, on every core, and kept
    /// until its lines are written (`waves rci`: 100,000 participants per scale, a few small
    /// texts per row). The same text as the one-thread `render`.
    static func renderKeepingRows(header: [String], count: Int, rightAligned: Set<Int> = [], chunk: Int = 4096,
                                  rows: @escaping @Sendable (Range<Int>) -> [[String]], emit: (String) -> Void) {
        let size = max(1, chunk)
        let pieces = Parallel.map(stride(from: 0, to: count, by: size).map { $0..<min($0 + size, count) }, rows)
        var widths = Array(repeating: 0, count: header.count)
        widen(&widths, header)
        for piece in pieces { for r in piece { widen(&widths, r) } }
        emitPieces(header: header, widths: widths, rightAligned: rightAligned, pieces: pieces.count, chunk: 1, { pieces[$0.lowerBound] }, emit: emit)
    }

    /// `w` widened to the cells of `r`.
    @Sendable private static func widen(_ w: inout [Int], _ r: [String]) {
        for (i, c) in r.enumerated() where i < w.count { w[i] = max(w[i], width(c)) }
    }

    /// The header and rule, then the lines of the rows `rows` gives for each piece of `chunk` of
    /// `0..<pieces`, laid out on every core and handed to `emit` in order, each line ending in `\n`.
    private static func emitPieces(header: [String], widths: [Int], rightAligned: Set<Int>, pieces: Int, chunk: Int,
                                   _ rows: @escaping @Sendable (Range<Int>) -> [[String]], emit: (String) -> Void) {
        let right = (0..<header.count).map(rightAligned.contains)
        var scratch: [UInt8] = []
        emit(line(header, widths: widths, right: right, scratch: &scratch) + "\n")
        emit(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n")
        Parallel.forEachChunk(0..<pieces, chunk: chunk, { range -> String in
            var scratch: [UInt8] = []
            var text = ""
            for r in rows(range) { text += line(r, widths: widths, right: right, scratch: &scratch); text += "\n" }
            return text
        }, write: emit)
    }

    /// One line: the cells padded to their column's width (on the left when the column is
    /// right-aligned) and joined by two spaces, without trailing white space.
    static func line(_ r: [String], widths: [Int], right: [Bool]) -> String {
        var scratch: [UInt8] = []
        return line(r, widths: widths, right: right, scratch: &scratch)
    }

    /// `line`, put together as bytes in `scratch` (reused from line to line): a String's text is
    /// its UTF-8, so joining bytes joins the texts; the trailing ASCII white space is cut from
    /// the bytes, and only a line that then ends in a non-ASCII scalar is trimmed by
    /// `trimmingTrailingSpace` (which also cuts the separators `\p{Z}` and NEL).
    /// `QualityOutputTests` holds this to the lines built as Strings.
    static func line(_ r: [String], widths: [Int], right: [Bool], scratch bytes: inout [UInt8]) -> String {
        bytes.removeAll(keepingCapacity: true)
        for (i, c) in r.enumerated() {
            if i > 0 { bytes.append(0x20); bytes.append(0x20) }
            let pad = max(0, widths[i] - width(c))
            if i < right.count && right[i] {
                bytes.append(contentsOf: repeatElement(0x20, count: pad)); bytes.append(contentsOf: c.utf8)
            } else {
                bytes.append(contentsOf: c.utf8); bytes.append(contentsOf: repeatElement(0x20, count: pad))
            }
        }
        while let last = bytes.last, last == 0x20 || (last >= 0x09 && last <= 0x0D) { bytes.removeLast() }
        let text = String(decoding: bytes, as: UTF8.self)
        if let last = bytes.last, last >= 0x80 { return trimmingTrailingSpace(text) }
        return text
    }

    /// `line`'s rule for a cell given as bytes with its width (`width` of its text), appended
    /// to a line being written into `out`; `endLine` finishes the line. For tables written as
    /// bytes (`waves score`, `ScoreOutput`).
    @inline(__always)
    static func appendCell(_ c: UnsafeRawBufferPointer, width w: Int, column i: Int, widths: [Int], right: [Bool], into out: inout ByteText) {
        if i > 0 { out.append(byte: 0x20, count: 2) }
        let pad = max(0, widths[i] - w)
        if i < right.count && right[i] { out.append(byte: 0x20, count: pad); out.append(c) } else { out.append(c); out.append(byte: 0x20, count: pad) }
    }

    /// Ends the line begun at `start` in `out`: trailing white space removed as `line` removes
    /// it, then a line feed.
    static func endLine(from start: Int, into out: inout ByteText) {
        let line = out.bytes(from: start)
        if let last = line.last, last < 0x80, last != 0x20, !(0x09...0x0D).contains(last) { out.append(byte: 0x0A, count: 1); return }
        // The last scalar: from the last byte that does not continue a UTF-8 sequence.
        var from = line.count - 1
        while from > 0 && line.count - from < 4 && line[from] & 0xC0 == 0x80 { from -= 1 }
        if from >= 0, let end = String(decoding: UnsafeRawBufferPointer(rebasing: line[from...]), as: UTF8.self).unicodeScalars.last, isSpace(end) {
            let trimmed = trimmingTrailingSpace(String(decoding: line, as: UTF8.self))
            out.removeLast(line.count)
            out.append(trimmed)
        }
        out.append(byte: 0x0A, count: 1)
    }

    /// A cell's width in Characters (`count`), read from its bytes when they are ASCII without
    /// a carriage return (each byte one Character then): counting grapheme clusters was most of
    /// the time of a 100,000-participant table (`TextRenderingTests` holds the two together).
    static func width(_ c: String) -> Int {
        let ascii: Bool? = c.utf8.withContiguousStorageIfAvailable { b in !b.contains { $0 >= 0x80 || $0 == 0x0D } }
        return ascii == true ? c.utf8.count : c.count
    }

    /// `line` without its trailing white space: what the regular expression `\s+$` removed
    /// (ICU's `\s`: tab, line feed, vertical tab, form feed, carriage return, NEL and the
    /// separators `\p{Z}`), by scalars from the end instead of a regular expression per line
    /// (`waves quality` writes 400,000 lines). `TextRenderingTests` holds the two to each other.
    static func trimmingTrailingSpace(_ line: String) -> String {
        let scalars = line.unicodeScalars
        var end = scalars.endIndex
        while end > scalars.startIndex {
            let before = scalars.index(before: end)
            guard isSpace(scalars[before]) else { break }
            end = before
        }
        return end == scalars.endIndex ? line : String(scalars[..<end])
    }

    static func isSpace(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0x85: return true
        case 0..<0x80: return false
        default:
            switch s.properties.generalCategory {
            case .spaceSeparator, .lineSeparator, .paragraphSeparator: return true
            default: return false
            }
        }
    }
}
