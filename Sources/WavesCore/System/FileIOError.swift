import Foundation

/// A file operation that failed, in words: the path, what Waves was doing, and why.
///
/// The description reads "data/responses.jsonl: cannot open the store: it is a symbolic
/// link, …", the shape every layer's own I/O errors already had.
public struct FileIOError: Error, LocalizedError, Equatable, Sendable {
    /// Why it failed.
    public enum Kind: Equatable, Sendable {
        /// The system call failed with this errno value.
        case system(Int32)
        /// The path is a symbolic link where Waves does not follow links.
        case symbolicLink
        /// The path is a folder, a device or a pipe where a regular file is needed.
        case notAFile
        /// The path is a file (or something else) where a folder is needed.
        case notAFolder
    }

    public var path: String
    /// What Waves was doing, as a verb phrase: "open the store", "save the draft".
    public var operation: String
    public var kind: Kind

    public init(path: String, operation: String, kind: Kind) {
        self.path = path; self.operation = operation; self.kind = kind
    }

    /// The errno value, when a system call failed.
    public var errno: Int32? { if case .system(let e) = kind { return e } else { return nil } }

    /// The reason alone ("No such file or directory", "it is a symbolic link …").
    public var reason: String {
        switch kind {
        case .system(let e): return errorText(e)
        case .symbolicLink:
            return "it is a symbolic link, and Waves does not follow links for the study's data (put the real file or folder there)"
        case .notAFile: return "it is not a regular file (a folder, a device or a pipe)"
        case .notAFolder: return "it is not a folder"
        }
    }

    public var errorDescription: String? { "\(path): cannot \(operation): \(reason)" }
}
