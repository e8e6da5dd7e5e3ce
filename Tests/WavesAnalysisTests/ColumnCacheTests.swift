import Foundation
import Glibc
import XCTest
@testable import WavesAnalysis
import WavesCore
import WavesStore

/// Issue 14: the column cache and the index caches (with and without texts) under `data/`
/// never serve stale data. Each kind of change to the
/// store other than none (an append, an edit in place of the same size, a truncation, a
/// replacement by rename, another file at the path, a `touch`), a change of the import log,
/// the roster or the instrument, and a damaged or altered cache file all make the next load read the
/// store again; an unchanged store is served from the cache with exactly the scan's columns and index.
final class ColumnCacheTests: XCTestCase {
    static let demo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("datasets/pmi-demo")
    var dir: URL!
    var store: URL { dir.appendingPathComponent("data/responses.jsonl") }

    override func setUpWithError() throws {
        setenv("WAVES_CACHE_SETTLE", "0", 1)
        unsetenv("WAVES_CACHE")
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("waves-cache-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: Self.demo, to: dir)
        // Nothing cached from elsewhere.
        for f in try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("data").path) where f.hasSuffix(".cache") {
            try FileManager.default.removeItem(at: dir.appendingPathComponent("data/" + f))
        }
    }

    override func tearDownWithError() throws {
        unsetenv("WAVES_CACHE_SETTLE")
        unsetenv("WAVES_CACHE")
        try? FileManager.default.removeItem(at: dir)
    }

    func bundle() throws -> StudyBundle { try StudyLoader.load(directory: dir) }
    func instrument(_ b: StudyBundle) -> Instrument { b.instruments.first { $0.id == "identity" }! }
    func cache(_ b: StudyBundle) -> ColumnCache { ColumnCache(bundle: b, instrument: instrument(b))! }

    /// The columns read from the store with the cache off.
    func scanned() throws -> InstrumentData {
        setenv("WAVES_CACHE", "off", 1)
        defer { unsetenv("WAVES_CACHE") }
        let b = try bundle()
        return try InstrumentData.load(b, instrument: instrument(b))
    }

    func assertSame(_ a: InstrumentData, _ b: InstrumentData, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.participants, b.participants, file: file, line: line)
        XCTAssertEqual(a.roles, b.roles, file: file, line: line)
        XCTAssertEqual(a.present, b.present, file: file, line: line)
        XCTAssertEqual(a.values.count, b.values.count, file: file, line: line)
        XCTAssertTrue(zip(a.values, b.values).allSatisfy { $0.bitPattern == $1.bitPattern || ($0.isNaN && $1.isNaN) }, "values", file: file, line: line)
        XCTAssertEqual(a.duplicateCount, b.duplicateCount, file: file, line: line)
        XCTAssertEqual(a.problems, b.problems, file: file, line: line)
        XCTAssertEqual(a.setAside, b.setAside, file: file, line: line)
    }

    func indexCache(_ b: StudyBundle, texts: Bool) -> IndexCache { IndexCache(bundle: b, collectText: texts)! }

    /// The index read from the store with the cache off.
    func scannedIndex(texts: Bool) throws -> StudyIndex {
        setenv("WAVES_CACHE", "off", 1)
        defer { unsetenv("WAVES_CACHE") }
        return try StudyIndex.load(try bundle(), collectText: texts)
    }

    /// Every field of two indexes, public and internal.
    func assertSame(_ a: StudyIndex, _ b: StudyIndex, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.participants, b.participants, file: file, line: line)
        XCTAssertEqual(a.roles, b.roles, file: file, line: line)
        XCTAssertEqual([a.submissions, a.chosenSubmissions, a.unknownRecords], [b.submissions, b.chosenSubmissions, b.unknownRecords], file: file, line: line)
        XCTAssertEqual(a.unknownRecordParticipants, b.unknownRecordParticipants, file: file, line: line)
        XCTAssertEqual(a.unknownSubmissions, b.unknownSubmissions, file: file, line: line)
        XCTAssertEqual(a.waveFirst, b.waveFirst, file: file, line: line)
        XCTAssertEqual(a.waveLast, b.waveLast, file: file, line: line)
        XCTAssertEqual(a.waveSubmissions, b.waveSubmissions, file: file, line: line)
        XCTAssertEqual(a.hashes, b.hashes, file: file, line: line)
        XCTAssertEqual(a.problems, b.problems, file: file, line: line)
        XCTAssertEqual(a.duplicates, b.duplicates, file: file, line: line)
        XCTAssertEqual(a.present, b.present, file: file, line: line)
        XCTAssertEqual(a.latestStamp, b.latestStamp, file: file, line: line)
        XCTAssertEqual(a.firstLine, b.firstLine, file: file, line: line)
        XCTAssertEqual(a.latestLine, b.latestLine, file: file, line: line)
        XCTAssertEqual(a.chosenVersion, b.chosenVersion, file: file, line: line)
        XCTAssertEqual(a.versionKeys.map { "\($0.sha256) \($0.version)" }, b.versionKeys.map { "\($0.sha256) \($0.version)" }, file: file, line: line)
        XCTAssertEqual(a.texts.keys.sorted(), b.texts.keys.sorted(), file: file, line: line)
        for (cell, list) in a.texts {
            XCTAssertEqual(list.map { "\($0.item)=\($0.text)" }, b.texts[cell]?.map { "\($0.item)=\($0.text)" }, file: file, line: line)
        }
    }

    /// Loads once (writing the caches) and checks that the caches are now in use.
    @discardableResult
    func primed() throws -> InstrumentData {
        let b = try bundle()
        let d = try InstrumentData.load(b, instrument: instrument(b))
        let cached = try XCTUnwrap(cache(b).read(), "the cache is written after a scan and read back")
        assertSame(cached, d)
        for texts in [false, true] {
            let x = try StudyIndex.load(b, collectText: texts)
            let cachedIndex = try XCTUnwrap(indexCache(b, texts: texts).read(), "the index cache (texts \(texts)) is written and read back")
            assertSame(cachedIndex, x)
        }
        return d
    }

    /// After `change`, no cache is used and a load equals a fresh scan.
    func checkInvalidated(_ what: String, file: StaticString = #filePath, line: UInt = #line, _ change: () throws -> Void) throws {
        try primed()
        try change()
        XCTAssertNil(cache(try bundle()).read(), "\(what): the cache must not be used", file: file, line: line)
        for texts in [false, true] {
            XCTAssertNil(indexCache(try bundle(), texts: texts).read(), "\(what): the index cache (texts \(texts)) must not be used", file: file, line: line)
        }
        let b = try bundle()
        assertSame(try InstrumentData.load(b, instrument: instrument(b)), try scanned(), file: file, line: line)
        for texts in [false, true] {
            assertSame(try StudyIndex.load(try bundle(), collectText: texts), try scannedIndex(texts: texts), file: file, line: line)
        }
    }

    func testUnchangedStoreIsServedFromTheCacheWithTheScansColumns() throws {
        let first = try primed()
        assertSame(first, try scanned())
        let b = try bundle()
        for texts in [false, true] { assertSame(try StudyIndex.load(b, collectText: texts), try scannedIndex(texts: texts)) }
        XCTAssertFalse(try StudyIndex.load(b, collectText: true).texts.isEmpty, "the demo's free texts are kept in the cache")
        let names = [cache(b).name, indexCache(b, texts: false).name, indexCache(b, texts: true).name]
        XCTAssertEqual(Set(names).count, 3, "each cache has its own file")
        for name in names {
            let attributes = try FileManager.default.attributesOfItem(atPath: dir.appendingPathComponent("data/" + name).path)
            XCTAssertEqual((attributes[.posixPermissions] as? Int) ?? 0, 0o600, "the cache has the store's mode")
            XCTAssertTrue(name.hasSuffix(".cache"))
        }
    }

    /// The report's inputs (`StudyIndex.load(_:collectText:instruments:)`): whichever caches are
    /// fresh, the index and each scaled instrument's columns equal their own loads from the store.
    /// With neither cached, the index's scan feeds every instrument's loader (one shared scan)
    /// and writes every cache, as the separate loads would. The store gets a later duplicate, a
    /// number its item rejects, an unknown wave and an unreadable line, so that every rule of
    /// both consumers is met on the shared rows.
    func testReportInputsEqualTheirOwnLoads() throws {
        var lines = try String(contentsOf: store, encoding: .utf8).split(separator: "\n").map(String.init)
        let first = lines[0]
        lines.append(first.replacingOccurrences(of: #""pi01":3"#, with: #""pi01":4"#)
            .replacingOccurrences(of: #""submitted_at":"2026-02-02T13:00:00Z""#, with: #""submitted_at":"2026-02-02T14:00:00Z""#))
        lines.append(first.replacingOccurrences(of: #""participant":"P001""#, with: #""participant":"P901""#)
            .replacingOccurrences(of: #""pi02":5"#, with: #""pi02":99"#))
        lines.append(first.replacingOccurrences(of: #""wave":"w1""#, with: #""wave":"w9""#))
        lines.append("{\"format\":")
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: store)
        func own(_ inst: Instrument) throws -> InstrumentData {
            setenv("WAVES_CACHE", "off", 1)
            defer { unsetenv("WAVES_CACHE") }
            return try InstrumentData.load(try bundle(), instrument: inst)
        }
        let b = try bundle()
        let scaled = b.instruments.filter { !$0.scales.isEmpty }
        XCTAssertGreaterThan(scaled.count, 1)
        let expected = try scaled.map(own)
        XCTAssertGreaterThan(expected.first { $0.instrument.id == "identity" }?.duplicateCount ?? 0, 0)
        XCTAssertFalse(expected.first { $0.instrument.id == "identity" }?.setAside.isEmpty ?? true)
        XCTAssertFalse(expected[0].problems.isEmpty)
        let expectedIndex = try scannedIndex(texts: true)
        func check(_ what: String, file: StaticString = #filePath, line: UInt = #line) throws {
            let (index, data) = StudyIndex.load(try bundle(), collectText: true, instruments: scaled)
            assertSame(try index.get(), expectedIndex, file: file, line: line)
            XCTAssertEqual(data.count, scaled.count, what, file: file, line: line)
            for (k, d) in data.enumerated() {
                XCTAssertEqual(try d.get().instrument.id, scaled[k].id, what, file: file, line: line)
                assertSame(try d.get(), expected[k], file: file, line: line)
            }
        }
        func columnCaches() throws -> [ColumnCache] { try scaled.map { try XCTUnwrap(ColumnCache(bundle: try bundle(), instrument: $0)) } }
        try check("nothing cached: one shared scan")
        XCTAssertNotNil(indexCache(try bundle(), texts: true).read(), "the shared scan writes the index cache")
        for c in try columnCaches() { XCTAssertNotNil(c.read(), "the shared scan writes \(c.name)") }
        try check("everything cached")
        try FileManager.default.removeItem(at: dir.appendingPathComponent("data/" + indexCache(try bundle(), texts: true).name))
        try check("the columns cached, the index scanned")
        for c in try columnCaches() { try FileManager.default.removeItem(at: dir.appendingPathComponent("data/" + c.name)) }
        try check("the index cached, the columns scanned")
        try FileManager.default.removeItem(at: dir.appendingPathComponent("data/" + indexCache(try bundle(), texts: true).name))
        let one = try columnCaches()[0]
        try FileManager.default.removeItem(at: dir.appendingPathComponent("data/" + one.name))
        try check("one instrument's columns and the index scanned together, the others cached")
    }

    /// Records of waves and instruments the study does not define are kept in the index cache
    /// with their participant, wave and instrument (what `waves status` reads from it).
    func testUnknownSubmissionsAreCached() throws {
        let lines = try String(contentsOf: store, encoding: .utf8).split(separator: "\n").map(String.init)
        let extra = [lines[0].replacingOccurrences(of: #""wave":"w"#, with: #""wave":"x"#),
                     lines[1].replacingOccurrences(of: #""instrument":{"id":""#, with: #""instrument":{"id":"zz"#)]
        try Data(((lines + extra).joined(separator: "\n") + "\n").utf8).write(to: store)
        try primed()
        let b = try bundle()
        let cached = try XCTUnwrap(indexCache(b, texts: false).read())
        XCTAssertEqual(cached.unknownSubmissions.count, 2)
        XCTAssertEqual(Set(cached.unknownSubmissions.map(\.wave)).count, 2, "an unknown wave and a known one")
        var seen: [String] = []
        cached.forEachSubmission { seen.append("\($0) \($1) \($2)") }
        var scannedSeen: [String] = []
        try scannedIndex(texts: false).forEachSubmission { scannedSeen.append("\($0) \($1) \($2)") }
        XCTAssertEqual(seen.sorted(), scannedSeen.sorted())
        XCTAssertEqual(seen.count, cached.chosenSubmissions + 2)
    }

    /// A cache never stands in for a study whose instruments changed order or whose texts differ.
    func testIndexCacheKeyCoversTextsAndInstruments() throws {
        try primed()
        let b = try bundle()
        XCTAssertNotEqual(indexCache(b, texts: false).frame.key, indexCache(b, texts: true).frame.key)
        let withoutTexts = try XCTUnwrap(indexCache(b, texts: false).read())
        XCTAssertTrue(withoutTexts.texts.isEmpty)
    }

    func testAppendInvalidates() throws {
        try checkInvalidated("append") {
            let line = try String(contentsOf: store, encoding: .utf8).split(separator: "\n").first { $0.contains("\"identity\"") }!
            let changed = line.replacingOccurrences(of: "\"pi01\":", with: "\"pi01\":1,\"x\":").replacingOccurrences(of: "2026-", with: "2027-")
            let h = try FileHandle(forWritingTo: store)
            try h.seekToEnd()
            try h.write(contentsOf: Data((changed + "\n").utf8))
            try h.close()
        }
    }

    func testEditInPlaceOfTheSameSizeInvalidates() throws {
        try checkInvalidated("edit in place") {
            var bytes = try Data(contentsOf: store)
            let text = String(decoding: bytes, as: UTF8.self)
            let r = try XCTUnwrap(text.range(of: "\"pi01\":3"))
            let offset = text.utf8.distance(from: text.startIndex, to: r.upperBound) - 1
            bytes[offset] = UInt8(ascii: "5")
            let h = try FileHandle(forUpdating: store)   // same inode, same size
            try h.seek(toOffset: UInt64(offset))
            try h.write(contentsOf: bytes[offset...offset])
            try h.close()
        }
    }

    func testTruncationInvalidates() throws {
        try checkInvalidated("truncation") {
            let h = try FileHandle(forUpdating: store)
            try h.truncate(atOffset: 2000)
            try h.close()
        }
    }

    func testReplacementByRenameInvalidates() throws {
        try checkInvalidated("replacement") {
            let copy = dir.appendingPathComponent("data/copy.jsonl")
            try FileManager.default.copyItem(at: store, to: copy)   // the same bytes, another inode
            XCTAssertEqual(rename(copy.path, store.path), 0)
        }
    }

    func testAnotherFileAtThePathInvalidates() throws {
        try checkInvalidated("another file") {
            let bytes = try Data(contentsOf: store)
            try FileManager.default.removeItem(at: store)
            try Data(bytes.prefix(bytes.count / 2)).write(to: store)
        }
    }

    func testTouchInvalidates() throws {
        try checkInvalidated("touch") {
            var times = [timespec(tv_sec: 1_000_000_000, tv_nsec: 0), timespec(tv_sec: 1_000_000_000, tv_nsec: 0)]
            XCTAssertEqual(utimensat(AT_FDCWD, store.path, &times, 0), 0)
        }
    }

    func testImportLogChangeInvalidates() throws {
        try checkInvalidated("import log") {
            try Data("{\"format\":\"waves.import/1\",\"batch\":\"b1\"}\n".utf8).write(to: dir.appendingPathComponent("data/imports.jsonl"))
        }
    }

    func testRosterChangeInvalidates() throws {
        try checkInvalidated("roster") {
            let roster = dir.appendingPathComponent("roster.csv")
            var text = try String(contentsOf: roster, encoding: .utf8)
            text = text.replacingOccurrences(of: "mentee", with: "peer-mentor")
            try Data(text.utf8).write(to: roster)
        }
    }

    func testInstrumentChangeInvalidates() throws {
        try checkInvalidated("instrument") {
            let file = dir.appendingPathComponent("instruments/identity.yaml")
            try Data((try String(contentsOf: file, encoding: .utf8) + "\n# edited\n").utf8).write(to: file)
        }
    }

    func testDamagedCacheIsIgnored() throws {
        try primed()
        let url = dir.appendingPathComponent("data/" + cache(try bundle()).name)
        let bytes = try Data(contentsOf: url)
        for cut in [bytes.count - 3, bytes.count / 2, 10] {
            try Data(bytes.prefix(cut)).write(to: url)
            XCTAssertNil(cache(try bundle()).read(), "a cache cut at \(cut) bytes is ignored")
        }
        try (bytes + Data([0])).write(to: url)
        XCTAssertNil(cache(try bundle()).read(), "a cache with bytes after its end is ignored")
        // One answer changed inside the matrix (the file's size and shape intact): the digest differs.
        for offset in [bytes.count / 2, bytes.count - 200] {
            var flipped = bytes
            flipped[offset] ^= 0x01
            try flipped.write(to: url)
            XCTAssertNil(cache(try bundle()).read(), "a cache with a byte changed at \(offset) is ignored")
        }
        try bytes.write(to: url)
        XCTAssertNotNil(cache(try bundle()).read(), "the intact cache is used again")
        let b = try bundle()
        assertSame(try InstrumentData.load(b, instrument: instrument(b)), try scanned())
        // The index cache: cut, extended, or one byte flipped anywhere in a sample of offsets.
        let indexURL = dir.appendingPathComponent("data/" + indexCache(b, texts: true).name)
        let indexBytes = try Data(contentsOf: indexURL)
        var damaged: [Data] = [indexBytes.prefix(indexBytes.count - 1), indexBytes.prefix(indexBytes.count / 3), indexBytes + Data([0x0A])]
        for offset in stride(from: 20, to: indexBytes.count, by: max(1, indexBytes.count / 25)) {
            var flipped = indexBytes
            flipped[offset] ^= 0x04
            damaged.append(flipped)
        }
        for d in damaged {
            try d.write(to: indexURL)
            XCTAssertNil(indexCache(try bundle(), texts: true).read(), "a damaged index cache (\(d.count) bytes) is ignored")
        }
        try indexBytes.write(to: indexURL)
        XCTAssertNotNil(indexCache(try bundle(), texts: true).read(), "the intact index cache is used again")
    }

    func testARecentChangeIsNotCached() throws {
        setenv("WAVES_CACHE_SETTLE", "100000", 1)
        let b = try bundle()
        _ = try InstrumentData.load(b, instrument: instrument(b))
        _ = try StudyIndex.load(b, collectText: true)
        XCTAssertNil(cache(b).read(), "a store changed within the settle time is not cached (same clock tick)")
        XCTAssertNil(IndexCache(bundle: b, collectText: true)?.read(), "nor is its index")
    }

    func testCacheCanBeTurnedOff() throws {
        setenv("WAVES_CACHE", "off", 1)
        let b = try bundle()
        XCTAssertNil(ColumnCache(bundle: b, instrument: instrument(b)))
        XCTAssertNil(IndexCache(bundle: b, collectText: false))
    }
}

/// The cache's matrix is used in place (`AnswerValues`, mapped from the file) with exactly the
/// scan's values; a change to mapped columns copies them first; and columns mapped from a cache
/// keep their values when the cache is replaced by a new one (caches are renamed over, never
/// written in place).
extension ColumnCacheTests {
    func testTheCachedMatrixIsMappedInPlaceWithTheScansValues() throws {
        try primed()
        let b = try bundle()
        let cached = try XCTUnwrap(cache(b).read())
        XCTAssertTrue(cached.values.isMapped, "the matrix is used in place from the cache file")
        XCTAssertGreaterThan(cached.values.count, 0)
        assertSame(cached, try scanned())
        let loaded = try InstrumentData.load(b, instrument: instrument(b))
        XCTAssertTrue(loaded.values.isMapped, "a load of an unchanged store takes the mapped matrix")
        // Every reader sees the same Doubles through each access.
        loaded.values.withUnsafeBufferPointer { v in
            for i in stride(from: 0, to: v.count, by: 7) { XCTAssertEqual(v[i].bitPattern, loaded.values[i].bitPattern) }
        }
        XCTAssertEqual(loaded.values.withUnsafeBytes { $0.count }, loaded.values.count * 8)
    }

    func testChangingMappedValuesCopiesThemFirst() throws {
        try primed()
        var d = try XCTUnwrap(cache(try bundle()).read())
        let before = Array(d.values)
        let i = try XCTUnwrap(before.indices.first { !before[$0].isNaN })
        d.values[i] = 99
        XCTAssertFalse(d.values.isMapped, "a changed matrix is an array")
        XCTAssertEqual(d.values[i], 99)
        var expected = before
        expected[i] = 99
        XCTAssertTrue(zip(d.values, expected).allSatisfy { $0.bitPattern == $1.bitPattern })
        // The file is untouched: a new read has the old value.
        let again = try XCTUnwrap(cache(try bundle()).read())
        XCTAssertEqual(again.values[i].bitPattern, before[i].bitPattern)
    }

    func testMappedColumnsOutliveTheirCacheBeingReplaced() throws {
        try primed()
        let old = try XCTUnwrap(cache(try bundle()).read())
        let oldValues = Array(old.values)
        // Another file at the path (the same bytes) invalidates the cache, and an append to it
        // means the next load cannot extend the old cache: it scans and writes a new cache over the old file.
        let copy = dir.appendingPathComponent("data/copy.jsonl")
        try FileManager.default.copyItem(at: store, to: copy)
        let line = try String(contentsOf: store, encoding: .utf8).split(separator: "\n").last!
        let handle = try FileHandle(forWritingTo: copy)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data((line + "\n").utf8))
        try handle.close()
        XCTAssertEqual(rename(copy.path, store.path), 0)
        let b = try bundle()
        _ = try InstrumentData.load(b, instrument: instrument(b))
        XCTAssertNotNil(cache(b).read(), "the new cache is written")
        XCTAssertTrue(zip(old.values, oldValues).allSatisfy { $0.bitPattern == $1.bitPattern }, "the old mapping keeps its bytes")
    }
}
