import Foundation

/// Errors of the response store.
public enum StoreError: Error, LocalizedError {
    case io(path: String, operation: String, errno: Int32)
    case invalidRecord(String)

    public var errorDescription: String? {
        switch self {
        case .io(let p, let op, let e):
            return "\(p): cannot \(op): \(String(cString: strerror(e)))"
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
