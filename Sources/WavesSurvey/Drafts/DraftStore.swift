import Foundation
import Glibc
import WavesCore

/// The drafts folder (`data/drafts/`): one file per participant, wave and instrument.
///
/// A draft is written whole to a temporary file (mode 0600, created exclusively),
/// flushed with fsync, then renamed over the old one, so a crash or a signal at any
/// moment leaves either the previous draft or the new one, never a torn file.
public struct DraftStore: Sendable {
    public var directory: URL

    public init(directory: URL) { self.directory = directory }

    /// File name: `<participant>__<wave>__<instrument>.json`, with every byte outside
    /// `[A-Za-z0-9.-]` written as `%XX` so any id is a safe, distinct file name.
    public func url(participant: String, wave: String, instrument: String) -> URL {
        func enc(_ s: String) -> String {
            var out = ""
            for b in s.utf8 {
                let c = Character(Unicode.Scalar(b))
                if (c.isASCII && (c.isLetter || c.isNumber)) || c == "-" || (c == "." && !out.isEmpty) { out.append(c) }
                else { out += String(format: "%%%02X", b) }
            }
            return out
        }
        return directory.appendingPathComponent("\(enc(participant))__\(enc(wave))__\(enc(instrument)).json")
    }

    /// The saved draft, or nil when there is none; throws when the file exists but cannot be read.
    public func load(participant: String, wave: String, instrument: String) throws -> Draft? {
        let u = url(participant: participant, wave: wave, instrument: instrument)
        guard FileManager.default.fileExists(atPath: u.path) else { return nil }
        do {
            let data = try Data(contentsOf: u)
            guard let text = String(data: data, encoding: .utf8) else { throw DraftError.invalid("not UTF-8") }
            return try Draft(json: try JSONParser.parse(text))
        } catch let e as DraftError {
            throw e
        } catch {
            throw DraftError.invalid(String(describing: error.localizedDescription))
        }
    }

    /// Saves the draft atomically (temporary file, fsync, rename), mode 0600.
    public func save(_ draft: Draft, order: [String] = []) throws {
        let target = url(participant: draft.participant, wave: draft.wave, instrument: draft.instrument.id)
        try ensureDirectory()
        let text = JSONWriter.string(draft.json(order: order)) + "\n"
        let tmp = directory.appendingPathComponent(".\(target.lastPathComponent).\(getpid()).tmp")
        unlink(tmp.path)
        let fd = open(tmp.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw ioError(tmp) }
        var ok = true
        var bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeMutableBytes { Glibc.write(fd, $0.baseAddress! + written, $0.count - written) }
            if n < 0 { if errno == EINTR { continue }; ok = false; break }
            written += n
        }
        bytes.removeAll()
        if ok && fsync(fd) != 0 { ok = false }
        let saved = errno
        close(fd)
        guard ok else { errno = saved; let e = ioError(target); unlink(tmp.path); throw e }
        guard rename(tmp.path, target.path) == 0 else { let e = ioError(target); unlink(tmp.path); throw e }
        syncDirectory()
    }

    /// Removes the draft (after a confirmed submission, or when the participant starts over).
    public func remove(participant: String, wave: String, instrument: String) throws {
        let u = url(participant: participant, wave: wave, instrument: instrument)
        if unlink(u.path) != 0 && errno != ENOENT { throw ioError(u) }
        syncDirectory()
    }

    /// Moves an unreadable draft aside (`<name>.unreadable`), so it is kept for inspection
    /// and a new session can start. Returns the new path.
    public func setAside(participant: String, wave: String, instrument: String) throws -> URL {
        let u = url(participant: participant, wave: wave, instrument: instrument)
        let aside = u.appendingPathExtension("unreadable")
        guard rename(u.path, aside.path) == 0 else { throw ioError(u) }
        return aside
    }

    private func ensureDirectory() throws {
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDir), isDir.boolValue { return }
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            throw DraftError.io(path: directory.path, reason: error.localizedDescription)
        }
    }

    private func syncDirectory() {
        let dfd = open(directory.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dfd >= 0 { fsync(dfd); close(dfd) }
    }

    private func ioError(_ u: URL) -> DraftError {
        DraftError.io(path: u.path, reason: String(cString: strerror(errno)))
    }
}
