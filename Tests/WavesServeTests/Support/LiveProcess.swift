import Foundation
import Glibc

/// A process whose output is read as it comes: `waves serve` on pipes, or the OpenSSH client
/// on a pseudo-terminal of the test's own (so it runs exactly as in a participant's terminal
/// window, raw mode included), with keys sent and the window resized by the test.
final class LiveProcess: @unchecked Sendable {
    let process = Process()
    private let lock = NSLock()
    private var outBuffer = Data()
    private var errBuffer = Data()
    private var master: Int32 = -1
    private var slave: Int32 = -1
    private var stopping = false
    private let readers = DispatchGroup()

    var output: String { lock.lock(); defer { lock.unlock() }; return String(decoding: outBuffer, as: UTF8.self) }
    var errors: String { lock.lock(); defer { lock.unlock() }; return String(decoding: errBuffer, as: UTF8.self) }

    /// Starts with stdout and stderr on pipes and stdin from /dev/null.
    static func pipes(_ path: String, _ args: [String], env: [String: String] = [:]) throws -> LiveProcess {
        let p = LiveProcess()
        p.configure(path, args, env)
        let out = Pipe(), err = Pipe()
        p.process.standardInput = FileHandle.nullDevice
        p.process.standardOutput = out
        p.process.standardError = err
        try p.process.run()
        p.pump(out.fileHandleForReading.fileDescriptor, toErrors: false)
        p.pump(err.fileHandleForReading.fileDescriptor, toErrors: true)
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
        p.pump(p.master, toErrors: false)
        p.pump(err.fileHandleForReading.fileDescriptor, toErrors: true)
        return p
    }

    private func configure(_ path: String, _ args: [String], _ env: [String: String]) {
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = args
        var e = ProcessInfo.processInfo.environment
        for (k, v) in env { e[k] = v }
        process.environment = e
    }

    private func pump(_ fd: Int32, toErrors: Bool) {
        readers.enter()
        Thread.detachNewThread { [self] in
            var chunk = [UInt8](repeating: 0, count: 8192)
            while true {
                var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                let ready = poll(&p, 1, 50)
                if ready == 0 {
                    lock.lock(); let stop = stopping; lock.unlock()
                    if stop { break }
                    continue
                }
                if ready < 0 { if errno == EINTR { continue }; break }
                let n = read(fd, &chunk, chunk.count)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                lock.lock()
                if toErrors { errBuffer.append(contentsOf: chunk[0..<n]) } else { outBuffer.append(contentsOf: chunk[0..<n]) }
                lock.unlock()
            }
            readers.leave()
        }
    }

    /// Types text into the pseudo-terminal (keys as bytes: "\r" is Enter, "\u{1B}[B" Down).
    func send(_ text: String) {
        var bytes = Array(text.utf8)
        var off = 0
        while off < bytes.count {
            let n = bytes.withUnsafeMutableBytes { write(master, $0.baseAddress! + off, $0.count - off) }
            if n <= 0 { if errno == EINTR { continue }; return }
            off += n
        }
        bytes.removeAll()
    }

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
        usleep(100_000)
        lock.lock(); stopping = true; lock.unlock()
        _ = readers.wait(timeout: .now() + 5)
        if master >= 0 { close(master); close(slave); master = -1; slave = -1 }
        return process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}

/// Plain text of a terminal stream: escape sequences removed, `\r` dropped.
func stripTerminalCodes(_ s: String) -> String {
    var out = ""
    var it = s.unicodeScalars.makeIterator()
    while let u = it.next() {
        if u == "\u{1B}" {
            guard let n = it.next() else { break }
            if n == "[" { while let c = it.next(), !(0x40...0x7E).contains(c.value) {} }
            continue
        }
        if u == "\r" { continue }
        out.unicodeScalars.append(u)
    }
    return out
}

/// The last full screen in a terminal stream (text after the last cursor-home).
func lastScreen(_ s: String) -> String {
    stripTerminalCodes(s.components(separatedBy: "\u{1B}[H").last ?? "")
}
