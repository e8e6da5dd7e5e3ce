import Foundation
import WavesCore
import XCTest

/// Where `waves init` finds the shipped instruments (`ShippedInstruments`).
final class ShippedInstrumentsTests: XCTestCase {
    func testEnvironmentFirstThenBesideTheBinaryUpwards() {
        let c = ShippedInstruments.candidates(environment: ["WAVES_INSTRUMENTS": "/opt/x"],
                                              executable: URL(fileURLWithPath: "/a/b/c/.build/debug/waves"))
        XCTAssertEqual(c.map(\.path), ["/opt/x", "/a/b/c/.build/debug/instruments", "/a/b/c/.build/instruments",
                                       "/a/b/c/instruments", "/a/b/instruments", "/a/instruments", "/instruments",
                                       "/usr/local/share/waves/instruments"])
    }

    func testFindsTheRepositoryInstrumentsAndCodebooksBesideThem() throws {
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let binary = repo.appendingPathComponent(".build/some/where/waves")
        let found = try XCTUnwrap(ShippedInstruments.directory(environment: [:], executable: binary))
        XCTAssertEqual(found.standardizedFileURL.path, repo.appendingPathComponent("instruments").path)
        XCTAssertEqual(ShippedInstruments.codebooks(besides: found).standardizedFileURL.path, repo.appendingPathComponent("codebooks").path)
        XCTAssertNil(ShippedInstruments.directory(environment: ["WAVES_INSTRUMENTS": "/nonexistent"], executable: URL(fileURLWithPath: "/nonexistent/bin/waves")))
    }
}
