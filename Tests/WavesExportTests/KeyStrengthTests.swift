import Foundation
import WavesExport
import XCTest

/// De-identification keys without entropy are refused (docs/deidentification.md).
final class KeyStrengthTests: XCTestCase {
    func weak(_ bytes: [UInt8]) -> String? { KeyStrength.weakness(of: bytes) }
    func weak(_ s: String) -> String? { weak(Array(s.utf8)) }

    /// The adversarial review's keys (issue 12 item 10): all zero, one repeated byte, a short hex string.
    func testKeysWithoutEntropyAreRefused() {
        XCTAssertEqual(weak([UInt8](repeating: 0, count: 32)), "it has only 1 distinct byte value (at least 8 are needed; a random key has many more)")
        XCTAssertNotNil(weak([UInt8](repeating: 0x41, count: 64)))
        XCTAssertEqual(weak("0123456789abcdef"), "16 hex digits carry 64 bits; at least 128 are needed (32 hex digits)")
        XCTAssertEqual(weak("0123456789abcdef0123456789abcdef"), "it repeats a block of 16 hex digits over and over")
        XCTAssertEqual(weak("abcabcabcabcabcabcabcabcabcabcab"), "it has only 3 distinct characters (at least 8 are needed; a random key has many more)")
        XCTAssertEqual(weak("abcdefghijklmnopqrstuvwxyz"), "it is a run of base64 characters with a constant step")
        XCTAssertEqual(weak((0..<32).map { UInt8($0) }), "it is a run of bytes with a constant step")
        XCTAssertNotNil(weak("aB3dE5gH7jK9mN1p"), "16 base64 characters carry 96 bits")
        XCTAssertNotNil(weak("12345678123456781234567812345678"))
    }

    func testRandomKeysPass() {
        XCTAssertNil(weak("8f3a1c9e4b7d2f60a5e1c8b3d9f7024e"))
        XCTAssertNil(weak("waves-test-key-for-golden-files-only-0123456789abcdef"))
        XCTAssertNil(weak("q1X9zR4kLm2pV8sT0bNc7wYd5hGj3fEa6uKx2Q=="))
        XCTAssertNil(weak("correct horse battery staple"))
        // Random keys of the documented kinds pass, every time (seeded, so the test is repeatable).
        var state: UInt64 = 0x9E3779B97F4A7C15
        func next() -> UInt8 {
            state &+= 0x9E3779B97F4A7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
            z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
            return UInt8(truncatingIfNeeded: z ^ (z >> 31))
        }
        let hex = Array("0123456789abcdef".utf8)
        for _ in 0..<2000 {
            XCTAssertNil(weak((0..<16).map { _ in next() }), "16 random bytes")
            XCTAssertNil(weak((0..<32).map { _ in hex[Int(next() & 15)] }), "32 random hex digits")
        }
    }

    func testKeyFileErrorNamesTheFileNotTheKey() throws {
        let f = FileManager.default.temporaryDirectory.appendingPathComponent("waves-key-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: f) }
        try Data(repeating: 0, count: 32).write(to: f)
        XCTAssertThrowsError(try Deidentification(keyFile: f)) { e in
            XCTAssertEqual(e as? ExportError, .keyWithoutEntropy(f.path, reason: "it has only 1 distinct byte value (at least 8 are needed; a random key has many more)"))
        }
    }

    func testKeyFileInsideTheStudyIsDetected() {
        let study = URL(fileURLWithPath: "/tmp/some-study")
        XCTAssertTrue(Deidentification.keyFile(URL(fileURLWithPath: "/tmp/some-study/k.key"), isInside: study))
        XCTAssertTrue(Deidentification.keyFile(URL(fileURLWithPath: "/tmp/some-study/data/../roster.csv"), isInside: study))
        XCTAssertFalse(Deidentification.keyFile(URL(fileURLWithPath: "/tmp/some-study-keys/k.key"), isInside: study))
        XCTAssertFalse(Deidentification.keyFile(URL(fileURLWithPath: "/home/me/keys/k.key"), isInside: study))
    }
}
