import WavesCore

/// What a participant did with one item.
public enum ItemResponse: Equatable, Sendable {
    /// A number (option value or number item) or text.
    case answered(Answer)
    /// Passed over without an answer (only for items that are not required).
    case skipped
    /// "Prefer not to answer" (only where the response set allows it).
    case declined
    /// "Don't know" (only where the response set has `allow_dont_know`).
    case dontKnow

    /// The answer stored in the record: the value, or missing for skipped and declined.
    public var storedAnswer: Answer {
        if case .answered(let a) = self { return a }
        return .missing
    }
}

/// Where a session stands.
public enum SessionPosition: Equatable, Sendable {
    /// The welcome screen with the instrument's introduction.
    case intro
    /// Showing the item with this id.
    case item(String)
    /// The review of every answer before submitting.
    case review
}

/// How a session ended.
public enum SessionOutcome: Equatable, Sendable {
    /// The participant confirmed the review: the record may be written.
    case submitted
    /// The participant left (q, Ctrl-C, end of input); the draft keeps the answers.
    case left
}

/// What the participant asks the session to do.
public enum SessionCommand: Equatable, Sendable {
    /// Leave the welcome screen for the first item.
    case begin
    /// Answer the current item with a value (validated).
    case answer(Answer)
    /// Record an answer to the current item without moving on (unfinished text kept on leaving).
    case keep(Answer)
    /// Answer the current choice item with its option number (1-based, in display order).
    case option(Int)
    /// Skip the current item (refused when it is required).
    case skip
    /// "Prefer not to answer" the current item (refused unless its response set allows it).
    case decline
    /// "Don't know" for the current item (refused unless its response set allows it).
    case dontKnow
    /// Go on, keeping the current item's answer (notes, or items already answered).
    case next
    /// The previous item (answers are kept); from the first item, the welcome screen.
    case back
    /// From the review: change the answer to this item.
    case edit(String)
    /// From the review: submit.
    case submit
    /// Save and leave.
    case quit
}

/// Whether a command was carried out, or why not (one sentence for the participant).
public enum SessionFeedback: Equatable, Sendable {
    case accepted
    case refused(String)

    public var message: String? { if case .refused(let m) = self { return m } else { return nil } }
}
