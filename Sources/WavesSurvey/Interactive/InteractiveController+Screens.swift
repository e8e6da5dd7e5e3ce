import Foundation
import WavesCore

/// Drawing the interactive screens. Every untrusted text goes through `SafeText.clean`.
extension InteractiveController {
    /// The whole screen for a terminal of `size`.
    public func frame(size: TerminalSize) -> Frame {
        let layout = ScreenLayout(size: size, style: style)
        if showingHelp { return helpFrame(layout) }
        switch session.position {
        case .intro: return welcomeFrame(layout)
        case .review: return reviewFrame(layout)
        case .item:
            guard let item = session.currentItem else { return reviewFrame(layout) }
            return itemFrame(item, layout)
        }
    }

    private var instrumentTitle: String { SafeText.terminal(session.instrument.title, keepNewlines: false) }

    private func bottom(_ layout: ScreenLayout, hints: [String]) -> [ScreenLine] {
        var lines: [ScreenLine] = [.blank]
        if let m = message {
            lines += layout.wrap(SafeText.terminal(m), kind: .warning)
        } else if let n = notice {
            lines += layout.wrap(SafeText.terminal(n), kind: .accent)
        } else {
            lines.append(.blank)
        }
        lines.append(layout.rule)
        lines += layout.hints(hints)
        return lines
    }

    private func welcomeFrame(_ layout: ScreenLayout) -> Frame {
        var top = [layout.header(SafeText.terminal(heading.studyTitle, keepNewlines: false), right: heading.waveLabel.map { SafeText.terminal($0, keepNewlines: false) } ?? ""), layout.rule]
        top.append(.blank)
        var body: [ScreenLine] = []
        let which = heading.instrumentCount > 1 ? "Questionnaire \(heading.instrumentNumber) of \(heading.instrumentCount): " : ""
        body += layout.wrap(which + instrumentTitle, kind: .bold)
        let n = session.answerableItems.count
        body += layout.wrap("\(n) question\(n == 1 ? "" : "s")", kind: .dim)
        if let intro = session.instrument.intro, !intro.isEmpty {
            body.append(.blank)
            body += layout.wrap(SafeText.terminal(intro))
        }
        body.append(.blank)
        body += layout.wrap("How to answer", kind: .bold)
        for line in [
            "Each question has its own screen. Type the number of your answer, or move with \(style.up) and \(style.down) (or j and k) and press Enter.",
            "Press \(style.left) or b to go back; your answers are kept. Press s to skip a question that is not required, and d for \"Prefer not to answer\" where it is offered.",
            "Your answers are saved as you go: press q to leave and continue later. Before you submit, you can check and change every answer.",
        ] {
            body += layout.wrap(line, indent: "\(style.bullet) ")
        }
        return layout.fit(top: top, body: body, focus: 0, bottom: bottom(layout, hints: ["Enter: begin", "?: help", "q: leave"]))
    }

    private func itemFrame(_ item: Item, _ layout: ScreenLayout) -> Frame {
        let counter = session.number(of: item.id).map { "\($0.number) of \($0.total)" } ?? ""
        let top = [layout.header(instrumentTitle, right: counter), layout.rule, ScreenLine.blank]
        var body = layout.wrap(SafeText.terminal(item.text), kind: item.type == .note ? .plain : .bold)
        if item.required && item.type != .note { body += layout.wrap("This question needs an answer.", kind: .dim) }
        body.append(.blank)
        var focus = 0
        let response = session.response(item.id)
        var hints: [String]
        switch item.type {
        case .likert, .choice:
            let options = item.responseSet?.options ?? []
            let numberWidth = String(options.count).count
            for (i, option) in options.enumerated() {
                var label = SafeText.terminal(option.label, keepNewlines: false)
                if case .answered(.number(let v))? = response, v == option.value { label += "  (your answer)" }
                let marker = cursor == i ? ">" : " "
                let num = String(repeating: " ", count: numberWidth - String(i + 1).count) + String(i + 1)
                if cursor == i { focus = body.count }
                body += layout.wrap(label, indent: "\(marker) \(num)  ", kind: cursor == i ? .highlight : .plain)
            }
            if item.allowsDecline {
                body.append(.blank)
                let mark = response == .declined ? "  (your answer)" : ""
                body += layout.wrap("Prefer not to answer" + mark, indent: "  " + String(repeating: " ", count: numberWidth - 1) + "d  ")
            }
            if response == .skipped { body.append(.blank); body += layout.wrap("You skipped this question.", kind: .dim) }
            hints = ["1-\(options.count) or \(style.up)\(style.down) Enter: answer", "\(style.left): back"]
            if !item.required { hints.append("s: skip") }
            if item.allowsDecline { hints.append("d: prefer not to answer") }
            hints += ["?: help", "q: save and leave"]
        case .number:
            body += layout.wrap(AnswerRules.rangePhrase(min: item.min, max: item.max).capitalizedFirst + ".", kind: .dim)
            body.append(.blank)
            focus = body.count
            body.append(ScreenLine("  Your answer: " + SafeText.terminal(field, keepNewlines: false) + "_", .highlight))
            if response == .declined { body.append(.blank); body += layout.wrap("You chose \"Prefer not to answer\".", kind: .dim) }
            if response == .skipped { body.append(.blank); body += layout.wrap("You skipped this question.", kind: .dim) }
            hints = ["Type a number, Enter: answer", "\(style.left) or b: back"]
            if !item.required { hints.append("s: skip") }
            if item.allowsDecline { hints.append("d: prefer not to answer") }
            hints += ["?: help", "q: save and leave"]
        case .text:
            let bar = style.unicode ? "│ " : "| "
            body += TextLayout.wrap(SafeText.terminal(editor) + "_", width: layout.width - 2).map {
                ScreenLine(layout.margin + bar + $0, .accent)
            }
            focus = body.count - 1
            if response == .skipped && editor.isEmpty { body.append(.blank); body += layout.wrap("You skipped this question.", kind: .dim) }
            hints = ["Enter: new line", "Ctrl-D or Tab: done\(item.required ? "" : " (empty: skip)")", "\(style.left): back",
                     "Ctrl-C: save and leave"]
        case .note:
            hints = ["Enter: continue", "\(style.left): back", "?: help", "q: save and leave"]
        }
        return layout.fit(top: top, body: body, focus: focus, bottom: bottom(layout, hints: hints))
    }

    private func reviewFrame(_ layout: ScreenLayout) -> Frame {
        let items = session.answerableItems
        var top = [layout.header(instrumentTitle, right: "Review"), layout.rule, ScreenLine.blank]
        top += layout.wrap("Please check your answers. Choose a question to change it, or choose Submit.")
        top.append(.blank)
        var body: [ScreenLine] = []
        let numberWidth = String(items.count).count
        let answerWidth = max(10, min(28, layout.width * 2 / 5))
        var focus = 0
        for (i, item) in items.enumerated() {
            let num = String(repeating: " ", count: numberWidth - String(i + 1).count) + "\(i + 1). "
            let question = SafeText.terminal(item.text, keepNewlines: false)
            let answer = TextLayout.truncate(ReviewText.answer(session.response(item.id), item: item, style: style), width: answerWidth)
            let leftWidth = layout.width - 2 - answerWidth - 2
            let marker = reviewCursor == i ? "> " : "  "
            var left = marker + num + question
            if TextLayout.width(left) > leftWidth {
                left = TextLayout.truncate(left, width: max(leftWidth - TextLayout.width(style.ellipsis), 1)) + style.ellipsis
            }
            if reviewCursor == i { focus = body.count }
            body.append(ScreenLine(layout.margin + TextLayout.pad(left, width: leftWidth) + "  " + answer,
                                   reviewCursor == i ? .highlight : .plain))
        }
        body.append(.blank)
        if reviewCursor >= items.count { focus = body.count }
        body.append(ScreenLine(layout.margin + (reviewCursor >= items.count ? "> " : "  ") + "Submit these answers",
                               reviewCursor >= items.count ? .highlight : .bold))
        let hints = ["\(style.up)\(style.down) or a number: choose", "Enter: change that answer, or submit", "\(style.left): back",
                     "q: save and leave"]
        return layout.fit(top: top, body: body, focus: focus, bottom: bottom(layout, hints: hints))
    }

    private func helpFrame(_ layout: ScreenLayout) -> Frame {
        let top = [layout.header("Help", right: ""), layout.rule, ScreenLine.blank]
        var body: [ScreenLine] = []
        let keys: [(String, String)] = [
            ("1 2 3 ...", "choose that option at once"),
            ("\(style.up) \(style.down)  j k", "move between the options"),
            ("Enter", "confirm the highlighted option"),
            ("\(style.left)  b", "back to the previous question (answers are kept)"),
            ("\(style.right)", "on to the next question, keeping your answer"),
            ("s", "skip a question that is not required"),
            ("d", "\"Prefer not to answer\", where it is offered"),
            ("q  Ctrl-C", "save your answers and leave; run the same command again to continue"),
            ("Ctrl-D  Tab", "finish a written answer (Enter starts a new line)"),
        ]
        for (k, what) in keys {
            body += layout.wrap(what, indent: TextLayout.pad(k, width: 12) + "  ")
        }
        body.append(.blank)
        body += layout.wrap("Before you submit, a review lists every answer; choose any question there to change it.")
        return layout.fit(top: top, body: body, focus: 0, bottom: [.blank, layout.rule, ScreenLine("  Press any key to return.", .dim)])
    }
}

/// How the review describes a response.
enum ReviewText {
    static func answer(_ r: ItemResponse?, item: Item, style: Style) -> String {
        switch r {
        case nil: return "(not answered)"
        case .skipped?: return "(skipped)"
        case .declined?: return "Prefer not to answer"
        case .answered(.number(let v))?:
            if let label = item.responseSet?.option(for: v)?.label { return SafeText.terminal(label, keepNewlines: false) }
            return NumberText.plain(v)
        case .answered(.text(let t))?:
            let flat = SafeText.terminal(t, keepNewlines: false)
            return flat
        case .answered(.missing)?: return "(skipped)"
        }
    }
}

extension String {
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
