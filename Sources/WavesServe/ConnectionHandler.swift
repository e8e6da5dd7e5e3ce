import Foundation
import NIOCore

/// Sits before `NIOSSHHandler` on each TCP connection (which does not pass activity events
/// on): logs the connection's opening and closing, and closes a connection that has had no
/// interactive session for the login grace (a client that never asks for a shell, or `ssh -N`
/// kept open for forwarding). Bytes pass through untouched.
final class ConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    let server: SSHServer
    let connection: ConnectionContext
    private var graceTask: RepeatedTask?

    init(server: SSHServer, connection: ConnectionContext) {
        self.server = server; self.connection = connection
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { opened(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        opened(context)
        context.fireChannelActive()
    }

    private func opened(_ context: ChannelHandlerContext) {
        guard graceTask == nil else { return }
        server.log.record("\(connection.label): connected")
        let grace = server.configuration.loginGrace
        let connection = self.connection, channel = context.channel, log = server.log
        let every = TimeAmount.milliseconds(Int64(max(0.05, min(grace / 4, 5)) * 1000))
        graceTask = context.eventLoop.scheduleRepeatedTask(initialDelay: every, delay: every) { _ in
            if connection.sessionsOpen == 0 && Date().timeIntervalSince(connection.lastSessionChange) >= grace {
                log.record("\(connection.label): closed after \(Int(grace.rounded())) s without an interactive session")
                channel.close(promise: nil)
            }
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.fireChannelRead(data)
    }

    func channelInactive(context: ChannelHandlerContext) {
        graceTask?.cancel()
        graceTask = nil
        let seconds = Int(Date().timeIntervalSince(connection.openedAt).rounded())
        server.log.record("\(connection.label): disconnected after \(seconds) s")
        server.connectionClosed(connection)
        context.fireChannelInactive()
    }
}

/// Last on each connection: logs a protocol or socket error and closes the connection.
final class ConnectionErrorHandler: ChannelInboundHandler {
    typealias InboundIn = Any
    let log: ServeLog
    let label: String

    init(log: ServeLog, label: String) { self.log = log; self.label = label }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        log.record("\(label): connection error: \(ServeLog.clientText("\(error)", limit: 300))")
        context.close(promise: nil)
    }
}
