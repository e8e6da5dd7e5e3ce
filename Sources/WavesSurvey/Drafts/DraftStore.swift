import Foundation
import WavesCore

/// The drafts folder (`data/drafts/`): one file per participant, wave and instrument.
///
/// A draft is replaced atomically (`AtomicFile`: a temporary file created exclusively, mode
/// 0600, fsync, rename, fsync of the folder), so a crash or a signal at any moment leaves
/// either the previous draft or the new one, never a torn file. The folder (0700) and the
/// draft files are opened without following symbolic links.
public struct DraftStore: Sendable {
    public var directory: URL

    public init(directory: URL) { self.directory = directory }

    /// File name: `draft-<SHA-256 of participant, wave, instrument>.json` (`ContentHash`), 75
    /// bytes whatever the ids' length or characters; the draft's JSON carries the ids themselves.
    public func url(participant: String, wave: String, instrument: String) -> URL {
        directory.appendingPathComponent(name(participant: participant, wave: wave, instrument: instrument))
    }

    func name(participant: String, wave: String, instrument: String) -> String {
        "draft-" + ContentHash.sha256Hex(joining: ["waves.draft", participant, wave, instrument]) + ".json"
    }

    /// The name drafts had before (round 1): `<participant>__<wave>__<instrument>.json`, every
    /// byte outside `[A-Za-z0-9.-]` written as `%XX`. Still read, so a draft saved by an older
    /// Waves resumes; nil when such a name could not exist (longer than a file name may be).
    func legacyName(participant: String, wave: String, instrument: String) -> String? {
        func enc(_ s: String) -> String {
            var out = ""
            for b in s.utf8 {
                let c = Character(Unicode.Scalar(b))
                if (c.isASCII && (c.isLetter || c.isNumber)) || c == "-" || (c == "." && !out.isEmpty) { out.append(c) }
                else { out += String(format: "%%%02X", b) }
            }
            return out
        }
        let n = "\(enc(participant))__\(enc(wave))__\(enc(instrument)).json"
        return n.utf8.count <= 255 ? n : nil
    }

    /// The names a draft may have, the current one first.
    private func names(_ participant: String, _ wave: String, _ instrument: String) -> [String] {
        [name(participant: participant, wave: wave, instrument: instrument)]
            + [legacyName(participant: participant, wave: wave, instrument: instrument)].compactMap { $0 }
    }

    /// The folder, or nil when it does not exist yet.
    private func existingFolder() throws -> Folder? {
        guard FileIO.permissions(at: directory.path) != nil else { return nil }
        do { return try Folder.open(directory, role: "the drafts folder") } catch let e as FileIOError {
            throw DraftError.io(path: e.path, reason: e.reason)
        }
    }

    /// The saved draft, or nil when there is none; throws when the file exists but cannot be read.
    public func load(participant: String, wave: String, instrument: String) throws -> Draft? {
        guard let folder = try existingFolder() else { return nil }
        for n in names(participant, wave, instrument) {
            let file: OpenFile?
            do { file = try folder.openForReading(n, role: "the draft") } catch let e as FileIOError {
                throw DraftError.invalid(e.reason)
            }
            guard let file else { continue }
            var data: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            do {
                while true {
                    let k = try chunk.withUnsafeMutableBytes { try file.read(into: $0) }
                    if k == 0 { break }
                    data += chunk[0..<k]
                }
            } catch let e as FileIOError { throw DraftError.invalid(e.reason) }
            guard let text = String(validating: data, as: UTF8.self) else { throw DraftError.invalid("not UTF-8") }
            do { return try Draft(json: try JSONParser.parse(text)) } catch let e as DraftError { throw e } catch {
                throw DraftError.invalid(String(describing: error.localizedDescription))
            }
        }
        return nil
    }

    /// Whether a draft (under its current or its older name) exists.
    public func exists(participant: String, wave: String, instrument: String) -> Bool {
        guard let folder = try? existingFolder() else { return false }
        return names(participant, wave, instrument).contains { ((try? folder.kind(of: $0)) ?? nil) != nil }
    }

    /// Saves the draft atomically, mode 0600, under the current name (an older-named copy is removed).
    public func save(_ draft: Draft, order: [String] = []) throws {
        let text = JSONWriter.string(draft.json(order: order)) + "\n"
        let all = names(draft.participant, draft.wave, draft.instrument.id)
        do {
            let folder = try Folder.open(directory, create: 0o700, role: "the drafts folder")
            try folder.replace(all[0], with: Array(text.utf8), permissions: 0o600, role: "the draft")
            for old in all.dropFirst() { try folder.remove(old, role: "the draft") }
        } catch let e as FileIOError {
            throw DraftError.io(path: e.path, reason: e.reason)
        }
    }

    /// Removes the draft (after a confirmed submission, or when the participant starts over).
    public func remove(participant: String, wave: String, instrument: String) throws {
        guard let folder = try existingFolder() else { return }
        do {
            for n in names(participant, wave, instrument) { try folder.remove(n, role: "the draft") }
            try folder.sync()
        } catch let e as FileIOError {
            throw DraftError.io(path: e.path, reason: e.reason)
        }
    }

    /// Moves an unreadable draft aside (`<name>.unreadable`), so it is kept for inspection
    /// and a new session can start. Returns the new path.
    public func setAside(participant: String, wave: String, instrument: String) throws -> URL {
        guard let folder = try existingFolder() else { throw DraftError.io(path: directory.path, reason: "there is no drafts folder") }
        for n in names(participant, wave, instrument) where ((try? folder.kind(of: n)) ?? nil) != nil {
            do { try folder.rename(n, to: n + ".unreadable", role: "the draft") } catch let e as FileIOError {
                throw DraftError.io(path: e.path, reason: e.reason)
            }
            return directory.appendingPathComponent(n + ".unreadable")
        }
        throw DraftError.io(path: url(participant: participant, wave: wave, instrument: instrument).path, reason: "there is no such draft")
    }

    /// Checks, before the first question, that drafts can be saved: the folder is not a link
    /// (and is a folder), or it can be created.
    public func checkUsable() throws {
        if FileIO.permissions(at: directory.path) == nil {
            let parent = directory.deletingLastPathComponent()
            let existing = FileIO.permissions(at: parent.path) != nil ? parent : parent.deletingLastPathComponent()
            guard FileManager.default.isWritableFile(atPath: existing.path) else {
                throw DraftError.io(path: directory.path, reason: "the folder cannot be created (\(existing.path) is not writable)")
            }
            return
        }
        _ = try existingFolder()
        guard FileManager.default.isWritableFile(atPath: directory.path) else {
            throw DraftError.io(path: directory.path, reason: "the folder is not writable")
        }
    }
}
