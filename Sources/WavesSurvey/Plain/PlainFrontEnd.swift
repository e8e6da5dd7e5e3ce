import Foundation
import WavesCore

/// Plain mode: no escape codes, each prompt a line of its own, one answer read per line.
///
/// Works with screen readers, with pipes (`printf '4\n5\n' | waves take --plain`) and
/// in end-to-end tests. Answers: an option number, a number, or a line of text; `s` skips,
/// `d` is "Prefer not to answer", `b` goes back, `q` saves and leaves, `?` explains;
/// an empty line shows the prompt again. The review ends with one question: `y` submits,
/// a question number changes that answer. Yes/no questions take `y` or `n`. The end of
/// input leaves (the draft is kept).
public final class PlainFrontEnd: SurveyFrontEnd {
    public let console: Console
    /// Echo each line read as `> line` (when input is not a terminal, so a transcript reads as a dialogue).
    public let echo: Bool
    public var mode: String { "plain" }

    public init(console: Console, echo: Bool) { self.console = console; self.echo = echo }

    private func say(_ text: String) { console.write(SafeText.terminal(text) + "\n") }

    private func read() -> String? {
        guard let line = console.readLine() else { return nil }
        if echo { console.write("> " + SafeText.terminal(line, keepNewlines: false) + "\n") }
        return line.trimmingCharacters(in: .whitespaces)
    }

    public func tell(_ text: String) { say(text) }

    public func ask(_ question: YesNoQuestion, heading: SurveyHeading) -> Bool? {
        while true {
            say("\(question.text) Type y to \(question.yes) or n to \(question.no):")
            guard let line = read() else { return nil }
            switch line.lowercased() {
            case "y", "yes": return true
            case "n", "no": return false
            case "q": return nil
            case "": continue
            default: say("Please type y or n.")
            }
        }
    }

    public static let howToAnswer = "How to answer: type the number of your answer and press Enter. Type s to skip a question that is not required, d for \"Prefer not to answer\" where it is offered, b to go back to the previous question (your answers are kept), q to save your answers and leave (run the same command again to continue), ? for this help. An empty line shows the question again. Before you submit, you can check and change every answer."

    public func run(_ start: SurveySession, heading: SurveyHeading, save: (SurveySession) throws -> Void) throws -> SurveySession {
        var session = start
        var lastSaved = session.revision
        var wentBack = false
        func perform(_ c: SessionCommand) throws -> SessionFeedback {
            let fb = session.perform(c)
            if session.revision != lastSaved || session.outcome == .left { try save(session); lastSaved = session.revision }
            return fb
        }
        while session.outcome == nil {
            switch session.position {
            case .intro:
                wentBack = false
                welcome(session, heading)
                _ = try perform(.begin)
            case .review:
                wentBack = false
                try reviewStep(session, perform)
            case .item:
                guard let item = session.currentItem else { _ = try perform(.back); continue }
                if item.type == .note {
                    // Notes are shown, not answered; going back passes over them.
                    if wentBack { _ = try perform(.back); continue }
                    say(item.text)
                    _ = try perform(.next)
                    continue
                }
                wentBack = false
                prompt(item, session)
                guard let line = read() else { _ = try perform(.quit); break }
                let command: SessionCommand
                switch line.lowercased() {
                case "": continue
                case "q": command = .quit
                case "b": command = .back; wentBack = true
                case "s": command = .skip
                case "d": command = .decline
                case "k": command = .dontKnow
                case "?": say(Self.howToAnswer); continue
                default:
                    switch item.type {
                    case .likert, .choice:
                        let count = item.responseSet?.options.count ?? 0
                        guard let n = Int(line), n >= 1, n <= count else {
                            say("Please type a number from 1 to \(count)\(extraKeys(item)).")
                            continue
                        }
                        command = .option(n)
                    case .number:
                        switch AnswerRules.parseNumber(line, for: item) {
                        case .success(let v): command = .answer(.number(v))
                        case .failure(let why): say(why.message); continue
                        }
                    case .text: command = .answer(.text(line))
                    case .note: continue
                    }
                }
                if case .refused(let why) = try perform(command) { say(why); wentBack = false }
            }
        }
        return session
    }

    private func extraKeys(_ item: Item) -> String {
        var keys: [String] = []
        if item.allowsDecline { keys.append("d") }
        if item.allowsDontKnow { keys.append("k") }
        if !item.required { keys.append("s") }
        keys += ["b", "q"]
        return ", or " + keys.joined(separator: ", ")
    }

    private func welcome(_ session: SurveySession, _ heading: SurveyHeading) {
        let wave = heading.waveLabel.map { " (\($0))" } ?? ""
        say(heading.studyTitle + wave)
        let which = heading.instrumentCount > 1 ? "Questionnaire \(heading.instrumentNumber) of \(heading.instrumentCount): " : ""
        let n = session.answerableItems.count
        say("\(which)\(session.instrument.title), \(n) question\(n == 1 ? "" : "s").")
        if let intro = session.instrument.intro, !intro.isEmpty { say(intro) }
        say(Self.howToAnswer)
    }

    private func prompt(_ item: Item, _ session: SurveySession) {
        let counter = session.number(of: item.id).map { "\($0.number) of \($0.total)" } ?? ""
        say("\(counter). \(item.text)" + (item.required ? " (required)" : ""))
        let r = session.response(item.id)
        var ask: String
        switch item.type {
        case .likert, .choice:
            let options = item.responseSet?.options ?? []
            for (i, o) in options.enumerated() { say("  \(i + 1) \(o.label)") }
            if item.allowsDecline { say("  d Prefer not to answer") }
            ask = "Type 1-\(options.count)"
        case .number:
            ask = "Type \(AnswerRules.rangePhrase(min: item.min, max: item.max))"
        case .text:
            ask = "Type your answer on one line"
        case .note:
            return
        }
        if let r { say("Your answer so far: \(describe(r, item))") }
        var keys: [String] = []
        if item.allowsDecline && item.type != .likert && item.type != .choice { keys.append("d prefer not to answer") }
        if !item.required { keys.append("s skip") }
        keys += ["b back", "q save and leave", "? help"]
        ask += " (" + keys.joined(separator: ", ") + "):"
        say(ask)
    }

    /// A response as plain mode shows it: choice answers with the option number that was typed ("4 Agree").
    private func describe(_ r: ItemResponse?, _ item: Item) -> String {
        let text = ReviewText.answer(r, item: item, style: Style(colors: false, unicode: false))
        if case .answered(.number(let v))? = r, let i = item.responseSet?.options.firstIndex(where: { $0.value == v }) {
            return "\(i + 1) \(text)"
        }
        return text
    }

    private func reviewStep(_ session: SurveySession, _ perform: (SessionCommand) throws -> SessionFeedback) throws {
        let items = session.answerableItems
        say("Please check your answers to \(session.instrument.title):")
        for (i, item) in items.enumerated() {
            let answer = describe(session.response(item.id), item)
            say("  \(i + 1). \(item.text.replacingOccurrences(of: "\n", with: " ")) Answer: \(answer)")
        }
        while true {
            say("Type y to submit these answers, or the number of a question to change it (b back, q save and leave):")
            guard let line = read() else { _ = try perform(.quit); return }
            switch line.lowercased() {
            case "": continue
            case "y", "yes":
                if case .refused(let why) = try perform(.submit) { say(why) }
                return
            case "q": _ = try perform(.quit); return
            case "b": _ = try perform(.back); return
            case "?": say(Self.howToAnswer); continue
            default:
                if let n = Int(line), let item = session.item(numbered: n) {
                    _ = try perform(.edit(item.id))
                    return
                }
                say("There is no question \(line); type y to submit, or a number from 1 to \(items.count).")
            }
        }
    }
}
