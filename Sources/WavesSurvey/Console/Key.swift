import Foundation

/// One key press (or terminal event) as the interactive survey sees it.
///
/// Arrow keys arrive as `ESC [ A..D` or `ESC O A..D`; Ctrl-C (byte 3) arrives as
/// `.interrupt` because raw mode turns ISIG off; a window size change arrives as `.resize`.
public enum Key: Equatable, Sendable {
    /// A printable character (never a control character).
    case character(Character)
    case enter
    case tab
    /// Shift-Tab (`ESC [ Z`).
    case backTab
    case backspace
    case escape
    case up, down, left, right
    case home, end, pageUp, pageDown, delete
    /// Ctrl-C.
    case interrupt
    /// Ctrl-D.
    case endOfInput
    /// Another control key (the byte, 1...31).
    case control(UInt8)
    /// The terminal window changed size.
    case resize
}
