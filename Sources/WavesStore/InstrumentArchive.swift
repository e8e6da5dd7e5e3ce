import Foundation
import WavesCore

/// Every instrument version a record was made with, kept by its hash under
/// `data/instruments/<sha256>.yaml` (spec formats.md "Instruments gain"): written on first
/// use, never changed, so an old version can be compared with the current file
/// (`waves instruments diff`) years later. Records name the version by
/// `instrument.sha256`, the hash of exactly these bytes.
///
/// Writes go through `Folder` (no links followed, `data/` 0700) and `Folder.replace`
/// (`AtomicFile`: temporary file, mode 0600, fsync, rename), so a crash never leaves half a
/// version under its final name.
public struct InstrumentArchive: Sendable {
    /// `data/instruments/`.
    public let url: URL

    public init(url: URL) { self.url = url }

    /// The archive beside a store (`data/responses.jsonl` -> `data/instruments/`).
    public init(store: ResponseStore) { url = store.url.deletingLastPathComponent().appendingPathComponent("instruments", isDirectory: true) }

    /// The file name of a version.
    public static func name(_ sha256: String) -> String { sha256 + ".yaml" }

    /// Keeps an instrument's bytes unless that version is already kept. Instruments built in
    /// code (no bytes) are passed over; bytes that do not hash to `sha256` are refused.
    public func keep(_ instrument: Instrument) throws {
        guard !instrument.source.isEmpty else { return }
        let bytes = [UInt8](instrument.source)
        guard ContentHash.sha256Hex(bytes) == instrument.sha256 else {
            throw StoreError.invalidRecord("instrument '\(instrument.id)' changed on disk while it was in use; nothing was recorded")
        }
        do {
            _ = try Folder.open(url.deletingLastPathComponent(), create: 0o700, role: "the data folder")
            let folder = try Folder.open(url, create: 0o700, role: "the instrument versions folder")
            let name = Self.name(instrument.sha256)
            switch try folder.kind(of: name) {
            case .file?: return   // kept on first use, never changed
            case nil: try folder.replace(name, with: bytes, permissions: 0o600, role: "an instrument version")
            case .symbolicLink?: throw FileIOError(path: folder.path(name), operation: "keep an instrument version", kind: .symbolicLink)
            case .folder?, .other?: throw FileIOError(path: folder.path(name), operation: "keep an instrument version", kind: .notAFile)
            }
        } catch let e as FileIOError { throw StoreError.file(e) }
    }

    /// The kept bytes of a version, or nil when it is not kept (or `sha256` is not a hash).
    public func bytes(_ sha256: String) throws -> [UInt8]? {
        guard ResponseRecord.isHexDigest(sha256) else { return nil }
        do {
            guard FileIO.permissions(at: url.path) != nil else { return nil }
            let folder = try Folder.open(url, role: "the instrument versions folder")
            guard let file = try folder.openForReading(Self.name(sha256), role: "an instrument version") else { return nil }
            var out: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let n = try chunk.withUnsafeMutableBytes { try file.read(into: $0) }
                if n == 0 { break }
                out += chunk[0..<n]
            }
            return out
        } catch let e as FileIOError { throw StoreError.file(e) }
    }

    /// A kept version loaded as an instrument, or why not: missing, changed since it was kept
    /// (its bytes no longer hash to its name), or no longer a valid instrument.
    public func load(_ sha256: String) throws -> Result<Instrument, VersionProblem> {
        guard let b = try bytes(sha256) else { return .failure(.missing) }
        guard ContentHash.sha256Hex(b) == sha256 else { return .failure(.altered) }
        do { return .success(try InstrumentLoader.load(data: Data(b), displayPath: "data/instruments/" + Self.name(sha256))) } catch let e as LoadError {
            return .failure(.invalid(e.problems.first?.description ?? "not a valid instrument"))
        }
    }

    /// Why a kept version cannot be read.
    public enum VersionProblem: Error, Equatable, Sendable {
        case missing, altered
        case invalid(String)

        public var message: String {
            switch self {
            case .missing: return "not kept under data/instruments/ (recorded before Waves kept instrument versions)"
            case .altered: return "its kept file was changed (its bytes no longer match its hash)"
            case .invalid(let m): return "its kept file does not load: \(m)"
            }
        }
    }
}

extension ResponseStore {
    /// Appends records after keeping the instrument version each was made with
    /// (`InstrumentArchive`), so a stored record never names a version that is not kept.
    public func append(_ records: [ResponseRecord], instruments: [Instrument]) throws {
        let used = Set(records.map(\.instrument.sha256))
        let archive = InstrumentArchive(store: self)
        var kept = Set<String>()
        for i in instruments where used.contains(i.sha256) && kept.insert(i.sha256).inserted { try archive.keep(i) }
        try append(records)
    }
}
