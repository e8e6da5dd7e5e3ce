import Foundation
import WavesTestSupport
import WavesAnalysis
import WavesCore
import WavesStore
import XCTest
@testable import WavesReport

/// A simulated study too large to draw person by person: sampled trajectories and completion patterns.
final class LargeStudyReportTests: XCTestCase {
    static let instruments = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("datasets/pmi-demo/instruments")

    func makeStudy(participants: Int) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("waves-report-large-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("instruments"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Self.instruments.appendingPathComponent("identity.yaml"), to: dir.appendingPathComponent("instruments/identity.yaml"))
        try """
        format: waves.study/1
        id: large
        title: Large simulated study
        roles: [mentee, peer-mentor]
        waves:
          - {id: w1, label: Baseline, time: 0}
          - {id: w2, label: Middle, time: 6}
          - {id: w3, label: End, time: 12}
        instruments:
          - path: instruments/identity.yaml
        """.write(to: dir.appendingPathComponent("study.yaml"), atomically: true, encoding: .utf8)
        let bundle = try StudyLoader.load(directory: dir)
        var o = SimulationOptions()
        o.participants = participants
        o.seed = 7
        o.dropout = 0.15
        let out = try Simulator.simulate(bundle, o)
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("data"), withIntermediateDirectories: true)
        try ResponseStore(url: bundle.study.storeURL).append(out.records)
        return dir
    }

    func testSamplesTrajectoriesAndDrawsPatterns() throws {
        let dir = try makeStudy(participants: 600)
        defer { try? FileManager.default.removeItem(at: dir) }
        var o = ReportOptions()
        o.maxTrajectories = 200
        let bundle = try StudyLoader.load(directory: dir)
        let report = try ReportGenerator.build(bundle: bundle, options: o)
        let html = ReportGenerator.render(report)
        for s in report.scales {
            XCTAssertEqual(s.trajectories.count, 200, s.qualifiedName)
            XCTAssertGreaterThan(s.trajectoriesTotal, 200)
            // Thin lines drawn: at most one polyline or dot per sampled person and wave run, plus the means.
            let fig = try XCTUnwrap(html.range(of: "id=\"fig-traj-\(s.anchor)\"").map { html[$0.lowerBound...] }?.components(separatedBy: "</svg>").first)
            XCTAssertLessThanOrEqual(fig.components(separatedBy: "<polyline").count - 1, 200 * 2 + 2 * 2 * 2)
            XCTAssertTrue(html.contains("200 of \(s.trajectoriesTotal) participants with a score, sampled deterministically"))
        }
        // The same options give the same page (deterministic sample).
        XCTAssertEqual(ReportGenerator.render(try ReportGenerator.build(bundle: bundle, options: o)), html)
        // 600 people: the heat map shows completion patterns, labelled with their counts, which add up.
        XCTAssertTrue(html.contains("Completion patterns by wave"))
        let counts = html.matches(of: /<text[^>]*>n = (\d+)<\/text>/).map { Int($0.1)! }
        XCTAssertEqual(counts.reduce(0, +), 600)
        XCTAssertEqual(HTMLProbe.externalReferences(html), [])
    }
}
