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
            if error is LoadError { message = (error as! LoadError).problems.map(\.description).joined(separator: "\n") }
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
public enum Output {
    public static func out(_ s: String, terminator: String = "\n") { write(1, s + terminator) }
    public static func err(_ s: String) { write(2, s + "\n") }
    static func write(_ fd: Int32, _ s: String) { FileIO.writeAll(fd, s) }
}

/// A user-facing failure with a plain message and exit code 1.
struct CLIFailure: Error, LocalizedError {
    var message: String
    init(_ message: String) { self.message = message }
    var errorDescription: String? { message }
}
