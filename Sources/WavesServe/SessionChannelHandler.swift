import Foundation
import NIOCore
import NIOSSH
import WavesSurvey

/// One `session` channel: answers its requests (RFC 4254 §6) and, on `shell` after
/// `pty-req`, starts the participant's flow; feeds typed bytes to the flow's console.
final class SessionChannelHandler: ChannelInboundHandler {
    typealias InboundIn = SSHChannelData

    /// Environment variables a session accepts: they only choose symbols and colours (`Style.detect`).
    static let acceptedEnvironment: Set<String> = ["LANG", "LC_ALL", "LC_CTYPE", "NO_COLOR"]

    let server: SSHServer
    let connection: ConnectionContext
    private var pty: PseudoTerminal?
    private var environment: [String: String] = [:]
    private var session: LiveSession?
    private var refusedEnvironment: [String] = []

    init(server: SSHServer, connection: ConnectionContext) {
        self.server = server; self.connection = connection
    }

    private var log: ServeLog { server.log }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        switch event {
        case let req as SSHChannelRequestEvent.PseudoTerminalRequest:
            if pty == nil && session == nil {
                pty = PseudoTerminal(req)
                reply(context, true, req.wantReply)
            } else {
                reply(context, false, req.wantReply)
            }
        case let req as SSHChannelRequestEvent.EnvironmentRequest:
            let ok = SessionChannelHandler.acceptedEnvironment.contains(req.name) && req.value.utf8.count <= 64 && session == nil
            if ok { environment[req.name] = req.value } else { refusedEnvironment.append(ServeLog.clientText(req.name)) }
            reply(context, ok, req.wantReply)
        case let req as SSHChannelRequestEvent.ShellRequest:
            startShell(context, wantReply: req.wantReply)
        case let req as SSHChannelRequestEvent.ExecRequest:
            // The command itself is never logged: a participant may have typed their code there.
            refuse(context, wantReply: req.wantReply, log: "exec refused",
                   tell: "This server only runs the interactive survey; connect with ssh and no command.")
        case let req as SSHChannelRequestEvent.SubsystemRequest:
            refuse(context, wantReply: req.wantReply, log: "subsystem '\(ServeLog.clientText(req.subsystem))' refused",
                   tell: "This server only runs the interactive survey; file transfer and other subsystems are not offered.")
        case let req as SSHChannelRequestEvent.WindowChangeRequest:
            let size = TerminalSize(columns: req.terminalCharacterWidth, rows: req.terminalRowHeight)
            if let session {
                session.console.resize(to: size)
            } else {
                pty?.size = size
            }
        case is SSHChannelRequestEvent.LocalFlowControlRequest, is SSHChannelRequestEvent.SignalRequest:
            break   // no reply is asked for; nothing to do
        case ChannelEvent.inputClosed:
            // EOF: the participant's input ended (a closed terminal); what is on its way out still goes.
            session?.input.end(.closedByClient)
        default:
            context.fireUserInboundEventTriggered(event)
        }
    }

    private func startShell(_ context: ChannelHandlerContext, wantReply: Bool) {
        if !refusedEnvironment.isEmpty {
            log.record("\(connection.label): environment refused: \(refusedEnvironment.joined(separator: ", "))")
            refusedEnvironment.removeAll()
        }
        guard session == nil else {
            return refuse(context, wantReply: wantReply, log: "second shell on one channel refused", tell: nil)
        }
        guard let pty else {
            return refuse(context, wantReply: wantReply, log: "shell without a pseudo-terminal refused",
                          tell: "This survey needs an interactive terminal: connect with ssh -t from a terminal window.")
        }
        switch server.openSession(connection: connection, channel: context.channel, pty: pty, environment: environment) {
        case .failure(.tooManySessions):
            refuse(context, wantReply: wantReply, log: "shell refused: \(server.configuration.maxSessions) sessions already open",
                   tell: "The survey server is busy. Please try again in a few minutes.")
        case .failure:
            refuse(context, wantReply: wantReply, log: "shell refused: server shutting down",
                   tell: "The survey server is closing for now. Please connect again later.")
        case .success(let s):
            session = s
            connection.sessionsOpen += 1
            connection.lastSessionChange = Date()
            reply(context, true, wantReply)
            server.run(s)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let message = unwrapInboundIn(data)
        guard message.type == .channel, case .byteBuffer(let buffer) = message.data else { return }
        session?.input.feed(buffer.readableBytesView)
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let session {
            session.input.end(.closedByClient)
            session.output.markClosed()
            connection.sessionsOpen -= 1
            connection.lastSessionChange = Date()
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        // The connection ending under an open channel is how every session ends when the
        // client goes; the connection's own line says so.
        if (error as? NIOSSHError)?.type != .tcpShutdown { log.record("\(connection.label): session channel error: \(ServeLog.clientText("\(error)", limit: 300))") }
        context.close(promise: nil)
    }

    private func reply(_ context: ChannelHandlerContext, _ ok: Bool, _ wantReply: Bool) {
        guard wantReply else { return }
        if ok {
            context.channel.triggerUserOutboundEvent(ChannelSuccessEvent(), promise: nil)
        } else {
            context.channel.triggerUserOutboundEvent(ChannelFailureEvent(), promise: nil)
        }
    }

    /// Says why on the client's stderr, then sends the failure reply. The channel stays for the
    /// client to close (OpenSSH's does at once on a failed `exec`, `subsystem` or `shell`; closing
    /// from both ends at the same moment trips NIOSSH's state machine); a client that keeps it
    /// open without a session is closed by the login grace.
    private func refuse(_ context: ChannelHandlerContext, wantReply: Bool, log message: String, tell: String?) {
        log.record("\(connection.label): \(message)")
        let channel = context.channel
        guard let tell else { return reply(context, false, wantReply) }
        let data = SSHChannelData(type: .stdErr, data: .byteBuffer(channel.allocator.buffer(string: tell + "\r\n")))
        // The reply goes out a moment after the sentence: OpenSSH's client drops stderr it has
        // not yet printed when the failure reply closes the channel.
        channel.writeAndFlush(data).whenComplete { _ in
            guard wantReply else { return }
            channel.eventLoop.scheduleTask(in: .milliseconds(250)) {
                if channel.isActive { channel.triggerUserOutboundEvent(ChannelFailureEvent(), promise: nil) }
            }
        }
    }
}

/// What a `pty-req` asked for (RFC 4254 §6.2): the terminal type, its size, and whether
/// output should turn `\n` into `\r\n` (`onlcr`, opcode 72; on unless the client says 0).
struct PseudoTerminal: Sendable {
    var term: String
    var size: TerminalSize
    var onlcr: Bool

    init(_ req: SSHChannelRequestEvent.PseudoTerminalRequest) {
        term = req.term
        size = TerminalSize(columns: req.terminalCharacterWidth, rows: req.terminalRowHeight)
        onlcr = req.terminalModes.modeMapping[.ONLCR].map { $0.rawValue != 0 } ?? true
    }
}
