import Foundation
import Glibc
import XCTest
import WavesTestSupport

/// A `waves` command running in a tmux pane of a private tmux server: keys are typed with
/// `send-keys` (so Ctrl-\ and Ctrl-C go through the pane's terminal driver as from a real
/// keyboard, signals included) and the screen is read with `capture-pane`, exactly as the
/// participant sees it. Each pane has its own server socket in the test's folder; `close`
/// ends that server only.
final class TmuxPane {
    let socket: String
    let statusFile: String

    /// Skips the test (with the reason printed) when tmux is not installed.
    static func available() throws {
        let found = ["/usr/bin/tmux", "/usr/local/bin/tmux"].contains { FileManager.default.isExecutableFile(atPath: $0) }
        if !found { throw XCTSkip("tmux is not installed (make test-deps installs it); the keyboard tests need it") }
    }

    /// Starts `waves args` in a detached pane of `columns` x `rows`. When the command ends, its
    /// exit status (128 + n when a signal ended it) is written to `statusFile` and the pane stays.
    init(_ args: [String], in dir: URL, columns: Int, rows: Int, env: [String: String] = [:]) throws {
        try TmuxPane.available()
        socket = dir.appendingPathComponent("tmux-\(UUID().uuidString.prefix(6))").path
        statusFile = socket + ".status"
        var vars = ["LANG": "C.UTF-8", "TERM": "xterm-256color", "NO_COLOR": "1",
                    "WAVES_INSTRUMENTS": WavesProcess.repoRoot.appendingPathComponent("instruments").path]
        for (k, v) in env { vars[k] = v }
        let assignments = vars.keys.sorted().map { "\($0)=\(TmuxPane.quote(vars[$0]!))" }.joined(separator: " ")
        // The shell keeps running (a no-op trap, which the command does not inherit) to write the status.
        let command = "trap : INT QUIT; env \(assignments) \(TmuxPane.quote(WavesProcess.executable.path)) "
            + args.map(TmuxPane.quote).joined(separator: " ")
            + "; echo $? > \(TmuxPane.quote(statusFile)); sleep 600"
        try tmux(["-f", "/dev/null", "new-session", "-d", "-x", String(columns), "-y", String(rows), "sh", "-c", command], starting: true)
        _ = try? tmux(["set-option", "-g", "status", "off"])
        try resize(columns: columns, rows: rows)
    }

    static func quote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    /// Runs a tmux client command; its output goes through a file. (Spawned with posix_spawn and
    /// waited for with waitpid: the client that starts the server hands it its descriptors, and
    /// Foundation's Process did not always see that client end.)
    @discardableResult
    private func tmux(_ args: [String], starting: Bool = false) throws -> String {
        let outPath = socket + ".out"
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, starting ? "/dev/null" : outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv = ["tmux", "-u", "-S", socket] + args
        var cargs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { for p in cargs { free(p) } }
        var pid: pid_t = 0
        let rc = posix_spawnp(&pid, "tmux", &actions, nil, &cargs, environ)
        guard rc == 0 else { throw NSError(domain: "tmux", code: Int(rc)) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        if starting { return "" }
        return (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
    }

    /// Types keys (tmux key names such as `Enter`, `Down`, `C-\\`, `BTab`, or literal text with `literal`).
    func send(_ keys: String..., literal: Bool = false) {
        _ = try? tmux(["send-keys", "-t", "0"] + (literal ? ["-l"] : []) + keys)
    }

    /// The visible screen, one line per row, trailing spaces removed.
    var screen: String {
        let text = (try? tmux(["capture-pane", "-p", "-t", "0"])) ?? ""
        return text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { String($0.reversed().drop(while: { $0 == " " }).reversed()) }.joined(separator: "\n")
    }

    /// Resizes the window (the program gets SIGWINCH).
    func resize(columns: Int, rows: Int) throws {
        try tmux(["resize-window", "-t", "0", "-x", String(columns), "-y", String(rows)])
    }

    /// Waits until the screen satisfies `condition`; false on timeout.
    @discardableResult
    func wait(timeout: TimeInterval = 10, _ condition: (String) -> Bool) -> Bool {
        let end = Date().addingTimeInterval(timeout)
        while Date() < end {
            if condition(screen) { return true }
            usleep(30_000)
        }
        return condition(screen)
    }

    /// Waits until the screen shows `text` (line breaks and runs of spaces read as one space).
    @discardableResult
    func waitFor(_ text: String, timeout: TimeInterval = 10) -> Bool {
        wait(timeout: timeout) { flat($0).contains(text) }
    }

    /// The command's exit status once it has ended (nil if it has not within `timeout`).
    func exitStatus(timeout: TimeInterval = 10) -> Int32? {
        let end = Date().addingTimeInterval(timeout)
        repeat {
            if let s = try? String(contentsOfFile: statusFile, encoding: .utf8),
               let n = Int32(s.trimmingCharacters(in: .whitespacesAndNewlines)) { return n }
            usleep(30_000)
        } while Date() < end
        return nil
    }

    /// Ends this pane's tmux server (and so the command, if still running).
    func close() { _ = try? tmux(["kill-server"]) }
}
