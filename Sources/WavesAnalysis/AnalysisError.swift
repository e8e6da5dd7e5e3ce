import Foundation

/// Errors of the analysis layer, in words an evaluator can act on.
public enum AnalysisError: Error, LocalizedError, Equatable {
    case unknownScale(String, available: [String])
    case ambiguousScale(String, candidates: [String])
    case unknownWave(String, available: [String])
    case unknownInstrument(String, available: [String])
    case notEnoughData(String)
    case invalidArgument(String)

    public var errorDescription: String? {
        switch self {
        case .unknownScale(let s, let a): return "no scale '\(s)' in this study (scales: \(a.joined(separator: ", ")))"
        case .ambiguousScale(let s, let c): return "scale '\(s)' exists in several instruments; name one of: \(c.joined(separator: ", "))"
        case .unknownWave(let w, let a): return "no wave '\(w)' in this study (waves: \(a.joined(separator: ", ")))"
        case .unknownInstrument(let i, let a): return "no instrument '\(i)' in this study (instruments: \(a.joined(separator: ", ")))"
        case .notEnoughData(let s): return s
        case .invalidArgument(let s): return s
        }
    }
}
