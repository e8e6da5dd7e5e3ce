import Foundation
import WavesCore

/// One participant answering one instrument: which items are shown, the answers so far,
/// where they are, and every move they may make.
///
/// Pure state: no input, output or files. `show_if` is evaluated in item order on the
/// role, the wave and the answers to the items shown before it; it is re-evaluated after
/// every change, and the responses of items that become hidden are dropped. Interactive
/// and plain front ends both drive this type, so they cannot disagree on the rules.
public struct SurveySession: Sendable {
    public let instrument: Instrument
    public let role: String?
    public let wave: String
    /// Wave ids in time order (for `wave >= 'w2'` conditions).
    public let waveOrder: [String]

    /// Responses by item id (only items currently shown).
    public private(set) var responses: [String: ItemResponse] = [:]
    public private(set) var position: SessionPosition = .intro
    /// Items shown under the current answers, in instrument order (notes included).
    public private(set) var visibleItems: [Item] = []
    /// Set after `edit` from the review: going on returns to the review once every newly
    /// shown item is answered (also after going back from the edited item). Cleared on
    /// reaching the review.
    public private(set) var editingFromReview = false
    /// Set when the session has ended.
    public private(set) var outcome: SessionOutcome?
    /// Increases with every accepted change of responses or position (drafts are saved when it moves).
    public private(set) var revision = 0

    public init(instrument: Instrument, role: String?, wave: String, waveOrder: [String] = []) {
        self.instrument = instrument; self.role = role; self.wave = wave
        self.waveOrder = waveOrder.isEmpty ? [wave] : waveOrder
        refreshVisibility()
    }

    /// A session resumed from saved responses: responses to unknown, hidden or (after an
    /// instrument change) invalid items are dropped; the position falls back to the first
    /// unanswered item when the saved one is no longer shown.
    public init(instrument: Instrument, role: String?, wave: String, waveOrder: [String] = [],
                responses saved: [String: ItemResponse], position saved_position: SessionPosition) {
        self.init(instrument: instrument, role: role, wave: wave, waveOrder: waveOrder)
        for (id, r) in saved {
            guard let item = instrument.item(id), item.type != .note else { continue }
            switch r {
            case .answered(let a): if AnswerRules.refusal(a, for: item) == nil { responses[id] = r }
            case .skipped: if !item.required { responses[id] = r }
            case .declined: if item.allowsDecline { responses[id] = r }
            case .dontKnow: if item.allowsDontKnow { responses[id] = r }
            }
        }
        refreshVisibility()
        switch saved_position {
        case .intro, .review: position = saved_position
        case .item(let id):
            position = visibleItems.contains { $0.id == id } ? .item(id) : firstUnanswered().map { .item($0.id) } ?? .review
        }
    }

    // MARK: - Reading the state

    /// The item on screen, when the position is an item.
    public var currentItem: Item? {
        if case .item(let id) = position { return visibleItems.first { $0.id == id } }
        return nil
    }

    /// Shown items that take an answer (notes excluded), in order.
    public var answerableItems: [Item] { visibleItems.filter { $0.type != .note } }

    /// "7 of 24": the item's number among the shown answerable items, and their count. Nil for notes.
    public func number(of id: String) -> (number: Int, total: Int)? {
        let items = answerableItems
        guard let i = items.firstIndex(where: { $0.id == id }) else { return nil }
        return (i + 1, items.count)
    }

    /// The shown answerable item with this 1-based number (as listed on the review).
    public func item(numbered n: Int) -> Item? {
        let items = answerableItems
        return n >= 1 && n <= items.count ? items[n - 1] : nil
    }

    public func response(_ id: String) -> ItemResponse? { responses[id] }

    /// Shown answerable items without any response yet.
    public var unansweredItems: [Item] { answerableItems.filter { responses[$0.id] == nil } }

    /// Count of shown answerable items with a response (answer, skip or decline).
    public var respondedCount: Int { answerableItems.filter { responses[$0.id] != nil }.count }

    /// What the record stores: every shown answerable item in order (missing when skipped,
    /// declined or never answered) and the declined items.
    public var recordAnswers: (answers: [(id: String, value: Answer)], declined: [String]) {
        var answers: [(id: String, value: Answer)] = []
        var declined: [String] = []
        for item in answerableItems {
            let r = responses[item.id]
            answers.append((item.id, r?.storedAnswer ?? .missing))
            if r == .declined { declined.append(item.id) }
        }
        return (answers, declined)
    }

    /// Items answered "Don't know" (the record's `dont_know`), in order.
    public var dontKnowItems: [String] { answerableItems.filter { responses[$0.id] == .dontKnow }.map(\.id) }

    // MARK: - Moves

    /// Carries out a command, or says why it cannot be done.
    @discardableResult
    public mutating func perform(_ command: SessionCommand) -> SessionFeedback {
        guard outcome == nil else { return .refused("The questionnaire is finished.") }
        if command == .quit { outcome = .left; return .accepted }
        switch position {
        case .intro:
            switch command {
            case .begin, .next:
                move(to: visibleItems.first.map { .item($0.id) } ?? .review)
                return .accepted
            case .back: return .refused("This is the beginning of the questionnaire.")
            default: return .refused("Press Enter to begin.")
            }
        case .review:
            return performOnReview(command)
        case .item(let id):
            guard let item = visibleItems.first(where: { $0.id == id }) else {
                move(to: .review); return .refused("That question is no longer shown.")
            }
            return performOnItem(command, item)
        }
    }

    private mutating func performOnItem(_ command: SessionCommand, _ item: Item) -> SessionFeedback {
        switch command {
        case .begin, .edit, .submit:
            return .refused("Answer this question first.")
        case .quit:
            return .accepted
        case .back:
            guard let i = visibleItems.firstIndex(where: { $0.id == item.id }) else { return .accepted }
            move(to: i > 0 ? .item(visibleItems[i - 1].id) : .intro)
            return .accepted
        case .next:
            if item.type == .note || responses[item.id] != nil { advance(from: item); return .accepted }
            return .refused(item.required ? "This question needs an answer." : "Please answer this question, or skip it.")
        case .skip:
            if item.type == .note { advance(from: item); return .accepted }
            if item.required { return .refused("This question needs an answer, so it cannot be skipped.") }
            record(.skipped, for: item)
            return .accepted
        case .decline:
            guard item.type != .note, item.allowsDecline else {
                return .refused("\"Prefer not to answer\" is not offered for this question.")
            }
            record(.declined, for: item)
            return .accepted
        case .dontKnow:
            guard item.type != .note, item.allowsDontKnow else {
                return .refused("\"Don't know\" is not offered for this question.")
            }
            record(.dontKnow, for: item)
            return .accepted
        case .option(let n):
            guard item.type == .likert || item.type == .choice, let set = item.responseSet else {
                return .refused(item.type == .note ? "This is a note; there is nothing to answer." : "Please type your answer.")
            }
            guard n >= 1 && n <= set.options.count else {
                return .refused("Please choose a number from 1 to \(set.options.count).")
            }
            record(.answered(.number(set.options[n - 1].value)), for: item)
            return .accepted
        case .keep(let answer):
            guard item.type != .note, AnswerRules.refusal(answer, for: item) == nil else {
                return .refused("That answer cannot be kept.")
            }
            var kept = answer
            if case .text(let t) = answer { kept = .text(SafeText.stripControls(t).trimmingCharacters(in: .whitespacesAndNewlines)) }
            responses[item.id] = .answered(kept)
            refreshVisibility()
            revision += 1
            return .accepted
        case .answer(var answer):
            if case .text(let t) = answer {
                let cleaned = SafeText.stripControls(t).trimmingCharacters(in: .whitespacesAndNewlines)
                if cleaned.isEmpty && item.type == .text {
                    // An empty text answer is a skip.
                    if item.required { return .refused("This question needs an answer.") }
                    record(.skipped, for: item)
                    return .accepted
                }
                answer = .text(cleaned)
            }
            if let why = AnswerRules.refusal(answer, for: item) { return .refused(why) }
            record(.answered(answer), for: item)
            return .accepted
        }
    }

    private mutating func performOnReview(_ command: SessionCommand) -> SessionFeedback {
        switch command {
        case .edit(let id):
            guard let item = answerableItems.first(where: { $0.id == id }) else {
                return .refused("There is no question \"\(SafeText.terminal(id, keepNewlines: false))\" to change.")
            }
            editingFromReview = true
            move(to: .item(item.id))
            return .accepted
        case .submit:
            if let missing = answerableItems.first(where: { $0.required && !isAnswered($0) }) {
                let n = number(of: missing.id)?.number ?? 0
                editingFromReview = true
                move(to: .item(missing.id))
                return .refused("Question \(n) needs an answer before you submit.")
            }
            outcome = .submitted
            revision += 1
            return .accepted
        case .back:
            move(to: visibleItems.last.map { .item($0.id) } ?? .intro)
            return .accepted
        default:
            return .refused("Submit your answers, or choose a question to change.")
        }
    }

    private func isAnswered(_ item: Item) -> Bool {
        switch responses[item.id] {
        case .answered?, .declined?, .dontKnow?: return true
        default: return false
        }
    }

    private mutating func record(_ r: ItemResponse, for item: Item) {
        responses[item.id] = r
        refreshVisibility()
        advance(from: item)
    }

    /// Goes on from `item`: the next shown item; when editing from the review, the next
    /// shown item still without a response, else the review (notes always go to the next item).
    private mutating func advance(from item: Item) {
        let i = visibleItems.firstIndex { $0.id == item.id } ?? -1
        let later = visibleItems[(i + 1)...]
        // A note always leads to the item after it (it may precede the item being changed).
        let next = editingFromReview && item.type != .note
            ? later.first { $0.type != .note && responses[$0.id] == nil }
            : later.first
        move(to: next.map { .item($0.id) } ?? .review)
    }

    private mutating func move(to p: SessionPosition) {
        if p == .review { editingFromReview = false }
        position = p
        revision += 1
    }

    private func firstUnanswered() -> Item? {
        visibleItems.first { $0.type != .note && responses[$0.id] == nil }
    }

    /// Re-evaluates `show_if` in item order; responses of hidden items are dropped.
    private mutating func refreshVisibility() {
        var ctx = ConditionContext(role: role, wave: wave, waveOrder: waveOrder, answers: [:])
        var visible: [Item] = []
        for item in instrument.items {
            if item.showIf?.evaluate(ctx) ?? true {
                visible.append(item)
                if case .answered(let a)? = responses[item.id] { ctx.answers[item.id] = a }
            } else {
                responses[item.id] = nil
            }
        }
        visibleItems = visible
    }
}
