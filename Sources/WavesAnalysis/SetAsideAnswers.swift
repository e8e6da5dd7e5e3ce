import Foundation
import WavesCore

/// The answers an analysis set aside as missing because their item's rules reject them
/// (`AnswerRules`; counted by `InstrumentData`). In `--json` only their number is written,
/// as `"set_aside": N`; the CLI names them in one note line (`SetAsideAnswer.note`).
public struct SetAsideAnswers: Encodable, Sendable, Equatable {
    public var answers: [SetAsideAnswer]
    public init(_ answers: [SetAsideAnswer] = []) { self.answers = answers }
    public var count: Int { answers.count }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(answers.count)
    }
}
