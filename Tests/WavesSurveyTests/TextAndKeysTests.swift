import XCTest
@testable import WavesSurvey

final class TextAndKeysTests: XCTestCase {
    func testKeyDecoder() {
        let d = KeyDecoder()
        let bytes: [UInt8] = Array("a1".utf8) + [0x1B, 0x5B, 0x41, 0x1B, 0x4F, 0x42, 0x1B, 0x5B, 0x43, 0x1B, 0x5B, 0x44,
                                                 0x0D, 0x7F, 0x03, 0x04, 0x09, 0x1B, 0x5B, 0x35, 0x7E, 0x1B, 0x5B, 0x31, 0x3B, 0x35, 0x41,
                                                 0x1B, 0x5B, 0x48, 0x1B]
            + Array("é😀".utf8)
        XCTAssertEqual(d.decodeAll(bytes), [.character("a"), .character("1"), .up, .down, .right, .left, .enter, .backspace,
                                            .interrupt, .endOfInput, .tab, .pageUp, .up, .home, .escape,
                                            .character("é"), .character("😀")])
        // Incomplete input asks for more, unless the wait ran out.
        XCTAssertNil(d.decode([0x1B][...], complete: false))
        XCTAssertNil(d.decode([0x1B, 0x5B][...], complete: false))
        XCTAssertNil(d.decode([0xC3][...], complete: false))
        XCTAssertEqual(d.decode([0x1B][...], complete: true)?.key, .escape)
    }

    func testWrapAndWidth() {
        XCTAssertEqual(TextLayout.wrap("the quick brown fox jumps over the lazy dog", width: 10),
                       ["the quick", "brown fox", "jumps over", "the lazy", "dog"])
        XCTAssertEqual(TextLayout.wrap("para one\n\npara two", width: 20), ["para one", "", "para two"])
        XCTAssertEqual(TextLayout.wrap("abcdefghijklmnopqrstuvwxyz", width: 10), ["abcdefghij", "klmnopqrst", "uvwxyz"])
        XCTAssertEqual(TextLayout.width("日本語"), 6)
        XCTAssertEqual(TextLayout.width("e\u{301}"), 1)
        XCTAssertEqual(TextLayout.wrap("日本語 日本語 日本語", width: 13), ["日本語 日本語", "日本語"])
        XCTAssertEqual(TextLayout.truncate("日本語", width: 5), "日本")
    }
}
