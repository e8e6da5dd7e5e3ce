import Foundation
import NIOCore
import NIOSSH

/// Sends a session's output to its SSH channel from the flow's thread, with back-pressure:
/// when more than `limit` bytes are still on their way (the client reads slowly, or its
/// window is full), `send` waits; after `stallTimeout` it gives up and reports a stall, so a
/// client that stops reading cannot pin the flow's thread or the server's memory.
final class ChannelOutput: @unchecked Sendable {
    let channel: Channel
    let limit: Int
    private var stallTimeout: TimeInterval
    private let condition = NSCondition()
    private var inFlight = 0
    private var closed = false

    init(channel: Channel, limit: Int = 256 * 1024, stallTimeout: TimeInterval = 60) {
        self.channel = channel; self.limit = limit; self.stallTimeout = stallTimeout
    }

    /// Queues bytes for the channel; false when the channel is closed or the client stalled.
    @discardableResult
    func send(_ bytes: [UInt8], stderr: Bool = false) -> Bool {
        guard !bytes.isEmpty else { return true }
        condition.lock()
        let start = Date()
        while inFlight > limit && !closed {
            let deadline = start.addingTimeInterval(stallTimeout)
            if !condition.wait(until: deadline) && inFlight > limit && Date() >= start.addingTimeInterval(stallTimeout) {
                condition.unlock()
                return false
            }
        }
        if closed { condition.unlock(); return false }
        inFlight += bytes.count
        condition.unlock()
        let count = bytes.count
        let channel = self.channel
        let data = SSHChannelData(type: stderr ? .stdErr : .channel, data: .byteBuffer(channel.allocator.buffer(bytes: bytes)))
        channel.writeAndFlush(data).whenComplete { [self] _ in
            condition.lock(); inFlight -= count; condition.broadcast(); condition.unlock()
        }
        return true
    }

    /// The channel is gone: later sends return false at once, and a waiting send wakes.
    func markClosed() {
        condition.lock(); closed = true; condition.broadcast(); condition.unlock()
    }

    /// At shutdown: a slow client gets one more second, not a minute.
    func hurry() {
        condition.lock(); stallTimeout = min(stallTimeout, 1); condition.broadcast(); condition.unlock()
    }

    var isClosed: Bool { condition.lock(); defer { condition.unlock() }; return closed }
}
