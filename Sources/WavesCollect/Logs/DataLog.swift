import Foundation
import WavesCore
import WavesStore

/// A JSON Lines log under `data/` (`consent.jsonl`, `invitations.jsonl`): JSON objects
/// appended through the store's one append primitive (`AppendLog`: locked, no symbolic
/// links, 0600 in a 0700 folder, a torn last line closed first, one write, `fsync`), and
/// read back whole lines only. Nothing rewrites or deletes a line.
public struct DataLog: Sendable {
    public let log: AppendLog
    public var url: URL { log.url }

    public init(url: URL, role: String = "the log") { log = AppendLog(url: url, role: role) }

    /// Appends JSON objects, one line each, all in one write: every line lands or none does.
    public func append(_ objects: [JSONValue]) throws {
        guard !objects.isEmpty else { return }
        var text = ""
        for o in objects { text += JSONWriter.string(o); text += "\n" }
        try log.append(Array(text.utf8))
    }

    /// Every complete line parsed as a JSON object, with its line number; a missing file has none.
    ///
    /// A torn last line (no line end) is skipped; any other line that is not a JSON object
    /// is an error naming the line, because these logs decide who may be surveyed.
    public func read() throws -> [(line: Int, object: JSONObject)] {
        guard let file = try log.openForReading() else { return [] }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = try chunk.withUnsafeMutableBytes { try file.read(into: $0) }
            if n <= 0 { break }
            bytes += chunk[0..<n]
        }
        var out: [(line: Int, object: JSONObject)] = []
        var start = 0, lineNo = 0
        while start < bytes.count {
            lineNo += 1
            guard let nl = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) else { break }  // torn last line
            let slice = bytes[start..<nl]
            start = nl + 1
            if slice.allSatisfy({ $0 == 32 || $0 == 9 || $0 == 13 }) { continue }
            let value: JSONValue
            do { value = try slice.withUnsafeBytes { try JSONParser.parse($0) } } catch {
                throw CollectError.logLine(path: url.path, line: lineNo, reason: "not valid JSON (\(error.localizedDescription))")
            }
            guard case .object(let o) = value else {
                throw CollectError.logLine(path: url.path, line: lineNo, reason: "not a JSON object")
            }
            out.append((lineNo, o))
        }
        return out
    }
}

/// The study's `data/` folder (and folders in it): opened without following a link,
/// created owner-only (0700) when missing, through `Folder`.
enum DataFolder {
    static func ensure(_ dir: URL) throws {
        _ = try Folder.open(dir, create: 0o700, role: "the data folder")
    }
}
