import Foundation
import XCTest
import WavesAnalysis
import WavesCoding
import WavesCore
import ZIPFoundation
@testable import WavesExport

/// The REFI-QDA exports from one streaming pass (`StreamedCodingUnits`, what `waves export`
/// uses) against the same exports from the whole loaded study (`StudyData`): the same units,
/// notes and bytes, on the demo and on a copy whose store has awkward lines (a later
/// duplicate, a wave the study does not define, lines only the strict decoder reads, a
/// record id used twice, blank texts). And the zip itself (`ZipStreamWriter`, which writes the
/// entries straight to the export's file): read back entry by entry, the same bytes as the
/// old in-memory ZIPFoundation writer, ZIP64 past 65,535 entries, a broken zip detected.
final class QDPXStreamingTests: XCTestCase {
    /// A copy of the demo with awkward lines appended to its store.
    func awkwardStudy() throws -> URL {
        let dir = try Support.tempDir(self, "awkward")
        let copy = dir.appendingPathComponent("demo")
        try FileManager.default.copyItem(at: Support.demoStudy, to: copy)
        let storeURL = copy.appendingPathComponent("data/responses.jsonl")
        let lines = try String(contentsOf: storeURL, encoding: .utf8).split(separator: "\n").map(String.init)
        let diary = try XCTUnwrap(lines.first { $0.contains("\"participant\":\"P001\"") && $0.contains("\"id\":\"diary\"") })
        let identity = try XCTUnwrap(lines.first { $0.contains("\"participant\":\"P002\"") && $0.contains("\"id\":\"identity\"") })
        func field(_ line: String, _ key: String) throws -> String {
            let r = try XCTUnwrap(line.range(of: "\"\(key)\":\"[^\"]*\"", options: .regularExpression))
            return String(line[r].dropFirst(key.count + 4).dropLast())
        }
        let id = try field(diary, "id"), at = try field(diary, "submitted_at"), wave = try field(diary, "wave")
        func variant(_ newID: String, _ edits: [(String, String)]) -> String {
            var l = diary.replacingOccurrences(of: "\"id\":\"\(id)\"", with: "\"id\":\"\(newID)\"")
            for (a, b) in edits { l = l.replacingOccurrences(of: a, with: b) }
            return l
        }
        let added = [
            // A later submission of the same cell: it counts, with its own texts and time.
            variant("later-1", [("\"submitted_at\":\"\(at)\"", "\"submitted_at\":\"2027-01-05T09:00:00Z\""), ("\"dy01\":\"", "\"dy01\":\"Later: ")]),
            // An earlier one: it does not count.
            variant("earlier-1", [("\"submitted_at\":\"\(at)\"", "\"submitted_at\":\"2025-01-01T00:00:00Z\""), ("\"dy01\":\"", "\"dy01\":\"Earlier: ")]),
            // A wave the study does not define.
            variant("w9-1", [("\"wave\":\"\(wave)\"", "\"wave\":\"w9\"")]),
            // An escaped key: only the strict decoder reads it (a new participant).
            variant("strict-1", [("\"participant\":\"P001\"", "\"p\\u0061rticipant\":\"P900\"")]),
            // Blank and whitespace-only texts are not units; a control character in a text is kept.
            variant("blank-1", [("\"participant\":\"P001\"", "\"participant\":\"P901\""), ("\"dy01\":\"", "\"dy01\":\"  \\t \",\"x\":\""),
                                ("\"dy02\":\"", "\"dy02\":\"Bell \\u0007 here ")]),
            // The id of an earlier counted record (P002's identity), on a diary record of a new participant.
            variant(try field(identity, "id"), [("\"participant\":\"P001\"", "\"participant\":\"P902\""),
                                                ("\"submitted_at\":\"\(at)\"", "\"submitted_at\":\"2027-02-01T00:00:00Z\"")]),
            // A torn line is a problem, not a unit.
            "{\"format\":\"waves.response/1\",\"id\":\"torn\"",
        ]
        let h = try FileHandle(forWritingTo: storeURL)
        h.seekToEndOfFile()
        h.write(Data((added.joined(separator: "\n") + "\n").utf8))
        try h.close()
        return copy
    }

    func testStreamedUnitsAreTheLoadedStudysUnits() throws {
        for study in [Support.demoStudy, try awkwardStudy()] {
            let data = try StudyData.load(directory: study)
            let streamed = try StreamedCodingUnits.load(directory: study)
            let units = try data.codingUnits()
            XCTAssertGreaterThan(units.count, 10)
            XCTAssertEqual(streamed.units, units, study.path)
            XCTAssertEqual(streamed.latestSubmittedAt, data.records.map(\.submittedAt).max())
            for u in units { XCTAssertEqual(streamed.submittedAt(record: u.record), data.records.first { $0.id == u.record }?.submittedAt, u.id) }
            XCTAssertEqual(streamed.duplicateCount, data.duplicates.count)
            XCTAssertEqual(streamed.problems, data.problems)
            let notes = try StreamedCodingUnits.load(directory: study, units: false)
            XCTAssertEqual(notes.units, [])
            XCTAssertEqual(notes.duplicateCount, data.duplicates.count)
        }
        let awkward = try StreamedCodingUnits.load(directory: try awkwardStudy())
        XCTAssertTrue(awkward.units.contains { $0.wave == "w9" })
        XCTAssertTrue(awkward.units.contains { $0.participant == "P900" }, "the strictly read line gives its units")
        XCTAssertTrue(awkward.units.contains { $0.record == "later-1" })
        XCTAssertFalse(awkward.units.contains { $0.record == "earlier-1" || ($0.participant == "P901" && $0.item == "dy01") })
    }

    func testStreamedExportsAreByteIdentical() throws {
        let key = try Deidentification(keyFile: Support.testKey, keepText: true)
        var scoped = ExportOptions(); scoped.waves = ["w2"]
        var one = ExportOptions(); one.instrument = "diary"
        var undated = ExportOptions(); undated.dates = .drop
        for study in [Support.demoStudy, try awkwardStudy()] {
            for (n, options) in [ExportOptions(), scoped, one, undated, ExportOptions(deidentification: key)].enumerated() {
                for format in [ExportFormat.qdpx, .codebookQdc] {
                    let dir = try Support.tempDir(self, "out-\(n)-\(format.rawValue)")
                    let a = dir.appendingPathComponent("loaded.\(format.rawValue)"), b = dir.appendingPathComponent("streamed.\(format.rawValue)")
                    let loaded = try Exporter.export(try Support.load(study), format: format, to: a, options: options)
                    let streamed = try QDPXExporter.export(try StreamedCodingUnits.load(directory: study, units: format == .qdpx),
                                                           format: format, to: b, options: options)
                    XCTAssertEqual(try Data(contentsOf: a), try Data(contentsOf: b), "\(study.lastPathComponent) options \(n) \(format)")
                    XCTAssertEqual(loaded.rows, streamed.rows)
                    XCTAssertEqual(loaded.variables, streamed.variables)
                    XCTAssertEqual(loaded.notes, streamed.notes)
                }
            }
        }
    }

    func testErrorsAreTheSame() throws {
        let study = try awkwardStudy()
        var noScope = ExportOptions(); noScope.waves = ["w1"]; noScope.instrument = "diary"
        var unknown = ExportOptions(); unknown.codebook = "nope"
        for options in [noScope, unknown] {
            let dir = try Support.tempDir(self, "err")
            var loadedError = "", streamedError = ""
            XCTAssertThrowsError(try Exporter.export(try Support.load(study), format: .qdpx, to: dir.appendingPathComponent("a.qdpx"), options: options)) {
                loadedError = $0.localizedDescription
            }
            XCTAssertThrowsError(try QDPXExporter.export(try StreamedCodingUnits.load(directory: study), format: .qdpx,
                                                         to: dir.appendingPathComponent("b.qdpx"), options: options)) {
                streamedError = $0.localizedDescription
            }
            XCTAssertEqual(loadedError, streamedError)
            XCTAssertFalse(loadedError.isEmpty)
        }
    }

    /// The direct check of the usual timestamp shape agrees with `ISO8601DateFormatter` on
    /// valid, out-of-range and odd-shaped timestamps (the formatter still decides the odd ones).
    func testDateTimeCheckAgreesWithTheFormatter() {
        let check = QDAXML.DateTimeCheck(), formatter = ISO8601DateFormatter()
        var cases = ["2027-01-05T09:00:00Z", "2024-02-29T23:59:59Z", "2023-02-29T10:00:00Z", "2027-02-30T10:00:00Z",
                     "2027-13-01T10:00:00Z", "2027-00-10T10:00:00Z", "2027-04-31T10:00:00Z", "2027-01-05T24:00:00Z",
                     "2027-01-05T23:60:00Z", "2027-01-05T23:59:60Z", "2027-01-05T09:00:00+02:00", "2027-01-05T09:00:00.5Z",
                     "2027-01-05 09:00:00Z", "2027-01-05T09:00:00", "2027-1-05T09:00:00Z", "1899-12-31T00:00:00Z",
                     "3000-01-01T00:00:00Z", "２０２７-01-05T09:00:00Z", "", "not a date", "2027-01-05T09:00:0AZ"]
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<300 {
            let y = Int.random(in: 1890...3010, using: &rng), m = Int.random(in: 0...13, using: &rng), d = Int.random(in: 0...32, using: &rng)
            cases.append(String(format: "%04d-%02d-%02dT%02d:%02d:%02dZ", y, m, d, Int.random(in: 0...24, using: &rng),
                                Int.random(in: 0...60, using: &rng), Int.random(in: 0...60, using: &rng)))
        }
        for c in cases {
            XCTAssertEqual(check(c), formatter.date(from: c) != nil ? c : nil, c)
            if QDAXML.DateTimeCheck.plainlyValid(c) { XCTAssertNotNil(formatter.date(from: c), c) }
        }
        XCTAssertTrue(QDAXML.DateTimeCheck.plainlyValid("2027-01-05T09:00:00Z"))
        XCTAssertNil(check(nil))
    }

    // MARK: - The zip

    /// The entries of a zip in directory order, each extracted and its CRC-32 checked.
    func entries(_ url: URL) throws -> [(path: String, data: Data)] {
        let archive = try Archive(url: url, accessMode: .read)
        var out: [(String, Data)] = []
        for entry in archive {
            var data = Data()
            // This `extract` computes the CRC-32 but does not compare it: compared here.
            let crc = try archive.extract(entry, skipCRC32: false) { data.append($0) }
            guard crc == entry.checksum else { throw CocoaError(.fileReadCorruptFile, userInfo: [NSFilePathErrorKey: entry.path]) }
            out.append((entry.path, data))
        }
        return out
    }

    /// The writer QDPXExporter used before the streaming one (ZIPFoundation in memory, fixed dates).
    func oldWriter(_ entries: [(path: String, data: Data)]) throws -> Data {
        let archive = try Archive(data: Data(), accessMode: .create)
        let stamp = Date(timeIntervalSince1970: 1_767_225_600)
        for (path, bytes) in entries {
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(bytes.count), modificationDate: stamp,
                                 compressionMethod: .deflate) { pos, size in bytes.subdata(in: Int(pos)..<Int(pos) + size) }
        }
        return try XCTUnwrap(archive.data)
    }

    /// `entries` through `ZipStreamWriter` into `url`: the first one streamed, as project.qde
    /// is (`DeflateStream` fed in `piece`-byte pieces, or with `provider` from a provider with
    /// its header patched), the others compressed whole.
    func streamedZip(_ entries: [(path: String, data: Data)], to url: URL, provider: Bool = false, piece: Int = 10_000) throws {
        let sink = FileSink()
        try sink.open(OutputTarget(unchecked: url))
        let zip = ZipStreamWriter(sink: sink, modificationDate: Date(timeIntervalSince1970: 1_767_225_600))
        for (n, (path, bytes)) in entries.enumerated() {
            if n == 0 && provider {
                try zip.add(path, size: UInt64(bytes.count)) { pos, size in bytes.subdata(in: Int(pos)..<Int(pos) + size) }
            } else if n == 0 {
                let stream = try DeflateStream(into: ScratchFile(try sink.scratch(), for: url.path))
                var at = 0
                while at < bytes.count {
                    let k = min(piece, bytes.count - at)
                    try stream.append(Array(bytes[at..<at + k]))
                    at += k
                }
                try stream.finish()
                try zip.add(path, stream)
            } else {
                try zip.add(path, bytes)
            }
        }
        try zip.finish()
        try sink.commit()
    }

    /// The demo's qdpx holds the entries the old binary wrote (names, order, sizes, SHA-256 of
    /// each entry's content, dates), listed from its output by Python's zipfile.
    func testDemoEntriesAreTheOldExportsEntries() throws {
        let dir = try Support.tempDir(self)
        let url = dir.appendingPathComponent("demo.qdpx")
        _ = try Exporter.export(try Support.load(Support.demoStudy), format: .qdpx, to: url, options: ExportOptions())
        let archive = try Archive(url: url, accessMode: .read)
        var lines: [String] = []
        for entry in archive {
            var data = Data()
            _ = try archive.extract(entry) { data.append($0) }
            let hash = ContentHash.sha256Hex(data)
            var t = time_t(entry.fileAttributes[.modificationDate].map { ($0 as! Date).timeIntervalSince1970 } ?? 0)
            var tm = tm()
            gmtime_r(&t, &tm)
            let date = String(format: "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec)
            lines.append("\(entry.path)\t\(data.count)\t\(hash)\t\(date)")
        }
        let listing = dir.appendingPathComponent("entries.txt")
        try (lines.joined(separator: "\n") + "\n").write(to: listing, atomically: true, encoding: .utf8)
        try Support.assertGolden(listing, "demo-qdpx-entries.txt")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted(), ["demo.qdpx", "entries.txt"],
                       "no scratch or temporary file is left beside the export")
    }

    /// Each export's zip is byte for byte what the old writer makes of the same entries.
    func testZipIsTheOldWritersBytes() throws {
        let key = try Deidentification(keyFile: Support.testKey, keepText: true)
        var scoped = ExportOptions(); scoped.waves = ["w2"]
        for study in [Support.demoStudy, try awkwardStudy()] {
            for (n, options) in [ExportOptions(), scoped, ExportOptions(deidentification: key)].enumerated() {
                let url = try Support.tempDir(self, "zip-\(n)").appendingPathComponent("p.qdpx")
                _ = try QDPXExporter.export(try StreamedCodingUnits.load(directory: study), format: .qdpx, to: url, options: options)
                let read = try entries(url)
                XCTAssertEqual(read.first?.path, "project.qde")
                XCTAssertGreaterThan(read.count, 10)
                XCTAssertEqual(try Data(contentsOf: url), try oldWriter(read), "\(study.lastPathComponent) options \(n)")
            }
        }
    }

    /// Entries of every size around the deflate buffer (16 KiB) and an empty one: the same bytes
    /// as the old writer, and read back equal.
    func testStreamedZipOfAwkwardSizes() throws {
        var rng = SystemRandomNumberGenerator()
        var list: [(path: String, data: Data)] = []
        for (i, size) in [40_000, 0, 1, 16_383, 16_384, 16_385, 32_768, 100_000, 7].enumerated() {
            let bytes = (0..<size).map { j in i % 2 == 0 ? UInt8(truncatingIfNeeded: j % 251) : UInt8.random(in: 0...255, using: &rng) }
            list.append(("dir/é-\(i).bin", Data(bytes)))
        }
        let dir = try Support.tempDir(self)
        let old = try oldWriter(list)
        for (n, (provider, piece)) in [(true, 0), (false, 10_000), (false, 1), (false, 16_384), (false, 16_385)].enumerated() {
            let url = dir.appendingPathComponent("a-\(n).zip")
            try streamedZip(list, to: url, provider: provider, piece: piece)
            XCTAssertEqual(try Data(contentsOf: url), old, "provider \(provider), pieces of \(piece)")
            let read = try entries(url)
            XCTAssertEqual(read.map(\.path), list.map(\.path))
            XCTAssertEqual(read.map(\.data), list.map(\.data))
        }
    }

    /// The deflate is ZIPFoundation's `Data.compress` (bytes and CRC-32), whole with one stream
    /// reset between entries (`Deflater`) and fed in any pieces (`DeflateStream`), for sizes
    /// around the 16 KiB piece, repetitive and random.
    func testDeflaterIsZIPFoundationsDeflate() throws {
        var rng = SystemRandomNumberGenerator()
        let deflater = try Deflater()
        let dir = try Support.tempDir(self)
        for (i, size) in [0, 1, 7, 16_383, 16_384, 16_385, 32_768, 32_769, 100_000, 250_000].enumerated() {
            for random in [false, true] {
                let bytes = Data((0..<size).map { j in random ? UInt8.random(in: 0...255, using: &rng) : UInt8(truncatingIfNeeded: (j * 7 + j / 100) % 61 + 32) })
                var expected = Data()
                let crc = try Data.compress(size: Int64(size), bufferSize: defaultWriteChunkSize,
                                            provider: { pos, n in bytes.subdata(in: Int(pos)..<Int(pos) + n) }, consumer: { expected.append($0) })
                var whole: [UInt8] = [7]
                XCTAssertEqual(try bytes.withUnsafeBytes { try deflater.deflate($0, appendingTo: &whole) }, crc)
                XCTAssertEqual(Data(whole.dropFirst()), expected, "whole, size \(size), random \(random)")
                for step in [1, 5_000, 16_384, 16_385, 70_000] where step > 1 || size <= 40_000 {
                    let sink = FileSink()
                    try sink.open(OutputTarget(unchecked: dir.appendingPathComponent("s-\(i)-\(step).bin")))
                    defer { sink.discard() }
                    let scratch = ScratchFile(try sink.scratch(), for: "test")
                    let stream = try DeflateStream(into: scratch)
                    var at = 0
                    while at < size {
                        let n = min(step, size - at)
                        try stream.append(Array(bytes[at..<at + n]))
                        at += n
                    }
                    try stream.finish()
                    XCTAssertEqual(stream.crc, crc)
                    XCTAssertEqual(stream.size, UInt64(size))
                    XCTAssertEqual(try scratch.read(at: 0, count: Int(stream.compressedSize)), expected, "pieces of \(step), size \(size), random \(random)")
                }
            }
        }
    }

    /// GUIDs made from a table are the formula's: the first 16 bytes of SHA-256 of
    /// "waves.qdpx/1␀study␀kind␀key", upper-case hex, version 5 and the RFC 4122 variant.
    func testGUIDsAreTheFormulas() {
        for (study, kind, key) in [("pmi-2026", "source", "r1/dy01"), ("bench", "case", "P000004"), ("é-study", "coding", "coder-a/x/naïve"),
                                   ("", "", ""), ("s", "selection", String(repeating: "long key ", count: 40))] {
            var hex = Array(ContentHash.sha256Hex(Array("waves.qdpx/1\u{0}\(study)\u{0}\(kind)\u{0}\(key)".utf8)).uppercased().prefix(32))
            hex[12] = "5"
            hex[16] = Array("89AB")[Int(String(hex[16]), radix: 16)! & 3]
            let expected = [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(hex[$0]) }.joined(separator: "-")
            XCTAssertEqual(QDAXML.guid(study: study, kind: kind, key: key), expected)
            var bytes: [UInt8] = [1]
            QDAXML.appendGUID(study: study, kind: kind, key: key, to: &bytes)
            XCTAssertEqual(bytes, [1] + Array(expected.utf8))
        }
    }

    /// Cases list each participant once, in order of their first unit, with every source of
    /// theirs in unit order, also when a participant's units are not together (the general path;
    /// the study order keeps them together, which needs no index).
    func testCasesGatherAParticipantsSplitUnits() throws {
        let data = try StreamedCodingUnits.load(directory: Support.demoStudy)
        let book = try CodingProject.codebook(studyDirectory: Support.demoStudy, named: nil).0
        var units = data.units
        XCTAssertGreaterThan(Set(units.map(\.participant)).count, 2)
        units.append(units.removeFirst())   // the first participant's first unit now comes last
        for (n, list) in [data.units, units].enumerated() {
            let source = QDPXExporter.Source(bundle: data.bundle, codebook: book, units: list, coders: [],
                                             record: { _ in throw ExportError.nothingToExport("no coder") },
                                             latestSubmittedAt: { nil }, submittedAt: { _ in nil })
            let project = try QDPXExporter.Project(source, options: ExportOptions())
            if n == 0 { XCTAssertNil(project.caseOrder()) } else { XCTAssertNotNil(project.caseOrder()) }
            let url = try Support.tempDir(self, "cases-\(n)").appendingPathComponent("p.qdpx")
            _ = try QDPXExporter.write(source, format: .qdpx, to: url, target: OutputTarget(unchecked: url), options: ExportOptions())
            let qde = try XCTUnwrap(String(data: try XCTUnwrap(try entries(url).first?.data), encoding: .utf8))
            let cases = qde.components(separatedBy: "<Case ").dropFirst().map { body -> (String, [String]) in
                let name = body.components(separatedBy: "name=\"")[1].components(separatedBy: "\"")[0]
                let end = body.range(of: "</Case>")!.lowerBound
                let refs = body[..<end].components(separatedBy: "targetGUID=\"").dropFirst().map { $0.components(separatedBy: "\"")[0] }
                return (name, refs)
            }
            var people: [String] = [], refs: [String: [String]] = [:]
            for u in list {
                if refs[u.participant] == nil { people.append(u.participant) }
                refs[u.participant, default: []].append(QDAXML.guid(study: data.study.id, kind: "source", key: u.id))
            }
            XCTAssertEqual(cases.map(\.0), people)
            XCTAssertEqual(cases.map(\.1), people.map { refs[$0]! })
        }
    }

    /// Past 65,535 entries the end of the zip is ZIP64 (as ZIPFoundation writes it): every entry
    /// reads back, in order, from ZIPFoundation and from Python's zipfile.
    func testManyEntriesAreZip64() throws {
        let n = 66_000
        var list: [(path: String, data: Data)] = [("project.qde", Data(String(repeating: "<Source/>\n", count: 5_000).utf8))]
        for i in 0..<n { list.append(("sources/\(i).txt", Data("answer \(i)".utf8))) }
        let url = try Support.tempDir(self).appendingPathComponent("many.zip")
        try streamedZip(list, to: url)
        let bytes = try Data(contentsOf: url)
        // The classic end record says "see ZIP64" (0xFFFF entries); the ZIP64 record has the count.
        let eocd = bytes.count - 22
        XCTAssertEqual(bytes[eocd..<eocd + 4], Data([0x50, 0x4b, 0x05, 0x06]))
        XCTAssertEqual(bytes[eocd + 8..<eocd + 12], Data([0xff, 0xff, 0xff, 0xff]))
        let locator = eocd - 20, record = locator - 56
        XCTAssertEqual(bytes[locator..<locator + 4], Data([0x50, 0x4b, 0x06, 0x07]))
        XCTAssertEqual(bytes[record..<record + 4], Data([0x50, 0x4b, 0x06, 0x06]))
        let count = bytes[record + 32..<record + 40].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        XCTAssertEqual(count, UInt64(n + 1))
        let read = try entries(url)
        XCTAssertEqual(read.count, n + 1)
        XCTAssertTrue(zip(read, list).allSatisfy { $0.path == $1.path && $0.data == $1.data })
        if let python = Support.which("python3") {
            let run = try Support.run(python, ["-c", "import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None; "
                + "names = z.namelist(); print(len(names), names[0], names[-1], z.read(names[-1]).decode())", url.path],
                                      in: url.deletingLastPathComponent())
            XCTAssertEqual(run.status, 0, run.stderr)
            XCTAssertEqual(run.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "\(n + 1) project.qde sources/\(n - 1).txt answer \(n - 1)")
        }
    }

    /// The read-back check has teeth: a wrong CRC-32 or a changed data byte is an error.
    func testBrokenZipIsDetected() throws {
        let list: [(path: String, data: Data)] = [("project.qde", Data(String(repeating: "x", count: 1000).utf8)),
                                                  ("sources/a.txt", Data("A reflective answer.".utf8))]
        let url = try Support.tempDir(self).appendingPathComponent("ok.zip")
        try streamedZip(list, to: url)
        XCTAssertNoThrow(try entries(url))
        let good = try Data(contentsOf: url)
        // The second entry's CRC-32 in the central directory and its local header.
        var crc = good
        let name = Data("sources/a.txt".utf8)
        var searchFrom = crc.startIndex
        while let r = crc.range(of: name, in: searchFrom..<crc.endIndex) {
            let header = r.lowerBound - (crc[r.lowerBound - 46..<r.lowerBound - 42] == Data([0x50, 0x4b, 0x01, 0x02]) ? 46 : 30)
            let field = header + (header == r.lowerBound - 46 ? 16 : 14)
            crc[field] ^= 0x01
            searchFrom = r.upperBound
        }
        XCTAssertNotEqual(crc, good)
        let bad = url.deletingLastPathComponent().appendingPathComponent("crc.zip")
        try crc.write(to: bad)
        XCTAssertThrowsError(try entries(bad))
        // A data byte of the first entry (just after its 41-byte header).
        var data = good
        data[41 + 3] ^= 0x20
        try data.write(to: bad)
        XCTAssertThrowsError(try entries(bad))
    }
}
