import Foundation

/// The permission bits of a file Waves writes for the user (`--mode`): 0600 unless widened.
///
/// Exports and reports hold participant ids and free text, so they are private to their
/// owner by default, whatever the umask; `--mode 640` or `--mode 644` widens on purpose.
public struct OutputMode: Sendable, Equatable, CustomStringConvertible {
    public let bits: UInt16

    /// Owner read and write only.
    public static let ownerOnly = OutputMode(checked: 0o600)

    private init(checked bits: UInt16) { self.bits = bits }

    /// Parses octal text as `chmod` takes it ("600", "0640", "644"). The owner must keep read
    /// and write, and the set-id and sticky bits are refused; throws `OutputModeError`.
    public init(octal text: String) throws {
        let t = text.trimmingCharacters(in: .whitespaces)
        guard (1...4).contains(t.count), t.allSatisfy({ ("0"..."7").contains($0) }), let v = UInt16(t, radix: 8) else {
            throw OutputModeError(text: text)
        }
        guard v <= 0o777, v & 0o600 == 0o600 else { throw OutputModeError(text: text) }
        bits = v
    }

    /// "0600".
    public var description: String { Self.describe(bits) }

    /// Permission bits as four octal digits ("0644").
    public static func describe(_ bits: UInt16) -> String {
        let s = String(bits, radix: 8)
        return String(repeating: "0", count: max(0, 4 - s.count)) + s
    }

    /// The mode for a folder Waves creates to hold such a file: search (x) wherever read is granted.
    public var folderBits: UInt16 { bits | ((bits & 0o444) >> 2) }
}

/// `--mode` text that is not a permission Waves accepts.
public struct OutputModeError: Error, LocalizedError, Equatable, Sendable {
    public var text: String
    public var errorDescription: String? {
        "--mode takes octal permission bits such as 600 (the default), 640 or 644, and the owner keeps read and write (got '\(text)')."
    }
}

/// A file the user named for output, checked against the study's own files, written
/// atomically with the chosen permission bits.
///
/// Every command that writes a user-named file goes through here: `report --out`,
/// `export --out` and its syntax files, `simulate --out`, and the coming `invite --out/--eml`
/// and `feedback --out`.
public struct OutputTarget: Sendable {
    public let url: URL
    public let mode: OutputMode

    /// Checks `url` against `study` (throws `OutputPathError`) and a folder at the path.
    public init(_ url: URL, option: String = "--out", mode: OutputMode = .ownerOnly, protecting study: StudyFiles) throws {
        try study.check(url, option: option)
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir), isDir.boolValue {
            throw FileIOError(path: url.path, operation: "write \(option) there", kind: .notAFile)
        }
        self.url = url
        self.mode = mode
    }

    /// An output that is not inside a study (tests, benchmarks): only the mode applies.
    public init(unchecked url: URL, mode: OutputMode = .ownerOnly) {
        self.url = url
        self.mode = mode
    }

    /// Starts writing: creates the folder when missing, and returns the new content's file;
    /// `commit()` puts it in place.
    public func begin(role: String = "the file") throws -> AtomicFile {
        let folder = try Folder.open(url.deletingLastPathComponent(), create: mode.folderBits, followLink: true, role: "the output folder")
        return try folder.beginReplacing(url.lastPathComponent, permissions: mode.bits, role: role)
    }

    /// Writes `text` as the whole file, atomically.
    public func write(_ text: String, role: String = "the file") throws {
        let f = try begin(role: role)
        try f.write(text)
        try f.commit()
    }
}
