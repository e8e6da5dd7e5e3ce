import Foundation

/// One problem found while loading or validating, located in a file.
public struct Problem: Sendable, Equatable, CustomStringConvertible {
    public enum Severity: String, Sendable { case error, warning }

    public var file: String
    public var line: Int?
    public var column: Int?
    public var message: String
    public var severity: Severity

    public init(file: String, line: Int? = nil, column: Int? = nil, message: String, severity: Severity = .error) {
        self.file = file; self.line = line; self.column = column; self.message = message; self.severity = severity
    }

    /// `file:line:column: message`, the form compilers use, so editors can jump to it.
    public var description: String {
        var s = file
        if let l = line { s += ":\(l)"; if let c = column { s += ":\(c)" } }
        return s + ": " + (severity == .warning ? "warning: " : "") + message
    }
}

/// Loading failed; carries every problem found, not just the first.
public struct LoadError: Error, LocalizedError, Sendable {
    public var problems: [Problem]
    public init(_ problems: [Problem]) { self.problems = problems }
    public init(file: String, line: Int? = nil, column: Int? = nil, _ message: String) {
        self.problems = [Problem(file: file, line: line, column: column, message: message)]
    }
    public var errorDescription: String? { problems.map(\.description).joined(separator: "\n") }
}
