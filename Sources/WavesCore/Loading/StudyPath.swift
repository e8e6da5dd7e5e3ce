import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The folders a study's files may come from: the study folder itself and, for
/// instruments only, one shared instruments folder that the evaluator names outside the
/// study (`WAVES_SHARED_INSTRUMENTS`), never one that a study folder can name for itself.
public struct StudyFolders: Sendable, Equatable {
    /// The environment variable that names the shared instruments folder.
    public static let sharedInstrumentsVariable = "WAVES_SHARED_INSTRUMENTS"

    public var study: URL
    public var sharedInstruments: URL?

    public init(study: URL, sharedInstruments: URL? = nil) {
        self.study = study
        self.sharedInstruments = sharedInstruments
    }

    /// The study folder with the shared instruments folder from the environment, if set.
    public static func fromEnvironment(study: URL, environment: [String: String] = ProcessInfo.processInfo.environment) -> StudyFolders {
        let shared = environment[sharedInstrumentsVariable].flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0, isDirectory: true) }
        return StudyFolders(study: study, sharedInstruments: shared?.standardizedFileURL)
    }
}

/// What a path in study.yaml names (the words used in messages).
public enum StudyFileKind: String, Sendable {
    case study = "study file"
    case instrument = "instrument file"
    case roster = "roster"
    case consent = "consent file"
    case codebook = "codebook"

    /// "an instrument file", "a roster".
    public var withArticle: String { (rawValue.first.map { "aeiou".contains($0) } ?? false ? "an " : "a ") + rawValue }
}

/// Why a path named by a study cannot be used, in a plain sentence.
public struct StudyPathError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Reason: Equatable, Sendable {
        case empty, nul, absolute, leavesFolder, missing, directory, notRegularFile
        case symbolicLink(String)
        case notAFolder(String)
        case unreadable
        case sharedNotConfigured, sharedNotAFolder(String), sharedNotAllowed
    }
    public var kind: StudyFileKind
    /// The path as the study names it.
    public var path: String
    public var reason: Reason

    public var description: String {
        let p = SafeText.line(path)
        let what = kind.rawValue
        switch reason {
        case .empty: return "the \(what) path is empty; name a file inside the study folder"
        case .nul: return "the \(what) path '\(p)' contains a NUL character"
        case .absolute: return "absolute paths are not allowed: \(p) (name the \(what) relative to the study folder)"
        case .leavesFolder: return "'\(p)' leads outside the study folder; \(kind.withArticle) must be inside it"
        case .missing: return "\(what) '\(p)' does not exist"
        case .directory: return "'\(p)' is a folder, not \(kind.withArticle)"
        case .notRegularFile: return "'\(p)' is not a plain file (a device, pipe or socket); \(kind.withArticle) must be a plain file"
        case .symbolicLink(let c):
            return "'\(SafeText.line(c))' is a symbolic link; Waves does not follow links inside a study folder (copy the \(what) in instead)"
        case .notAFolder(let c): return "'\(SafeText.line(c))' in '\(p)' is not a folder"
        case .unreadable: return "cannot read the \(what) '\(p)' (permission denied or an I/O error)"
        case .sharedNotConfigured:
            return "'\(p)' is to come from the shared instruments folder, but \(StudyFolders.sharedInstrumentsVariable) is not set (see docs/instruments.md)"
        case .sharedNotAFolder(let d):
            return "the shared instruments folder \(SafeText.line(d)) (\(StudyFolders.sharedInstrumentsVariable)) is not a folder"
        case .sharedNotAllowed: return "only instruments may come from the shared instruments folder, not the \(what) '\(p)'"
        }
    }
}

/// The one resolver for every path a study names (instruments, roster, consent, codebooks,
/// study.yaml itself): the file must lie inside the study folder, or for an instrument
/// written `shared: NAME` inside the shared instruments folder.
///
/// Rules, checked without touching the file's content:
/// - empty paths, NUL characters and absolute paths are refused for what they are;
/// - `.` and `..` are resolved by name; a `..` that would leave the folder is refused;
/// - no component below the folder may be a symbolic link (`lstat` on each), so a link
///   cannot lead outside; the folder itself may be reached through links;
/// - the file must exist and be a plain file (not a folder, device, pipe or socket).
public enum StudyPath {
    /// How study.yaml and `Instrument.path` write an instrument from the shared folder.
    public static let sharedPrefix = "shared:"

    /// The file a study path names, checked as described above.
    public static func resolve(_ path: String, kind: StudyFileKind, in folders: StudyFolders) throws(StudyPathError) -> URL {
        func fail(_ r: StudyPathError.Reason) -> StudyPathError { StudyPathError(kind: kind, path: path, reason: r) }
        var root = folders.study
        var relative = path
        if path.hasPrefix(sharedPrefix) {
            guard kind == .instrument else { throw fail(.sharedNotAllowed) }
            guard let shared = folders.sharedInstruments else { throw fail(.sharedNotConfigured) }
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: shared.path, isDirectory: &isDir), isDir.boolValue else {
                throw fail(.sharedNotAFolder(shared.path))
            }
            root = shared
            relative = String(path.dropFirst(sharedPrefix.count))
        }
        guard !relative.isEmpty else { throw fail(.empty) }
        guard !relative.utf8.contains(0) else { throw fail(.nul) }
        guard !relative.hasPrefix("/") else { throw fail(.absolute) }
        var components: [String] = []
        for c in relative.split(separator: "/", omittingEmptySubsequences: true) {
            switch c {
            case ".": continue
            case "..":
                guard !components.isEmpty else { throw fail(.leavesFolder) }
                components.removeLast()
            default: components.append(String(c))
            }
        }
        guard !components.isEmpty else { throw fail(.directory) }
        var url = root
        for (n, c) in components.enumerated() {
            url.appendPathComponent(c)
            var st = stat()
            guard lstat(url.path, &st) == 0 else {
                if errno == ENOENT || errno == ENOTDIR || errno == ENAMETOOLONG { throw fail(.missing) }
                throw fail(.unreadable)
            }
            let type = st.st_mode & S_IFMT
            let shown = components[...n].joined(separator: "/")
            if type == S_IFLNK { throw fail(.symbolicLink(shown)) }
            if n < components.count - 1 {
                guard type == S_IFDIR else { throw fail(.notAFolder(shown)) }
            } else {
                if type == S_IFDIR { throw fail(.directory) }
                guard type == S_IFREG else { throw fail(.notRegularFile) }
            }
        }
        return url
    }

    /// The bytes of the file a study path names, after `resolve`.
    public static func read(_ path: String, kind: StudyFileKind, in folders: StudyFolders) throws(StudyPathError) -> Data {
        let url = try resolve(path, kind: kind, in: folders)
        guard FileManager.default.isReadableFile(atPath: url.path), let data = try? Data(contentsOf: url) else {
            throw StudyPathError(kind: kind, path: path, reason: .unreadable)
        }
        return data
    }
}
