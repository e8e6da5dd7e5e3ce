import Foundation

/// A console that plays back scripted keys and lines and keeps everything written:
/// for tests and benchmarks.
public final class ScriptedConsole: Console {
    public var keys: [Key]
    public var lines: [String]
    public var size: TerminalSize
    /// Everything written, in order.
    public private(set) var output = ""
    /// Number of `write` calls (one per drawn frame in interactive mode).
    public private(set) var writes = 0
    /// When false, `write` only counts (benchmarks measuring drawing, not string growth).
    public var keepsOutput = true
    private var keyIndex = 0
    private var lineIndex = 0

    public init(keys: [Key] = [], lines: [String] = [], size: TerminalSize = .standard) {
        self.keys = keys; self.lines = lines; self.size = size
    }

    public func readKey() -> Key? {
        guard keyIndex < keys.count else { return nil }
        defer { keyIndex += 1 }
        return keys[keyIndex]
    }

    public func readLine() -> String? {
        guard lineIndex < lines.count else { return nil }
        defer { lineIndex += 1 }
        return lines[lineIndex]
    }

    public func write(_ text: String) {
        writes += 1
        if keepsOutput { output += text }
    }

    /// Forgets what was written.
    public func clearOutput() { output = ""; writes = 0 }

    /// Keys not yet read.
    public var remainingKeys: Int { keys.count - keyIndex }
    /// Lines not yet read.
    public var remainingLines: Int { lines.count - lineIndex }

    /// The last full screen drawn (text after the last cursor-home), without escape codes.
    public var lastScreen: String {
        let parts = output.components(separatedBy: "\u{1B}[H")
        return ScriptedConsole.stripEscapes(parts.last ?? "")
    }

    /// Text with CSI escape sequences removed and `\r\n` turned into `\n`.
    public static func stripEscapes(_ s: String) -> String {
        var out = ""
        var it = s.unicodeScalars.makeIterator()
        while let u = it.next() {
            if u == "\u{1B}" {
                guard let n = it.next() else { break }
                if n == "[" {
                    while let c = it.next(), !(0x40...0x7E).contains(c.value) {}
                }
                continue
            }
            if u == "\r" { continue }
            out.unicodeScalars.append(u)
        }
        return out
    }
}
