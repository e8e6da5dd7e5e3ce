import Foundation
import WavesTestSupport
import Glibc
import XCTest

/// A running `waves` process whose output is read as it comes, so a test can answer
/// prompts one at a time (plain mode through pipes) or press keys (interactive mode in a
/// pseudo-terminal), and signal it mid-survey.
final class LiveWaves: @unchecked Sendable {
    let process = Process()
    private let pumps = OutputPump()
    private var inputFD: Int32 = -1
    private var ptyMaster: Int32 = -1

    /// Output so far (stdout, or the terminal's output in pty mode).
    var output: String { pumps.output }
    var errors: String { pumps.errors }

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
        w.pumps.pump(out.fileHandleForReading.fileDescriptor, toErrors: false)
        w.pumps.pump(err.fileHandleForReading.fileDescriptor, toErrors: true)
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
        w.pumps.pump(master, toErrors: false)
        w.pumps.pump(err.fileHandleForReading.fileDescriptor, toErrors: true)
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

    /// The pseudo-terminal's settings after the process ended (pty mode).
    private(set) var finalTerminalSettings: termios?

    /// Writes raw text to the process's input (a line, or key bytes).
    func send(_ text: String) { OutputPump.send(text, to: inputFD) }

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
        pumps.stop()
        if ptyMaster >= 0 {
            var t = termios()
            if tcgetattr(ptyMaster, &t) == 0 { finalTerminalSettings = t }
            close(ptyMaster); ptyMaster = -1
        }
        return process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
    }
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
