import Foundation
import WavesCore
import WavesSurvey

/// Shows the consent text and asks for a decision, on any `Console`.
///
/// Interactive: the text scrolls (arrows, Page Up/Down, space), `a` agrees, `d` declines
/// and `d` again confirms (a decline is never asked again, so one stray key must not
/// record it), `q` or Ctrl-C leaves without deciding. Plain: the text, wrapped at 76
/// characters, then `a` or `d` (and `d` again) on a line.
public struct ConsentStep {
    public enum Decision: Sendable, Equatable { case agreed, declined, left }

    public let text: ConsentText
    public let studyTitle: String
    public let console: Console
    public let interactive: Bool
    public let style: Style
    /// Plain mode: echo each line read (when input is not a terminal, so transcripts read as dialogues).
    public let echo: Bool

    public init(text: ConsentText, studyTitle: String, console: Console, interactive: Bool, style: Style, echo: Bool = false) {
        self.text = text; self.studyTitle = studyTitle; self.console = console
        self.interactive = interactive; self.style = style; self.echo = echo
    }

    public func ask() -> Decision { interactive ? askInteractive() : askPlain() }

    func body(_ layout: KioskLayout) -> [ScreenLine] {
        var lines: [ScreenLine] = []
        var previous: ConsentText.Kind?
        for b in text.blocks {
            // A blank line between blocks, except between the items of one list.
            if case .item? = previous, case .item = b.kind {} else if !lines.isEmpty { lines.append(ScreenLine("")) }
            previous = b.kind
            switch b.kind {
            case .heading: lines += layout.wrap(b.text, kind: .bold)
            case .paragraph: lines += layout.wrap(b.text)
            case .item(let marker): lines += layout.wrap(b.text, indent: (marker == "•" && !style.unicode ? "-" : marker) + " ")
            }
        }
        return lines
    }

    private func askInteractive() -> Decision {
        var offset = 0, confirming = false, clear = true
        while true {
            let layout = KioskLayout(size: console.size, style: style)
            var lines = body(layout)
            lines.append(ScreenLine(""))
            lines += layout.wrap(KioskText.consentQuestion, kind: .bold)
            if confirming { lines.append(ScreenLine("")); lines += layout.wrap(KioskText.confirmDecline, kind: .warning) }
            let hints = ["a: I agree", "d: I do not agree", "\(style.unicode ? "↑ ↓" : "Up/Down"): scroll", "q: leave"]
            let (frame, maxOffset) = layout.screen(title: studyTitle, body: lines, hints: hints, offset: confirming ? Int.max : offset)
            offset = min(offset, maxOffset)
            console.write(frame.rendered(size: console.size, style: style, clear: clear))
            clear = false
            guard let key = console.readKey() else { return .left }
            if confirming {
                confirming = false
                if key == .character("d") || key == .character("D") { return .declined }
                if key == .interrupt { return .left }
                continue
            }
            let page = max(layout.size.rows - 10, 1)
            switch key {
            case .character("a"), .character("A"): return .agreed
            case .character("d"), .character("D"): confirming = true
            case .character("q"), .character("Q"), .interrupt, .endOfInput: return .left
            case .down, .character("j"): offset = min(offset + 1, maxOffset)
            case .up, .character("k"): offset = max(offset - 1, 0)
            case .pageDown, .character(" "): offset = min(offset + page, maxOffset)
            case .pageUp: offset = max(offset - page, 0)
            case .home: offset = 0
            case .end: offset = maxOffset
            case .resize: clear = true
            default: break
            }
        }
    }

    private func say(_ s: String) { console.write(s + "\n") }

    private func read() -> String? {
        guard let line = console.readLine() else { return nil }
        if echo { say("> " + SafeText.line(line)) }
        return line.trimmingCharacters(in: .whitespaces).lowercased()
    }

    private func askPlain() -> Decision {
        let layout = KioskLayout(size: TerminalSize(columns: 80, rows: 1000), style: Style(colors: false, unicode: style.unicode))
        say(SafeText.line(studyTitle))
        say("")
        for line in body(layout) { say(String(line.text.dropFirst(layout.margin.count))) }
        say("")
        while true {
            say(KioskText.consentQuestion + " Type a if you agree, or d if you do not agree (q leaves without deciding):")
            guard let answer = read() else { return .left }
            switch answer {
            case "a", "agree", "y", "yes": return .agreed
            case "q": return .left
            case "d", "decline", "n", "no":
                say("You chose not to take part. Type d again to confirm, or anything else to go back:")
                guard let again = read() else { return .left }
                if again == "d" || again == "decline" { return .declined }
            default: say("Please type a or d.")
            }
        }
    }
}

/// The checks `waves take` makes before anything is asked (window, exclusion), and its consent.
public enum TakeChecks {
    /// Refuses a participant who withdrew or declined, and (unless `outsideWindow`) a wave outside its window.
    public static func check(bundle: StudyBundle, participant: String, wave: String, outsideWindow: Bool, now: Date) throws {
        guard let w = bundle.study.wave(wave) else { return }   // TakePlan names unknown waves
        let consent = try ConsentText.load(bundle.study)
        let participation = Participation(study: bundle.study, roster: bundle.roster,
                                          events: try ConsentLog(study: bundle.study).read(), consentSHA256: consent?.sha256)
        if let ex = participation.exclusion(participant, at: wave) {
            throw CollectError.notTakingPart(participant: participant, reason: ex.reason)
        }
        guard !outsideWindow else { return }
        switch WaveWindow(wave: w, study: bundle.study).state(at: now) {
        case .open: return
        case .notYetOpen: throw CollectError.notOpenYet(wave: w.id, opens: w.opens?.readable ?? "")
        case .closed: throw CollectError.windowClosed(wave: w.id, closes: w.closes?.readable ?? "")
        }
    }

    /// Asks for consent when the study has a text the participant has not agreed to (the
    /// current version), and records an agreement or a decline. Returns `.agreed` when no
    /// question was needed; `.left` records nothing.
    public static func consent(bundle: StudyBundle, participant: String, wave: String, console: Console, interactive: Bool,
                               style: Style, echo: Bool, via: String, now: @Sendable () -> Date) throws -> ConsentStep.Decision {
        guard let text = try ConsentText.load(bundle.study) else { return .agreed }
        let log = ConsentLog(study: bundle.study)
        let participation = Participation(study: bundle.study, roster: bundle.roster, events: try log.read(), consentSHA256: text.sha256)
        guard participation.needsConsent(participant) else { return .agreed }
        let step = ConsentStep(text: text, studyTitle: bundle.study.title, console: console, interactive: interactive, style: style, echo: echo)
        let decision = step.ask()
        guard decision != .left else { return .left }
        try log.append(ConsentEvent(participant: participant, wave: wave, consentSHA256: text.sha256,
                                    decision: decision == .agreed ? .agree : .decline, at: Timestamp.string(now()), via: via))
        return decision
    }
}
