import Foundation
import XCTest
import WavesSurvey

/// A temporary copy of the fixture study, a `waves serve --rehearsal` on a free loopback port,
/// and OpenSSH clients pointed at it.
final class ServeHarness {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/study")

    /// The `waves` executable next to the test bundle (same build configuration).
    static var waves: String {
        let testBinary = URL(fileURLWithPath: ProcessInfo.processInfo.arguments[0]).resolvingSymlinksInPath()
        var dir = testBinary.deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("waves")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate.path }
            dir = dir.deletingLastPathComponent()
        }
        return fixture.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(".build/debug/waves").path
    }

    let dir: URL
    let study: URL
    let ssh: String
    private(set) var server: LiveProcess!
    private(set) var port = 0
    private(set) var fingerprint = ""

    /// Skips the test (with the reason printed) when the OpenSSH client is missing.
    init() throws {
        guard let ssh = Tool.find("ssh") else {
            throw XCTSkip("the OpenSSH client (Debian openssh-client) is not installed; `make test` installs it")
        }
        guard FileManager.default.isExecutableFile(atPath: ServeHarness.waves) else {
            throw XCTSkip("the waves executable was not found next to the tests; build it with `swift build`")
        }
        self.ssh = ssh
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("waves-serve-\(UUID().uuidString.prefix(8))")
        study = dir.appendingPathComponent("study")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: ServeHarness.fixture, to: study)
    }

    /// Starts the server (on a free port the first time, on the same port after a restart).
    func start(_ extra: [String] = [], file: StaticString = #filePath, line: UInt = #line) throws {
        let listen = "127.0.0.1:\(port)"
        server = try LiveProcess.pipes(ServeHarness.waves, ["serve", "--study", study.path, "--listen", listen, "--rehearsal"] + extra)
        let ok = server.wait(timeout: 20) { $0.contains("Listening on 127.0.0.1:") && $0.hasSuffix("\n") && $0.contains("Rehearsal") }
        guard ok else {
            XCTFail("waves serve did not start:\n\(server.output)\n\(server.errors)", file: file, line: line)
            throw XCTSkip("server did not start")
        }
        let out = server.output
        if let r = out.range(of: #"Listening on 127\.0\.0\.1:(\d+)"#, options: .regularExpression) {
            port = Int(out[r].split(separator: ":").last!)!
        }
        if let r = out.range(of: #"SHA256:[A-Za-z0-9+/]+"#, options: .regularExpression) { fingerprint = String(out[r]) }
    }

    /// Stops the server with SIGTERM and returns its exit status.
    @discardableResult
    func stop() -> Int32 {
        guard let server, server.process.isRunning else { return server?.finish() ?? 0 }
        server.signal(SIGTERM)
        return server.finish(timeout: 20)
    }

    /// The options every client uses: no config files, no prompts, no known-hosts file.
    var clientOptions: [String] {
        ["-F", "/dev/null", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
         "-o", "LogLevel=ERROR", "-o", "SendEnv=LANG", "-p", "\(port)"]
    }

    /// `ssh -tt` in a pseudo-terminal, as a participant's terminal window runs it.
    func connect(user: String = "survey", columns: UInt16 = 80, rows: UInt16 = 24, options: [String]? = nil) throws -> LiveProcess {
        try LiveProcess.pty(ssh, ["-tt"] + (options ?? clientOptions) + ["\(user)@127.0.0.1"], columns: columns, rows: rows,
                            env: ["TERM": "xterm-256color", "LANG": "C.UTF-8", "NO_COLOR": ""])
    }

    /// The store's records as JSON objects, in file order.
    func records() throws -> [[String: Any]] {
        let text = (try? String(contentsOf: study.appendingPathComponent("data/responses.jsonl"), encoding: .utf8)) ?? ""
        return try text.split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
    }

    func draftExists(_ participant: String) -> Bool {
        FileManager.default.fileExists(atPath: DraftStore(directory: study.appendingPathComponent("data/drafts"))
            .url(participant: participant, wave: "w1", instrument: "short").path)
    }

    deinit {
        if let server, server.process.isRunning { server.signal(SIGKILL); server.finish() }
        try? FileManager.default.removeItem(at: dir)
    }
}

/// Drives the fixture survey (four agree5 items) on one client's screen.
struct Participant {
    let client: LiveProcess
    let file: StaticString
    let line: UInt

    init(_ client: LiveProcess, file: StaticString = #filePath, line: UInt = #line) {
        self.client = client; self.file = file; self.line = line
    }

    /// Sends keys, then waits until the last screen shows `text`.
    @discardableResult
    func press(_ keys: String, until text: String, timeout: TimeInterval = 15) -> Bool {
        client.send(keys)
        return waitFor(text, timeout: timeout)
    }

    @discardableResult
    func waitFor(_ text: String, timeout: TimeInterval = 15) -> Bool {
        let ok = client.wait(timeout: timeout) { lastScreen($0).contains(text) }
        XCTAssertTrue(ok, "screen never showed \"\(text)\"; last screen:\n\(lastScreen(client.output))\nstderr: \(client.errors)",
                      file: file, line: line)
        return ok
    }

    /// From the id prompt to the review screen, answering `answers` (1-5 each, all four items).
    func answerAll(id: String, _ answers: [Int]) {
        waitFor("participant id")
        press(id + "\r", until: "How to answer")
        press("\r", until: "1 of 4")
        for (i, a) in answers.enumerated() {
            press("\(a)", until: i + 1 < answers.count ? "\(i + 2) of 4" : "Submit these answers")
        }
    }

    /// Submits at the review screen and closes the thank-you screen; returns ssh's exit status.
    func submitAndLeave() -> Int32 {
        press("\r", until: "Everything for this wave is recorded")
        client.send("x")
        return client.finish()
    }
}
