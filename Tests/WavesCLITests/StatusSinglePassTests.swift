import Foundation
import XCTest
@testable import WavesAnalysis
@testable import WavesCLI
@testable import WavesCollect
import WavesStore
import WavesCore

/// Issue 14: `waves status` reads the store once, handing each row to `StudyIndex` and to
/// `WaveProgress` (the one home of "started" and "completed"). The progress fed that way must
/// be the one `WaveProgress.load` reads for itself, and the wave counts the same, on the demo
/// and on a store with unknown waves and instruments, participants off the roster,
/// lines of an unfinished import and a torn last line.
final class StatusSinglePassTests: XCTestCase {
    static let demo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("datasets/pmi-demo")
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("waves-status-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: Self.demo, to: dir)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    func compare(file: StaticString = #filePath, line: UInt = #line) throws {
        let options = try StudyOptions.parse(["--study", dir.path])
        let (index, one) = try StatusCommand.load(options, quiet: true)
        let fed = try XCTUnwrap(one, "the index came from this pass", file: file, line: line)
        let bundle = index.bundle
        let read = try WaveProgress.load(bundle)
        XCTAssertEqual(fed.participants, read.participants, file: file, line: line)
        XCTAssertFalse(read.participants.isEmpty, file: file, line: line)
        let waves = bundle.study.waves.map(\.id) + ["x1", "nowave"]
        var completed = 0
        for p in read.participants.sorted() {
            for w in waves {
                XCTAssertEqual(fed.submitted(p, wave: w), read.submitted(p, wave: w), "\(p) \(w)", file: file, line: line)
                XCTAssertEqual(fed.isComplete(p, wave: w), read.isComplete(p, wave: w), "\(p) \(w)", file: file, line: line)
                XCTAssertEqual(fed.hasStarted(p, wave: w), read.hasStarted(p, wave: w), "\(p) \(w)", file: file, line: line)
                if read.isComplete(p, wave: w) { completed += 1 }
            }
        }
        XCTAssertGreaterThan(completed, 0, file: file, line: line)
        let now = Date()
        XCTAssertEqual(try JSONOutput.text(StatusCommand.waveStatus(bundle, progress: fed, now: now)),
                       try JSONOutput.text(StatusCommand.waveStatus(bundle, now: now)), file: file, line: line)
    }

    /// `WaveProgress` keeps the instruments submitted as bits. Against the rule computed here
    /// from the records (started: a submission or a draft; completed: every instrument given
    /// at the wave), with every instrument on a bit, with only the first (the others by name,
    /// the path of a study beyond 63 instruments) and with none; submissions of an instrument
    /// and a wave the study does not define included.
    func testProgressFollowsTheRuleFromTheRecords() throws {
        let bundle = try StudyLoader.load(directory: dir)
        var subs: [[String]: Set<String>] = [:]
        var adds: [(String, String, String)] = []
        for r in try ResponseStore(url: bundle.study.storeURL).read().records.map(\.record) {
            adds.append((r.participant, r.wave, r.instrument.id))
        }
        let someone = try XCTUnwrap(adds.first?.0), firstWave = try XCTUnwrap(bundle.study.waves.first?.id)
        let givenFirst = bundle.instruments(at: firstWave).map(\.id)
        XCTAssertGreaterThan(givenFirst.count, 1, "the first wave gives several instruments, so one of them is a partial wave")
        adds += [("off-roster", firstWave, "not-in-study"), (someone, "nowave", "x"), (someone, firstWave, "not-in-study"),
                 ("partial", firstWave, givenFirst[0]), ("partial-last", firstWave, givenFirst[givenFirst.count - 1]),
                 ("partial", "nowave", givenFirst[0])]
        for (p, w, i) in adds { subs[[p, w], default: []].insert(i) }
        let drafts = [("draft-only", firstWave), (someone, bundle.study.waves.last!.id)]
        XCTAssertGreaterThan(bundle.instruments.count, 1, "the demo has several instruments, so one bit leaves some without")
        for bits in [63, 1, 0] {
            var progress = WaveProgress(bundle: bundle, drafts: drafts, bits: bits)
            for (p, w, i) in adds { progress.add(participant: p, wave: w, instrument: i) }
            let people = Set(adds.map(\.0)).union(drafts.map(\.0))
            XCTAssertEqual(progress.participants, people, "bits \(bits)")
            var completed = 0
            for p in people.sorted() + ["never-named"] {
                for w in bundle.study.waves.map(\.id) + ["nowave", "never-named-wave"] {
                    let got = subs[[p, w]], need = Set(bundle.instruments(at: w).map(\.id))
                    let started = got != nil || drafts.contains { $0 == (p, w) }
                    let complete = !need.isEmpty && need.isSubset(of: got ?? [])
                    XCTAssertEqual(progress.submitted(p, wave: w), got ?? [], "bits \(bits) \(p) \(w)")
                    XCTAssertEqual(progress.hasStarted(p, wave: w), started, "bits \(bits) \(p) \(w)")
                    XCTAssertEqual(progress.isComplete(p, wave: w), complete, "bits \(bits) \(p) \(w)")
                    if complete { completed += 1 }
                }
            }
            XCTAssertGreaterThan(completed, 0)
        }
    }

    func testTheDemoProgressIsTheSameInOnePass() throws {
        try compare()
    }

    /// Served from the index cache (no pass over the store), the progress comes from the
    /// index (`StudyIndex.forEachSubmission`) and is the one `WaveProgress.load` reads, on the
    /// demo and with the awkward lines; the text of `waves status` is the same.
    func testFromTheIndexCacheTheProgressIsTheSame() throws {
        setenv("WAVES_CACHE_SETTLE", "0", 1)
        let cacheSetting = ProcessInfo.processInfo.environment["WAVES_CACHE"]
        unsetenv("WAVES_CACHE")
        defer {
            unsetenv("WAVES_CACHE_SETTLE")
            if let c = cacheSetting { setenv("WAVES_CACHE", c, 1) }
        }
        for awkward in [false, true] {
            if awkward { try addAwkwardLines() }
            let options = try StudyOptions.parse(["--study", dir.path])
            let (first, _) = try StatusCommand.load(options, quiet: true)
            XCTAssertNotNil(IndexCache(bundle: first.bundle, collectText: false)?.read(), "the first load wrote the index cache")
            let (index, fromCache) = try StatusCommand.load(options, quiet: true)
            let progress = try XCTUnwrap(fromCache, "built from the index")
            let read = try WaveProgress.load(index.bundle)
            XCTAssertEqual(progress.participants, read.participants)
            for p in read.participants.sorted() {
                for w in index.bundle.study.waves.map(\.id) + ["x1", "nowave"] {
                    XCTAssertEqual(progress.submitted(p, wave: w), read.submitted(p, wave: w), "\(p) \(w)")
                    XCTAssertEqual(progress.hasStarted(p, wave: w), read.hasStarted(p, wave: w), "\(p) \(w)")
                    XCTAssertEqual(progress.isComplete(p, wave: w), read.isComplete(p, wave: w), "\(p) \(w)")
                }
            }
            let now = Date()
            XCTAssertEqual(try JSONOutput.text(StatusCommand.waveStatus(index.bundle, progress: progress, now: now)),
                           try JSONOutput.text(StatusCommand.waveStatus(index.bundle, now: now)))
        }
    }

    func testAwkwardLinesGiveTheSameProgressInOnePass() throws {
        try addAwkwardLines()
        try compare()
    }

    func addAwkwardLines() throws {
        let store = dir.appendingPathComponent("data/responses.jsonl")
        let lines = try String(contentsOf: store, encoding: .utf8).split(separator: "\n").map(String.init)
        var extra: [String] = []
        for (k, l) in lines.enumerated() where k % 6 == 0 {
            switch (k / 6) % 4 {
            case 0: extra.append(l.replacingOccurrences(of: #""wave":"w"#, with: #""wave":"x"#))                           // an unknown wave
            case 1: extra.append(l.replacingOccurrences(of: #""instrument":{"id":""#, with: #""instrument":{"id":"zz"#))   // an unknown instrument
            case 2: extra.append(l.replacingOccurrences(of: #""participant":"P"#, with: #""participant":"Q"#))            // off the roster
            default: extra.append(String(l.dropLast()) + #","batch":"unfinished-batch"}"#)                                  // an import that did not finish
            }
        }
        try Data(((lines + extra).joined(separator: "\n") + "\n" + String(lines[1].prefix(70))).utf8).write(to: store)
    }
}
