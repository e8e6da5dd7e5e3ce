import Foundation
import WavesCore

/// The checked rows of a slice, kept by the check pass in a compact form so that the write pass
/// formats their store lines without reading and parsing the CSV a second time.
///
/// Only a prefix of the file's slices is kept, while the kept rows stay within a memory budget
/// (`StreamingImport.keptRowsBudget`); the slices after it are read again from the file, as
/// before (`Reader.lines(_:digest:parts:into:)`). Kept rows are the values `checkCells` gave,
/// written back through the same `Reader.appendLine`, so the store lines are the same bytes
/// either way (tested with every budget).
///
/// Per row: participant, wave and role (each a length, 0 for a role that is nil, else the byte
/// count + 1, as a LEB128 number, then the UTF-8 bytes), then one code per item column:
/// 0..<64 the whole number itself, then `missing`, `declined`, `dontKnow`, `hidden`, or `other`
/// (the value is the next of `others`: any other number, and text).
struct KeptRows {
    var bytes: [UInt8] = []
    var others: [LongCSVImporter.CellValue] = []
    /// Bytes of the texts among `others` (they are counted against the budget too).
    var otherTextBytes = 0
    var count = 0

    static let missing: UInt8 = 64, declined: UInt8 = 65, dontKnow: UInt8 = 66, hidden: UInt8 = 67, other: UInt8 = 68

    /// About how much memory the rows hold (what their arrays have room for).
    var size: Int { bytes.capacity + others.capacity * MemoryLayout<LongCSVImporter.CellValue>.stride + otherTextBytes }

    /// Room for the rows of about `csvBytes` of CSV (a row's codes and ids take about three
    /// fifths of its CSV bytes when its answers are numbers), so the bytes are not regrown.
    init(csvBytes: Int = 0) { bytes.reserveCapacity(csvBytes * 5 / 8) }

    mutating func append(_ head: LongCSVImporter.RowHead, _ values: [LongCSVImporter.CellValue]) {
        Self.put(head.participant, into: &bytes)
        Self.put(head.wave, into: &bytes)
        Self.put(head.role, into: &bytes)
        // One code per value, written in place.
        let at = bytes.count, n = values.count
        bytes.append(contentsOf: repeatElement(0, count: n))
        bytes.withUnsafeMutableBufferPointer { out in
            values.withUnsafeBufferPointer { values in
                for k in 0..<n {
                    let code: UInt8
                    switch values[k] {
                    case .number(let v):
                        // Only the whole numbers whose Double is exactly `Double(n)` (not -0).
                        if v >= 0, v < 64, let w = Int(exactly: v), Double(w).bitPattern == v.bitPattern { code = UInt8(w) } else {
                            code = Self.other; others.append(values[k])
                        }
                    case .missing: code = Self.missing
                    case .declined: code = Self.declined
                    case .dontKnow: code = Self.dontKnow
                    case .hidden: code = Self.hidden
                    case .text(let t): code = Self.other; others.append(values[k]); otherTextBytes += t.utf8.count
                    }
                    out[at + k] = code
                }
            }
        }
        count += 1
    }

    /// Calls `body` with each row's head and values (`values` holds one per item column), in order.
    func forEach(columns: Int, _ body: (LongCSVImporter.RowHead, [LongCSVImporter.CellValue]) throws -> Void) rethrows {
        var values = [LongCSVImporter.CellValue](repeating: .missing, count: columns)
        try forEachRow(columns: columns) { row in
            row.values(into: &values)
            try body(row.head, values)
        }
    }

    /// One kept row as its bytes: participant, wave and role (nil for a role that is nil) and
    /// the item codes, read in place (the import's line writer formats most rows from these
    /// without a `String` or a `CellValue`; `head` and `values` give the rest).
    struct Row {
        let participant: UnsafeRawBufferPointer, wave: UnsafeRawBufferPointer, role: UnsafeRawBufferPointer?
        let codes: UnsafeRawBufferPointer
        /// The `others` of this row start here (one per `other` code).
        let firstOther: Int
        let rows: UnsafePointer<KeptRows>

        var head: LongCSVImporter.RowHead {
            LongCSVImporter.RowHead(participant: String(decoding: participant, as: UTF8.self), wave: String(decoding: wave, as: UTF8.self),
                                    role: role.map { String(decoding: $0, as: UTF8.self) })
        }

        /// The row's values (`values` holds one per item column).
        func values(into values: inout [LongCSVImporter.CellValue]) {
            var other = firstOther
            for k in 0..<codes.count {
                let code = codes[k]
                switch code {
                case 0..<64: values[k] = .number(Double(code))
                case KeptRows.missing: values[k] = .missing
                case KeptRows.declined: values[k] = .declined
                case KeptRows.dontKnow: values[k] = .dontKnow
                case KeptRows.hidden: values[k] = .hidden
                default: values[k] = rows.pointee.others[other]; other += 1
                }
            }
        }
    }

    /// Calls `body` with each row in order, read in place (valid only during the call).
    func forEachRow(columns: Int, _ body: (Row) throws -> Void) rethrows {
        var at = 0, other = 0
        try withUnsafePointer(to: self) { rows in
            try bytes.withUnsafeBytes { raw in
                for _ in 0..<count {
                    let participant = Self.take(raw, &at) ?? UnsafeRawBufferPointer(start: nil, count: 0)
                    let wave = Self.take(raw, &at) ?? UnsafeRawBufferPointer(start: nil, count: 0)
                    let role = Self.take(raw, &at)
                    let codes = UnsafeRawBufferPointer(rebasing: raw[at..<(at + columns)])
                    at += columns
                    let row = Row(participant: participant, wave: wave, role: role, codes: codes, firstOther: other, rows: rows)
                    for c in codes where c == Self.other { other += 1 }
                    try body(row)
                }
            }
        }
    }

    private static func put(_ s: String?, into out: inout [UInt8]) {
        guard var s else { out.append(0); return }
        s.withUTF8 { u in
            var n = UInt(u.count) + 1
            while n >= 0x80 { out.append(UInt8(n & 0x7F) | 0x80); n >>= 7 }
            out.append(UInt8(n))
            out.append(contentsOf: u)
        }
    }

    private static func take(_ raw: UnsafeRawBufferPointer, _ at: inout Int) -> UnsafeRawBufferPointer? {
        var n: UInt = 0, shift: UInt = 0
        while true {
            let b = raw[at]
            at += 1
            n |= UInt(b & 0x7F) << shift
            if b < 0x80 { break }
            shift += 7
        }
        guard n > 0 else { return nil }
        let count = Int(n - 1)
        defer { at += count }
        return UnsafeRawBufferPointer(rebasing: raw[at..<(at + count)])
    }
}
