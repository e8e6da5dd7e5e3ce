import Foundation
import XCTest
import WavesAnalysis
import WavesCore

/// `StudyData` and `StudyBundle` look-ups, `Simulator` determinism and `CompletionStatus`.
final class StudyDataTests: XCTestCase {
    static let demo = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../datasets/pmi-demo").standardizedFileURL

    func testScaleAndWaveResolution() throws {
        let bundle = try StudyLoader.load(directory: Self.demo)
        XCTAssertEqual(try bundle.resolveScale("identity").instrument.id, "identity")
        XCTAssertEqual(try bundle.resolveScale("reflection.insight").scale.id, "insight")
        XCTAssertThrowsError(try bundle.resolveScale("nothing")) { e in
            guard case .unknownScale(let s, let available)? = e as? AnalysisError else { return XCTFail("\(e)") }
            XCTAssertEqual(s, "nothing")
            XCTAssertEqual(available, bundle.scaleNames)
        }
        XCTAssertEqual(try bundle.resolveWaves(nil).map(\.id), ["w1", "w2", "w3"])
        XCTAssertEqual(try bundle.resolveWaves(["w3", "w1"]).map(\.id), ["w3", "w1"])
        XCTAssertThrowsError(try bundle.resolveWaves(["w9"]))
        // Every listed name resolves to its own instrument and scale.
        for name in bundle.scaleNames {
            let (i, s) = try bundle.resolveScale(name)
            XCTAssertEqual("\(i.id).\(s.id)", name)
        }
    }

    func testSimulationIsDeterministic() throws {
        let bundle = try StudyLoader.load(directory: Self.demo)
        var o = SimulationOptions()
        o.participants = 12; o.seed = 42
        let a = try Simulator.simulate(bundle, o), b = try Simulator.simulate(bundle, o)
        XCTAssertEqual(a.records.map(\.json), b.records.map(\.json))
        o.seed = 43
        XCTAssertNotEqual(try Simulator.simulate(bundle, o).records.map(\.json), a.records.map(\.json))
    }

    func testCompletionCountsMatchTheRecords() throws {
        let data = try StudyData.load(directory: Self.demo)
        let status = CompletionStatus(try StudyIndex.load(data.bundle))
        XCTAssertEqual(status.participantCount, data.participants.count)
        for inst in status.instruments {
            let done = Set(data.records.filter { $0.instrument.id == inst.instrument }.map { "\($0.participant)/\($0.wave)" })
            let shown = Set(inst.participants.flatMap { p in p.completed.map { "\(p.participant)/\($0)" } })
            XCTAssertEqual(shown, done, inst.instrument)
        }
    }
}
