import Foundation
import Glibc
import WavesTestSupport

/// A process whose output is read as it comes: `waves serve` on pipes, or the OpenSSH client
/// on a pseudo-terminal of the test's own (so it runs exactly as in a participant's terminal
/// window, raw mode included), with keys sent and the window resized by the test.
final class LiveProcess: @unchecked Sendable {
    let process = Process()
    private let pumps = OutputPump()
    private var master: Int32 = -1
    private var slave: Int32 = -1

    var output: String { pumps.output }
    var errors: String { pumps.errors }

    /// Starts with stdout and stderr on pipes and stdin from /dev/null.
    static func pipes(_ path: String, _ args: [String], env: [String: String] = [:]) throws -> LiveProcess {
        let p = LiveProcess()
        p.configure(path, args, env)
        let out = Pipe(), err = Pipe()
        p.process.standardInput = FileHandle.nullDevice
        p.process.standardOutput = out
        p.process.standardError = err
        try p.process.run()
        p.pumps.pump(out.fileHandleForReading.fileDescriptor, toErrors: false)
        p.pumps.pump(err.fileHandleForReading.fileDescriptor, toErrors: true)
        return p
    }

    /// Starts on a new pseudo-terminal of `columns` x `rows` (stdin and stdout), stderr on a pipe.
    static func pty(_ path: String, _ args: [String], columns: UInt16 = 80, rows: UInt16 = 24, env: [String: String] = [:]) throws -> LiveProcess {
        let p = LiveProcess()
        p.configure(path, args, env)
        var size = winsize(ws_row: rows, ws_col: columns, ws_xpixel: 0, ws_ypixel: 0)
        guard openpty(&p.master, &p.slave, nil, nil, &size) == 0 else { throw NSError(domain: "openpty", code: Int(errno)) }
        let handle = FileHandle(fileDescriptor: dup(p.slave), closeOnDealloc: true)
        p.process.standardInput = handle
        p.process.standardOutput = handle
        let err = Pipe()
        p.process.standardError = err
        try p.process.run()
        p.pumps.pump(p.master, toErrors: false)
        p.pumps.pump(err.fileHandleForReading.fileDescriptor, toErrors: true)
        return p
    }

    private func configure(_ path: String, _ args: [String], _ env: [String: String]) {
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = args
        var e = ProcessInfo.processInfo.environment
        for (k, v) in env { e[k] = v }
        process.environment = e
    }

    /// Types text into the pseudo-terminal (keys as bytes: "\r" is Enter, "\u{1B}[B" Down).
    func send(_ text: String) { OutputPump.send(text, to: master) }

    /// Resizes the terminal window and tells the client, as a terminal emulator does.
    func resize(columns: UInt16, rows: UInt16) {
        var size = winsize(ws_row: rows, ws_col: columns, ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(master, UInt(TIOCSWINSZ), &size)
        kill(process.processIdentifier, SIGWINCH)
    }

    /// Waits until the output satisfies `condition`; false on timeout.
    @discardableResult
    func wait(timeout: TimeInterval = 15, _ condition: (String) -> Bool) -> Bool {
        let end = Date().addingTimeInterval(timeout)
        while Date() < end {
            if condition(output) { return true }
            if !process.isRunning { usleep(100_000); return condition(output) }
            usleep(10_000)
        }
        return condition(output)
    }

    /// Waits until stderr satisfies `condition`.
    @discardableResult
    func waitErrors(timeout: TimeInterval = 15, _ condition: (String) -> Bool) -> Bool {
        let end = Date().addingTimeInterval(timeout)
        while Date() < end && !condition(errors) { usleep(10_000) }
        return condition(errors)
    }

    func signal(_ sig: Int32) { kill(process.processIdentifier, sig) }

    /// Waits for the process (SIGKILL after `timeout`); its exit status, or 128 + signal.
    @discardableResult
    func finish(timeout: TimeInterval = 15) -> Int32 {
        let end = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < end { usleep(10_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        pumps.stop()
        if master >= 0 { close(master); close(slave); master = -1; slave = -1 }
        return process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}
