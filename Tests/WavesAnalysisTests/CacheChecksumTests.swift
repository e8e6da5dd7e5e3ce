import Foundation
import XCTest
@testable import WavesAnalysis
import WavesCore

/// Issue 14, session 9: the checksum that closes every derived cache is XXH3-128
/// (`CacheChecksum`), and a matrix of several 1 MB pieces (`CacheReader.doubles`, hashed piece
/// by piece as it is read) comes back whole, while a byte changed in any piece or a cut file
/// is caught. `ColumnCacheTests.testDamagedCacheIsIgnored` holds the same for whole caches.
final class CacheChecksumTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("waves-checksum-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    /// The published XXH3-128 values (`xxhsum -H2`, big-endian hex), so a cache can be checked
    /// by the reference tool and the format does not drift with a library's defaults.
    func testChecksumIsXXH3With128BitsAsPublished() {
        let empty = CacheChecksum()
        XCTAssertEqual(empty.hex(), "99aa06d3014798d86001c324468d497f")
        let abc = CacheChecksum()
        abc.update(Array("a".utf8))
        abc.update(Array("bc".utf8))
        XCTAssertEqual(abc.hex(), "06b05ab6733a618578af5f94892f3950", "fed in pieces, the checksum of the whole")
    }

    /// Writes a count and `values` as a cache payload would be, with the closing checksum.
    func write(_ values: [Double], name: String) throws -> URL {
        let folder = try Folder.open(dir, role: "a test folder")
        let file = try folder.beginReplacing(name, permissions: 0o600, role: "a cache")
        var w = CacheWriter(file: file)
        try w.int(values.count)
        try values.withUnsafeBytes { try w.direct($0) }
        try w.digest()
        try w.flush()
        try file.commit()
        return dir.appendingPathComponent(name)
    }

    /// Reads it back: the values when the checksum matches, nil when it does not; throws when cut.
    func read(_ url: URL) throws -> [Double]? {
        let file = try XCTUnwrap(try OpenFile.openForReading(url.path, role: "a cache"))
        var r = CacheReader(file: file)
        let n = try r.count()
        let values = try r.doubles(n)
        let expected = Array(r.digestSoFar().utf8)
        guard try r.bytes(expected.count, hashed: false) == expected, try r.atEnd() else { return nil }
        return values
    }

    /// `read`, throwing for a checksum that does not match too.
    func readWhole(_ url: URL) throws {
        guard try read(url) != nil else { throw CacheReader.Bad() }
    }

    func testAMatrixOfSeveralPiecesRoundTripsAndAnyChangeIsCaught() throws {
        // 3.2 MB of Doubles: four 1 MB pieces after the count, the last one short.
        var values: [Double] = []
        for i in 0..<400_000 {
            let x: Double = Double(i % 5) + Double(i) / 1e6
            values.append(i % 7 == 0 ? Double.nan : x)
        }
        let url = try write(values, name: "m.cache")
        let back = try XCTUnwrap(try read(url), "an intact file is read back")
        XCTAssertEqual(back.count, values.count)
        XCTAssertTrue(zip(back, values).allSatisfy { $0.bitPattern == $1.bitPattern }, "the same bits")
        let bytes = try Data(contentsOf: url)
        // One bit flipped in the count's piece, in each 1 MB piece of the matrix, and in the checksum.
        let mb: Int = 1 << 20, end: Int = bytes.count
        let offsets: [Int] = [3, 108, 8 + mb + 5, 8 + 2 * mb + 77, end - 40, end - 1]
        for offset in offsets {
            var changed = bytes
            changed[offset] ^= 0x10
            try changed.write(to: url)
            if offset < 8 {
                // A changed count no longer matches the file's length: too few or too many bytes.
                XCTAssertThrowsError(try readWhole(url), "a changed count at \(offset) is caught")
            } else {
                XCTAssertNil(try read(url), "a byte changed at \(offset) of \(bytes.count) is caught")
            }
        }
        let cuts: [Int] = [end - 1, end - 33, 8 + mb + 1, 12]
        for cut in cuts {
            try Data(bytes.prefix(cut)).write(to: url)
            XCTAssertThrowsError(try readWhole(url), "a file cut at \(cut) is caught")
        }
        try bytes.write(to: url)
        XCTAssertNotNil(try read(url), "the intact file again")
    }

    func testADamagedLengthAsksForNoMoreThanTheFileHolds() throws {
        let url = try write([1, 2, 3], name: "small.cache")
        let file = try XCTUnwrap(try OpenFile.openForReading(url.path, role: "a cache"))
        var r = CacheReader(file: file)
        _ = try r.count()
        XCTAssertThrowsError(try r.doubles(1 << 40), "a count larger than the file is refused before anything is allocated")
        XCTAssertThrowsError(try r.doubles(-1))
    }
}
