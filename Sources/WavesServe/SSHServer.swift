import Foundation
import NIOCore
import NIOPosix
import NIOSSH
import WavesSurvey

/// The SSH server of `waves serve`: accepts any user name without a password, allows
/// interactive PTY sessions only, and runs a `RemoteSessionFlow` for each on a thread of its own.
///
/// Refused, with the protocol's failure replies (RFC 4254): `exec`, `subsystem` (sftp), a
/// `shell` without a prior `pty-req`, a second shell on one channel, environment variables
/// other than `LANG`, `LC_ALL`, `LC_CTYPE` and `NO_COLOR`, and every channel type but
/// `session` (`direct-tcpip`, i.e. `ssh -L`), and `tcpip-forward` (`ssh -R`). Requests NIOSSH
/// does not know (`x11-req`, `auth-agent-req@openssh.com`) get its automatic failure reply
/// (when the client asks for a reply), and the server never opens X11 or agent channels, so
/// nothing is forwarded; channel types it does not know end the connection.
///
/// `start` binds and returns; `shutdown` (for SIGTERM) stops accepting, ends every session
/// with a sentence (the flows keep their drafts), closes every connection and returns.
public final class SSHServer: @unchecked Sendable {
    public let configuration: ServeConfiguration
    public let limiter: FailureLimiter
    let flow: RemoteSessionFlow
    let log: ServeLog
    private let group: MultiThreadedEventLoopGroup
    private let lock = NSLock()
    private var serverChannel: Channel?
    private var connections: [Int: Channel] = [:]
    private var sessions: [Int: LiveSession] = [:]
    private var nextConnectionID = 0
    private var nextSessionID = 0
    private var stopping = false
    private let runningFlows = DispatchGroup()

    public init(configuration: ServeConfiguration, flow: RemoteSessionFlow, limiter: FailureLimiter, log: ServeLog) {
        self.configuration = configuration
        self.flow = flow
        self.limiter = limiter
        self.log = log
        self.group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    }

    /// Binds the listening socket; returns the port (the system's choice when 0 was asked).
    @discardableResult
    public func start() throws -> Int {
        let hostKey = configuration.hostKey.sshKey
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { [self] channel in
                guard let connection = self.registerConnection(channel) else {
                    self.log.record("connection from \(SSHServer.addressText(channel.remoteAddress)) refused: \(self.configuration.maxConnections) connections already open")
                    return channel.eventLoop.makeFailedFuture(Refusal.tooManyConnections)
                }
                return channel.eventLoop.makeCompletedFuture {
                    let config = SSHServerConfiguration(hostKeys: [hostKey], userAuthDelegate: AnyUserAuthentication(),
                                                        globalRequestDelegate: ForwardingRefusal(log: self.log, label: connection.label))
                    try channel.pipeline.syncOperations.addHandlers([
                        ConnectionHandler(server: self, connection: connection),
                        NIOSSHHandler(role: .server(config), allocator: channel.allocator,
                                      inboundChildChannelInitializer: { child, type in
                                          self.initializeChild(child, type: type, connection: connection)
                                      }),
                        ConnectionErrorHandler(log: self.log, label: connection.label),
                    ])
                }
            }
        let host = configuration.host, port = configuration.port
        let channel: Channel
        do {
            channel = try bootstrap.bind(host: host, port: port).wait()
        } catch {
            try? group.syncShutdownGracefully()
            throw ServeError.cannotListen(address: "\(host):\(port)", reason: "\(error)")
        }
        lock.lock(); serverChannel = channel; lock.unlock()
        let bound = channel.localAddress?.port ?? port
        log.record("listening on \(host.contains(":") ? "[\(host)]" : host):\(bound), host key \(configuration.hostKey.fingerprint)")
        return bound
    }

    /// Stops accepting, ends every session (drafts are the flows' business and already saved
    /// after every answer), closes every connection, and stops the event loop. Returns when done.
    public func shutdown() {
        lock.lock()
        if stopping { lock.unlock(); return }
        stopping = true
        let listener = serverChannel
        let live = Array(sessions.values)
        lock.unlock()
        log.record("shutting down: \(live.count) session\(live.count == 1 ? "" : "s") open")
        try? listener?.close().wait()
        for s in live { s.input.end(.shutdown); s.output.hurry() }
        if runningFlows.wait(timeout: .now() + configuration.shutdownGrace) == .timedOut {
            lock.lock(); let stuck = Array(sessions.values); lock.unlock()
            DispatchQueue.concurrentPerform(iterations: stuck.count) { i in
                if stuck[i].close(idleMinutes: idleMinutes) {
                    log.record("\(stuck[i].label): closed at shutdown before its flow returned")
                }
            }
        }
        // Each session's exit-status and channel close are queued on its event loop; closing the
        // TCP connection before they are written would drop them (the client would see 255), so
        // wait (at most two seconds) until every session channel has closed.
        let sessionsClosed = DispatchGroup()
        for s in live {
            sessionsClosed.enter()
            s.output.channel.closeFuture.whenComplete { _ in sessionsClosed.leave() }
        }
        _ = sessionsClosed.wait(timeout: .now() + 2)
        lock.lock(); let open = Array(connections.values); lock.unlock()
        for c in open { _ = try? c.close().wait() }
        try? group.syncShutdownGracefully()
        log.record("stopped")
    }

    var idleMinutes: Int { max(1, Int((configuration.idleTimeout / 60).rounded())) }

    // MARK: Connections

    /// A new connection's record, or nil when too many are open.
    private func registerConnection(_ channel: Channel) -> ConnectionContext? {
        lock.lock()
        guard connections.count < configuration.maxConnections else { lock.unlock(); return nil }
        nextConnectionID += 1
        let id = nextConnectionID
        connections[id] = channel
        lock.unlock()
        let remote = channel.remoteAddress
        return ConnectionContext(id: id, address: SSHServer.addressText(remote), port: remote?.port ?? 0)
    }

    func connectionClosed(_ connection: ConnectionContext) {
        lock.lock(); connections[connection.id] = nil; lock.unlock()
    }

    /// The IP address without port; IPv4-mapped IPv6 addresses as plain IPv4.
    static func addressText(_ address: SocketAddress?) -> String {
        guard let ip = address?.ipAddress else { return "unknown" }
        return ip.hasPrefix("::ffff:") && ip.contains(".") ? String(ip.dropFirst(7)) : ip
    }

    private func initializeChild(_ child: Channel, type: SSHChannelType, connection: ConnectionContext) -> EventLoopFuture<Void> {
        switch type {
        case .session:
            // Half-closure: a client's EOF ends the participant's input, not the channel, so the
            // closing sentence and the replies to its requests still reach it.
            return child.setOption(ChannelOptions.allowRemoteHalfClosure, value: true).flatMapThrowing {
                try child.pipeline.syncOperations.addHandler(SessionChannelHandler(server: self, connection: connection))
            }
        case .directTCPIP:
            log.record("\(connection.label): port forwarding refused (direct-tcpip channel, ssh -L)")
            return child.eventLoop.makeFailedFuture(Refusal.channelType)
        case .forwardedTCPIP:
            log.record("\(connection.label): forwarded-tcpip channel refused")
            return child.eventLoop.makeFailedFuture(Refusal.channelType)
        }
    }

    // MARK: Sessions

    /// Registers a new session, or says why none can start now.
    func openSession(connection: ConnectionContext, channel: Channel, pty: PseudoTerminal,
                     environment: [String: String]) -> Result<LiveSession, Refusal> {
        lock.lock()
        if stopping { lock.unlock(); return .failure(.stopping) }
        guard sessions.count < configuration.maxSessions else { lock.unlock(); return .failure(.tooManySessions) }
        nextSessionID += 1
        let id = nextSessionID
        let input = SessionInput(idleTimeout: configuration.idleTimeout)
        let output = ChannelOutput(channel: channel)
        let console = SSHConsole(input: input, size: pty.size, translateNewlines: pty.onlcr) { [input, output] bytes in
            if !output.send(bytes) && !output.isClosed { input.end(.stalled); output.markClosed() }
        }
        let peer = PeerInfo(address: connection.address, port: connection.port, session: id,
                            term: pty.term, environment: environment)
        let session = LiveSession(id: id, connection: connection, peer: peer, input: input, output: output, console: console)
        sessions[id] = session
        runningFlows.enter()
        lock.unlock()
        return .success(session)
    }

    /// Runs the flow on a thread of its own; when it returns, closes the session and logs how it ended.
    func run(_ session: LiveSession) {
        log.record("\(session.label): started (\(ServeLog.clientText(session.peer.term.isEmpty ? "no TERM" : session.peer.term)), \(session.console.size.columns)x\(session.console.size.rows))")
        let thread = Thread { [self] in
            session.console.enterScreen()
            let outcome = flow.run(console: session.console, peer: session.peer, limiter: limiter)
            session.close(idleMinutes: idleMinutes)
            let ending = session.input.ended.map { "; " + $0.rawValue } ?? ""
            let seconds = Int(Date().timeIntervalSince(session.startedAt).rounded())
            log.record("\(session.label): ended (\(outcome)\(ending)) after \(seconds) s")
            lock.lock(); sessions[session.id] = nil; lock.unlock()
            runningFlows.leave()
        }
        thread.name = "waves-session-\(session.id)"
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// Why a request was refused.
    enum Refusal: Error {
        case channelType, stopping, tooManySessions, tooManyConnections
    }
}

/// Any user name, no password or key: OpenSSH's client tries the `none` method first and
/// this accepts it (and anything else), so `ssh -o BatchMode=yes` connects without a prompt.
/// The access code is asked inside the session, where the flow can rate-limit it.
final class AnyUserAuthentication: NIOSSHServerUserAuthenticationDelegate, Sendable {
    var supportedAuthenticationMethods: NIOSSHAvailableUserAuthenticationMethods { .password }
    func requestReceived(request: NIOSSHUserAuthenticationRequest, responsePromise: EventLoopPromise<NIOSSHUserAuthenticationOutcome>) {
        responsePromise.succeed(.success)
    }
}

/// Refuses `tcpip-forward` (`ssh -R`) and its cancellation with a request-failure reply, and logs it.
struct ForwardingRefusal: GlobalRequestDelegate, Sendable {
    let log: ServeLog
    let label: String
    func tcpForwardingRequest(_ request: GlobalRequest.TCPForwardingRequest, handler: NIOSSHHandler,
                              promise: EventLoopPromise<GlobalRequest.TCPForwardingResponse>) {
        log.record("\(label): remote port forwarding refused (tcpip-forward, ssh -R)")
        promise.fail(SSHServer.Refusal.channelType)
    }
}
