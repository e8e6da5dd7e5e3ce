import Foundation
import WavesCore
import WavesSurvey

/// A `Console` over one SSH session channel: what a participant's `ssh -t` terminal is to
/// the survey.
///
/// It behaves as a terminal that `TerminalConsole.start()` has put in raw mode: keys are
/// decoded from the channel's bytes with the survey's `KeyDecoder` (after ESC, a short wait
/// decides between a lone Escape and an arrow sequence), a `window-change` request arrives as
/// `Key.resize`, and the end of the session (client gone, idle, server shutting down) makes
/// `readKey` return nil from then on.
///
/// Output and `onlcr`: on a real server the pseudo-terminal's line discipline turns `\n`
/// into `\r\n` when the client's terminal modes ask for `onlcr` (opcode 72 of RFC 4254
/// §8; on unless the client says 0), and a raw-mode program turns output processing off and
/// writes `\r\n` itself, as the interactive survey does. One rule serves both here: a `\n`
/// not already preceded by `\r` goes out as `\r\n`, unless the client turned `onlcr` off.
/// Text that already ends lines with `\r\n` passes unchanged.
///
/// Only the flow's thread reads; `write` may be called from any thread.
final class SSHConsole: Console, @unchecked Sendable {
    let input: SessionInput
    /// How long to wait for the rest of an escape sequence. Longer than on a local terminal
    /// (40 ms) because bytes cross a network; the client sends a key's bytes in one packet.
    var escapeWait: TimeInterval = 0.1
    private let translateNewlines: Bool
    private let output: @Sendable ([UInt8]) -> Void
    private let decoder = KeyDecoder()
    private var pending: [UInt8] = []
    private let lock = NSLock()
    private var currentSize: TerminalSize
    private var lastWasCR = false

    /// - Parameters:
    ///   - output: sends bytes to the channel (the network side applies back-pressure).
    init(input: SessionInput, size: TerminalSize, translateNewlines: Bool, output: @escaping @Sendable ([UInt8]) -> Void) {
        self.input = input
        self.currentSize = SSHConsole.usable(size)
        self.translateNewlines = translateNewlines
        self.output = output
    }

    /// A size from the client, or 80 x 24 when it gave none (0 means "unknown" in RFC 4254).
    static func usable(_ s: TerminalSize) -> TerminalSize {
        TerminalSize(columns: s.columns > 0 ? min(s.columns, 1000) : 80, rows: s.rows > 0 ? min(s.rows, 1000) : 24)
    }

    var size: TerminalSize { lock.lock(); defer { lock.unlock() }; return currentSize }

    /// A `window-change` request (network thread): the next `readKey` returns `.resize`.
    func resize(to newSize: TerminalSize) {
        lock.lock(); currentSize = SSHConsole.usable(newSize); lock.unlock()
        input.signalResize()
    }

    func readKey() -> Key? {
        while true {
            if !pending.isEmpty, let (key, used) = decoder.decode(pending[...], complete: false) {
                pending.removeFirst(min(max(used, 1), pending.count))
                if let key { return key }
                continue
            }
            // Either nothing is pending, or the start of a key whose rest has not arrived yet.
            switch input.next(within: pending.isEmpty ? nil : escapeWait) {
            case .bytes(let b): pending += b
            case .resize: return .resize
            case .ended: pending.removeAll(); return nil
            case .timeout:
                if let (key, used) = decoder.decode(pending[...], complete: true) {
                    pending.removeFirst(min(max(used, 1), pending.count))
                    if let key { return key }
                } else {
                    pending.removeAll()
                }
            }
        }
    }

    func readLine() -> String? { readLineByKeys() }

    func write(_ text: String) {
        guard !text.isEmpty else { return }
        lock.lock()
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count + 16)
        for b in text.utf8 {
            if translateNewlines && b == 0x0A && !lastWasCR { out.append(0x0D) }
            out.append(b)
            lastWasCR = b == 0x0D
        }
        lock.unlock()
        output(out)
    }

    /// What `TerminalConsole.start` sends: the alternate screen, cursor hidden, screen cleared.
    func enterScreen() { write("\u{1B}[?1049h\u{1B}[?25l\u{1B}[H\u{1B}[2J") }

    /// What `TerminalConsole.stop` sends: attributes reset, cursor shown, main screen back.
    func leaveScreen() { write("\u{1B}[0m\u{1B}[?25h\u{1B}[?1049l") }
}
