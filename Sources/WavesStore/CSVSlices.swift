import Foundation
import WavesCore

/// One slice of whole CSV rows (valid only inside the callback that receives it).
struct CSVSlice {
    /// Byte offsets in the file of the slice's first byte and of the byte after its last.
    let start: Int, end: Int
    /// The line the slice starts on, and the line after it (as `CSVReader` counts lines).
    let line: Int, endLine: Int
    /// Line ends (`\n` only, as `UTF8Text` counts lines) before the slice, and the bytes
    /// between the last of them and the slice's start: where an invalid byte is, in words.
    let newlinesBefore: Int, columnBefore: Int
    let bytes: UnsafeRawBufferPointer
    /// Where the next slice begins.
    let next: CSVSlices.Position
    /// The slice as text (the file was checked as UTF-8, and a line end never cuts a character).
    var text: String { String(decoding: bytes, as: UTF8.self) }

    /// The first byte that is not UTF-8, located in the whole file; nil when the slice is UTF-8.
    func firstInvalidUTF8() -> UTF8Text.Invalid? {
        UTF8Text.firstInvalid(bytes, line: newlinesBefore + 1, byteInLine: columnBefore + 1)
    }
}

/// Cuts CSV bytes into slices of whole rows (each ends at a line end outside quotes, or at the
/// end of the file), of about `maxBytes` each, with the line each slice starts on counted as
/// `CSVReader` counts lines (`\n`, `\r\n` or a lone `\r` outside quotes; `\n` inside quotes).
///
/// Quotes are followed by parity, which is exact for valid CSV (a quote opens a field or is
/// doubled inside one); in a malformed file the slice holding the first fault starts on a
/// true row boundary, so `CSVReader` reports the same fault at the same line as on the whole.
///
/// The bytes come from memory (`init(_:)`) or from a file read `maxBytes` at a time
/// (`init(file:)`), so an import never holds the whole file: both give the same slices.
struct CSVSlices {
    enum Source { case bytes([UInt8]), file(OpenFile) }
    let source: Source
    let maxBytes: Int

    init(_ bytes: [UInt8], maxBytes: Int) { source = .bytes(bytes); self.maxBytes = Swift.max(1, maxBytes) }
    init(file: OpenFile, maxBytes: Int) { source = .file(file); self.maxBytes = Swift.max(1, maxBytes) }
    /// The same bytes in slices of another size.
    init(_ other: CSVSlices, maxBytes: Int) { source = other.source; self.maxBytes = Swift.max(1, maxBytes) }

    /// The size of the bytes or of the file (nil when the file's size cannot be read): only
    /// an estimate of what is to come (the file is read as it is, not to this size).
    var byteCount: Int? {
        switch source {
        case .bytes(let bytes): return bytes.count
        case .file(let file): return (try? file.size()).map { Int($0) }
        }
    }

    /// Where the slices begin: a byte offset, with its line counts (see `CSVSlice`).
    struct Position { var offset = 0, line = 1, newlines = 0, column = 0 }

    /// Calls `body` for each slice from `position` to the end of the file, or until `body` returns false.
    func forEach(from position: Position = Position(), _ body: (CSVSlice) throws -> Bool) throws {
        switch source {
        case .bytes(let bytes):
            try bytes.withUnsafeBytes { raw in
                var p = position
                while p.offset < raw.count {
                    guard let cut = Self.cut(raw, from: p.offset, maxBytes: maxBytes, atEnd: true) else { break }
                    let s = slice(raw, from: p, cut: cut, fileOffset: 0)
                    guard try body(s) else { return }
                    p = s.next
                }
            }
        case .file(let file):
            var buffer = [UInt8](repeating: 0, count: Swift.max(2 * maxBytes, 1 << 16))
            var filled = 0, begin = 0, atEnd = false
            var fileOffset = position.offset, p = position
            while true {
                // `buffer[begin..<filled]` holds file bytes from `p.offset`.
                let cut: Cut? = buffer.withUnsafeBytes { raw in
                    Self.cut(UnsafeRawBufferPointer(rebasing: raw[0..<filled]), from: begin, maxBytes: maxBytes, atEnd: atEnd)
                }
                if let cut {
                    let more = try buffer.withUnsafeBytes { raw in
                        let s = slice(UnsafeRawBufferPointer(rebasing: raw[0..<filled]), from: p, cut: cut, fileOffset: fileOffset)
                        p = s.next
                        return try body(s)
                    }
                    guard more else { return }
                    begin = cut.end
                    if begin == filled && atEnd { return }
                    continue
                }
                if atEnd { return }
                // Keep the unfinished rows, then read more after them (growing for a huge row).
                if begin > 0 {
                    buffer.withUnsafeMutableBytes { raw in
                        if filled > begin { raw.baseAddress!.copyMemory(from: raw.baseAddress! + begin, byteCount: filled - begin) }
                    }
                    fileOffset += begin; filled -= begin; begin = 0
                }
                if filled == buffer.count { buffer += [UInt8](repeating: 0, count: buffer.count) }
                let n: Int
                do {
                    n = try buffer.withUnsafeMutableBytes { raw in
                        try file.read(at: Int64(fileOffset + filled), into: UnsafeMutableRawBufferPointer(rebasing: raw[filled...]))
                    }
                } catch let e as FileIOError { throw StoreError.file(e) }
                if n == 0 { atEnd = true; if filled == 0 { return } }
                filled += n
            }
        }
    }

    /// The end of one slice (relative to the bytes scanned) and its line counts.
    struct Cut { var end: Int, lines: Int, newlines: Int, lastNewlineEnd: Int? }

    private func slice(_ raw: UnsafeRawBufferPointer, from p: Position, cut: Cut, fileOffset: Int) -> CSVSlice {
        let start = p.offset - fileOffset
        return CSVSlice(start: p.offset, end: fileOffset + cut.end, line: p.line, endLine: p.line + cut.lines,
                        newlinesBefore: p.newlines, columnBefore: p.column,
                        bytes: UnsafeRawBufferPointer(rebasing: raw[start..<cut.end]), next: advance(p, cut, fileOffset: fileOffset))
    }

    private func advance(_ p: Position, _ cut: Cut, fileOffset: Int = 0) -> Position {
        let end = fileOffset + cut.end
        let column = cut.lastNewlineEnd.map { end - (fileOffset + $0) } ?? p.column + (end - p.offset)
        return Position(offset: end, line: p.line + cut.lines, newlines: p.newlines + cut.newlines, column: column)
    }

    /// The first row end outside quotes at least `maxBytes` after `from` (or the end of the
    /// bytes when `atEnd`); nil when the bytes end first and more are to come.
    static func cut(_ bytes: UnsafeRawBufferPointer, from: Int, maxBytes: Int, atEnd: Bool) -> Cut? {
        let n = bytes.count
        guard from < n else { return nil }
        var i = from, lines = 0, newlines = 0, inQuotes = false
        var lastNewlineEnd: Int?
        let base = bytes.baseAddress
        while i < n {
            // Eight bytes at a time while none of them is a quote or a line end (the only bytes
            // the cut looks at): the rows' cells are passed over without a byte-by-byte look.
            if let base {
                while i + 8 <= n, !Self.mayHoldQuoteOrLineEnd(UInt64(littleEndian: (base + i).loadUnaligned(as: UInt64.self))) { i += 8 }
                if i >= n { break }
            }
            switch bytes[i] {
            case 0x22: inQuotes.toggle()
            case 0x0A:
                lines += 1; newlines += 1; lastNewlineEnd = i + 1
                if !inQuotes && i + 1 - from >= maxBytes { return Cut(end: i + 1, lines: lines, newlines: newlines, lastNewlineEnd: lastNewlineEnd) }
            case 0x0D where !inQuotes:
                if i + 1 == n {
                    // A CR as the last byte read: a lone CR only if the file ends here.
                    guard atEnd else { return nil }
                    lines += 1
                } else if bytes[i + 1] != 0x0A {
                    lines += 1
                    if i + 1 - from >= maxBytes { return Cut(end: i + 1, lines: lines, newlines: newlines, lastNewlineEnd: lastNewlineEnd) }
                }
            default: break
            }
            i += 1
        }
        return atEnd ? Cut(end: n, lines: lines, newlines: newlines, lastNewlineEnd: lastNewlineEnd) : nil
    }

    /// Whether any byte of `w` may be `"`, `\n` or `\r` (SWAR "has zero byte", Mycroft: never
    /// false when one is; the bytes are then looked at one by one, so a spurious flag costs
    /// only time).
    @inline(__always)
    static func mayHoldQuoteOrLineEnd(_ w: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let quote = w ^ (ones &* 0x22), lf = w ^ (ones &* 0x0A), cr = w ^ (ones &* 0x0D)
        let zero = ((quote &- ones) & ~quote) | ((lf &- ones) & ~lf) | ((cr &- ones) & ~cr)
        return zero & (ones &* 0x80) != 0
    }
}
