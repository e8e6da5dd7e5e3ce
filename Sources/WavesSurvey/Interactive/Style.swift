import Foundation

/// How screens are decorated: colours (off with `NO_COLOR`), and Unicode symbols or ASCII.
///
/// Meaning never depends on colour alone: the highlighted option also carries a `>`
/// marker and the saved answer says "(your answer)". Without colour, bold and reverse
/// video (attributes, not colours, so allowed by https://no-color.org) still mark focus.
public struct Style: Sendable, Equatable {
    public var colors: Bool
    public var unicode: Bool

    public init(colors: Bool, unicode: Bool) { self.colors = colors; self.unicode = unicode }

    /// From the environment: `NO_COLOR` (any non-empty value) turns colour off; a UTF-8
    /// locale (`LC_ALL`, `LC_CTYPE`, `LANG`) allows Unicode symbols.
    public static func detect(_ env: [String: String] = ProcessInfo.processInfo.environment) -> Style {
        let noColor = !(env["NO_COLOR"] ?? "").isEmpty
        let locale = env["LC_ALL"].flatMap { $0.isEmpty ? nil : $0 }
            ?? env["LC_CTYPE"].flatMap { $0.isEmpty ? nil : $0 } ?? env["LANG"] ?? ""
        let utf8 = locale.lowercased().contains("utf-8") || locale.lowercased().contains("utf8")
        return Style(colors: !noColor, unicode: utf8)
    }

    var rule: Character { unicode ? "─" : "-" }
    var up: String { unicode ? "↑" : "Up" }
    var down: String { unicode ? "↓" : "Down" }
    var left: String { unicode ? "←" : "Left" }
    var right: String { unicode ? "→" : "Right" }
    var ellipsis: String { unicode ? "…" : "..." }
    var bullet: String { unicode ? "·" : "-" }

    /// The escape codes around a line of this kind.
    func wrap(_ text: String, _ kind: LineKind) -> String {
        let esc = "\u{1B}["
        switch kind {
        case .plain: return text
        case .bold: return esc + "1m" + text + esc + "0m"
        case .title: return esc + (colors ? "1;36m" : "1m") + text + esc + "0m"
        case .dim: return esc + "2m" + text + esc + "0m"
        case .highlight: return esc + (colors ? "1;7;36m" : "1;7m") + text + esc + "0m"
        case .warning: return esc + (colors ? "1;33m" : "1m") + text + esc + "0m"
        case .accent: return esc + (colors ? "32m" : "1m") + text + esc + "0m"
        }
    }
}

/// The look of one screen line.
public enum LineKind: Sendable, Equatable {
    case plain, bold, title, dim, highlight, warning, accent
}

/// One line of a screen: plain text (already neutralised and fitted) and its look.
public struct ScreenLine: Sendable, Equatable {
    public var text: String
    public var kind: LineKind
    public init(_ text: String, _ kind: LineKind = .plain) { self.text = text; self.kind = kind }
    static let blank = ScreenLine("")
}

/// A whole screen, drawn in one write: home the cursor, each line followed by
/// erase-to-end-of-line, then erase below. Nothing scrolls, so nothing flickers.
public struct Frame: Sendable, Equatable {
    public var lines: [ScreenLine]

    public init(_ lines: [ScreenLine]) { self.lines = lines }

    /// The escape-coded text for a terminal of `size`; `clear` first erases the whole screen (after a resize).
    public func rendered(size: TerminalSize, style: Style, clear: Bool = false) -> String {
        let width = max(size.columns - 1, 1)
        var out = clear ? "\u{1B}[H\u{1B}[2J" : "\u{1B}[H"
        let shown = lines.prefix(max(size.rows, 1))
        for (i, line) in shown.enumerated() {
            var text = TextLayout.truncate(line.text, width: width)
            if line.kind == .highlight { text = TextLayout.pad(text, width: min(width, max(TextLayout.width(text), 1))) }
            out += text.isEmpty ? "" : style.wrap(text, line.kind)
            out += "\u{1B}[K"
            if i < shown.count - 1 { out += "\r\n" }
        }
        out += "\u{1B}[J"
        return out
    }

    /// The screen as plain text, one line per row (tests and logs).
    public var text: String { lines.map(\.text).joined(separator: "\n") }
}
