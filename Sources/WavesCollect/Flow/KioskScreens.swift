import Foundation
import WavesCore
import WavesSurvey

/// The screens of the collection flow (code prompt, PIN, consent, messages) as `Frame`s.
///
/// Measures follow the survey's screens: a two-cell margin, text at most 76 cells wide,
/// the title on top, key hints at the foot, the body scrolled with "more" marks. Every
/// text shown is made safe by the caller or here (`SafeText`); no screen names a
/// participant, and none shows anything typed but the code being typed.
struct KioskLayout {
    let size: TerminalSize
    let style: Style
    let margin = "  "

    init(size: TerminalSize, style: Style) {
        self.size = TerminalSize(columns: max(size.columns, 20), rows: max(size.rows, 8))
        self.style = style
    }

    var width: Int { min(size.columns - 1 - margin.count, 76) }

    var rule: ScreenLine {
        ScreenLine(String(repeating: style.unicode ? "─" : "-", count: min(size.columns - 1, width + 2 * margin.count)), .dim)
    }

    func wrap(_ text: String, kind: LineKind = .plain, indent: String = "") -> [ScreenLine] {
        let iw = TextLayout.width(indent)
        let hang = String(repeating: " ", count: iw)
        return TextLayout.wrap(text, width: max(width - iw, 8)).enumerated().map { i, line in
            ScreenLine(margin + (i == 0 ? indent : hang) + line, kind)
        }
    }

    /// Key hints three spaces apart, an entry never split across lines.
    func hintLines(_ entries: [String]) -> [ScreenLine] {
        var lines: [String] = [], line = ""
        for e in entries {
            if !line.isEmpty && TextLayout.width(line) + 3 + TextLayout.width(e) > width { lines.append(line); line = "" }
            line += (line.isEmpty ? "" : "   ") + e
        }
        if !line.isEmpty { lines.append(line) }
        return lines.map { ScreenLine(margin + TextLayout.truncate($0, width: width), .dim) }
    }

    /// The whole screen; `offset` scrolls the body (clamped). Returns the frame and the largest useful offset.
    func screen(title: String, body: [ScreenLine], hints: [String], offset: Int = 0) -> (Frame, Int) {
        let top = [ScreenLine(margin + TextLayout.truncate(SafeText.line(title), width: width), .title), rule, ScreenLine("")]
        var bottom = [ScreenLine(""), rule]
        bottom += hintLines(hints)
        let room = max(size.rows - top.count - bottom.count, 3)
        var shown = body
        var maxOffset = 0
        if body.count > room {
            let avail = room - 2
            maxOffset = body.count - avail
            let start = min(max(offset, 0), maxOffset)
            shown = [start > 0 ? ScreenLine(margin + (style.unicode ? "↑" : "Up") + " more", .dim) : ScreenLine("")]
            shown += body[start..<(start + avail)]
            shown.append(start + avail < body.count ? ScreenLine(margin + (style.unicode ? "↓" : "Down") + " more", .dim) : ScreenLine(""))
        }
        let filler = Array(repeating: ScreenLine(""), count: max(size.rows - top.count - shown.count - bottom.count, 0))
        return (Frame(top + shown + filler + bottom), maxOffset)
    }
}

/// Texts participants read, in one place (none names a participant).
enum KioskText {
    static let welcome = "Welcome. Please type your access code and press Enter."
    static let codeLabel = "Access code: "
    static let malformed = "That does not look like an access code: a code has 12 letters and digits (dashes and spaces do not matter). Please try again."
    static let unknown = "This code does not open a survey. Please check it and try again."
    static let replaced = "This code has been replaced by a newer one. Please use the code from your latest invitation."
    static let otherWave = "This code is for another part of the survey than the one running here."
    static let closed = "This survey has closed. Thank you for your interest."
    static let complete = "Your answers to this survey are already recorded. Thank you."
    static let notTakingPart = "This code can no longer be used. Thank you."
    static let inUse = "This code is being used in another session right now. Please finish that session first."
    static let saved = "The answers so far are saved. Type the same access code again to continue."
    static let idle = "The last session was closed because nothing was typed for a while; its answers are saved. Type the access code again to continue."
    static let declined = "Thank you. You will not be asked to take part in this study again."
    static let thanks = "Thank you. Your answers are recorded."
    static let problem = "Something went wrong while saving. The answers given so far are kept. Please tell the person running this survey."
    static let reconnect = "Then connect again."
    static let wrongPIN = "That is not the PIN."
    static let pinLabel = "Evaluator's PIN to leave the kiosk (Esc to go back): "
    static func opensOn(_ d: CalendarDate) -> String { "This survey opens on \(d.readable). Please come back then." }
    static func wait(_ seconds: TimeInterval) -> String {
        let s = Int(seconds.rounded(.up))
        return "Too many codes did not work. Please wait \(s < 120 ? "\(s) seconds" : "\((s + 59) / 60) minutes") before trying again."
    }
    static let consentQuestion = "Do you agree to take part?"
    static let confirmDecline = "You chose not to take part. Press d again to confirm; any other key goes back."
}
