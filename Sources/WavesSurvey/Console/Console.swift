import Foundation
import WavesCore

/// The size of a terminal in character cells.
public struct TerminalSize: Equatable, Sendable {
    public var columns: Int
    public var rows: Int
    public init(columns: Int, rows: Int) { self.columns = columns; self.rows = rows }
    /// The size assumed when the terminal does not say (80 x 24).
    public static let standard = TerminalSize(columns: 80, rows: 24)
}

/// Where the survey reads from and writes to: a real terminal, a pipe, or a script in tests.
///
/// Interactive mode uses `readKey`, plain mode `readLine`; both use `write`.
/// Implementations never interpret what is written.
public protocol Console: AnyObject {
    /// The next key, or nil at the end of input (closed terminal, end of script).
    func readKey() -> Key?
    /// The next line without its line ending, or nil at the end of input.
    func readLine() -> String?
    /// Writes text as it is (the caller has neutralised anything untrusted).
    func write(_ text: String)
    /// The current size (80 x 24 when unknown).
    var size: TerminalSize { get }
}

extension Console {
    /// A line edited by keys and echoed, as a cooked terminal would do it, for consoles in raw
    /// mode (an SSH channel; `TerminalConsole.readLine` does the same): printable characters
    /// are shown (made safe), Backspace erases the last one, Enter ends the line; nil on
    /// Ctrl-C, Ctrl-D or the end of input. At most `maxLength` characters are kept.
    public func readLineByKeys(maxLength: Int = 1024) -> String? {
        var line = ""
        while let key = readKey() {
            switch key {
            case .enter: write("\r\n"); return line
            case .character(let c) where line.count < maxLength:
                line.append(c); write(SafeText.terminal(String(c)))
            case .backspace: if !line.isEmpty { line.removeLast(); write("\u{8} \u{8}") }
            case .interrupt, .endOfInput: return nil
            default: break
            }
        }
        return nil
    }
}
