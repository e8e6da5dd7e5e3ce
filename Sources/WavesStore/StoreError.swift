import Foundation
import WavesCore

/// Errors of the response store.
public enum StoreError: Error, LocalizedError {
    /// The store (or its folder) could not be opened, read or written.
    case file(FileIOError)
    case invalidRecord(String)

    public var errorDescription: String? {
        switch self {
        case .file(let e):
            return e.errorDescription
        case .invalidRecord(let s):
            return "invalid response record: \(s)"
        }
    }
}

/// A store line that could not be read as a response record.
public struct StoreProblem: Sendable, Equatable, CustomStringConvertible {
    public var line: Int
    public var message: String
    public init(line: Int, message: String) { self.line = line; self.message = message }
    public var description: String { "data/responses.jsonl:\(line): \(message)" }
}
