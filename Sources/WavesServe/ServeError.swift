import Foundation
import WavesCore

/// Why `waves serve` cannot start, in words the evaluator can act on.
public enum ServeError: Error, LocalizedError, Equatable {
    case hostKey(path: String, problem: String)
    case hostKeyExists(path: String)
    case badListenAddress(String)
    case cannotListen(address: String, reason: String)

    public var errorDescription: String? {
        func p(_ s: String) -> String { SafeText.line(s) }
        switch self {
        case .hostKey(let path, let problem):
            return "\(p(path)): cannot use this file as the SSH host key: \(p(problem))."
        case .hostKeyExists(let path):
            return "\(p(path)): a host key file already exists; it is never overwritten."
        case .badListenAddress(let a):
            return "--listen \(p(a)) is not an address and port such as 127.0.0.1:2222, 0.0.0.0:2222 or [::1]:2222."
        case .cannotListen(let a, let reason):
            return "cannot listen on \(p(a)): \(p(reason)). Choose another port with --listen, or stop what uses it."
        }
    }
}
