/// How a response record was collected (`"mode"` in the store, spec/formats.md).
public enum RecordMode: String, Sendable, Equatable, CaseIterable {
    /// `waves take` with the full-screen survey.
    case terminal
    /// `waves take --plain` (one answer per line).
    case plain
    /// `waves import` from a long CSV.
    case `import`
}

extension ResponseRecord {
    /// The record's mode, nil when it is one this version does not know (kept as written).
    public var recordMode: RecordMode? { RecordMode(rawValue: mode) }
}
