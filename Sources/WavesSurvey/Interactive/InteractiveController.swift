import Foundation
import WavesCore

/// What the screens say about where the participant is in the whole visit.
public struct SurveyHeading: Sendable, Equatable {
    public var studyTitle: String
    /// This instrument's place among the wave's instruments (1-based) and their count.
    public var instrumentNumber: Int
    public var instrumentCount: Int
    public var waveLabel: String?

    public init(studyTitle: String, instrumentNumber: Int = 1, instrumentCount: Int = 1, waveLabel: String? = nil) {
        self.studyTitle = studyTitle; self.instrumentNumber = instrumentNumber
        self.instrumentCount = instrumentCount; self.waveLabel = waveLabel
    }
}

/// The interactive survey: turns keys into session commands and keeps what only the
/// screen needs (highlighted option, typed digits, number field, text editor, message).
///
/// Pure: `handle` changes state, `frame` draws it; the runner does the input and output.
/// Keys: digits pick an option, Up/Down or j/k move, Enter confirms, Left or b goes back,
/// Right goes on past an answered item, s skips, d declines, ? shows help, q saves and leaves.
public struct InteractiveController: Sendable {
    public private(set) var session: SurveySession
    public let heading: SurveyHeading
    public var style: Style

    /// Highlighted option (0-based) on choice items.
    public private(set) var cursor: Int?
    /// Digits typed towards an option number (when more than 9 options make one digit ambiguous).
    public private(set) var digits = ""
    /// What is typed into a number item.
    public private(set) var field = ""
    /// The text editor of a free-text item.
    public private(set) var editor = ""
    /// Unfinished text per item, kept while moving back and forth.
    private var pendingText: [String: String] = [:]
    /// One sentence of feedback (why something was refused, what to do next).
    public private(set) var message: String?
    public private(set) var showingHelp = false
    /// Highlighted row of the review (the last row is "Submit").
    public private(set) var reviewCursor = 0
    private var shownPosition: SessionPosition?

    public init(session: SurveySession, heading: SurveyHeading, style: Style) {
        self.session = session; self.heading = heading; self.style = style
        syncWithSession()
    }

    /// Shows a notice (good news, e.g. "Your answers to X are recorded.") until the next key.
    public mutating func show(_ notice: String) { self.notice = notice }

    /// Good news shown until the next key.
    public private(set) var notice: String?

    /// The session has ended (submitted or left).
    public var isFinished: Bool { session.outcome != nil }

    /// Handles one key.
    public mutating func handle(_ key: Key) {
        if key == .resize { return }
        // Ctrl-C leaves; Ctrl-D only finishes text (the end of input is reported as Ctrl-C by the front end).
        if key == .interrupt { leave(); return }
        if showingHelp { showingHelp = false; return }
        message = nil
        notice = nil
        switch session.position {
        case .intro: handleIntro(key)
        case .review: handleReview(key)
        case .item:
            guard let item = session.currentItem else { return }
            switch item.type {
            case .likert, .choice: handleChoice(key, item)
            case .number: handleNumber(key, item)
            case .text: handleText(key, item)
            case .note: handleNote(key)
            }
        }
        syncWithSession()
    }

    /// Saves unfinished text (so nothing typed is lost) and leaves.
    private mutating func leave() {
        if let item = session.currentItem, item.type == .text {
            let t = editor.trimmingCharacters(in: .whitespacesAndNewlines)
            if !t.isEmpty { apply(.keep(.text(editor))) }
        }
        apply(.quit)
    }

    private mutating func apply(_ command: SessionCommand) {
        if case .refused(let why) = session.perform(command) { message = why }
    }

    private mutating func commonKey(_ key: Key) -> Bool {
        switch key {
        case .character("q"), .character("Q"): leave()
        case .character("?"): showingHelp = true
        case .left, .character("b"), .character("B"): apply(.back)
        default: return false
        }
        return true
    }

    private mutating func handleIntro(_ key: Key) {
        switch key {
        case .enter, .right, .character(" "): apply(.begin)
        default: if !commonKey(key) { message = "Press Enter to begin." }
        }
    }

    private mutating func handleNote(_ key: Key) {
        switch key {
        case .enter, .right, .character(" "): apply(.next)
        default: if !commonKey(key) { message = "Press Enter to continue." }
        }
    }

    private mutating func handleChoice(_ key: Key, _ item: Item) {
        let count = item.responseSet?.options.count ?? 0
        switch key {
        case .character(let c) where c.isASCII && c.isNumber:
            digits.append(c)
            guard let n = Int(digits), n >= 1, n <= count else {
                message = "Please choose a number from 1 to \(count)."; digits = ""; return
            }
            if n * 10 <= count {
                cursor = n - 1
                message = "Press Enter to choose \(n), or type another digit."
                return
            }
            digits = ""
            apply(.option(n))
        case .up, .character("k"):
            digits = ""
            cursor = max(0, (cursor ?? count) - 1)
        case .down, .character("j"):
            digits = ""
            cursor = min(count - 1, (cursor ?? -1) + 1)
        case .home: cursor = 0
        case .end: cursor = count - 1
        case .enter, .character(" "):
            if let n = Int(digits) { digits = ""; apply(.option(n)) }
            else if let c = cursor { apply(.option(c + 1)) }
            else if session.response(item.id) != nil { apply(.next) }
            else { message = "Choose an answer: type its number, or move with \(style.up) \(style.down) and press Enter." }
        case .right:
            if session.response(item.id) != nil { apply(.next) }
            else { message = "Please answer this question first\(item.required ? "" : ", or press s to skip it")." }
        case .escape: digits = ""
        case .character("s"), .character("S"): digits = ""; apply(.skip)
        case .character("d"), .character("D"): digits = ""; apply(.decline)
        default:
            if !commonKey(key) { message = "Type the number of your answer, or press ? for help." }
        }
    }

    private mutating func handleNumber(_ key: Key, _ item: Item) {
        switch key {
        case .character(let c) where (c.isASCII && c.isNumber) || c == "." || c == "-" || c == ",":
            if field.count < 24 { field.append(c == "," ? "." : c) }
        case .backspace: if !field.isEmpty { field.removeLast() }
        case .enter:
            switch AnswerRules.parseNumber(field, for: item) {
            case .success(let v): apply(.answer(.number(v)))
            case .failure(let why): message = why.message
            }
        case .right:
            if session.response(item.id) != nil { apply(.next) }
            else { message = "Type \(AnswerRules.rangePhrase(min: item.min, max: item.max)) and press Enter." }
        case .escape: field = ""
        case .character("s"), .character("S"): apply(.skip)
        case .character("d"), .character("D"): apply(.decline)
        default:
            if !commonKey(key) { message = "Type \(AnswerRules.rangePhrase(min: item.min, max: item.max)) and press Enter." }
        }
    }

    private mutating func handleText(_ key: Key, _ item: Item) {
        switch key {
        case .character(let c): editor.append(c)
        case .enter: editor.append("\n")
        case .backspace: if !editor.isEmpty { editor.removeLast() }
        case .endOfInput, .tab:
            pendingText[item.id] = nil
            apply(.answer(.text(editor)))
            if session.currentItem?.id == item.id { pendingText[item.id] = editor }
        case .left, .up:
            pendingText[item.id] = editor
            apply(.back)
        case .escape:
            message = "Press Ctrl-D or Tab when you have finished, \(style.left) to go back, Ctrl-C to save and leave."
        default: break
        }
    }

    private mutating func handleReview(_ key: Key) {
        let items = session.answerableItems
        let rows = items.count + 1
        switch key {
        case .up, .character("k"): digits = ""; reviewCursor = max(0, reviewCursor - 1)
        case .down, .character("j"): digits = ""; reviewCursor = min(rows - 1, reviewCursor + 1)
        case .home: reviewCursor = 0
        case .end: reviewCursor = rows - 1
        case .character(let c) where c.isASCII && c.isNumber:
            digits.append(c)
            if let n = Int(digits), n >= 1, n <= items.count {
                reviewCursor = n - 1
                message = "Press Enter to change question \(n)."
                if n * 10 > items.count { digits = "" }
            } else {
                digits = ""
                message = "There is no question with that number."
            }
        case .enter, .character(" "):
            digits = ""
            if reviewCursor >= items.count { apply(.submit) } else { apply(.edit(items[reviewCursor].id)) }
        case .character("y"), .character("Y"):
            reviewCursor = rows - 1
            message = "Press Enter to submit."
        default:
            if !commonKey(key) { message = "Choose a question and press Enter to change it, or choose Submit." }
        }
    }

    /// Sets up the highlight, field and editor when the participant arrives somewhere new.
    private mutating func syncWithSession() {
        guard session.position != shownPosition else { return }
        shownPosition = session.position
        digits = ""
        switch session.position {
        case .intro: break
        case .review: reviewCursor = session.answerableItems.count
        case .item(let id):
            guard let item = session.currentItem else { return }
            let r = session.response(id)
            switch item.type {
            case .likert, .choice:
                if case .answered(.number(let v))? = r { cursor = item.responseSet?.options.firstIndex { $0.value == v } }
                else { cursor = nil }
            case .number:
                if case .answered(.number(let v))? = r { field = NumberText.plain(v) } else { field = "" }
            case .text:
                if let p = pendingText[id] { editor = p }
                else if case .answered(.text(let t))? = r { editor = t } else { editor = "" }
            case .note: break
            }
        }
    }
}
