import Foundation
import XCTest
@testable import WavesCollect

/// SplitMix64 (Steele, Lea & Flood 2014): a seeded generator so generation tests are repeatable.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

final class AccessCodeTests: XCTestCase {
    let alphabet = Set("0123456789ABCDEFGHJKMNPQRSTVWXYZ")

    func testGeneratedCodesUseTheAlphabetAndTheShownForm() {
        for _ in 0..<200 {
            let c = AccessCode.generate()
            XCTAssertEqual(c.normalized.count, 12)
            XCTAssertTrue(c.normalized.allSatisfy { alphabet.contains($0) }, c.normalized)
            XCTAssertTrue(c.formatted.range(of: #"^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$"#, options: .regularExpression) != nil, c.formatted)
            XCTAssertEqual(AccessCode(typed: c.formatted), c)
        }
    }

    func testSixtyBitsAreUsedEvenly() {
        // Each of the 12 positions takes all 32 symbols about equally often (5 bits each, no modulo bias).
        var rng = SeededGenerator(state: 42)
        var counts = Array(repeating: [Character: Int](), count: 12)
        let n = 32 * 400
        var seen = Set<String>()
        for _ in 0..<n {
            let c = AccessCode.generate(using: &rng)
            seen.insert(c.normalized)
            for (i, ch) in c.normalized.enumerated() { counts[i][ch, default: 0] += 1 }
        }
        XCTAssertEqual(seen.count, n, "no repeats among \(n) codes")
        for pos in counts {
            XCTAssertEqual(pos.count, 32)
            // Chi-square with 31 df; 99.9% quantile is 61.1.
            let chi = pos.values.reduce(0.0) { $0 + pow(Double($1) - 400, 2) / 400 }
            XCTAssertLessThan(chi, 61.1)
        }
    }

    func testNormalisationOfCaseDashesAndSpaces() {
        let canonical = "ABCD0123WXYZ"
        for typed in ["ABCD-0123-WXYZ", "abcd-0123-wxyz", "abcd 0123 wxyz", "  ABCD0123WXYZ ", "ab-cd-01-23-wx-yz",
                      "ABCD\u{2010}0123\u{2011}WXYZ",   // hyphen, non-breaking hyphen
                      "ABCD\u{2013}0123\u{2014}WXYZ",   // en and em dash
                      "ABCD\u{2212}0123\u{FE63}WXYZ",   // minus sign, small hyphen-minus
                      "ABCD\u{FF0D}0123\u{00A0}WXYZ",   // full-width hyphen, no-break space
                      "ABCD\t0123\u{200B}WXYZ",         // tab, zero-width space
                      "ＡＢＣＤ－０１２３－ＷＸＹＺ"] {         // full-width forms
            XCTAssertEqual(AccessCode.normalize(typed), canonical, typed)
        }
    }

    func testLookAlikes() {
        XCTAssertEqual(AccessCode.normalize("OOOO-IIII-LLLL"), "000011111111")
        XCTAssertEqual(AccessCode.normalize("oooo-iiii-llll"), "000011111111")
        XCTAssertEqual(AccessCode.normalize("O0I1-L1o0-il10"), "00111100111" + "0")
        // U is not in Crockford's alphabet, nor are Cyrillic or Greek look-alikes, nor punctuation.
        XCTAssertNil(AccessCode.normalize("UUUU-0000-0000"))
        XCTAssertNil(AccessCode.normalize("\u{041E}000-0000-0000"))   // Cyrillic O
        XCTAssertNil(AccessCode.normalize("\u{039F}000-0000-0000"))   // Greek Omicron
        XCTAssertNil(AccessCode.normalize("0000.0000.0000"))
        XCTAssertNil(AccessCode.normalize("0000_0000_0000"))
    }

    func testWrongLengthsAreNotCodes() {
        XCTAssertNil(AccessCode(typed: ""))
        XCTAssertNil(AccessCode(typed: "ABCD-0123-WXY"))
        XCTAssertNil(AccessCode(typed: "ABCD-0123-WXYZ-0"))
        XCTAssertNil(AccessCode(typed: "exit"))
        XCTAssertNil(AccessCode(typed: String(repeating: "A", count: 10_000)))
    }
}
