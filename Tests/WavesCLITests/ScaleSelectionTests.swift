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
}
