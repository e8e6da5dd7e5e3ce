import Foundation
import XCTest
import Crypto
import WavesSurvey
@testable import WavesServe

/// Collects log lines.
final class LogLines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func add(_ s: String) { lock.lock(); lines.append(s); lock.unlock() }
    var text: String { lock.lock(); defer { lock.unlock() }; return lines.joined(separator: "\n") }
}

/// A flow that never runs in these tests (no SSH client is involved).
struct UnusedFlow: RemoteSessionFlow {
    func run(console: Console, peer: PeerInfo, limiter: FailureLimiter) -> RemoteSessionOutcome { .leftEmpty }
}

/// The server in-process, spoken to with plain TCP sockets.
final class SSHServerTests: XCTestCase {
    func makeServer(maxConnections: Int = 400, log: LogLines) -> SSHServer {
        var config = ServeConfiguration(host: "127.0.0.1", port: 0, hostKey: HostKey(privateKey: Curve25519.Signing.PrivateKey()))
        config.maxConnections = maxConnections
        return SSHServer(configuration: config, flow: UnusedFlow(), limiter: FailureLimiter(),
                         log: ServeLog(sink: { log.add($0) }))
    }

    func testTheBannerIsSSH2AndConnectionsBeyondTheCapAreClosed() throws {
        let log = LogLines()
        let server = makeServer(maxConnections: 1, log: log)
        let port = try server.start()
        defer { server.shutdown() }
        let first = try TCP.connect(port: port)
        defer { close(first) }
        XCTAssertTrue(TCP.read(first, until: "\n").hasPrefix("SSH-2.0-"), "the server speaks SSH 2")
        let second = try TCP.connect(port: port)
        defer { close(second) }
        XCTAssertEqual(TCP.read(second, until: "\n"), "", "the connection over the cap is closed without a banner")
        XCTAssertTrue(log.text.contains("refused: 1 connections already open"), log.text)
    }

    func testShutdownStopsListeningAndReturns() throws {
        let log = LogLines()
        let server = makeServer(log: log)
        let port = try server.start()
        server.shutdown()
        XCTAssertThrowsError(try TCP.connect(port: port), "nothing listens after shutdown")
        XCTAssertTrue(log.text.contains("shutting down: 0 sessions open"), log.text)
        XCTAssertTrue(log.text.hasSuffix("stopped"), log.text)
        server.shutdown()   // a second call does nothing
    }

    func testABusyPortIsAnErrorThatSaysWhatToDo() throws {
        let log = LogLines()
        let a = makeServer(log: log)
        let port = try a.start()
        defer { a.shutdown() }
        let config = ServeConfiguration(host: "127.0.0.1", port: port, hostKey: a.configuration.hostKey)
        let b = SSHServer(configuration: config, flow: UnusedFlow(), limiter: FailureLimiter(), log: .silent)
        // SO_REUSEADDR lets a restarted server bind at once, but two listeners on one port still fail.
        XCTAssertThrowsError(try b.start()) { error in
            XCTAssertTrue(error.localizedDescription.contains("cannot listen on 127.0.0.1:\(port)"), error.localizedDescription)
        }
    }
}
