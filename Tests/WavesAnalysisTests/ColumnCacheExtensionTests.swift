import Foundation
import Glibc
import XCTest
@testable import WavesAnalysis
import WavesCore
import WavesStore

/// Issue 14: a column cache made from a prefix of the store is extended with only the lines
/// appended since (`ColumnCache.extended`), and gives exactly the columns of a scan of the
/// whole store; any change other than an append (an edit of the prefix, a truncation, a
/// replacement by another file with the same bytes, a finished import, a damaged cache) sends
/// the load back to the whole store. The demo's store is cut in two: the cache is made from
/// the first part, and the rest, with lines that replace, duplicate, set aside, re-role and
/// add participants, is appended after.
extension ColumnCacheTests {
    /// The demo store's lines (with their line ends).
    func storeLines() throws -> [String] {
        try String(contentsOf: store, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).dropLast().map { $0 + "\n" }
    }

    func writeStore(_ lines: [String]) throws { try Data(lines.joined().utf8).write(to: store) }

    func append(_ text: String) throws {
        let h = try FileHandle(forWritingTo: store)
        try h.seekToEnd()
        try h.write(contentsOf: Data(text.utf8))
        try h.close()
    }

    /// Lines of the identity instrument that exercise every rule of the loader when appended:
    /// a later submission that replaces a cell, an earlier one that does not (a duplicate), a
    /// number the item's rules reject (set aside), a new role for a participant, a participant
    /// the store has not seen, and a line that is not a record.
    func awkwardLines(from lines: [String]) throws -> [String] {
        let first = try XCTUnwrap(lines.first { $0.contains("\"identity\"") && $0.contains("\"P001\"") && $0.contains("\"w1\"") })
        let later = first.replacingOccurrences(of: "2026-02-02T13:00:00Z", with: "2026-12-01T09:00:00Z")
            .replacingOccurrences(of: "\"pi01\":3", with: "\"pi01\":1")
        // P001's w2 is in the prefix, and no other line of it follows this one.
        let earlier = first.replacingOccurrences(of: "2026-02-02T13:00:00Z", with: "2025-01-01T09:00:00Z")
            .replacingOccurrences(of: "\"wave\":\"w1\"", with: "\"wave\":\"w2\"").replacingOccurrences(of: "\"pi01\":3", with: "\"pi01\":4")
        let rejected = first.replacingOccurrences(of: "\"participant\":\"P001\"", with: "\"participant\":\"P002\"")
            .replacingOccurrences(of: "2026-02-02T13:00:00Z", with: "2026-12-02T09:00:00Z").replacingOccurrences(of: "\"pi02\":5", with: "\"pi02\":99")
        let newcomer = first.replacingOccurrences(of: "\"participant\":\"P001\"", with: "\"participant\":\"Z900\"")
            .replacingOccurrences(of: "\"role\":\"peer-mentor\"", with: "\"role\":\"mentee\"")
        let rerole = first.replacingOccurrences(of: "\"participant\":\"P001\"", with: "\"participant\":\"Z901\"")
            .replacingOccurrences(of: "\"wave\":\"w1\"", with: "\"wave\":\"w2\"")
        let rerole2 = rerole.replacingOccurrences(of: "\"role\":\"peer-mentor\"", with: "\"role\":\"mentee\"")
            .replacingOccurrences(of: "2026-02-02T13:00:00Z", with: "2026-12-03T09:00:00Z")
        XCTAssertEqual(Set([first, later, earlier, rejected, newcomer, rerole, rerole2]).count, 7, "each awkward line differs")
        // First the earlier one: it must lose to the cell's submission in the prefix.
        return [earlier, later, "not a record\n", rejected, newcomer, rerole, "\n", rerole2]
    }

    /// A participant outside the roster who named a role in the prefix, and a line of theirs
    /// submitted earlier naming another: the prefix's role stays theirs (`RolePrecedence`).
    /// Likewise for one whose only line in the prefix is of a wave the study does not define
    /// (`unknownWave`, kept by the index's `RolePrecedence.Tracker`).
    func unrosteredRoles(from lines: [String]) throws -> (prefix: String, appended: String, unknownWave: String, afterUnknownWave: String) {
        let first = try XCTUnwrap(lines.first { $0.contains("\"identity\"") && $0.contains("\"P001\"") && $0.contains("\"w1\"") })
        let named = first.replacingOccurrences(of: "\"participant\":\"P001\"", with: "\"participant\":\"Z902\"")
            .replacingOccurrences(of: "\"role\":\"peer-mentor\"", with: "\"role\":\"mentee\"")
        let older = first.replacingOccurrences(of: "\"participant\":\"P001\"", with: "\"participant\":\"Z902\"")
            .replacingOccurrences(of: "\"wave\":\"w1\"", with: "\"wave\":\"w2\"").replacingOccurrences(of: "2026-02-02T13:00:00Z", with: "2025-02-02T13:00:00Z")
        let unknownWave = named.replacingOccurrences(of: "Z902", with: "Z903").replacingOccurrences(of: "\"wave\":\"w1\"", with: "\"wave\":\"w9\"")
        let afterUnknownWave = older.replacingOccurrences(of: "Z902", with: "Z903")
        return (named, older, unknownWave, afterUnknownWave)
    }

    /// A load now: through an extension of the column cache and of both index caches (which
    /// must happen), equal to a scan.
    func assertExtendedEqualsScan(_ what: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let b = try bundle()
        XCTAssertNil(cache(b).read(), "\(what): the store changed, so the cache is not used as it is", file: file, line: line)
        let extended = try XCTUnwrap(try cache(b).extended(), "\(what): the cache is extended", file: file, line: line)
        let scan = try scanned()
        assertSame(extended, scan, file: file, line: line)
        assertSame(try InstrumentData.load(b, instrument: instrument(b)), scan, file: file, line: line)
        for texts in [false, true] {
            XCTAssertNil(indexCache(b, texts: texts).read(), "\(what): the index cache is not used as it is", file: file, line: line)
            let index = try XCTUnwrap(try indexCache(b, texts: texts).extended(), "\(what): the index cache (texts \(texts)) is extended", file: file, line: line)
            let scanIndex = try scannedIndex(texts: texts)
            assertSame(index, scanIndex, file: file, line: line)
            assertSame(try StudyIndex.load(b, collectText: texts), scanIndex, file: file, line: line)
        }
    }

    /// A load now: not through an extension (of the column cache, and of the index caches
    /// unless `indexes` is false), and equal to a scan.
    func assertNotExtended(_ what: String, indexes: Bool = true, file: StaticString = #filePath, line: UInt = #line) throws {
        let b = try bundle()
        XCTAssertNil(try cache(b).extended(), "\(what): the cache must not be extended", file: file, line: line)
        assertSame(try InstrumentData.load(b, instrument: instrument(b)), try scanned(), file: file, line: line)
        guard indexes else { return }
        for texts in [false, true] {
            XCTAssertNil(try indexCache(b, texts: texts).extended(), "\(what): the index cache (texts \(texts)) must not be extended", file: file, line: line)
            assertSame(try StudyIndex.load(b, collectText: texts), try scannedIndex(texts: texts), file: file, line: line)
        }
    }

    /// Loads the columns and both indexes of the store as it is, writing their caches.
    func prime() throws {
        let b = try bundle()
        _ = try InstrumentData.load(b, instrument: instrument(b))
        XCTAssertNotNil(cache(b).read(), "the column cache is written")
        for texts in [false, true] {
            _ = try StudyIndex.load(b, collectText: texts)
            XCTAssertNotNil(indexCache(b, texts: texts).read(), "the index cache (texts \(texts)) is written")
        }
    }

    /// Primes the caches from the store's first `count` lines, the rest set aside.
    func primedPrefix(_ count: Int) throws -> (all: [String], rest: [String]) {
        let all = try storeLines()
        try writeStore(Array(all.prefix(count)))
        try prime()
        return (all, Array(all.dropFirst(count)))
    }

    func testAppendedLinesExtendTheCacheToTheScansColumns() throws {
        let all = try storeLines()
        let roles = try unrosteredRoles(from: all)
        try writeStore(Array(all.prefix(200)) + [roles.prefix, roles.unknownWave])
        try prime()
        let rest = Array(all.dropFirst(200)) + [roles.appended, roles.afterUnknownWave]
        // The demo's own later lines, in three appends, then the awkward ones.
        for piece in [Array(rest.prefix(100)), Array(rest.dropFirst(100).prefix(150)), Array(rest.dropFirst(250))] {
            try append(piece.joined())
            try assertExtendedEqualsScan("after \(piece.count) of the demo's lines")
        }
        try append(try awkwardLines(from: all).joined())
        try assertExtendedEqualsScan("after lines that replace, duplicate, set aside, re-role and add")
        let d = try scanned()
        XCTAssertTrue(d.participants.contains("Z900"), "the newcomer is in the columns")
        XCTAssertEqual(d.participants.firstIndex(of: "Z902").flatMap { d.roles[$0] }, "mentee", "the role of the latest submission, in the prefix")
        let index = try scannedIndex(texts: false)
        for id in ["Z902", "Z903"] {
            XCTAssertEqual(index.number(of: id).flatMap { index.roles[$0] }, "mentee", "\(id): the role of the latest submission, in the prefix")
        }
        XCTAssertTrue(d.setAside.contains { $0.participant == "P002" && $0.item == "pi02" && $0.value == 99 }, "the rejected number is set aside")
        XCTAssertTrue(d.problems.contains { $0.message.contains("JSON") || $0.message.contains("record") }, "the bad line is a problem")
    }

    func testATornLastLineCompletedLaterIsReadWhole() throws {
        let all = try storeLines()
        let torn = try XCTUnwrap(all.dropFirst(300).first { $0.contains("\"identity\"") })
        let at = all.firstIndex(of: torn)!
        try writeStore(Array(all.prefix(at)) + [String(torn.dropLast(40))])
        try prime()
        XCTAssertTrue(try scanned().problems.contains { $0.message.contains("torn") }, "the cut line is reported torn")
        // The writer finishes the line, and more lines follow.
        try append(String(torn.suffix(40)) + all.dropFirst(at + 1).joined())
        try assertExtendedEqualsScan("after the torn line was completed")
        XCTAssertFalse(try scanned().problems.contains { $0.message.contains("torn") })
    }

    func testAnEditOfThePrefixIsNotExtended() throws {
        let (_, rest) = try primedPrefix(250)
        // The same size, the same inode: one digit of an answer in the prefix, then an append.
        var bytes = try Data(contentsOf: store)
        let text = String(decoding: bytes, as: UTF8.self)
        let r = try XCTUnwrap(text.range(of: "\"pi01\":3"))
        let offset = text.utf8.distance(from: text.startIndex, to: r.upperBound) - 1
        bytes[offset] = UInt8(ascii: "5")
        let h = try FileHandle(forUpdating: store)
        try h.seek(toOffset: UInt64(offset))
        try h.write(contentsOf: bytes[offset...offset])
        try h.close()
        try append(rest.prefix(20).joined())
        try assertNotExtended("an edit in the prefix")
    }

    func testATruncationFollowedByOtherLinesIsNotExtended() throws {
        let (all, rest) = try primedPrefix(250)
        // Cut back into the prefix, then lines that make the store longer than before.
        try writeStore(Array(all.prefix(240)))
        try append(rest.prefix(30).joined())
        try assertNotExtended("a truncation, then other lines")
    }

    func testAReplacementWithTheSameBytesIsNotExtended() throws {
        let (_, rest) = try primedPrefix(250)
        let copy = dir.appendingPathComponent("data/copy.jsonl")
        try FileManager.default.copyItem(at: store, to: copy)
        let h = try FileHandle(forWritingTo: copy)
        try h.seekToEnd()
        try h.write(contentsOf: Data(rest.prefix(20).joined().utf8))
        try h.close()
        XCTAssertEqual(rename(copy.path, store.path), 0)
        try assertNotExtended("another file at the path, starting with the same bytes")
    }

    func testAFinishedImportIsNotExtended() throws {
        let (_, rest) = try primedPrefix(250)
        try append(rest.prefix(20).joined())
        try Data("{\"format\":\"waves.import/1\",\"batch\":\"b1\"}\n".utf8).write(to: dir.appendingPathComponent("data/imports.jsonl"))
        try assertNotExtended("a change of the import log")
    }

    func testAnImportFinishedDuringTheScanIsNoticed() throws {
        let (_, rest) = try primedPrefix(250)
        try append(rest.prefix(20).joined())
        let x = try XCTUnwrap(cache(try bundle()).frame.openExtending())
        XCTAssertTrue(x.importsUnchanged)
        // An import finishing between the checks and the scan's reading of the import log.
        try Data("{\"format\":\"waves.import/1\",\"batch\":\"b1\"}\n".utf8).write(to: dir.appendingPathComponent("data/imports.jsonl"))
        XCTAssertFalse(x.importsUnchanged, "the extension sees the import log changed and gives the store back to a full read")
    }

    func testTheReportsInputsAfterAnAppendEqualScans() throws {
        // The report's shared scan: its column caches keep no time stamps; after an append the
        // index and those columns are read together again, and equal their scans.
        let all = try storeLines()
        try writeStore(Array(all.prefix(250)))
        let b = try bundle()
        let scaled = b.instruments.filter { !$0.scales.isEmpty }
        let first = StudyIndex.load(b, collectText: true, instruments: scaled)
        _ = try first.index.get()
        try append(all.dropFirst(250).prefix(30).joined())
        let again = StudyIndex.load(try bundle(), collectText: true, instruments: scaled)
        assertSame(try again.index.get(), try scannedIndex(texts: true))
        setenv("WAVES_CACHE", "off", 1)
        let own = try scaled.map { try InstrumentData.load(try bundle(), instrument: $0) }
        unsetenv("WAVES_CACHE")
        for k in scaled.indices { assertSame(try again.instruments[k].get(), own[k]) }
    }

    func testADamagedCacheIsNotExtended() throws {
        let (_, rest) = try primedPrefix(250)
        let name = dir.appendingPathComponent("data/" + cache(try bundle()).name)
        let original = try Data(contentsOf: name)
        try append(rest.prefix(20).joined())
        // A byte of the loader's progress (near the end), of the matrix, of the head.
        for offset in [original.count - 60, original.count / 2, 40] {
            var bytes = original
            bytes[offset] ^= 0x01
            try bytes.write(to: name)
            try assertNotExtended("a cache changed at byte \(offset)", indexes: false)
        }
        try original.write(to: name)
        try assertExtendedEqualsScan("the undamaged cache, as a control")
    }

    func testSmallAppendsLeaveTheCacheAndLargeOnesRewriteIt() throws {
        let (_, rest) = try primedPrefix(250)
        let b = try bundle()
        let path = dir.appendingPathComponent("data/" + cache(b).name).path
        func cacheInode() -> ino_t { var st = stat(); XCTAssertEqual(lstat(path, &st), 0); return st.st_ino }
        let first = cacheInode()
        // A line or two is read after the cache each time; the cache stays as it is.
        try append(rest.prefix(2).joined())
        try assertExtendedEqualsScan("two lines")
        XCTAssertEqual(cacheInode(), first, "a small extension does not rewrite the cache")
        XCTAssertNil(cache(b).read())
        // More than an eighth of the cache's extent: rewritten, and then used as it is.
        try append(rest.dropFirst(2).joined())
        try assertExtendedEqualsScan("the rest")
        XCTAssertNotEqual(cacheInode(), first, "a large extension rewrites the cache")
        assertSame(try XCTUnwrap(cache(try bundle()).read(), "the rewritten cache is used as it is"), try scanned())
    }

    func testATouchIsExtendedByNothingAndTheCacheRewritten() throws {
        _ = try primedPrefix(250)
        var times = [timespec(tv_sec: 1_000_000_000, tv_nsec: 0), timespec(tv_sec: 1_000_000_000, tv_nsec: 0)]
        XCTAssertEqual(utimensat(AT_FDCWD, store.path, &times, 0), 0)
        try assertExtendedEqualsScan("a touch")
        let b = try bundle()
        assertSame(try XCTUnwrap(cache(b).read(), "the cache is rewritten and used as it is"), try scanned())
        for texts in [false, true] {
            assertSame(try XCTUnwrap(indexCache(b, texts: texts).read(), "the index cache is rewritten"), try scannedIndex(texts: texts))
        }
    }

    func testACacheWithoutTheLoadersProgressIsNotExtended() throws {
        // The report's shared scan: its loaders are told by the index which rows count and keep no time stamps.
        let all = try storeLines()
        try writeStore(Array(all.prefix(250)))
        let b = try bundle()
        let loaded = StudyIndex.load(b, collectText: false, instruments: [instrument(b)])
        _ = try loaded.instruments[0].get()
        XCTAssertNotNil(cache(b).read(), "the shared scan writes the column cache")
        try append(all.dropFirst(250).prefix(20).joined())
        try assertNotExtended("a cache from the shared scan", indexes: false)
        XCTAssertNotNil(try indexCache(b, texts: false).extended(), "the index of the shared scan is extended")
    }
}
