import Foundation
import WavesCore
import Glibc

/// A console on two file descriptors without any terminal control: plain mode.
///
/// Lines are read with the descriptor's own buffer (no stdio), so nothing is read
/// ahead of what the survey asks for beyond the buffer; writes go straight to the
/// descriptor, retried on EINTR and short writes (`FileIO`).
public final class StreamConsole: Console {
    public let input: Int32
    public let output: Int32
    private var buffer: [UInt8] = []
    private var atEnd = false

    public init(input: Int32 = STDIN_FILENO, output: Int32 = STDOUT_FILENO) {
        self.input = input; self.output = output
    }

    public func readLine() -> String? {
        while true {
            if let nl = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                var line = Array(buffer[..<nl])
                buffer.removeSubrange(...nl)
                if line.last == UInt8(ascii: "\r") { line.removeLast() }
                return String(decoding: line, as: UTF8.self)
            }
            if atEnd {
                guard !buffer.isEmpty else { return nil }
                let line = buffer
                buffer.removeAll()
                return String(decoding: line, as: UTF8.self)
            }
            var chunk = [UInt8](repeating: 0, count: 4096)
            guard let n = chunk.withUnsafeMutableBytes({ FileIO.read(input, into: $0) }), n > 0 else { atEnd = true; continue }
            buffer.append(contentsOf: chunk[0..<n])
        }
    }

    public func readKey() -> Key? {
        // Plain mode reads lines; a key is the first character of the next line.
        guard let line = readLine() else { return nil }
        return line.first.map { .character($0) } ?? .enter
    }

    public func write(_ text: String) { FileDescriptorIO.writeAll(output, text) }

    public var size: TerminalSize { FileDescriptorIO.size(output) ?? .standard }
}

/// Small helpers over raw descriptors.
public enum FileDescriptorIO {
    /// Writes every byte (`FileIO.writeAll`: EINTR and short writes retried); gives up silently
    /// on other errors (a closed terminal cannot be told anything).
    public static func writeAll(_ fd: Int32, _ text: String) { FileIO.writeAll(fd, text) }

    /// The window size of a terminal descriptor, or nil.
    public static func size(_ fd: Int32) -> TerminalSize? {
        var ws = winsize()
        guard ioctl(fd, UInt(TIOCGWINSZ), &ws) == 0, ws.ws_col > 0, ws.ws_row > 0 else { return nil }
        return TerminalSize(columns: Int(ws.ws_col), rows: Int(ws.ws_row))
    }

    /// Whether the descriptor is a terminal.
    public static func isTerminal(_ fd: Int32) -> Bool { isatty(fd) == 1 }
}
