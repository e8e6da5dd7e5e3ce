import Foundation
import NIOCore
import NIOEmbedded
import XCTest
@testable import WavesServe

/// Takes every write and never completes it: a client whose window stays full.
final class SwallowingHandler: ChannelOutboundHandler, @unchecked Sendable {
    typealias OutboundIn = Any
    var promises: [EventLoopPromise<Void>] = []
    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if let promise { promises.append(promise) }
    }
}

final class ChannelOutputTests: XCTestCase {
    func channel() throws -> (EmbeddedChannel, SwallowingHandler) {
        let handler = SwallowingHandler()
        let channel = EmbeddedChannel(handler: handler)
        return (channel, handler)
    }

    func testAClientThatStopsReadingIsReportedAsStalled() throws {
        let (ch, swallow) = try channel()
        let out = ChannelOutput(channel: ch, limit: 10, stallTimeout: 0.2)
        XCTAssertTrue(out.send(Array(repeating: 65, count: 20)), "the first write goes out")
        XCTAssertFalse(out.send([66]), "more than the limit is on its way and nothing completes: stalled")
        swallow.promises.forEach { $0.succeed(()) }
        XCTAssertTrue(out.send([67]), "once the client has read, writing goes on")
        _ = try? ch.finish()
    }

    func testAClosedChannelTakesNothing() throws {
        let (ch, _) = try channel()
        let out = ChannelOutput(channel: ch)
        out.markClosed()
        XCTAssertTrue(out.isClosed)
        XCTAssertFalse(out.send([1, 2, 3]))
        _ = try? ch.finish()
    }

    func testHurryShortensAWaitingWrite() throws {
        let (ch, _) = try channel()
        let out = ChannelOutput(channel: ch, limit: 1, stallTimeout: 600)
        XCTAssertTrue(out.send([1, 2]))
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.1) { out.hurry() }
        let done = expectation(description: "the waiting write gives up")
        DispatchQueue.global().async {
            if !out.send([3]) { done.fulfill() }
        }
        wait(for: [done], timeout: 10)
        _ = try? ch.finish()
    }
}
