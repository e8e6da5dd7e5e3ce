import Foundation
import WavesCore
import Glibc

// State shared with signal handlers: only plain values, set before handlers can run.
nonisolated(unsafe) private var savedTermios = termios()
nonisolated(unsafe) private var rawModeFD: Int32 = -1
nonisolated(unsafe) private var resizePipe: (read: Int32, write: Int32) = (-1, -1)

/// Leaves the alternate screen, resets attributes and shows the cursor again.
private let restoreSequence: StaticString = "\u{1B}[0m\u{1B}[?25h\u{1B}[?1049l"

private func onResize(_: Int32) {
    let saved = errno
    var b: UInt8 = 1
    if resizePipe.write >= 0 { _ = Glibc.write(resizePipe.write, &b, 1) }
    errno = saved
}

/// The real terminal in raw mode (interactive survey).
///
/// `start` saves the terminal settings, switches to raw mode (`cfmakeraw`: no echo, no
/// line editing, Ctrl-C delivered as byte 3), the alternate screen and a hidden cursor,
/// and watches SIGWINCH; `stop` undoes all of it and is safe to call more than once.
/// `restoreAfterSignal` does the same using only async-signal-safe calls, for the
/// SIGHUP / SIGTERM handlers of the command line. Keys are read from the descriptor
/// with `poll`; after ESC a short wait decides between a lone Escape and an arrow sequence.
public final class TerminalConsole: Console {
    public let input: Int32
    public let output: Int32
    private var pending: [UInt8] = []
    private let decoder = KeyDecoder()
    private var started = false
    /// How long to wait for the rest of an escape sequence, in milliseconds.
    public var escapeWait: Int32 = 40

    public init(input: Int32 = STDIN_FILENO, output: Int32 = STDOUT_FILENO) {
        self.input = input; self.output = output
    }

    /// Enters raw mode and the alternate screen; throws when the input is not a terminal.
    public func start() throws {
        guard !started else { return }
        var t = termios()
        guard tcgetattr(input, &t) == 0 else { throw TerminalError.notATerminal }
        savedTermios = t
        var raw = t
        cfmakeraw(&raw)
        // cfmakeraw leaves VMIN 1, VTIME 0 (read returns after one byte) and output
        // processing off (screens send \r\n themselves).
        guard tcsetattr(input, TCSAFLUSH, &raw) == 0 else { throw TerminalError.notATerminal }
        rawModeFD = input
        started = true
        var fds: [Int32] = [-1, -1]
        if pipe(&fds) == 0 {
            _ = fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK)
            _ = fcntl(fds[1], F_SETFL, fcntl(fds[1], F_GETFL) | O_NONBLOCK)
            _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
            _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
            resizePipe = (fds[0], fds[1])
            signal(SIGWINCH, onResize)
        }
        write("\u{1B}[?1049h\u{1B}[?25l\u{1B}[H\u{1B}[2J")
    }

    /// Restores the terminal as it was (settings, main screen, cursor shown).
    public func stop() {
        guard started else { return }
        started = false
        signal(SIGWINCH, SIG_DFL)
        restoreSequence.withUTF8Buffer { b in FileIO.writeAll(output, UnsafeRawBufferPointer(b)) }
        _ = tcsetattr(input, TCSAFLUSH, &savedTermios)
        rawModeFD = -1
        if resizePipe.read >= 0 { close(resizePipe.read); close(resizePipe.write); resizePipe = (-1, -1) }
    }

    deinit { stop() }

    /// Restores the terminal from a signal handler (async-signal-safe: one bare `write` and
    /// `tcsetattr` only; `FileIO` may allocate an error, which a signal handler must not).
    public static func restoreAfterSignal() {
        let fd = rawModeFD
        guard fd >= 0 else { return }
        restoreSequence.withUTF8Buffer { b in _ = Glibc.write(STDOUT_FILENO, b.baseAddress, b.count) }
        _ = tcsetattr(fd, TCSANOW, &savedTermios)
        rawModeFD = -1
    }

    public func readKey() -> Key? {
        while true {
            if !pending.isEmpty, let (key, used) = decoder.decode(pending[...], complete: false) {
                pending.removeFirst(min(max(used, 1), pending.count))
                if let key { return key }
                continue
            }
            if pending.first == 0x1B {
                // Part of an escape sequence: wait briefly for the rest.
                if !waitForInput(timeout: escapeWait) {
                    if let (key, used) = decoder.decode(pending[...], complete: true) {
                        pending.removeFirst(min(max(used, 1), pending.count))
                        if let key { return key }
                    }
                    continue
                }
                guard fill() else { return nil }
                continue
            }
            var fds = [pollfd(fd: input, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: resizePipe.read, events: Int16(POLLIN), revents: 0)]
            if resizePipe.read < 0 { fds.removeLast() }
            // EINTR (a SIGWINCH among others) is retried inside; the resize pipe then reports it.
            let n = FileIO.poll(&fds, timeout: -1)
            if n < 0 { return nil }
            if resizePipe.read >= 0 && fds[1].revents & Int16(POLLIN) != 0 {
                var sink = [UInt8](repeating: 0, count: 64)
                while (sink.withUnsafeMutableBytes { FileIO.read(resizePipe.read, into: $0) } ?? 0) > 0 {}
                return .resize
            }
            if fds[0].revents & Int16(POLLIN | POLLHUP | POLLERR) != 0 {
                guard fill() else { return nil }
            }
        }
    }

    /// Reads what is available into `pending`; false at end of input (terminal closed).
    private func fill() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 256)
        guard let n = chunk.withUnsafeMutableBytes({ FileIO.read(input, into: $0) }), n > 0 else { return false }
        pending.append(contentsOf: chunk[0..<n])
        return true
    }

    private func waitForInput(timeout: Int32) -> Bool {
        var fds = [pollfd(fd: input, events: Int16(POLLIN), revents: 0)]
        return FileIO.poll(&fds, timeout: timeout) > 0
    }

    /// Reads a line by keys (only used if plain prompts are shown on a raw terminal).
    public func readLine() -> String? {
        var line = ""
        while let key = readKey() {
            switch key {
            case .enter: write("\r\n"); return line
            case .character(let c): line.append(c); write(SafeText.terminal(String(c)))
            case .backspace: if !line.isEmpty { line.removeLast(); write("\u{8} \u{8}") }
            case .interrupt, .endOfInput: return nil
            default: break
            }
        }
        return nil
    }

    public func write(_ text: String) { FileDescriptorIO.writeAll(output, text) }

    public var size: TerminalSize { FileDescriptorIO.size(output) ?? FileDescriptorIO.size(input) ?? .standard }
}

/// The terminal could not be put into raw mode.
public enum TerminalError: Error, LocalizedError {
    case notATerminal
    public var errorDescription: String? { "the input is not a terminal that can be put into raw mode" }
}
