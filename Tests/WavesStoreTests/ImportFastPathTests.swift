import XCTest
@testable import WavesCore
@testable import WavesStore

/// The import's fast paths (session 6) agree with the general ones they stand in for:
/// `CSVSlices.cut` passes over eight bytes at a time (`mayHoldQuoteOrLineEnd`) and must cut
/// where the byte-by-byte cut of session 5 (`ByteCut`, kept here as the referee) cuts, on
/// generated and mutated CSV; the store lines' table of small whole numbers and nulls
/// (`ImportLineParts.small`) must give the bytes of `writeNumber` and `null`, and the hash
/// chain written digit by digit into the next line (`Hasher.hex(into:)`) the digest `hex()` gives.
final class ImportFastPathTests: XCTestCase {
    /// Session 5's `CSVSlices.cut`, one byte at a time.
    enum ByteCut {
        static func cut(_ bytes: UnsafeRawBufferPointer, from: Int, maxBytes: Int, atEnd: Bool) -> CSVSlices.Cut? {
            let n = bytes.count
            guard from < n else { return nil }
            var i = from, lines = 0, newlines = 0, inQuotes = false
            var lastNewlineEnd: Int?
            while i < n {
                switch bytes[i] {
                case 0x22: inQuotes.toggle()
                case 0x0A:
                    lines += 1; newlines += 1; lastNewlineEnd = i + 1
                    if !inQuotes && i + 1 - from >= maxBytes { return CSVSlices.Cut(end: i + 1, lines: lines, newlines: newlines, lastNewlineEnd: lastNewlineEnd) }
                case 0x0D where !inQuotes:
                    if i + 1 == n {
                        guard atEnd else { return nil }
                        lines += 1
                    } else if bytes[i + 1] != 0x0A {
                        lines += 1
                        if i + 1 - from >= maxBytes { return CSVSlices.Cut(end: i + 1, lines: lines, newlines: newlines, lastNewlineEnd: lastNewlineEnd) }
                    }
                default: break
                }
                i += 1
            }
            return atEnd ? CSVSlices.Cut(end: n, lines: lines, newlines: newlines, lastNewlineEnd: lastNewlineEnd) : nil
        }
    }

    struct Gen {
        var state: UInt64
        mutating func next(_ n: Int) -> Int { state = state &* 6364136223846793005 &+ 1442695040888963407; return Int(state >> 33) % n }
    }

    /// CSV text with long plain runs (the eight-byte steps) and quotes, doubled quotes, CR, LF,
    /// CRLF, lone CR, bytes next to the special ones (0x21, 0x23, 0x09, 0x0B, 0x0C, 0x0E, 0x8A, 0xA2),
    /// non-ASCII text and unbalanced quotes.
    func generated(_ g: inout Gen, rows: Int) -> [UInt8] {
        var out: [UInt8] = []
        let pieces: [[UInt8]] = [Array("12345678901234567890".utf8), Array("4".utf8), Array("P000123".utf8), [0x22], [0x22, 0x22],
                                 [0x0A], [0x0D], [0x0D, 0x0A], [0x21], [0x23], [0x09], [0x0B], [0x0C], [0x0E], [0xC3, 0xA9],
                                 [0xE2, 0x80, 0x8A], [0xC2, 0xA2], Array("\"a,\nb\"".utf8), Array("declined".utf8)]
        for _ in 0..<rows {
            for c in 0..<(1 + g.next(12)) {
                if c > 0 { out.append(0x2C) }
                for _ in 0..<g.next(4) { out += pieces[g.next(g.next(4) == 0 ? pieces.count : 3)] }
            }
            out += [[0x0A], [0x0D, 0x0A], [0x0D], [0x0A, 0x0A]][g.next(4)]
        }
        return out
    }

    /// Every cut of `bytes` from every start, with several sizes and both ends, as the referee cuts.
    func assertCutsAgree(_ bytes: [UInt8], _ label: String) {
        bytes.withUnsafeBytes { raw in
            for from in stride(from: 0, through: raw.count, by: Swift.max(1, raw.count / 97)) {
                for maxBytes in [1, 3, 8, 9, 17, 64, 1000, 1 << 20] {
                    for atEnd in [true, false] {
                        for prefix in [raw.count, Swift.max(from, raw.count - 5)] {
                            let part = UnsafeRawBufferPointer(rebasing: raw[0..<prefix])
                            let fast = CSVSlices.cut(part, from: from, maxBytes: maxBytes, atEnd: atEnd)
                            let slow = ByteCut.cut(part, from: from, maxBytes: maxBytes, atEnd: atEnd)
                            XCTAssertEqual(fast.map { [$0.end, $0.lines, $0.newlines, $0.lastNewlineEnd ?? -1] },
                                           slow.map { [$0.end, $0.lines, $0.newlines, $0.lastNewlineEnd ?? -1] },
                                           "\(label): from \(from), max \(maxBytes), atEnd \(atEnd), \(prefix) bytes")
                        }
                    }
                }
            }
        }
    }

    func testEightByteCutAgreesWithTheByteCut() throws {
        var g = Gen(state: 6)
        for round in 0..<60 {
            var bytes = generated(&g, rows: 1 + g.next(40))
            assertCutsAgree(bytes, "round \(round)")
            // Mutated: bytes flipped to quotes and line ends, or dropped.
            for _ in 0..<(1 + g.next(6)) where !bytes.isEmpty {
                let at = g.next(bytes.count)
                switch g.next(3) {
                case 0: bytes[at] = [0x22, 0x0A, 0x0D, 0x2C, 0x41][g.next(5)]
                case 1: bytes.remove(at: at)
                default: bytes.insert([0x22, 0x0D][g.next(2)], at: at)
                }
            }
            assertCutsAgree(bytes, "round \(round), mutated")
        }
        // Each special byte at each position of an eight-byte word.
        for special in [0x22, 0x0A, 0x0D] as [UInt8] {
            for at in 0..<24 {
                var bytes = [UInt8](repeating: 0x35, count: 24)
                bytes[at] = special
                assertCutsAgree(bytes, "byte \(special) at \(at)")
            }
        }
    }

    func testEightByteTestFlagsEverySpecialByte() {
        // Every byte value at every position among plain bytes, and next to a special byte.
        for b in 0...255 {
            for at in 0..<8 {
                for filler in [0x00, 0x35, 0xFF, 0x21, 0x0B] as [UInt8] {
                    var w = [UInt8](repeating: filler, count: 8)
                    w[at] = UInt8(b)
                    let word = w.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
                    if w.contains(where: { $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) {
                        XCTAssertTrue(CSVSlices.mayHoldQuoteOrLineEnd(word), "byte \(b) at \(at) among \(filler)")
                    }
                }
            }
        }
        XCTAssertFalse(CSVSlices.mayHoldQuoteOrLineEnd(UInt64(littleEndian: Array("P000123,".utf8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) })))
    }

    func testHexIntoEqualsHex() {
        var g = Gen(state: 7)
        for n in [0, 1, 55, 56, 63, 64, 65, 200, 1000] {
            var h = ContentHash.Hasher()
            h.update((0..<n).map { _ in UInt8(g.next(256)) })
            var out = [UInt8](repeating: 0, count: 64)
            out.withUnsafeMutableBytes { h.hex(into: $0) }
            XCTAssertEqual(String(decoding: out, as: UTF8.self), h.hex())
        }
    }
}

/// The store lines' fast path for small whole numbers and nulls, held to the general writer
/// and to the record path (beside the generated rounds of `ImportLineWriterTests`).
extension ImportLineWriterTests {
    /// The table of `,"id":v` and `,"id":null` holds the bytes the general writer writes.
    func testSmallNumberTableEqualsTheWriter() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("waves-fastpath-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let bundle = try study(dir)
        let inst = bundle.instrument("gen")!
        let reader = try LongCSVImporter.Reader(csv: Array("participant,wave,role,q1,n\n".utf8), file: "t.csv", bundle: bundle, instrument: inst, wave: nil)
        let parts = ImportLineParts(reader: reader, submittedAt: "T", batch: "b")
        let width = ImportLineParts.smallLimit + 1
        XCTAssertEqual(parts.smallStarts.count, reader.columns.count * width + 1)
        for (k, column) in reader.columns.enumerated() {
            for v in 0...ImportLineParts.smallLimit {
                var want: [UInt8] = []
                RecordLineWriter.answerKey(column.id, first: false, into: &want)
                if v < ImportLineParts.smallLimit { JSONWriter.writeNumber(Double(v), into: &want) } else { RecordLineWriter.null(into: &want) }
                let at = k * width + v
                XCTAssertEqual(Array(parts.small[parts.smallStarts[at]..<parts.smallStarts[at + 1]]), want, "\(column.id) \(v)")
            }
        }
    }

    /// Rows of whole numbers at and around the table's edges (0, 63, 64, -0, 63.5, 1e1, 6.3e1),
    /// empty and declined cells, written through `ImportLines`, give the record path's lines
    /// byte for byte (`ImportLineWriterTests.compare`: the record's `writeJSONLine` and the chain).
    func testEdgeNumbersWriteAsTheRecordPath() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("waves-fastedge-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let bundle = try study(dir)
        let inst = bundle.instrument("gen")!
        var g = ImportFastPathTests.Gen(state: 9)
        let numbers = ["0", "-0", "63", "64", "63.5", "1e1", "6.3e1", "0.0", "-1", "9", "10", "00", "", " 5 ", "declined"]
        for round in 0..<6 {
            var csv = "participant,wave,role,q1,q2,n,t,e_5\n"
            for r in 0..<(20 + g.next(40)) {
                let q1 = ["1", "5", "", "declined", "DONT_KNOW"][g.next(5)]
                let q2 = ["0", "70", "1000", ""][g.next(4)]
                var n = numbers[g.next(numbers.count)]
                if n == "00" || n == "declined" { n = "" }
                csv += "P\(r),w\(1 + g.next(2)),mentee,\(q1),\(q2),\(n),x,\(["2", "", "declined"][g.next(3)])\n"
            }
            try compare(csv, bundle: bundle, instrument: inst, dir: dir, label: "edge round \(round)")
        }
    }
}
