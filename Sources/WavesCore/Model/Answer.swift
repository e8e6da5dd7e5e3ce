import Foundation

/// One answer in a response record: a number, free text, or missing (`null`).
public enum Answer: Sendable, Equatable, Hashable {
    case number(Double)
    case text(String)
    /// Skipped or declined (`null` in JSON).
    case missing

    public var number: Double? { if case .number(let v) = self { return v } else { return nil } }
    public var text: String? { if case .text(let s) = self { return s } else { return nil } }
    public var isMissing: Bool { self == .missing }
}
