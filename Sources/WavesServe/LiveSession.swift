import Foundation
import NIOCore
import NIOSSH
import WavesSurvey

/// One running participant session: its channel, console, and the thread running its flow.
///
/// `close` is the single way a session ends (from its own thread when the flow returns, or
/// from the shutdown when the flow does not return in time); it runs once: leaves the
/// alternate screen, says why the session ends when the participant should know, sends
/// `exit-status 0` and closes the channel.
final class LiveSession: @unchecked Sendable {
    let id: Int
    let connection: ConnectionContext
    let peer: PeerInfo
    let input: SessionInput
    let output: ChannelOutput
    let console: SSHConsole
    let startedAt = Date()
    private let lock = NSLock()
    private var closed = false

    init(id: Int, connection: ConnectionContext, peer: PeerInfo, input: SessionInput, output: ChannelOutput, console: SSHConsole) {
        self.id = id; self.connection = connection; self.peer = peer
        self.input = input; self.output = output; self.console = console
    }

    /// "conn 4 198.51.100.7:52144 session 2"
    var label: String { "\(connection.label) session \(id)" }

    /// The sentence the participant sees when the server, not they, ends the session.
    static func closingSentence(_ reason: SessionEnd?, idleMinutes: Int) -> String? {
        switch reason {
        case .shutdown?:
            return "The survey server is closing for now. Any answers you gave are saved; connect again later to continue where you left off."
        case .idle?:
            return "This session was closed after \(idleMinutes) minute\(idleMinutes == 1 ? "" : "s") without a key press. Any answers you gave are saved; connect again to continue."
        default:
            return nil
        }
    }

    /// Ends the session once; returns false when it had already been closed.
    @discardableResult
    func close(idleMinutes: Int) -> Bool {
        lock.lock()
        if closed { lock.unlock(); return false }
        closed = true
        lock.unlock()
        let reason = input.ended
        if !output.isClosed {
            console.leaveScreen()
            if let sentence = LiveSession.closingSentence(reason, idleMinutes: idleMinutes) {
                console.write(sentence + "\r\n")
            }
        }
        let channel = output.channel
        channel.eventLoop.execute {
            channel.triggerUserOutboundEvent(SSHChannelRequestEvent.ExitStatus(exitStatus: 0), promise: nil)
            channel.close(promise: nil)
        }
        return true
    }
}

/// What the server knows of one TCP connection; touched only on its event loop.
final class ConnectionContext: @unchecked Sendable {
    let id: Int
    let address: String
    let port: Int
    let openedAt = Date()
    /// Interactive sessions open on this connection now.
    var sessionsOpen = 0
    /// When the last session ended (or the connection opened): the login grace counts from here.
    var lastSessionChange = Date()

    init(id: Int, address: String, port: Int) { self.id = id; self.address = address; self.port = port }

    /// "conn 4 198.51.100.7:52144"
    var label: String { address.contains(":") ? "conn \(id) [\(address)]:\(port)" : "conn \(id) \(address):\(port)" }
}
