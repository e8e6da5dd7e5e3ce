import Foundation
import WavesCore

/// Turns the bytes a terminal sends in raw mode into keys.
///
/// Handles UTF-8 characters, C0 controls (Enter as CR or LF, Backspace as DEL or BS,
/// Ctrl-C, Ctrl-D, Tab), and CSI / SS3 sequences for arrows, Home/End, PageUp/PageDown
/// Delete and Shift-Tab (`ESC [ A`, `ESC O A`, `ESC [ 5 ~`, `ESC [ 1 ; 5 A`, ...). A lone ESC
/// (no byte following within the caller's short wait) is `.escape`.
public struct KeyDecoder: Sendable {
    public init() {}

    /// Decodes one key from the start of `bytes`. Returns the key (nil for an ignored
    /// sequence) and how many bytes it used, or nil when `bytes` holds only the
    /// beginning of a key and more input is needed. `complete` says that no more bytes
    /// are coming soon (the wait after ESC timed out), so a lone ESC is a key.
    public func decode(_ bytes: ArraySlice<UInt8>, complete: Bool) -> (key: Key?, used: Int)? {
        guard let first = bytes.first else { return nil }
        let s = bytes.startIndex
        switch first {
        case 0x1B:
            if bytes.count == 1 { return complete ? (.escape, 1) : nil }
            let second = bytes[s + 1]
            if second == UInt8(ascii: "[") || second == UInt8(ascii: "O") {
                // Parameters 0x30-0x3F, intermediates 0x20-0x2F, final 0x40-0x7E.
                var i = s + 2
                while i < bytes.endIndex, (0x20...0x3F).contains(bytes[i]) { i += 1 }
                if i == bytes.endIndex { return complete ? (nil, bytes.count) : nil }
                let final = bytes[i]
                let params = String(decoding: bytes[(s + 2)..<i], as: UTF8.self)
                return (KeyDecoder.sequenceKey(final: final, params: params), i - s + 1)
            }
            // ESC followed by something else: Alt+key; report the escape alone.
            return (.escape, 1)
        case 0x0D, 0x0A: return (.enter, 1)
        case 0x09: return (.tab, 1)
        case 0x7F, 0x08: return (.backspace, 1)
        case 0x03: return (.interrupt, 1)
        case 0x04: return (.endOfInput, 1)
        case 0x00..<0x20: return (.control(first), 1)
        default:
            let need: Int
            switch first {
            case 0x00..<0x80: need = 1
            case 0xC0..<0xE0: need = 2
            case 0xE0..<0xF0: need = 3
            case 0xF0..<0xF8: need = 4
            default: return (nil, 1)   // stray continuation byte
            }
            if bytes.count < need { return complete ? (nil, bytes.count) : nil }
            let chunk = Array(bytes[s..<(s + need)])
            guard let str = String(validating: chunk, as: UTF8.self), let ch = str.first else { return (nil, 1) }
            if ch.unicodeScalars.allSatisfy({ SafeText.isControl($0) }) { return (nil, need) }
            return (.character(ch), need)
        }
    }

    static func sequenceKey(final: UInt8, params: String) -> Key? {
        switch final {
        case UInt8(ascii: "A"): return .up
        case UInt8(ascii: "B"): return .down
        case UInt8(ascii: "C"): return .right
        case UInt8(ascii: "D"): return .left
        case UInt8(ascii: "H"): return .home
        case UInt8(ascii: "F"): return .end
        case UInt8(ascii: "Z"): return .backTab
        case UInt8(ascii: "~"):
            switch params.split(separator: ";").first.map(String.init) ?? "" {
            case "1", "7": return .home
            case "4", "8": return .end
            case "3": return .delete
            case "5": return .pageUp
            case "6": return .pageDown
            default: return nil
            }
        default: return nil
        }
    }

    /// Decodes every complete key in `bytes` (a whole script of input).
    public func decodeAll(_ bytes: [UInt8]) -> [Key] {
        var keys: [Key] = []
        var slice = bytes[...]
        while !slice.isEmpty, let (key, used) = decode(slice, complete: true) {
            if let key { keys.append(key) }
            slice = slice.dropFirst(max(used, 1))
        }
        return keys
    }
}
