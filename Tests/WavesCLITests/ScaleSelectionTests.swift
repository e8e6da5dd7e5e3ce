import Foundation
import WavesAnalysis
import WavesCore
import XCTest
@testable import WavesCLI

/// `ScaleSelection`: one named scale, or every scale with those that fail left out.
final class ScaleSelectionTests: XCTestCase {
    static let demo = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../datasets/pmi-demo").standardizedFileURL

    func testNamedScaleRunsOnceAndPassesItsErrorThrough() throws {
        let bundle = try StudyLoader.load(directory: Self.demo)
        XCTAssertEqual(try ScaleSelection.each(bundle, scale: "identity") { $0 }, ["identity"])
        XCTAssertThrowsError(try ScaleSelection.each(bundle, scale: "x") { _ in throw CLIFailure("no") })
    }

    func testEveryScaleInStudyOrderWithFailuresLeftOut() throws {
        let bundle = try StudyLoader.load(directory: Self.demo)
        XCTAssertEqual(bundle.scaleNames.count, 14)
        XCTAssertEqual(bundle.scaleNames.first, "identity.identity")
        let got = try ScaleSelection.each(bundle, scale: nil) { name -> String in
            if name.hasPrefix("personhood.") { throw CLIFailure("not today") }
            return name
        }
        XCTAssertEqual(got, bundle.scaleNames.filter { !$0.hasPrefix("personhood.") })
    }

    func testAllFailingThrowsTheFirstError() throws {
        let bundle = try StudyLoader.load(directory: Self.demo)
        XCTAssertThrowsError(try ScaleSelection.each(bundle, scale: nil) { name -> Int in throw CLIFailure("failed \(name)") }) { e in
            XCTAssertEqual((e as? CLIFailure)?.message, "failed identity.identity")
        }
    }

    /// Side by side: the same results in study order, the same failures left out, the first
    /// error when all fail; each instrument's first scale runs before its others start (it
    /// loads the columns they share), and every scale runs exactly once.
    func testSideBySideGivesWhatOneAfterAnotherGives() throws {
        let bundle = try StudyLoader.load(directory: Self.demo)
        let log = Log()
        let got = try ScaleSelection.each(bundle, scale: nil, sideBySide: true) { name -> String in
            log.add(name)
            if name.hasPrefix("personhood.") { throw CLIFailure("not today") }
            return name
        }
        XCTAssertEqual(got, bundle.scaleNames.filter { !$0.hasPrefix("personhood.") })
        XCTAssertEqual(log.names.sorted(), bundle.scaleNames.sorted(), "every scale once")
        for inst in bundle.instruments where inst.scales.count > 1 {
            let first = log.names.firstIndex(of: "\(inst.id).\(inst.scales[0].id)")!
            for scale in inst.scales.dropFirst() {
                XCTAssertLessThan(first, log.names.firstIndex(of: "\(inst.id).\(scale.id)")!, "\(inst.id)'s first scale first")
            }
        }
        XCTAssertThrowsError(try ScaleSelection.each(bundle, scale: nil, sideBySide: true) { name -> Int in throw CLIFailure("failed \(name)") }) { e in
            XCTAssertEqual((e as? CLIFailure)?.message, "failed identity.identity")
        }
        XCTAssertEqual(try ScaleSelection.each(bundle, scale: "identity", sideBySide: true) { $0 }, ["identity"])
    }

    final class Log: @unchecked Sendable {
        private let lock = NSLock()
        private var list: [String] = []
        func add(_ s: String) { lock.lock(); list.append(s); lock.unlock() }
        var names: [String] { lock.lock(); defer { lock.unlock() }; return list }
    }
}
