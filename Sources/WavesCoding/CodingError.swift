import Foundation

/// Errors of qualitative coding, in words a coder or evaluator can act on.
public enum CodingError: Error, LocalizedError, Equatable {
    case badCoderName(String)
    case unknownCoder(String, available: [String])
    case noUnits(String)
    case invalidArgument(String)
    case io(path: String, operation: String, reason: String)

    public var errorDescription: String? {
        switch self {
        case .badCoderName(let n):
            return "'\(n)' cannot be a coder name: use 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit (it names the file data/coding/<coder>.jsonl)"
        case .unknownCoder(let c, let a):
            return "no coder '\(c)' has coded in this study (coders: \(a.isEmpty ? "none yet" : a.joined(separator: ", ")))"
        case .noUnits(let s): return s
        case .invalidArgument(let s): return s
        case .io(let p, let op, let r): return "\(p): cannot \(op): \(r)"
        }
    }
}

/// Coder names: they name files, so they are checked before any path is made from them.
public enum CoderName {
    /// The coder whose decisions `--reconcile` records.
    public static let consensus = "consensus"

    /// Throws unless `name` is 1-64 of `[A-Za-z0-9._-]`, starting with a letter or digit.
    public static func validate(_ name: String) throws {
        let ok = !name.isEmpty && name.utf8.count <= 64
            && name.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "._-".unicodeScalars.contains($0)) }
            && name.unicodeScalars.first.map { CharacterSet.alphanumerics.contains($0) } == true
        if !ok { throw CodingError.badCoderName(name) }
    }
}
