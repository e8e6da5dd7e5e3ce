import Foundation
import WavesTestSupport
import Glibc
import XCTest

/// A running `waves` process whose output is read as it comes, so a test can answer
/// prompts one at a time (plain mode through pipes) or press keys (interactive mode in a
/// pseudo-terminal), and signal it mid-survey.
final class LiveWaves: @unchecked Sendable {
    let process = Process()
    private let lock = NSLock()
    private var buffer = Data()
    private var stderrBuffer = Data()
    private var inputFD: Int32 = -1
    private var ptyMaster: Int32 = -1
    private var readers = DispatchGroup()

    /// Output so far (stdout, or the terminal's output in pty mode).
    var output: String { lock.lock(); defer { lock.unlock() }; return String(decoding: buffer, as: UTF8.self) }
    var errors: String { lock.lock(); defer { lock.unlock() }; return String(decoding: stderrBuffer, as: UTF8.self) }

    /// Starts `waves args` with stdin and stdout on pipes (plain mode).
    static func pipes(_ args: [String], env: [String: String] = [:]) throws -> LiveWaves {
        let w = LiveWaves()
        try w.configure(args, env: env)
        let inp = Pipe(), out = Pipe(), err = Pipe()
        w.process.standardInput = inp
        w.process.standardOutput = out
        w.process.standardError = err
        try w.process.run()
        w.inputFD = inp.fileHandleForWriting.fileDescriptor
        w.pump(out.fileHandleForReading.fileDescriptor, stderr: false)
        w.pump(err.fileHandleForReading.fileDescriptor, stderr: true)
        return w
    }

    /// Starts `waves args` on a new pseudo-terminal of `columns` x `rows` (interactive mode).
    static func pty(_ args: [String], columns: UInt16 = 80, rows: UInt16 = 24, env: [String: String] = [:]) throws -> (LiveWaves, slave: Int32) {
        let w = LiveWaves()
        try w.configure(args, env: env)
        var master: Int32 = -1, slave: Int32 = -1
        var size = winsize(ws_row: rows, ws_col: columns, ws_xpixel: 0, ws_ypixel: 0)
        guard openpty(&master, &slave, nil, nil, &size) == 0 else { throw NSError(domain: "openpty", code: Int(errno)) }
        // The child gets a duplicate (Process closes what it is given); the test keeps `slave`.
        let handle = FileHandle(fileDescriptor: dup(slave), closeOnDealloc: true)
        w.process.standardInput = handle
        w.process.standardOutput = handle
        let err = Pipe()
        w.process.standardError = err
        try w.process.run()
        w.ptyMaster = master
        w.inputFD = master
        w.pump(master, stderr: false)
        w.pump(err.fileHandleForReading.fileDescriptor, stderr: true)
        return (w, slave)
    }

    private func configure(_ args: [String], env: [String: String]) throws {
        process.executableURL = try WavesProcess.checkedExecutable()
        process.arguments = args
        var e = ProcessInfo.processInfo.environment
        e["WAVES_INSTRUMENTS"] = WavesProcess.repoRoot.appendingPathComponent("instruments").path
        for (k, v) in env { e[k] = v }
        process.environment = e
    }

    private var stopping = false
    /// The pseudo-terminal's settings after the process ended (pty mode).
    private(set) var finalTerminalSettings: termios?

    private func pump(_ fd: Int32, stderr: Bool) {
        readers.enter()
        Thread.detachNewThread { [self] in
            var chunk = [UInt8](repeating: 0, count: 4096)
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
                if stderr { stderrBuffer.append(contentsOf: chunk[0..<n]) } else { buffer.append(contentsOf: chunk[0..<n]) }
                lock.unlock()
            }
            readers.leave()
        }
    }

    /// Writes raw text to the process's input (a line, or key bytes).
    func send(_ text: String) {
        var bytes = Array(text.utf8)
        var off = 0
        while off < bytes.count {
            let n = bytes.withUnsafeMutableBytes { write(inputFD, $0.baseAddress! + off, $0.count - off) }
            if n <= 0 { if errno == EINTR { continue }; return }
            off += n
        }
        bytes.removeAll()
    }

    /// Waits until the output satisfies `condition` (checked on the whole output); false on timeout.
    @discardableResult
    func wait(timeout: TimeInterval = 10, _ condition: (String) -> Bool) -> Bool {
        let end = Date().addingTimeInterval(timeout)
        while Date() < end {
            if condition(output) { return true }
            if !process.isRunning && condition(output) == false {
                // Give the reader a moment to drain what the process wrote last.
                usleep(50_000)
                return condition(output)
            }
            usleep(5_000)
        }
        return condition(output)
    }

    /// Waits until the output after `from` characters contains `text`.
    @discardableResult
    func waitFor(_ text: String, after from: Int = 0, timeout: TimeInterval = 10) -> Bool {
        wait(timeout: timeout) { out in out.count >= from && String(out.dropFirst(from)).contains(text) }
    }

    func signal(_ sig: Int32) { kill(process.processIdentifier, sig) }

    /// Closes the input and waits for the process; returns its exit status (128 + signal when killed).
    @discardableResult
    func finish(timeout: TimeInterval = 20) -> Int32 {
        if ptyMaster < 0, inputFD >= 0 { close(inputFD); inputFD = -1 }
        let end = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < end { usleep(10_000) }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        // Let the readers drain what the process wrote last, then stop them.
        usleep(100_000)
        lock.lock(); stopping = true; lock.unlock()
        _ = readers.wait(timeout: .now() + 5)
        if ptyMaster >= 0 {
            var t = termios()
            if tcgetattr(ptyMaster, &t) == 0 { finalTerminalSettings = t }
            close(ptyMaster); ptyMaster = -1
        }
        return process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
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

/// The last full screen in an interactive output stream (text after the last cursor-home).
func lastScreen(_ s: String) -> String {
    stripTerminalCodes(s.components(separatedBy: "\u{1B}[H").last ?? "")
}

/// Text with every run of whitespace (line breaks included) made one space: for phrases a screen may wrap.
func flat(_ s: String) -> String {
    s.split(whereSeparator: { $0 == " " || $0 == "\n" }).joined(separator: " ")
}

/// Dates and times in transcripts replaced by placeholders, so goldens are stable.
func maskTimes(_ s: String) -> String {
    s.replacingOccurrences(of: #"\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC"#, with: "YYYY-MM-DD hh:mm UTC", options: .regularExpression)
}

/// Reads the store's records as JSON objects, in file order.
func storeRecords(_ study: String) throws -> [[String: Any]] {
    let text = (try? String(contentsOfFile: study + "/data/responses.jsonl", encoding: .utf8)) ?? ""
    return try text.split(separator: "\n").map {
        try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
    }
}

/// A study made by `waves init` with a roster of two mentees and a peer mentor.
func makeTakeStudy(in dir: URL) throws -> String {
    let study = dir.appendingPathComponent("study").path
    let r = try WavesProcess.run(["init", study, "--id", "take"])
    XCTAssertEqual(r.status, 0, r.stderr)
    try "participant,role\nP001,peer-mentor\nP002,mentee\nP003,mentee\n".write(toFile: study + "/roster.csv", atomically: true, encoding: .utf8)
    return study
}
