import ArgumentParser
import Foundation
import WavesCore
#if canImport(Glibc)
import Glibc
#endif

/// Entry point used by the one-line `waves` executable.
///
/// Exit codes follow spec/cli.md: 0 success, 1 bad data or arguments the user
/// can fix, 2 usage errors (ArgumentParser's own 64 is mapped to 2).
public enum WavesCLI {
    public static func main(_ arguments: [String]? = nil) -> Never {
        do {
            var command = try WavesCommand.parseAsRoot(arguments)
            try command.run()
            exit(0)
        } catch {
            let code = WavesCommand.exitCode(for: error)
            var message = WavesCommand.fullMessage(for: error)
            // Located problems already read "file:line:col: ..."; other errors get a plain "error:" prefix.
            if let load = error as? LoadError { message = load.problems.map(\.description).joined(separator: "\n") }
            else if let e = error as? LocalizedError, !(error is ExitCode), let d = e.errorDescription { message = "error: " + d }
            if code == .success {
                if !message.isEmpty { Output.out(message) }
                exit(0)
            }
            var status = code.rawValue
            if status == ExitCode.validationFailure.rawValue { status = 2 }
            if !message.isEmpty { Output.err(message) }
            exit(status)
        }
    }
}

/// Writing to stdout and stderr through the file descriptors (Glibc's `stdout` is not Swift 6 safe).
///
/// The one way out to the user's terminal, and the structural half of the safety layer:
/// `out` and `err` pass every text through `SafeText.terminal` (control characters and
/// bidirectional overrides shown as `^[`, `^G`, `<U+202E>`; newlines kept; tabs become spaces),
/// so no title, label, id or message from a study file, a record or a participant can retitle
/// the window, clear the screen or reorder text, whichever command prints it. `record` writes
/// text that a writer of the safety layer already made safe and whose bytes matter: CSV records
/// (`CSVWriter`, CRLF line ends) and JSON (`JSONOutput`, controls escaped as `\\uXXXX`). The
/// survey's own screen control goes through its `Console`, never through here.
public enum Output {
    public static func out(_ s: String, terminator: String = "\n") { write(1, SafeText.terminal(s) + terminator) }
    public static func err(_ s: String) { write(2, SafeText.terminal(s) + "\n") }
    /// Already-safe output whose bytes are kept as they are (CSV, escaped JSON).
    static func record(_ s: String) { write(1, s) }
    /// Already-safe output given as bytes (`ScoreOutput`).
    static func bytes(_ b: UnsafeRawBufferPointer) { FileIO.writeAll(1, b) }
    static func write(_ fd: Int32, _ s: String) { FileIO.writeAll(fd, s) }
}

/// A user-facing failure with a plain message and exit code 1.
struct CLIFailure: Error, LocalizedError {
    var message: String
    init(_ message: String) { self.message = message }
    var errorDescription: String? { message }
}
