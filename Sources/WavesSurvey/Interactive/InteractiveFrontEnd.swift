import Foundation
import WavesCore

/// Interactive mode: full screens drawn in one write per key, redrawn on resize.
///
/// The console is expected to be in raw mode already (`TerminalConsole.start`); this
/// type only draws and reads keys, so tests drive it with a `ScriptedConsole`.
public final class InteractiveFrontEnd: SurveyFrontEnd {
    public let console: Console
    public var style: Style
    public var mode: String { "terminal" }
    /// A message shown on the next screen ("Your answers to X are recorded.").
    private var notice: String?

    public init(console: Console, style: Style) { self.console = console; self.style = style }

    public func tell(_ text: String) { notice = text }

    private func draw(_ frame: Frame, clear: Bool) {
        console.write(frame.rendered(size: console.size, style: style, clear: clear))
    }

    public func ask(_ question: YesNoQuestion, heading: SurveyHeading) -> Bool? {
        var clear = true
        var hint: String?
        while true {
            let layout = ScreenLayout(size: console.size, style: style)
            if layout.tooSmall {
                draw(layout.tooSmallFrame(), clear: clear)
            } else {
                var top = [layout.header(SafeText.terminal(heading.studyTitle, keepNewlines: false),
                                         right: heading.waveLabel.map { SafeText.terminal($0, keepNewlines: false) } ?? ""),
                           layout.rule, ScreenLine.blank]
                if let n = notice { top += layout.wrap(SafeText.terminal(n), kind: .accent); top.append(.blank) }
                let body = layout.wrap(SafeText.terminal(question.text), kind: .bold)
                draw(layout.fit(top: top, body: body, focus: 0, keep: 0..<body.count,
                                message: hint.map { layout.wrap($0, kind: .warning) } ?? [],
                                hints: layout.hints(["y: \(question.yes)", "n: \(question.no)", "q: leave"])), clear: clear)
            }
            clear = false
            guard let key = console.readKey() else { return nil }
            if layout.tooSmall {
                // Nothing is answered blind: only leaving works until the window is large enough.
                if [.character("q"), .character("Q"), .interrupt, .endOfInput].contains(key) { return nil }
                clear = true
                continue
            }
            switch key {
            case .character("y"), .character("Y"): notice = nil; return true
            case .character("n"), .character("N"): notice = nil; return false
            case .character("q"), .character("Q"), .interrupt, .endOfInput: return nil
            case .resize: clear = true
            default: hint = "Please press y or n."
            }
        }
    }

    public func run(_ session: SurveySession, heading: SurveyHeading, save: (SurveySession) throws -> Void) throws -> SurveySession {
        var controller = InteractiveController(session: session, heading: heading, style: style)
        if let n = notice { controller.show(n); notice = nil }
        var lastSaved = controller.session.revision
        var clear = true
        while !controller.isFinished {
            let size = console.size
            draw(controller.frame(size: size), clear: clear)
            clear = false
            var key = console.readKey() ?? .interrupt
            if key == .resize { clear = true; continue }
            if ScreenLayout(size: size, style: style).tooSmall {
                // The too-small sentence is shown: nothing is answered blind, q or Ctrl-C leaves.
                guard [.character("q"), .character("Q"), .interrupt, .endOfInput].contains(key) else { clear = true; continue }
                key = .interrupt
            }
            controller.handle(key)
            if controller.session.revision != lastSaved {
                try save(controller.session)
                lastSaved = controller.session.revision
            }
        }
        return controller.session
    }
}
