import Foundation
import Glibc

/// The files of a study that no command may write over: the one check every command that
/// writes a file the user named (`--out`, `--eml`, …) calls before writing.
///
/// Protected: the response store, `study.yaml`, the roster, every instrument file of the
/// study, everything under `data/` (drafts, consent, invitations, `secret.key`, coding),
/// `instruments/` and `codebooks/`, and any file added with `protect(_:as:)` (the
/// de-identification key file, a consent text). A target is compared by its real path
/// (every symbolic link and `..` resolved, for the parts that exist) and, when it exists,
/// by device and inode (a hard link), so no spelling of a protected file gets through. A
/// symbolic link as the target itself is refused whatever it points at.
public struct StudyFiles: Sendable {
    public let directory: URL
    private var files: [(path: String, what: String)] = []
    private var folders: [(path: String, what: String)] = []

    public init(study: Study) {
        directory = study.directory
        protect(study.storeURL, as: "the study's response store")
        protect(study.directory.appendingPathComponent("study.yaml"), as: "the study file study.yaml")
        if let r = study.roster { protect(study.directory.appendingPathComponent(r), as: "the study's roster") }
        for i in study.instruments { protect(study.directory.appendingPathComponent(i.path), as: "an instrument file of the study") }
        protectFolder(study.directory.appendingPathComponent("data"),
                      as: "inside the study's data folder (store, drafts, consent, invitations, keys, coding)")
        protectFolder(study.directory.appendingPathComponent("instruments"), as: "inside the study's instruments folder")
        protectFolder(study.directory.appendingPathComponent("codebooks"), as: "a codebook of the study")
    }

    /// Adds a file (e.g. the `--key-file`, a consent text) with what to call it in the refusal.
    public mutating func protect(_ url: URL, as what: String) {
        files.append((Self.absolute(url.path), what))
    }

    /// Adds a folder whose whole content is protected.
    public mutating func protectFolder(_ url: URL, as what: String) {
        folders.append((Self.absolute(url.path), what))
    }

    /// Throws `OutputPathError` when `url` is a symbolic link or is (in any spelling) a protected file.
    public func check(_ url: URL, option: String = "--out") throws {
        let given = url.path
        let (resolved, lastIsLink) = Self.resolve(given)
        if lastIsLink { throw OutputPathError.symbolicLink(option: option, path: given) }
        let target = linkStatus(resolved)
        for f in files {
            let (p, _) = Self.resolve(f.path)
            if p == resolved { throw OutputPathError.studyFile(option: option, path: given, what: f.what) }
            if let t = target, let s = linkStatus(p), t.st_dev == s.st_dev, t.st_ino == s.st_ino {
                throw OutputPathError.studyFile(option: option, path: given, what: f.what)
            }
        }
        for d in folders {
            let (p, _) = Self.resolve(d.path)
            if resolved == p || resolved.hasPrefix(p.hasSuffix("/") ? p : p + "/") {
                throw OutputPathError.studyFile(option: option, path: given, what: d.what)
            }
        }
    }

    /// `path` made absolute against the current directory (not otherwise changed).
    static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }

    /// The real path of `path`: each existing component resolved with `realpath` (links, `.`,
    /// `..`), the components that do not exist yet appended as they are (`..` among them pops
    /// a component: what does not exist cannot be a link). `lastIsLink` tells whether the final
    /// component itself is a symbolic link.
    static func resolve(_ path: String) -> (path: String, lastIsLink: Bool) {
        var current = "/"
        let parts = absolute(path).split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        var lastIsLink = false
        for (i, part) in parts.enumerated() {
            if part == "." { continue }
            if part == ".." {
                current = (current as NSString).deletingLastPathComponent
                if current.isEmpty { current = "/" }
                continue
            }
            let next = current == "/" ? "/" + part : current + "/" + part
            if i == parts.count - 1, linkStatus(next)?.isSymbolicLink == true { lastIsLink = true }
            current = realPath(next) ?? next
        }
        return (current, lastIsLink)
    }
}

/// A file the user named that Waves will not write.
public enum OutputPathError: Error, LocalizedError, Equatable, Sendable {
    /// The target is (through any spelling) one of the study's own files.
    case studyFile(option: String, path: String, what: String)
    /// The target is a symbolic link.
    case symbolicLink(option: String, path: String)

    public var errorDescription: String? {
        switch self {
        case .studyFile(let o, let p, let what):
            return "\(o) \(p) is \(what), which Waves never writes over; choose another path (for example a file next to the study folder)."
        case .symbolicLink(let o, let p):
            return "\(o) \(p) is a symbolic link; Waves does not write through links. Give the real path, or remove the link."
        }
    }
}
