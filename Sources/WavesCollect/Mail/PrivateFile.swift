import Foundation
import Glibc

/// Files that hold access codes (the mail-merge CSV, `.eml` messages): created mode 0600
/// whatever the umask, never through a symbolic link.
public enum PrivateFile {
    /// Creates `url` with `text`; refuses an existing file (an earlier run's codes are not overwritten by accident).
    public static func create(_ url: URL, _ text: String) throws {
        let fd = open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            let why = errno == EEXIST ? "already exists; choose another file with --out, or move it away first"
                                      : "cannot create: \(String(cString: strerror(errno)))"
            throw CollectError.output(path: url.path, reason: why)
        }
        defer { close(fd) }
        guard writeAll(fd, text), fsync(fd) == 0 else {
            unlink(url.path)
            throw CollectError.output(path: url.path, reason: "cannot write: \(String(cString: strerror(errno)))")
        }
    }

    /// Writes `url` whole through a temporary file and a rename (replacing an older message), mode 0600.
    public static func replace(_ url: URL, _ text: String) throws {
        let tmp = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp")
        unlink(tmp.path)
        try create(tmp, text)
        var st = stat()
        if lstat(url.path, &st) == 0 && (st.st_mode & S_IFMT) != S_IFREG {
            unlink(tmp.path)
            throw CollectError.output(path: url.path, reason: "exists and is not a regular file")
        }
        guard rename(tmp.path, url.path) == 0 else {
            let e = errno
            unlink(tmp.path)
            throw CollectError.output(path: url.path, reason: "cannot write: \(String(cString: strerror(e)))")
        }
    }

    /// A folder for messages, created owner-only (0700) when missing.
    public static func folder(_ url: URL) throws {
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir) {
            guard isDir.boolValue else { throw CollectError.output(path: url.path, reason: "is not a folder") }
            return
        }
        do { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700]) } catch {
            throw CollectError.output(path: url.path, reason: "cannot create the folder: \(error.localizedDescription)")
        }
    }

    /// `<participant>.eml`, every byte outside `[A-Za-z0-9-]` written `%XX`, so any id is a safe, distinct name.
    public static func messageName(_ participant: String) -> String {
        var out = ""
        for b in participant.utf8 {
            let c = Character(Unicode.Scalar(b))
            if c.isASCII && (c.isLetter || c.isNumber || c == "-") { out.append(c) } else { out += String(format: "%%%02X", b) }
        }
        return out + ".eml"
    }

    static func writeAll(_ fd: Int32, _ text: String) -> Bool {
        var bytes = Array(text.utf8)
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeMutableBytes { write(fd, $0.baseAddress! + done, $0.count - done) }
            if n < 0 { if errno == EINTR { continue }; return false }
            done += n
        }
        bytes.removeAll()
        return true
    }
}
