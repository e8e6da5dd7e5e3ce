import Foundation
import WavesCore

/// A yes/no question asked before a session (resume a draft? record another response?).
public struct YesNoQuestion: Sendable, Equatable {
    public var text: String
    /// What `y` and `n` do, in a few words ("resume", "start over").
    public var yes: String
    public var no: String
    public init(text: String, yes: String, no: String) { self.text = text; self.yes = yes; self.no = no }
}

/// How a session is shown and answered: interactive screens or plain lines.
public protocol SurveyFrontEnd: AnyObject {
    /// `terminal` or `plain`: the `mode` of the records this front end produces.
    var mode: String { get }
    /// Asks a yes/no question; nil when the participant leaves instead (q, Ctrl-C, end of input).
    func ask(_ question: YesNoQuestion, heading: SurveyHeading) -> Bool?
    /// Runs the session until it is submitted or left. `save` is called after every change
    /// (every answer and move); when it throws, the session stops and the error propagates.
    func run(_ session: SurveySession, heading: SurveyHeading, save: (SurveySession) throws -> Void) throws -> SurveySession
    /// Tells the participant something between sessions ("Your answers to X are recorded.").
    func tell(_ text: String)
}
