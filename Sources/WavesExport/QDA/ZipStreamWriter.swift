import Foundation
import Glibc
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
/// - data: raw deflate from ZIPFoundation's own `Data.compress` (zlib, level 6, memLevel 9),
///   fed in `defaultWriteChunkSize` pieces as `Archive` feeds it;
/// - central directory: version made by 789 (0x0315), external attributes `0o100644 << 16`,
///   a ZIP64 extra field with the sizes (when the local header has them) and the local
///   header's offset (when it reaches 0xFFFFFFFF);
/// - end: a ZIP64 end record (version 45, made by 789) and locator when the entry count
///   reaches 0xFFFF or the directory's size or offset 0xFFFFFFFF, then the classic end record
///   (0xFFFF / 0xFFFFFFFF in the fields that overflowed), no comment.
/// A big entry (the project XML) is streamed: its local header is written with placeholders
/// and patched in place (`FileSink.overwrite`) once its CRC and compressed size are known.
final class ZipStreamWriter {
    private let sink: FileSink
    private let time: UInt16, date: UInt16
    /// Bytes written so far: the next local header's offset.
    private(set) var offset: UInt64 = 0
    /// The central directory records, in entry order.
    private var directory: [UInt8] = []
    private(set) var count: UInt64 = 0

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
        var compressed = Data()
        let crc = try Data.compress(size: Int64(bytes.count), bufferSize: defaultWriteChunkSize,
                                    provider: { pos, size in bytes.subdata(in: Int(pos)..<Int(pos) + size) },
                                    consumer: { compressed.append($0) })
        let start = offset
        let header = Self.localHeader(path, time: time, date: date, crc: crc, compressed: UInt64(compressed.count),
                                      uncompressed: UInt64(bytes.count))
        append(header)
        compressed.withUnsafeBytes { sink.append($0) }
        offset += UInt64(compressed.count)
        record(path, crc: crc, compressed: UInt64(compressed.count), uncompressed: UInt64(bytes.count), at: start)
        try sink.flushIfLarge()
    }

    /// A big entry of a known size, read piece by piece from `provider` (position, size) and
    /// written as it is compressed; its header is patched afterwards.
    func add(_ path: String, size: UInt64, provider: @escaping Provider) throws {
        let start = offset
        let placeholder = Self.localHeader(path, time: time, date: date, crc: 0, compressed: 0, uncompressed: size)
        append(placeholder)
        var written: UInt64 = 0
        let crc = try Data.compress(size: Int64(size), bufferSize: defaultWriteChunkSize, provider: provider, consumer: { chunk in
            chunk.withUnsafeBytes { self.sink.append($0) }
            written += UInt64(chunk.count)
            try self.sink.flushIfLarge()
        })
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
