import Foundation
import Glibc
@preconcurrency import CZlibDeflate
import ZIPFoundation

/// A zip written front to back into a `FileSink` (the export's temporary file), one entry at a
/// time, with the central directory kept as bytes and written once at the end.
///
/// Why hand-written: ZIPFoundation 0.9.20's `Archive.addEntry` re-reads and rewrites the whole
/// central directory and end record after every entry, both file-backed
/// (`Archive(url:accessMode: .create)`) and in memory: quadratic in the entry count (a qdpx
/// of 227,000 answers rewrites ~20 MB of directory 227,000 times), and it has no append-only
/// mode. This writer lays out exactly the bytes ZIPFoundation writes for
/// `addEntry(with:type: .file, uncompressedSize:modificationDate:compressionMethod: .deflate)`
/// on an archive made with `.create` (so a qdpx is byte for byte what it was):
/// - local header: version 20 (45 with ZIP64), flags 0x0800 (UTF-8 names), deflate, the DOS
///   time and date of the fixed stamp (UTC), CRC-32 and both sizes in place (no data
///   descriptor); a ZIP64 extra field (both sizes) when the uncompressed or compressed size
///   reaches 0xFFFFFFFF;
/// - data: raw deflate with zlib as ZIPFoundation's `Data.compress` calls it (level 6, window
///   15, memLevel 9, default strategy), fed in `defaultWriteChunkSize` (16 KiB) pieces from the
///   entry's start, the last with `Z_FINISH`, as `Archive` feeds it (`Deflater`: one stream
///   reset per entry, where `Data.compress` sets one up, 450 KB, per entry);
/// - central directory: version made by 789 (0x0315), external attributes `0o100644 << 16`,
///   a ZIP64 extra field with the sizes (when the local header has them) and the local
///   header's offset (when it reaches 0xFFFFFFFF);
/// - end: a ZIP64 end record (version 45, made by 789) and locator when the entry count
///   reaches 0xFFFF or the directory's size or offset 0xFFFFFFFF, then the classic end record
///   (0xFFFF / 0xFFFFFFFF in the fields that overflowed), no comment.
/// An entry may also come compressed already (`add(_:crc:uncompressed:compressed:)`: the
/// source files, compressed in parallel; `add(_:_ stream:)`: the project XML, compressed as it
/// is made into a scratch file), or be streamed from a provider with its local header patched
/// in place (`FileSink.overwrite`) once its CRC and compressed size are known.
final class ZipStreamWriter {
    private let sink: FileSink
    private let time: UInt16, date: UInt16
    /// Bytes written so far: the next local header's offset.
    private(set) var offset: UInt64 = 0
    /// The central directory records, in entry order.
    private var directory: [UInt8] = []
    private(set) var count: UInt64 = 0
    private var deflater: Deflater?

    static let madeBy: UInt16 = 789
    static let fileAttributes = UInt32(UInt16(S_IFREG) | 0o644) << 16

    init(sink: FileSink, modificationDate: Date) {
        self.sink = sink
        var t = time_t(modificationDate.timeIntervalSince1970)
        var tm = tm()
        gmtime_r(&t, &tm)
        let year = min(max(Int(tm.tm_year) + 1900, 1980), 2099)
        date = UInt16(Int(tm.tm_mday) + (Int(tm.tm_mon) + 1) * 32 + (year - 1980) * 512)
        time = UInt16(Int(tm.tm_sec) / 2 + Int(tm.tm_min) * 32 + Int(tm.tm_hour) * 2048)
    }

    /// A small entry, compressed in memory and written whole.
    func add(_ path: String, _ bytes: Data) throws {
        if deflater == nil { deflater = try Deflater() }
        var compressed: [UInt8] = []
        let crc = try bytes.withUnsafeBytes { try deflater!.deflate($0, appendingTo: &compressed) }
        try compressed.withUnsafeBytes { try add(path, crc: crc, uncompressed: UInt64(bytes.count), compressed: $0) }
    }

    /// An entry compressed already (`Deflater.deflate`), written whole.
    func add(_ path: String, crc: UInt32, uncompressed: UInt64, compressed: UnsafeRawBufferPointer) throws {
        let start = offset
        append(Self.localHeader(path, time: time, date: date, crc: crc, compressed: UInt64(compressed.count), uncompressed: uncompressed))
        sink.append(compressed)
        offset += UInt64(compressed.count)
        record(path, crc: crc, compressed: UInt64(compressed.count), uncompressed: uncompressed, at: start)
        try sink.flushIfLarge()
    }

    /// An entry compressed as it was made (`DeflateStream`, finished), its compressed bytes
    /// copied from the stream's scratch file: its sizes are known, so its header is final.
    func add(_ path: String, _ stream: DeflateStream) throws {
        let start = offset
        append(Self.localHeader(path, time: time, date: date, crc: stream.crc, compressed: stream.compressedSize, uncompressed: stream.size))
        var at: UInt64 = 0
        while at < stream.compressedSize {
            let n = Int(min(stream.compressedSize - at, 1 << 20))
            let piece = try stream.compressed.read(at: Int64(at), count: n)
            piece.withUnsafeBytes { sink.append($0) }
            try sink.flushIfLarge()
            at += UInt64(n)
        }
        offset += stream.compressedSize
        record(path, crc: stream.crc, compressed: stream.compressedSize, uncompressed: stream.size, at: start)
        try sink.flushIfLarge()
    }

    /// A big entry of a known size, read piece by piece from `provider` (position, size) and
    /// written as it is compressed; its header is patched afterwards.
    func add(_ path: String, size: UInt64, provider: @escaping Provider) throws {
        if deflater == nil { deflater = try Deflater() }
        let deflater = deflater!
        let start = offset
        let placeholder = Self.localHeader(path, time: time, date: date, crc: 0, compressed: 0, uncompressed: size)
        append(placeholder)
        var written: UInt64 = 0
        var crc: UInt32 = 0
        var out: [UInt8] = []
        deflater.reset()
        var position: UInt64 = 0
        repeat {
            let n = Int(min(size - position, UInt64(Deflater.piece)))
            let finish = position + UInt64(Deflater.piece) >= size
            let chunk = try provider(Int64(position), n)
            try chunk.withUnsafeBytes { b in
                crc = Deflater.crc(b, crc)
                try deflater.feed(b, finish: finish, appendingTo: &out)
            }
            out.withUnsafeBytes { sink.append($0) }
            written += UInt64(out.count)
            out.removeAll(keepingCapacity: true)
            try sink.flushIfLarge()
            position += UInt64(n)
        } while position < size
        offset += written
        let header = Self.localHeader(path, time: time, date: date, crc: crc, compressed: written, uncompressed: size)
        guard header.count == placeholder.count else {
            throw ExportError.cannotWrite(path: path, reason: "the entry's compressed size needs ZIP64 but its size did not")
        }
        try sink.overwrite(at: start, header)
        record(path, crc: crc, compressed: written, uncompressed: size, at: start)
    }

    /// The central directory and the end records.
    func finish() throws {
        let start = offset, size = UInt64(directory.count)
        sink.append(directory)
        directory = []
        offset += size
        let max32 = UInt64(UInt32.max), entries16 = count >= 0xFFFF ? UInt16.max : UInt16(count)
        if entries16 == .max || start >= max32 || size >= max32 {
            var z: [UInt8] = []
            Self.put(&z, UInt32(0x0606_4b50)); Self.put(&z, UInt64(44)); Self.put(&z, Self.madeBy); Self.put(&z, UInt16(45))
            Self.put(&z, UInt32(0)); Self.put(&z, UInt32(0)); Self.put(&z, count); Self.put(&z, count)
            Self.put(&z, size); Self.put(&z, start)
            // The locator: the ZIP64 end record starts right after the directory.
            Self.put(&z, UInt32(0x0706_4b50)); Self.put(&z, UInt32(0)); Self.put(&z, offset); Self.put(&z, UInt32(1))
            append(z)
        }
        var e: [UInt8] = []
        Self.put(&e, UInt32(0x0605_4b50)); Self.put(&e, UInt16(0)); Self.put(&e, UInt16(0))
        Self.put(&e, entries16); Self.put(&e, entries16)
        Self.put(&e, size >= max32 ? UInt32.max : UInt32(size)); Self.put(&e, start >= max32 ? UInt32.max : UInt32(start))
        Self.put(&e, UInt16(0))
        append(e)
        try sink.flushIfLarge()
    }

    private func append(_ bytes: [UInt8]) {
        sink.append(bytes)
        offset += UInt64(bytes.count)
    }

    private func record(_ path: String, crc: UInt32, compressed: UInt64, uncompressed: UInt64, at start: UInt64) {
        let max32 = UInt64(UInt32.max)
        let big = uncompressed >= max32 || compressed >= max32, farOffset = start >= max32
        var extra: [UInt8] = []
        if big || farOffset {
            let fields = (big ? 16 : 0) + (farOffset ? 8 : 0)
            Self.put(&extra, UInt16(1)); Self.put(&extra, UInt16(fields))
            if big { Self.put(&extra, uncompressed); Self.put(&extra, compressed) }
            if farOffset { Self.put(&extra, start) }
        }
        let name = Array(path.utf8)
        func put<T: FixedWidthInteger>(_ v: T) { Self.put(&directory, v) }
        put(UInt32(0x0201_4b50)); put(Self.madeBy); put(UInt16(big ? 45 : 20)); put(UInt16(0x0800))
        put(UInt16(8)); put(time); put(date); put(crc)
        put(big ? UInt32.max : UInt32(compressed)); put(big ? UInt32.max : UInt32(uncompressed))
        put(UInt16(name.count)); put(UInt16(extra.count)); put(UInt16(0)); put(UInt16(0))
        put(UInt16(0)); put(Self.fileAttributes); put(farOffset ? UInt32.max : UInt32(start))
        directory += name
        directory += extra
        count += 1
    }

    static func localHeader(_ path: String, time: UInt16, date: UInt16, crc: UInt32, compressed: UInt64, uncompressed: UInt64) -> [UInt8] {
        let max32 = UInt64(UInt32.max)
        let big = uncompressed >= max32 || compressed >= max32
        let name = Array(path.utf8)
        var h: [UInt8] = []
        h.reserveCapacity(30 + name.count + 20)
        put(&h, UInt32(0x0403_4b50)); put(&h, UInt16(big ? 45 : 20)); put(&h, UInt16(0x0800)); put(&h, UInt16(8))
        put(&h, time); put(&h, date); put(&h, crc)
        put(&h, big ? UInt32.max : UInt32(compressed)); put(&h, big ? UInt32.max : UInt32(uncompressed))
        put(&h, UInt16(name.count)); put(&h, UInt16(big ? 20 : 0))
        h += name
        if big { put(&h, UInt16(1)); put(&h, UInt16(16)); put(&h, uncompressed); put(&h, compressed) }
        return h
    }

    /// Little-endian, as every zip field.
    static func put<T: FixedWidthInteger>(_ out: inout [UInt8], _ v: T) {
        var le = v.littleEndian
        withUnsafeBytes(of: &le) { out.append(contentsOf: $0) }
    }
}


/// One raw-deflate stream with ZIPFoundation's `Data.compress` parameters on Linux (zlib
/// `Z_DEFAULT_COMPRESSION` = level 6, window 15 raw, memLevel 9, `Z_DEFAULT_STRATEGY`), reset
/// for each entry: `deflateReset` is `deflateEnd` then `deflateInit` without the memory, so the
/// bytes are the same. Input goes in `piece` (16 KiB, `defaultWriteChunkSize`) pieces from the
/// entry's start, the last one with `Z_FINISH`, as `Data.compress` feeds it; how the output is
/// taken (here: 16 KiB at a time, appended) does not change it. One per thread.
final class Deflater {
    /// zlib refused (out of memory, or a stream error).
    struct DeflateError: Error { var code: Int32 }

    static let piece = defaultWriteChunkSize
    private var stream = z_stream()
    private var window = [UInt8](repeating: 0, count: Deflater.piece)

    init() throws {
        let r = deflateInit2_(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -MAX_WBITS, 9, Z_DEFAULT_STRATEGY,
                              ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard r == Z_OK else { throw DeflateError(code: r) }
    }

    deinit { deflateEnd(&stream) }

    /// Starts a new entry.
    func reset() { deflateReset(&stream) }

    /// The CRC-32 of `bytes` continued from `crc` (zlib's, as ZIPFoundation's).
    static func crc(_ bytes: UnsafeRawBufferPointer, _ crc: UInt32) -> UInt32 {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return crc }
        return UInt32(crc32(UInt(crc), base.assumingMemoryBound(to: UInt8.self), UInt32(bytes.count)))
    }

    /// A whole entry: its compressed bytes appended to `out`; its CRC-32 returned.
    func deflate(_ bytes: UnsafeRawBufferPointer, appendingTo out: inout [UInt8]) throws -> UInt32 {
        reset()
        var position = 0
        repeat {
            let n = min(bytes.count - position, Self.piece)
            let finish = position + Self.piece >= bytes.count
            try feed(n == 0 ? UnsafeRawBufferPointer(start: nil, count: 0) : UnsafeRawBufferPointer(rebasing: bytes[position..<position + n]),
                     finish: finish, appendingTo: &out)
            position += n
        } while position < bytes.count
        return Self.crc(bytes, 0)
    }

    /// One input piece (at most `piece` bytes; `finish` for the entry's last); the output made appended to `out`.
    func feed(_ bytes: UnsafeRawBufferPointer, finish: Bool, appendingTo out: inout [UInt8]) throws {
        stream.next_in = bytes.count > 0 ? UnsafeMutablePointer(mutating: bytes.baseAddress!.assumingMemoryBound(to: UInt8.self)) : nil
        stream.avail_in = UInt32(bytes.count)
        let flush = finish ? Z_FINISH : Z_NO_FLUSH
        try window.withUnsafeMutableBufferPointer { w in
            repeat {
                stream.next_out = w.baseAddress
                stream.avail_out = UInt32(w.count)
                let result = CZlibDeflate.deflate(&stream, flush)
                guard result >= Z_OK else { throw DeflateError(code: result) }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: w[0..<w.count - Int(stream.avail_out)]))
            } while stream.avail_out == 0
        }
    }
}

/// One zip entry compressed as it is made (the project XML, which is written in pieces and
/// whose size is known only at its end): bytes are appended in any pieces; full 16 KiB pieces
/// go to the `Deflater` as soon as a byte follows them, so the last piece is known and gets
/// `Z_FINISH`, as when the whole entry is compressed at once. The compressed bytes go to a
/// scratch file (`ScratchFile`); `ZipStreamWriter.add(_:_ stream:)` copies them after a header
/// made with the final sizes.
final class DeflateStream {
    private let deflater: Deflater
    let compressed: ScratchFile
    private var pending: [UInt8] = []
    private var out: [UInt8] = []
    private(set) var crc: UInt32 = 0
    /// Bytes appended so far.
    private(set) var size: UInt64 = 0
    private(set) var compressedSize: UInt64 = 0
    private var finished = false

    init(into compressed: ScratchFile) throws {
        deflater = try Deflater()
        self.compressed = compressed
        pending.reserveCapacity(2 * Deflater.piece)
    }

    func append(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try append($0) }
    }

    func append(_ bytes: UnsafeRawBufferPointer) throws {
        precondition(!finished)
        crc = Deflater.crc(bytes, crc)
        size += UInt64(bytes.count)
        var rest = bytes[...]
        while !rest.isEmpty {
            // A full piece waiting is not the last: a byte follows it.
            if pending.count == Deflater.piece {
                try pending.withUnsafeBytes { try deflater.feed($0, finish: false, appendingTo: &out) }
                pending.removeAll(keepingCapacity: true)
            }
            // Whole pieces straight from `bytes` while more follows them.
            if pending.isEmpty {
                while rest.count > Deflater.piece {
                    try deflater.feed(UnsafeRawBufferPointer(rebasing: rest.prefix(Deflater.piece)), finish: false, appendingTo: &out)
                    rest = rest.dropFirst(Deflater.piece)
                }
            }
            let take = min(rest.count, Deflater.piece - pending.count)
            pending.append(contentsOf: rest.prefix(take))
            rest = rest.dropFirst(take)
        }
        try drain(false)
    }

    /// The last piece, with `Z_FINISH`; the compressed bytes flushed to the scratch file.
    func finish() throws {
        precondition(!finished)
        try pending.withUnsafeBytes { try deflater.feed($0, finish: true, appendingTo: &out) }
        pending = []
        finished = true
        try drain(true)
        try compressed.flush()
    }

    private func drain(_ always: Bool) throws {
        guard always || out.count >= 1 << 18 else { return }
        try compressed.append(out)
        compressedSize += UInt64(out.count)
        out.removeAll(keepingCapacity: true)
    }
}
