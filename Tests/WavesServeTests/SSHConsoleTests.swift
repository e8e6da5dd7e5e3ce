import Foundation
import XCTest
import WavesSurvey
@testable import WavesServe

/// Collects what a console sends to its channel.
final class Sent: @unchecked Sendable {
    private let lock = NSLock()
    private var bytes: [UInt8] = []
    func add(_ b: [UInt8]) { lock.lock(); bytes += b; lock.unlock() }
    var text: String { lock.lock(); defer { lock.unlock() }; return String(decoding: bytes, as: UTF8.self) }
}

final class SSHConsoleTests: XCTestCase {
    func console(idle: TimeInterval = 60, onlcr: Bool = true, size: TerminalSize = .init(columns: 100, rows: 30)) -> (SSHConsole, Sent) {
        let sent = Sent()
        let c = SSHConsole(input: SessionInput(idleTimeout: idle), size: size, translateNewlines: onlcr) { sent.add($0) }
        c.escapeWait = 0.05
        return (c, sent)
    }

    func testBytesBecomeKeysAcrossPackets() {
        let (c, _) = console()
        c.input.feed(Array("a\u{1B}[".utf8))
        c.input.feed(Array("Bé\r".utf8))
        XCTAssertEqual(c.readKey(), .character("a"))
        XCTAssertEqual(c.readKey(), .down, "an arrow split over two packets is one key")
        XCTAssertEqual(c.readKey(), .character("é"))
        XCTAssertEqual(c.readKey(), .enter)
    }

    func testALoneEscapeIsAKeyAfterTheShortWait() {
        let (c, _) = console()
        c.input.feed([0x1B])
        XCTAssertEqual(c.readKey(), .escape)
        c.input.feed([0x03])
        XCTAssertEqual(c.readKey(), .interrupt)
    }

    func testAReaderBlocksUntilBytesArriveFromAnotherThread() {
        let (c, _) = console()
        let input = c.input
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.05) { input.feed(Array("x".utf8)) }
        XCTAssertEqual(c.readKey(), .character("x"))
    }

    func testWindowChangeIsAResizeKeyAndANewSize() {
        let (c, _) = console()
        XCTAssertEqual(c.size, TerminalSize(columns: 100, rows: 30))
        c.resize(to: TerminalSize(columns: 132, rows: 40))
        XCTAssertEqual(c.readKey(), .resize)
        XCTAssertEqual(c.size, TerminalSize(columns: 132, rows: 40))
        c.resize(to: TerminalSize(columns: 0, rows: 0))
        XCTAssertEqual(c.size, .standard, "a size of 0 means unknown (RFC 4254): 80 x 24")
    }

    func testShutdownEndsReadingAtOnceAndForEver() {
        let (c, _) = console()
        c.input.feed(Array("abc".utf8))
        c.input.end(.shutdown)
        XCTAssertNil(c.readKey())
        XCTAssertNil(c.readKey())
        XCTAssertNil(c.readLine())
        XCTAssertEqual(c.input.ended, .shutdown)
    }

    func testAClosedClientsLastBytesAreStillRead() {
        let (c, _) = console()
        c.input.feed(Array("y".utf8))
        c.input.end(.closedByClient)
        XCTAssertEqual(c.readKey(), .character("y"))
        XCTAssertNil(c.readKey())
    }

    func testTheFirstEndReasonIsKept() {
        let (c, _) = console()
        c.input.end(.idle)
        c.input.end(.shutdown)
        XCTAssertEqual(c.input.ended, .idle)
    }

    func testIdleTimeoutEndsTheSession() {
        let (c, _) = console(idle: 0.2)
        XCTAssertNil(c.readKey())
        XCTAssertEqual(c.input.ended, .idle)
    }

    func testReadLineEchoesAndErasesLikeACookedTerminal() {
        let (c, sent) = console()
        c.input.feed(Array("P0X\u{7F}1\u{1B}[D\r".utf8))
        XCTAssertEqual(c.readLine(), "P01")
        XCTAssertEqual(sent.text, "P0X\u{8} \u{8}1\r\n")
        c.input.feed([0x03])
        XCTAssertNil(c.readLine(), "Ctrl-C leaves the prompt")
    }

    func testReadLineShowsControlsSafely() {
        let (c, sent) = console()
        c.input.feed(Array("a\u{1B}[31mb\r".utf8))
        XCTAssertEqual(c.readLine(), "ab", "an escape sequence is a key (ignored), not text")
        XCTAssertFalse(sent.text.contains("\u{1B}"), sent.text)
    }

    func testLoneLineFeedsGoOutAsCRLFWhenOnlcr() {
        let (c, sent) = console()
        c.write("one\ntwo\r\nthree\r")
        c.write("\nfour\n")
        XCTAssertEqual(sent.text, "one\r\ntwo\r\nthree\r\nfour\r\n")
    }

    func testNoTranslationWhenTheClientTurnedOnlcrOff() {
        let (c, sent) = console(onlcr: false)
        c.write("one\ntwo\r\n")
        XCTAssertEqual(sent.text, "one\ntwo\r\n")
    }

    func testAFloodIsBounded() {
        let input = SessionInput(idleTimeout: 60, maxPending: 1000)
        input.feed([UInt8](repeating: 0x61, count: 5000))
        input.feed([UInt8](repeating: 0x62, count: 10))
        guard case .bytes(let b) = input.next() else { return XCTFail("no bytes") }
        XCTAssertEqual(b.count, 1000)
        XCTAssertFalse(b.contains(0x62))
    }

    func testEnterAndLeaveTheScreenAsTheLocalTerminalDoes() {
        let (c, sent) = console()
        c.enterScreen()
        c.leaveScreen()
        XCTAssertEqual(sent.text, "\u{1B}[?1049h\u{1B}[?25l\u{1B}[H\u{1B}[2J\u{1B}[0m\u{1B}[?25h\u{1B}[?1049l")
    }

    func testClosingSentencesSayTheAnswersAreKept() {
        XCTAssertTrue(LiveSession.closingSentence(.shutdown, idleMinutes: 10)!.contains("answers you gave are saved"))
        XCTAssertTrue(LiveSession.closingSentence(.idle, idleMinutes: 1)!.contains("1 minute without"))
        XCTAssertNil(LiveSession.closingSentence(.closedByClient, idleMinutes: 10))
        XCTAssertNil(LiveSession.closingSentence(nil, idleMinutes: 10))
    }

    func testListenAddresses() throws {
        XCTAssertTrue(try ServeConfiguration.parseListen("127.0.0.1:2222") == ("127.0.0.1", 2222))
        XCTAssertTrue(try ServeConfiguration.parseListen("0.0.0.0:22") == ("0.0.0.0", 22))
        XCTAssertTrue(try ServeConfiguration.parseListen("[::1]:2222") == ("::1", 2222))
        XCTAssertTrue(try ServeConfiguration.parseListen(":0") == ("127.0.0.1", 0))
        XCTAssertTrue(try ServeConfiguration.parseListen("2200") == ("127.0.0.1", 2200))
        for bad in ["127.0.0.1", "host:port", "::1:22", "[::1]", "1.2.3.4:70000", "[::1]22"] {
            XCTAssertThrowsError(try ServeConfiguration.parseListen(bad), bad)
        }
    }
}
