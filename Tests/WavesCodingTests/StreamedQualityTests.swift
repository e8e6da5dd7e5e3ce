import Foundation
import XCTest
@testable import WavesAnalysis
import WavesCore
import WavesStore

/// Issue 14: `waves quality` streams the store (`DataQuality.Streamed`: the columnar scan finds
/// the submissions that count, a record scan computes their indicators one by one) instead of
/// holding every record in `StudyData`. The submissions, their order and every indicator, and
/// the notes (duplicates, unreadable lines, instrument versions), must be the same.
final class StreamedQualityTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws { dir = try AwkwardStore.copyDemo("quality") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    func compare(file: StaticString = #filePath, line: UInt = #line) throws {
        let bundle = try StudyLoader.load(directory: dir)
        let data = try StudyData.load(directory: dir)
        let streamed = try DataQuality.Streamed.index(bundle)
        XCTAssertEqual(streamed.duplicateCount, data.duplicates.count, file: file, line: line)
        XCTAssertEqual(streamed.problems, data.problems, file: file, line: line)
        let archive = InstrumentArchive(store: ResponseStore(url: bundle.study.storeURL))
        let old = try InstrumentVersions.build(bundle: bundle, records: data.records, archive: archive)
        XCTAssertEqual(try streamed.versions().drifts(bundle: bundle), old.drifts(bundle: bundle), file: file, line: line)
        var settings = DataQuality.Settings()
        for (wave, blockMin, minForMedian) in [(nil, 4, 5), ("w2", 3, 2), ("w1", 2, 1), ("x1", 4, 5)] as [(String?, Int, Int)] {
            settings.blockMin = blockMin; settings.minForMedian = minForMedian
            let a = try streamed.quality(wave: wave, settings: settings).submissions
            let b = DataQuality(data, wave: wave, settings: settings).submissions
            XCTAssertEqual(a.count, b.count, file: file, line: line)
            let enc = JSONEncoder()
            enc.outputFormatting = .sortedKeys
            XCTAssertEqual(String(decoding: try enc.encode(a), as: UTF8.self), String(decoding: try enc.encode(b), as: UTF8.self),
                           "wave \(wave ?? "all")", file: file, line: line)
        }
    }

    func testTheDemoGivesTheSameQualityStreamed() throws {
        try compare()
    }

    func testAwkwardStoreGivesTheSameQualityStreamed() throws {
        try AwkwardStore.make(in: dir)
        try compare()
        let q = try DataQuality.Streamed.index(try StudyLoader.load(directory: dir)).quality()
        XCTAssertTrue(q.submissions.contains(where: \.speeding), "durations judge speeding")
        XCTAssertTrue(q.submissions.contains { $0.wave == "x1" }, "a wave the study does not define is listed, as before")
    }
}
