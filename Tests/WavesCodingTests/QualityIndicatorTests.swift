import Foundation
import XCTest
@testable import WavesAnalysis
import WavesCore
import WavesStore

/// `waves quality` works out each line's indicators once, in one pass over the answers
/// (`DataQuality.Runs`), and keeps straight-lining as the size of the largest block answered
/// alike, so that `--block-min` is applied afterwards. Held here to the indicators as they were
/// written before (`OldQuality`: a copy of the earlier code), on every instrument of the demo
/// (likert items on several response sets, choice, number, text and note items) with random
/// answers, hidden items and every block size, through the strict and the fast record.
final class QualityIndicatorTests: XCTestCase {
    /// The indicators as `DataQuality` computed them before this session.
    enum OldQuality {
        static func longstring(_ answers: [Answer?], _ inst: Instrument) -> Int {
            var best = 0, run = 0
            var last: Double?
            for k in inst.items.indices where inst.items[k].type == .likert || inst.items[k].type == .choice {
                guard let a = answers[k] else { continue }
                guard case .number(let v) = a else { run = 0; last = nil; continue }
                run = v == last ? run + 1 : 1
                last = v
                best = max(best, run)
            }
            return best
        }

        static func straightlines(_ answers: [Answer?], _ inst: Instrument, blockMin: Int) -> Bool {
            var blockSet: String?
            var values: [Double?] = []
            func check() -> Bool {
                guard values.count >= blockMin, let first = values.first, let v = first else { return false }
                return values.allSatisfy { $0 == v }
            }
            for k in inst.items.indices {
                guard let a = answers[k] else { continue }
                let set = inst.items[k].type == .likert ? inst.items[k].responseSet?.id : nil
                if set == nil || set != blockSet {
                    if check() { return true }
                    values = []
                    blockSet = set
                }
                if set != nil { values.append(a.number) }
            }
            return check()
        }
    }


    func testIndicatorsAgreeWithTheRulesAsWritten() throws {
        let bundle = try StudyLoader.load(directory: AwkwardStore.demo)
        let kinds = DataQuality.ItemKinds(bundle)
        let plan = RecordFastDecoder.Plan(bundle.instruments.map { ($0.id, $0.items.map(\.id)) })
        var decoder = RecordFastDecoder(plan)
        var g = SplitMix64(seed: 7)
        var straight = 0, fastRead = 0
        for (ii, inst) in bundle.instruments.enumerated() where !inst.items.isEmpty {
            for round in 0..<400 {
                // Mostly one value (so that blocks are answered alike), sometimes others, missing,
                // text, or hidden (no answer at all).
                let common = Double(Int.random(in: 1...3, using: &g))
                let answers: [Answer?] = inst.items.map { _ in
                    switch Int.random(in: 0..<(round % 2 == 0 ? 40 : 8), using: &g) {
                    case 0: return nil
                    case 1: return .missing
                    case 2: return .text("t")
                    case 3: return .number(Double(Int.random(in: 1...5, using: &g)))
                    case 4: return .number(Bool.random(using: &g) ? -0.0 : 0.0)
                    default: return .number(common)
                    }
                }
                let r = ResponseRecord(id: "r\(round)", study: bundle.study.id, participant: "P1", role: nil, wave: "w1",
                                       instrument: InstrumentRef(id: inst.id, version: inst.version, sha256: inst.sha256),
                                       startedAt: nil, submittedAt: "2026-01-01T00:00:00Z", mode: "plain",
                                       answers: zip(inst.items, answers).compactMap { item, a in a.map { (item.id, $0) } })
                let strict = DataQuality.indicators(r, kinds: kinds)
                XCTAssertEqual(strict.longstring, OldQuality.longstring(answers, inst), "\(inst.id) \(answers)")
                for blockMin in 0...8 {
                    let old = OldQuality.straightlines(answers, inst, blockMin: blockMin)
                    XCTAssertEqual(strict.straightlines(blockMin: blockMin), old, "\(inst.id) block \(blockMin) \(answers)")
                    if old && blockMin == 4 { straight += 1 }
                }
                XCTAssertEqual(strict.missingRate, DataQuality.missingRate(r))
                // The same line read by the fast record path gives the same indicators.
                var line: [UInt8] = []
                r.writeJSONLine(into: &line)
                try line.withUnsafeBytes { b in
                    guard let f = decoder.decode(line: b), f.instrumentIndex == ii else { return }
                    fastRead += 1
                    XCTAssertEqual(DataQuality.indicators(f, kinds: kinds), strict, "\(inst.id) \(answers)")
                    XCTAssertEqual(try ResponseRecord.decode(line: b).answers.count, f.answers.count)
                }
            }
        }
        XCTAssertGreaterThan(straight, 100, "blocks answered alike are met")
        XCTAssertGreaterThan(fastRead, 1000, "the fast path reads the lines")
    }
}
