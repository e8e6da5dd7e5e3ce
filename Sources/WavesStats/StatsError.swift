import Foundation

/// Errors of the numerical layer. Each case says what could not be computed.
public enum StatsError: Error, LocalizedError, Equatable {
    /// Not enough data (too few rows, columns or complete cases).
    case insufficientData(String)
    /// A matrix was singular or not positive definite, or GSL reported a failure.
    case numerical(String)
    /// Inputs whose shapes do not fit together.
    case dimension(String)

    public var errorDescription: String? {
        switch self {
        case .insufficientData(let s): return "not enough data: \(s)"
        case .numerical(let s): return "numerical problem: \(s)"
        case .dimension(let s): return "dimension mismatch: \(s)"
        }
    }
}
